// Package web is gapmap's HTTP layer: the fiber application, its one route
// table (routes.go), middleware, the mapping of application errors to
// statuses (errors.go), and one file of thin handlers per resource.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gofiber/template/html/v2"

	"gapmap/app/config"
	"gapmap/app/i18n"
	"gapmap/app/jobs"
	"gapmap/app/mail"
	"gapmap/app/metrics"
	"gapmap/app/reminders"
	"gapmap/app/results"
	"gapmap/app/sso"
	"gapmap/app/store"
	"gapmap/app/webhooks"
	"gapmap/questionnaires"
	"gapmap/views"
)

// Deps are what the web layer needs from the rest of the application.
type Deps struct {
	Store          *store.Store
	Config         config.Config
	Logger         *slog.Logger
	Questionnaires []*questionnaires.Questionnaire // the shipped ones
	// Jobs runs work off the request path (results recomputation), with
	// every kind the application needs registered. Nil: New makes one with
	// default options.
	Jobs *jobs.Runner
	// Metrics records requests, saved answers and submissions; nil: none.
	Metrics *metrics.Metrics
}

// Server is the HTTP server of gapmap.
type Server struct {
	app      *fiber.App
	store    *store.Store
	cfg      config.Config
	log      *slog.Logger
	sessions *session.Store
	csrf     *csrfGuard
	charts   *chartCache // built dashboards by snapshot version
	pages    *pageCache  // rendered respondent pages
	bodies   *pageCache  // results JSON and dashboards by snapshot versions
	// dashPages keeps whole dashboard pages, layout included, by viewer
	// and the round's stored state (see dashboardPageKey).
	dashPages *pageCache
	views     *html.Engine
	shipped   []*questionnaires.Questionnaire
	assets    *assetSet     // fingerprinted, precompressed static files
	i18n      *i18n.Catalog // messages of the respondent interface

	encoded      sync.Map     // questionnaire version id -> json.RawMessage of its survey form (versions never change)
	definitions  sync.Map     // questionnaire version id -> *encodedDefinition, the full definition
	layouts      sync.Map     // pinned version ids ",1,2" -> *pageLayout (versions never change)
	surveyMisses *missLimiter // unknown survey tokens per client IP
	openJoins    *missLimiter // responses started per client IP and open link

	metrics     *metrics.Metrics
	jobs        *jobs.Runner
	jobsRunning atomic.Bool   // the worker pool runs (Serve); otherwise requests settle jobs themselves
	stopJobs    func()        // ends the worker pool
	jobsDone    chan struct{} // closed when the worker pool has stopped

	measured  MeasuredFunc // test hook of measuredFor; nil in production
	ssoClient *sso.Client  // sign-ins through organizations' OpenID providers
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
	assets, err := embeddedAssets()
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	engine := html.NewFileSystem(http.FS(sub), ".html")
	engine.AddFuncMap(templateFuncs())
	engine.AddFunc("asset", assets.url)
	cat, err := i18n.New()
	if err != nil {
		return nil, err
	}
	engine.AddFuncMap(i18nFuncs(cat))
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	s := &Server{i18n: cat, store: d.Store, cfg: d.Config, log: d.Logger, shipped: d.Questionnaires, jobs: d.Jobs, assets: assets, metrics: d.Metrics}
	if s.jobs == nil {
		s.jobs = jobs.New(d.Store, jobs.Options{Log: d.Logger})
		if err := RegisterWork(s.jobs, d.Store, d.Config, nil, d.Logger); err != nil {
			return nil, err
		}
	}
	s.registerPurges()
	s.charts = newChartCache(256)
	s.ssoClient = sso.New(nil)
	s.views = engine
	marker := make([]byte, 16)
	if _, err := rand.Read(marker); err != nil {
		return nil, fmt.Errorf("page cache marker: %w", err)
	}
	s.pages = newPageCache(1024, []byte("csrf"+hex.EncodeToString(marker)))
	s.bodies = newPageCache(64, s.pages.marker)
	if _, err := rand.Read(marker); err != nil {
		return nil, fmt.Errorf("page cache marker: %w", err)
	}
	s.dashPages = newPageCache(128, []byte("csrf"+hex.EncodeToString(marker)))
	if _, err := engine.Templates.New(contentTemplate).Parse(string(s.pages.marker)); err != nil {
		return nil, fmt.Errorf("content marker template: %w", err)
	}
	if err := s.initCSRF(); err != nil {
		return nil, err
	}
	s.surveyMisses = newMissLimiter(d.Config.Limits.SurveyMisses, time.Minute)
	s.openJoins = newMissLimiter(d.Config.Limits.OpenJoins, time.Hour)
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
	s.app.Use(s.observeRequests, s.settleJobs)
	s.routes()
	return s, nil
}

// App returns the fiber application (tests drive it with app.Test).
func (s *Server) App() *fiber.App { return s.app }

// RegisterWork registers a gapmap process's background work on r: the
// results recompute (timed by obs when it is set) and, when email is
// configured, the outbox sender; the webhook sender always. It says plainly when email is off.
func RegisterWork(r *jobs.Runner, st *store.Store, cfg config.Config, obs results.Observer, log *slog.Logger) error {
	results.Register(r, st, obs)
	webhooks.Register(r, st, webhooks.Options{AllowPrivate: cfg.WebhookAllowPrivate})
	if !cfg.MailEnabled() {
		log.Info("email is off: set --smtp-url (GAPMAP_SMTP_URL) and --mail-from to send invitations and password resets")
		return nil
	}
	sender, err := mail.NewSender(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return err
	}
	mail.Register(r, st, sender, mail.Options{MaxAge: cfg.MailMaxAge})
	(&reminders.Service{Store: st, BaseURL: cfg.BaseURL, Log: log}).Register(r)
	log.Info("email is on", "smtp", cfg.RedactedSMTP(), "from", cfg.MailFrom, "give_up_after", cfg.MailMaxAge.String())
	return nil
}

// Serve starts the job workers and answers on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if s.jobsRunning.CompareAndSwap(false, true) {
		ctx, cancel := context.WithCancel(context.Background())
		s.stopJobs, s.jobsDone = cancel, make(chan struct{})
		s.schedulePurges()
		s.scheduleReminders()
		go func() {
			defer close(s.jobsDone)
			s.jobs.Run(ctx)
		}()
	}
	return s.app.Listener(ln)
}

// settleJobs runs the due jobs after each request when no worker pool runs
// (a server driven through App, as tests do), so that what a request
// changed is settled when it returns, as the workers would settle it soon
// after. With Serve it does nothing.
func (s *Server) settleJobs(c *fiber.Ctx) error {
	err := c.Next()
	if !s.jobsRunning.Load() {
		if derr := s.jobs.Drain(c.UserContext()); derr != nil {
			s.log.Error("run jobs", "err", derr)
		}
	}
	return err
}

// Shutdown stops accepting connections, waits for requests in flight, then
// stops the job workers (a job cut short runs again later).
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	if deadline, ok := ctx.Deadline(); ok {
		err = s.app.ShutdownWithTimeout(time.Until(deadline))
	} else {
		err = s.app.Shutdown()
	}
	if s.stopJobs != nil {
		s.stopJobs()
		select {
		case <-s.jobsDone:
		case <-ctx.Done():
		}
	}
	return err
}
