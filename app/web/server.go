// Package web is gapmap's HTTP layer: the fiber application, its one route
// table (routes.go), middleware, the mapping of application errors to
// statuses (errors.go), and one file of thin handlers per resource.
package web

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gofiber/template/html/v2"

	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/questionnaires"
	"gapmap/views"
)

// Deps are what the web layer needs from the rest of the application.
type Deps struct {
	Store          *store.Store
	Config         config.Config
	Logger         *slog.Logger
	Questionnaires []*questionnaires.Questionnaire // the shipped ones
}

// Server is the HTTP server of gapmap.
type Server struct {
	app      *fiber.App
	store    *store.Store
	cfg      config.Config
	log      *slog.Logger
	sessions *session.Store
	shipped  []*questionnaires.Questionnaire

	encoded      sync.Map     // questionnaire version id -> json.RawMessage (versions never change)
	surveyMisses *missLimiter // unknown survey tokens per client IP
}

// New builds the fiber application with every middleware and route.
func New(d Deps) (*Server, error) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	sub, err := fs.Sub(views.FS, ".")
	if err != nil {
		return nil, err
	}
	engine := html.NewFileSystem(http.FS(sub), ".html")
	engine.AddFuncMap(templateFuncs())
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	s := &Server{store: d.Store, cfg: d.Config, log: d.Logger, shipped: d.Questionnaires}
	s.surveyMisses = newMissLimiter(d.Config.Limits.SurveyMisses, time.Minute)
	s.sessions = session.New(session.Config{
		Storage:        d.Store.KV("session"),
		Expiration:     d.Config.SessionIdle,
		KeyLookup:      "cookie:" + sessionCookie,
		CookieHTTPOnly: true,
		CookieSameSite: fiber.CookieSameSiteLaxMode,
		CookieSecure:   d.Config.Secure(),
		CookiePath:     "/",
	})
	fc := fiber.Config{
		AppName:                 "gapmap",
		Views:                   engine,
		ErrorHandler:            s.handleError,
		BodyLimit:               d.Config.BodyLimit,
		ReadTimeout:             30 * time.Second,
		WriteTimeout:            60 * time.Second,
		IdleTimeout:             60 * time.Second,
		DisableStartupMessage:   true,
		EnableTrustedProxyCheck: len(d.Config.TrustedProxies) > 0,
		TrustedProxies:          d.Config.TrustedProxies,
	}
	if len(d.Config.TrustedProxies) > 0 {
		fc.ProxyHeader = fiber.HeaderXForwardedFor
	}
	s.app = fiber.New(fc)
	s.routes()
	return s, nil
}

// App returns the fiber application (tests drive it with app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Serve answers on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for requests in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		return s.app.Shutdown()
	}
	return s.app.ShutdownWithTimeout(time.Until(deadline))
}
