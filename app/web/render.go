package web

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/questionnaires"
)

const flashCookie = "gapmap_flash"

// chrome holds what the layouts and partials of every page read: the
// principal, their organizations, the CSRF token, the flash and the title.
// Typed page views embed it; render copies it into a fiber.Map.
type chrome struct {
	Principal *store.Principal
	Orgs      []store.Membership
	CSRF      csrfValue // issues the token when a form writes it
	CSRFField string
	FlashKind string
	Flash     string
	Error     string
	Errors    map[string]string
	Title     string
	Path      string
}

func (ch *chrome) pageChrome() *chrome { return ch }

// viewModel is a typed page model: a struct that embeds chrome.
type viewModel interface{ pageChrome() *chrome }

// fillChrome sets the common fields, keeping a title already set; it lists
// the principal's organizations only when withOrgs.
func (s *Server) fillChrome(c *fiber.Ctx, ch *chrome, withOrgs bool) {
	ch.Principal = principalOf(c)
	ch.CSRF, ch.CSRFField = csrfValue{s: s, c: c}, csrfField
	if ch.Principal != nil && withOrgs {
		if ms, err := s.store.Memberships(c.UserContext(), ch.Principal.UserID); err == nil {
			ch.Orgs = ms
		}
	}
	if kind, msg, ok := takeFlash(c); ok {
		ch.FlashKind, ch.Flash = kind, msg
	}
	if ch.Errors == nil {
		ch.Errors = map[string]string{}
	}
	if ch.Title == "" {
		ch.Title = "gapmap"
	}
	ch.Path = c.Path()
}

// renderView writes a typed page view inside layout.
func (s *Server) renderView(c *fiber.Ctx, name, layout string, v viewModel) error {
	s.fillChrome(c, v.pageChrome(), true)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Render(name, v, layout)
}

// render writes a page inside the base layout, adding the keys every page
// uses: the principal, their organizations, the CSRF token and the flash.
func (s *Server) render(c *fiber.Ctx, name string, data fiber.Map) error {
	if data == nil {
		data = fiber.Map{}
	}
	layout := s.pageData(c, data)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Render(name, data, layout)
}

// pageData adds the keys every page uses to data and returns its layout.
func (s *Server) pageData(c *fiber.Ctx, data fiber.Map) (layout string) {
	var ch chrome
	s.fillChrome(c, &ch, data["Orgs"] == nil)
	data["Principal"] = ch.Principal
	data["CSRF"] = ch.CSRF
	data["CSRFField"] = ch.CSRFField
	if ch.Orgs != nil {
		data["Orgs"] = ch.Orgs
	}
	if ch.Flash != "" {
		data["FlashKind"], data["Flash"] = ch.FlashKind, ch.Flash
	}
	if _, ok := data["Errors"]; !ok {
		data["Errors"] = ch.Errors
	}
	if _, ok := data["Title"]; !ok {
		data["Title"] = ch.Title
	}
	data["Path"] = ch.Path
	layout = "layouts/base"
	if l, ok := data["Layout"].(string); ok {
		layout = l
	}
	return layout
}

// formError re-renders a form page with the error next to its field.
func (s *Server) formError(c *fiber.Ctx, name string, data fiber.Map, err error) error {
	return s.withFormError(c, err, func(errs fiber.Map) error {
		if data == nil {
			data = fiber.Map{}
		}
		for k, v := range errs {
			data[k] = v
		}
		return s.render(c, name, data)
	})
}

// flash stores a one-time message shown on the next page.
func (s *Server) flash(c *fiber.Ctx, kind, msg string) {
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(kind + "|" + msg)),
		Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: s.cfg.Secure(),
		Expires: time.Now().Add(time.Minute),
	})
}

func takeFlash(c *fiber.Ctx) (kind, msg string, ok bool) {
	v := c.Cookies(flashCookie)
	if v == "" {
		return "", "", false
	}
	clearFlash(c)
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return "", "", false
	}
	kind, msg, ok = strings.Cut(string(raw), "|")
	if kind != "success" && kind != "error" && kind != "info" {
		return "", "", false
	}
	return kind, msg, ok
}

// clearFlash deletes the flash cookie where it was set, at path "/".
// Fiber's ClearCookie sends no path, so the browser would delete a cookie of
// the request's directory instead and show the message again on the next
// page.
func clearFlash(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Unix(0, 0), MaxAge: -1})
}

// redirectFlash flashes a message and redirects with 303 See Other.
func (s *Server) redirectFlash(c *fiber.Ctx, to, kind, msg string) error {
	s.flash(c, kind, msg)
	return c.Redirect(to, fiber.StatusSeeOther)
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"date": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				if v.IsZero() {
					return ""
				}
				return v.UTC().Format("2006-01-02")
			case *time.Time:
				if v == nil {
					return ""
				}
				return v.UTC().Format("2006-01-02")
			}
			return ""
		},
		"datetime": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return v.UTC().Format("2006-01-02 15:04 UTC")
			case *time.Time:
				if v == nil {
					return ""
				}
				return v.UTC().Format("2006-01-02 15:04 UTC")
			}
			return ""
		},
		// localtime writes a time as <time datetime data-local> in UTC,
		// which static/js/localtime.js shows in the reader's time zone.
		"localtime": func(t any) template.HTML {
			var v time.Time
			switch x := t.(type) {
			case time.Time:
				v = x
			case *time.Time:
				if x == nil {
					return ""
				}
				v = *x
			default:
				return ""
			}
			v = v.UTC()
			return template.HTML(`<time datetime="` + v.Format(time.RFC3339) + `" data-local>` + v.Format("2006-01-02 15:04 UTC") + `</time>`)
		},
		"pct": func(v any) string {
			switch f := v.(type) {
			case *float64:
				if f == nil {
					return "—"
				}
				return fmt.Sprintf("%.1f%%", *f)
			case float64:
				return fmt.Sprintf("%.1f%%", f)
			}
			return "—"
		},
		"num": func(v any) string {
			switch f := v.(type) {
			case *float64:
				if f == nil {
					return "—"
				}
				return trimFloat(*f)
			case float64:
				return trimFloat(f)
			case *int:
				if f == nil {
					return "—"
				}
				return fmt.Sprint(*f)
			case int:
				return fmt.Sprint(f)
			}
			return "—"
		},
		"deref": func(v *int) int {
			if v == nil {
				return 0
			}
			return *v
		},
		"deref2": func(v *bool) bool { return v != nil && *v },
		"add":    func(a, b int) int { return a + b },
		"json":   func(v any) template.JS { return template.JS(mustJSON(v)) },
		"eq64":   func(a, b int64) bool { return a == b },
		"contains": func(list []int64, v int64) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
		// levelClass is the colour class of a level of a 1..n scale, the
		// palette of the charts and the workbook.
		"levelClass": func(level *int, n int) string { return questionnaires.LevelClass(level, n) },
	}
}

func trimFloat(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// mustJSON encodes v as JSON with <, > and & escaped, safe inside a
// <script type="application/json"> element.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// withFormError re-renders a page through rerender with the field error of
// err; errors that are not about the input pass through.
func (s *Server) withFormError(c *fiber.Ctx, err error, rerender func(fiber.Map) error) error {
	ae, ok := apperr.As(err)
	if !ok || ae.Code == apperr.EInternal || ae.Code == apperr.ENotFound {
		return err
	}
	c.Status(statusOf(ae.Code))
	return rerender(fiber.Map{"Errors": map[string]string{ae.Field: ae.Message}, "Error": ae.Message})
}
