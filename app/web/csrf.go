package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
)

// csrfGuard issues and checks CSRF tokens that the server keeps no record
// of: a signed double-submit cookie. A token is a random nonce and its issue
// time, signed with HMAC-SHA256 under a secret shared by every instance
// (store.Secret) and bound to the session cookie the browser holds (none
// for anonymous visitors). A state-changing request must send the token of
// its cookie back in the form field or header, and the token must verify
// for the session cookie sent with it.
//
// Fiber v2.52.15's csrf middleware is not used: it records every token it
// issues, in the Storage given or else in an in-process map
// (middleware/csrf/storage_manager.go), so each cookieless visitor cost a
// database write (or memory that grows per visitor and is not shared by
// several instances), and it sets a cookie on every GET.
type csrfGuard struct {
	key    []byte
	maxAge time.Duration
	secure bool
	now    func() time.Time
}

const csrfNonce = 16

// sign returns the MAC of a token body for the given session cookie.
func (g *csrfGuard) sign(body []byte, session string) []byte {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte("gapmap csrf\x00"))
	m.Write([]byte(session))
	m.Write([]byte{0})
	m.Write(body)
	return m.Sum(nil)
}

// issue makes a new token for the session cookie.
func (g *csrfGuard) issue(session string) string {
	body := make([]byte, csrfNonce+8)
	_, _ = rand.Read(body[:csrfNonce])
	binary.BigEndian.PutUint64(body[csrfNonce:], uint64(g.now().Unix()))
	enc := base64.RawURLEncoding
	return enc.EncodeToString(body) + "." + enc.EncodeToString(g.sign(body, session))
}

// age verifies tok for the session cookie and returns how old it is; ok is
// false for a forged, foreign or expired token.
func (g *csrfGuard) age(tok, session string) (time.Duration, bool) {
	b, m, found := strings.Cut(tok, ".")
	if !found || len(tok) > 128 {
		return 0, false
	}
	enc := base64.RawURLEncoding
	body, err1 := enc.DecodeString(b)
	mac, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil || len(body) != csrfNonce+8 || !hmac.Equal(mac, g.sign(body, session)) {
		return 0, false
	}
	age := g.now().Sub(time.Unix(int64(binary.BigEndian.Uint64(body[csrfNonce:])), 0))
	if age < -time.Minute || age > g.maxAge {
		return 0, false
	}
	return age, true
}

// csrfProtect checks the token of every state-changing request: the form
// field _csrf or the X-Csrf-Token header must equal the CSRF cookie and
// verify for the session cookie sent. Requests authenticated by a bearer
// token, API requests without a session cookie (they are anonymous: the
// route answers 401), the token-in-path survey API and unsubscribe links
// (one-click POSTs from mail clients, RFC 8058) carry no ambient
// credentials and are exempt. Reads pass untouched: they get no token here
// (see csrfToken).
func (s *Server) csrfProtect() fiber.Handler {
	refused := func() error {
		return apperr.Errorf(apperr.EForbidden, "The form expired or did not come from gapmap. Reload the page and try again.")
	}
	return func(c *fiber.Ctx) error {
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
			return c.Next()
		}
		path := c.Path()
		api := strings.HasPrefix(path, "/api/")
		if bearerToken(c) != "" || (api && c.Cookies(sessionCookie) == "") ||
			strings.HasPrefix(path, "/api/v1/survey/") || strings.HasPrefix(path, "/static/") ||
			strings.HasPrefix(path, "/unsubscribe/") {
			return c.Next()
		}
		if c.Protocol() == "https" && !sameOriginReferer(c) {
			return refused()
		}
		sent := c.Get(csrfHeader)
		if sent == "" {
			sent = c.FormValue(csrfField)
		}
		cookie := c.Cookies(csrfCookie)
		if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(cookie)) != 1 {
			return refused()
		}
		if _, ok := s.csrf.age(sent, c.Cookies(sessionCookie)); !ok {
			return refused()
		}
		c.Locals(keyCSRF, strings.Clone(sent))
		return c.Next()
	}
}

// sameOriginReferer reports whether an https request's Referer names this
// host (as fiber's csrf middleware requires).
func sameOriginReferer(c *fiber.Ctx) bool {
	ref, err := url.Parse(strings.ToLower(c.Get(fiber.HeaderReferer)))
	return err == nil && ref.Scheme == c.Protocol() && ref.Host == c.Hostname()
}

// csrfToken returns the request's CSRF token for a form, issuing one (and
// its cookie) when the browser holds none that verifies for its session or
// the one it holds is past half its life. Only pages that write a form call
// it (through csrfValue), so reading any other page sets no cookie.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if t, ok := c.Locals(keyCSRF).(string); ok && t != "" {
		return t
	}
	session := sessionBinding(c)
	tok := c.Cookies(csrfCookie)
	if age, ok := s.csrf.age(tok, session); !ok || age > s.csrf.maxAge/2 {
		tok = s.newCSRFCookie(c, session)
	} else {
		tok = strings.Clone(tok)
	}
	c.Locals(keyCSRF, tok)
	return tok
}

// sessionBinding is the session cookie the browser holds after this
// response: the one it sent, unless the request started or ended a session.
func sessionBinding(c *fiber.Ctx) string {
	if v, ok := c.Locals(keySession).(string); ok {
		return v
	}
	return c.Cookies(sessionCookie)
}

// rebindCSRF records that the request leaves the browser with session
// cookie session ("" when it ended one) and, when a token was bound to
// another, issues the browser a token for the new one.
func (s *Server) rebindCSRF(c *fiber.Ctx, session string) {
	c.Locals(keySession, session)
	c.Locals(keyCSRF, s.newCSRFCookie(c, session))
}

// newCSRFCookie issues a token for the session cookie and sets it as the
// CSRF cookie.
func (s *Server) newCSRFCookie(c *fiber.Ctx, session string) string {
	tok := s.csrf.issue(session)
	c.Cookie(&fiber.Cookie{
		Name: csrfCookie, Value: tok, Path: "/", HTTPOnly: true, Secure: s.csrf.secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: s.csrf.now().Add(s.csrf.maxAge),
	})
	c.Vary(fiber.HeaderCookie)
	return tok
}

// csrfValue is the CSRF token of a page as its template sees it: the token
// is issued when the template writes it, so that only pages with a form
// carry one (html/template prints it through its String method).
type csrfValue struct {
	s      *Server
	c      *fiber.Ctx
	marker string // printed instead of a token in pages rendered for the page cache
}

func (v csrfValue) String() string {
	if v.marker != "" {
		return v.marker
	}
	if v.s == nil {
		return ""
	}
	return v.s.csrfToken(v.c)
}
