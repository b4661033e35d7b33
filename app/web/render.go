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
)

const flashCookie = "gapmap_flash"

// render writes a page inside the base layout, adding the keys every page
// uses: the principal, their organizations, the CSRF token and the flash.
func (s *Server) render(c *fiber.Ctx, name string, data fiber.Map) error {
	if data == nil {
		data = fiber.Map{}
	}
	p := principalOf(c)
	data["Principal"] = p
	data["CSRF"] = csrfToken(c)
	data["CSRFField"] = csrfField
	if p != nil && data["Orgs"] == nil {
		if ms, err := s.store.Memberships(c.UserContext(), p.UserID); err == nil {
			data["Orgs"] = ms
		}
	}
	if kind, msg, ok := takeFlash(c); ok {
		data["FlashKind"], data["Flash"] = kind, msg
	}
	if _, ok := data["Errors"]; !ok {
		data["Errors"] = map[string]string{}
	}
	if _, ok := data["Title"]; !ok {
		data["Title"] = "gapmap"
	}
	data["Path"] = c.Path()
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	layout := "layouts/base"
	if l, ok := data["Layout"].(string); ok {
		layout = l
	}
	return c.Render(name, data, layout)
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
	c.ClearCookie(flashCookie)
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
