package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"gapmap/app/apperr"
	"gapmap/app/jobs"
	"gapmap/app/store"
	"gapmap/models"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
	keyCSRF
	keyAccess
	keySession // the session cookie value after this request, when it started or ended a session
)

const (
	sessionCookie = "gapmap_session"
	csrfCookie    = "gapmap_csrf"
	csrfField     = "_csrf"
	csrfHeader    = "X-Csrf-Token"

	sessUser  = "uid"
	sessOrg   = "oid"
	sessLogin = "iat"
	sessSeen  = "seen"
)

// contentSecurityPolicy allows only this origin: no inline script, no
// inline style sheets, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) requestID(c *fiber.Ctx) error {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Locals(keyRequestID, id)
	c.Set("X-Request-Id", id)
	return c.Next()
}

func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(keyRequestID).(string)
	return id
}

// logRequests writes one line per request. It logs the route pattern, not
// the path, so survey and invitation tokens never reach the log.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	attrs := []any{
		"id", requestIDOf(c), "method", c.Method(), "route", c.Route().Path,
		"status", status, "duration_ms", float64(time.Since(start).Microseconds()) / 1000, "ip", c.IP(),
	}
	if p := principalOf(c); p != nil {
		attrs = append(attrs, "org", p.OrgID, "user", p.UserID)
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.UserContext(), level, "request", attrs...)
	return nil
}

// securityHeaders sets the security headers of every response. HSTS goes
// out whenever the public URL is https: gapmap sits behind a TLS-terminating
// proxy then, so the request itself looks like plain http and helmet alone
// would never send it.
func (s *Server) securityHeaders() fiber.Handler {
	h := helmet.New(helmet.Config{
		ContentSecurityPolicy:     contentSecurityPolicy,
		ReferrerPolicy:            "same-origin",
		XFrameOptions:             "DENY",
		CrossOriginEmbedderPolicy: "unsafe-none",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=(), payment=()",
	})
	if !s.cfg.Secure() {
		return h
	}
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=63072000; includeSubDomains")
		return h(c)
	}
}

func (s *Server) recoverer() fiber.Handler {
	return recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.log.Error("panic", "id", requestIDOf(c), "route", c.Route().Path, "panic", e)
	}})
}

// rateLimit limits requests per client IP. With failed set it counts only
// the requests that failed (failed logins, unknown tokens): those whose
// status failed accepts, including requests ending in an error not yet
// turned into a response (fiber's limiter would see such a request as a
// success); skip exempts requests the limit is not about.
func (s *Server) rateLimit(max int, window time.Duration, failed func(status int) bool, skip func(*fiber.Ctx) bool) fiber.Handler {
	limited := func() error {
		return apperr.Errorf(apperr.ERateLimited, "Too many attempts. Wait a minute and try again.")
	}
	if failed != nil {
		failures := newMissLimiter(max, window)
		return func(c *fiber.Ctx) error {
			if skip != nil && skip(c) {
				return c.Next()
			}
			ip := c.IP()
			if failures.blocked(ip, time.Now()) {
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(window.Seconds())))
				return limited()
			}
			err := c.Next()
			status := c.Response().StatusCode()
			if err != nil {
				status = statusOf(appErrorOf(err).Code)
			}
			if failed(status) {
				failures.miss(ip, time.Now())
			}
			return err
		}
	}
	return limiter.New(limiter.Config{
		Next:         skip,
		Max:          max,
		Expiration:   window,
		KeyGenerator: func(c *fiber.Ctx) string { return c.IP() },
		LimitReached: func(c *fiber.Ctx) error { return limited() },
	})
}

func bearerToken(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate resolves who makes the request: a bearer token, or else the
// session cookie. Either may be absent; the route decides whether that is ok.
func (s *Server) authenticate(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Path(), "/static/") {
		return c.Next()
	}
	withActor(c, nil)
	if tok := bearerToken(c); tok != "" {
		p, err := s.store.PrincipalByToken(c.UserContext(), tok)
		if err != nil {
			return err
		}
		if !scopeAllows(p, c) {
			return apperr.Errorf(apperr.EForbidden, "This token's scopes (%s) do not allow this request.", p.Scopes)
		}
		c.Locals(keyPrincipal, p)
		withActor(c, p)
		return c.Next()
	}
	if c.Cookies(sessionCookie) == "" {
		return c.Next()
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	uid, _ := sess.Get(sessUser).(int64)
	oid, _ := sess.Get(sessOrg).(int64)
	iat, _ := sess.Get(sessLogin).(int64)
	if uid == 0 {
		return c.Next()
	}
	if time.Since(time.Unix(iat, 0)) > s.cfg.SessionMax {
		_ = sess.Destroy()
		c.Locals(keySession, "")
		return c.Next()
	}
	p, err := s.store.Principal(c.UserContext(), uid, oid)
	if apperr.Code(err) == apperr.ENotFound {
		p, err = s.fallbackOrg(c, uid)
	}
	if err != nil {
		return err
	}
	if p == nil || iat <= p.SessionsAfter { // gone, or logged in before a password reset
		_ = sess.Destroy()
		c.Locals(keySession, "")
		return c.Next()
	}
	c.Locals(keyPrincipal, p)
	withActor(c, p)
	seen, _ := sess.Get(sessSeen).(int64)
	if p.OrgID != oid || time.Since(time.Unix(seen, 0)) > time.Minute {
		sess.Set(sessOrg, p.OrgID)
		sess.Set(sessSeen, time.Now().Unix())
		if err := sess.Save(); err != nil {
			return err
		}
	}
	return c.Next()
}

// fallbackOrg picks another organization of the user when the session's one
// is gone (they were removed from it); nil when they belong to none.
func (s *Server) fallbackOrg(c *fiber.Ctx, uid int64) (*store.Principal, error) {
	ms, err := s.store.Memberships(c.UserContext(), uid)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	if ms, err = s.passwordOrgs(c, ms); apperr.Code(err) == apperr.EForbidden {
		return nil, nil // only organizations that sign in with SSO are left
	} else if err != nil {
		return nil, err
	}
	return s.store.Principal(c.UserContext(), uid, ms[0].OrgID)
}

func principalOf(c *fiber.Ctx) *store.Principal {
	p, _ := c.Locals(keyPrincipal).(*store.Principal)
	return p
}

// apiAuth requires an authenticated caller with at least role min (JSON API).
func apiAuth(min models.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principalOf(c)
		if p == nil {
			return apperr.Errorf(apperr.EUnauthorized, "Authentication required: send Authorization: Bearer <token>.")
		}
		if !p.Role.AtLeast(min) {
			return apperr.Errorf(apperr.EForbidden, "This needs the %s role or higher.", min)
		}
		return c.Next()
	}
}

// pageAuth requires a logged-in user with at least role min, and sends
// anonymous visitors to the login page.
func pageAuth(min models.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principalOf(c)
		if p == nil {
			return c.Redirect("/login?next="+url.QueryEscape(safeNext(c.OriginalURL())), fiber.StatusSeeOther)
		}
		if !p.Role.AtLeast(min) {
			return apperr.Errorf(apperr.EForbidden, "This page needs the %s role or higher.", min)
		}
		return c.Next()
	}
}

// safeNext keeps only local paths for post-login redirects.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

// initCSRF loads the secret that signs CSRF tokens, shared by every
// instance through the database.
func (s *Server) initCSRF() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key, err := s.store.Secret(ctx, "csrf")
	if err != nil {
		return fmt.Errorf("csrf secret: %w", err)
	}
	s.csrf = &csrfGuard{key: key, maxAge: s.cfg.SessionMax, secure: s.cfg.Secure(), now: time.Now}
	return nil
}

// purge is a periodic clean-up job: run deletes what is due and returns how
// many rows went; schedule enqueues the next run at a time (coalesced per
// slot by the store, so several instances store one job).
type purge struct {
	kind     string
	what     string // for the log: "expired sessions"
	every    time.Duration
	schedule func(ctx context.Context, at time.Time) error
	run      func(ctx context.Context) (int64, error)
}

// purges are the server's clean-up jobs: expired sessions, and audit
// entries older than the retention.
func (s *Server) purges() []purge {
	return []purge{
		{kind: store.KVPurgeKind, what: "expired sessions", every: store.KVPurgeEvery, schedule: s.store.ScheduleKVPurge, run: s.store.DeleteExpiredKV},
		{kind: store.AuditPurgeKind, what: "old audit entries", every: store.AuditPurgeEvery, schedule: s.store.ScheduleAuditPurge, run: s.purgeAudit},
	}
}

// registerPurges registers each clean-up job; a run schedules the next one
// a slot later.
func (s *Server) registerPurges() {
	for _, p := range s.purges() {
		s.jobs.Register(jobs.Kind{
			Name: p.kind,
			Handle: func(ctx context.Context, _ []byte) error {
				n, err := p.run(ctx)
				if err != nil {
					return err
				}
				if n > 0 {
					s.log.Info(p.what+" purged", "rows", n)
				}
				return p.schedule(ctx, time.Now().UTC().Truncate(p.every).Add(p.every))
			},
		})
	}
}

// schedulePurges starts the schedules: a run of each now, which schedules
// the next.
func (s *Server) schedulePurges() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, p := range s.purges() {
		if err := p.schedule(ctx, time.Now()); err != nil {
			s.log.Error("schedule "+p.kind, "err", err)
		}
	}
}
