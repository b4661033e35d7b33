package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/app/web"
	"gapmap/questionnaires"
)

// running is a server answering on a loopback listener.
type running struct {
	Addr     string
	shutdown func() error
}

// Close stops the server.
func (r *running) Close() error { return r.shutdown() }

// gapmapServer is gapmap as `gapmap serve` runs it on an existing database:
// store.Open and Migrate, the shipped questionnaires, web.New with the same
// Deps, every middleware on. Its log lines go to a file in the temporary
// directory, so each request pays for a formatted line and a write as it
// does when serve logs to stderr.
type gapmapServer struct {
	running
	Store *store.Store
	log   *os.File
}

func startGapmap(ctx context.Context, dir, dbPath string) (*gapmapServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := config.Flags(fs, func(string) string { return "" })
	if err := fs.Parse([]string{"--db", dbPath, "--addr", ln.Addr().String()}); err != nil {
		ln.Close()
		return nil, err
	}
	if err := cfg.Finish(); err != nil {
		ln.Close()
		return nil, err
	}
	cfg.Limits.OpenJoins = 1 << 30 // open_join measures joins, not the per-address limit
	logFile, err := os.Create(filepath.Join(dir, "gapmap.log"))
	if err != nil {
		ln.Close()
		return nil, err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	logger := slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: level}))
	st, err := store.Open(ctx, cfg.Database)
	if err == nil {
		err = st.Migrate(ctx)
	}
	if err != nil {
		ln.Close()
		logFile.Close()
		return nil, err
	}
	shipped, err := questionnaires.Shipped()
	if err != nil {
		return nil, fmt.Errorf("load questionnaires: %w", err)
	}
	srv, err := web.New(web.Deps{Store: st, Config: *cfg, Logger: logger, Questionnaires: shipped})
	if err != nil {
		return nil, err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	g := &gapmapServer{Store: st, log: logFile}
	g.Addr = ln.Addr().String()
	g.shutdown = func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := srv.Shutdown(sctx)
		<-errc
		st.Close()
		logFile.Close()
		return err
	}
	return g, nil
}

// Baseline servers: bare Fiber handlers with the settings gapmap gives
// Fiber, and GORM on an SQLite file with gapmap's DSN pragmas, GORM
// configuration and pool size. They are built here from fiber and gorm
// directly (and not through app/web and app/store) because they stand for
// the raw limits of those libraries.

// baselineRow is the one table the baseline servers write and read.
type baselineRow struct {
	ID        int64 `gorm:"primaryKey"`
	K         string
	V         int
	CreatedAt time.Time
}

// baselineRows is the number of rows pk_read picks from.
const baselineRows = 10000

// baselines holds the three baseline servers and their database.
type baselines struct {
	Plain, Insert, PKRead running
	db                    *gorm.DB
}

func openBaselineDB(path string) (*gorm.DB, error) {
	db, err := gorm.Open(sqlite.Open(store.SQLiteDSN(path)), store.GormConfig())
	if err != nil {
		return nil, fmt.Errorf("open baseline database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(8) // as store.Open does for SQLite
	sqlDB.SetMaxIdleConns(8)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

func startBaselines(dir string) (*baselines, error) {
	db, err := openBaselineDB(filepath.Join(dir, "baseline.db"))
	if err != nil {
		return nil, err
	}
	if err := db.Exec(`CREATE TABLE baseline_rows (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v INTEGER NOT NULL, created_at DATETIME NOT NULL)`).Error; err != nil {
		return nil, fmt.Errorf("create baseline table: %w", err)
	}
	rows := make([]baselineRow, baselineRows)
	t := time.Now().UTC()
	for i := range rows {
		rows[i] = baselineRow{K: "row-" + strconv.Itoa(i), V: i, CreatedAt: t}
	}
	if err := db.CreateInBatches(&rows, 1000).Error; err != nil {
		return nil, fmt.Errorf("fill baseline table: %w", err)
	}
	b := &baselines{db: db}
	if b.Plain, err = serveFiber(func(app *fiber.App) {
		app.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
	}); err != nil {
		return nil, err
	}
	if b.Insert, err = serveFiber(func(app *fiber.App) {
		app.Put("/insert", func(c *fiber.Ctx) error {
			row := baselineRow{K: "put", V: len(c.Body()), CreatedAt: time.Now().UTC()}
			if err := db.WithContext(c.UserContext()).Create(&row).Error; err != nil {
				return err
			}
			return c.JSON(fiber.Map{"id": row.ID})
		})
	}); err != nil {
		return nil, err
	}
	if b.PKRead, err = serveFiber(func(app *fiber.App) {
		app.Get("/rows/:id", func(c *fiber.Ctx) error {
			id, err := strconv.ParseInt(c.Params("id"), 10, 64)
			if err != nil {
				return fiber.ErrBadRequest
			}
			var row baselineRow
			if err := db.WithContext(c.UserContext()).Take(&row, id).Error; err != nil {
				return err
			}
			return c.JSON(row)
		})
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// Close stops the baseline servers and closes their database.
func (b *baselines) Close() {
	for _, r := range []running{b.Plain, b.Insert, b.PKRead} {
		if r.shutdown != nil {
			_ = r.Close()
		}
	}
	if sqlDB, err := b.db.DB(); err == nil {
		sqlDB.Close()
	}
}

// serveFiber starts a Fiber app with gapmap's server settings on loopback.
func serveFiber(routes func(*fiber.App)) (running, error) {
	app := fiber.New(fiber.Config{
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           60 * time.Second,
		DisableStartupMessage: true,
	})
	routes(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return running{}, fmt.Errorf("listen: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	return running{Addr: ln.Addr().String(), shutdown: func() error {
		err := app.ShutdownWithTimeout(10 * time.Second)
		<-errc
		return err
	}}, nil
}

// login logs in through gapmap's own pages, as a browser does: GET /login
// for the CSRF cookie, then POST /login with the token. It returns the
// Cookie header that later requests send.
func login(addr string) (string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return "", err
	}
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + addr
	resp, err := client.Get(base + "/login")
	if err != nil {
		return "", fmt.Errorf("open login page: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	u, _ := url.Parse(base + "/")
	var csrf string
	for _, c := range jar.Cookies(u) {
		if c.Name == "gapmap_csrf" {
			csrf = c.Value
		}
	}
	if csrf == "" {
		return "", fmt.Errorf("login page set no CSRF cookie (status %d)", resp.StatusCode)
	}
	form := url.Values{"email": {benchEmail}, "password": {benchPassword}, "_csrf": {csrf}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Csrf-Token", csrf)
	resp, err = client.Do(req)
	if err != nil {
		return "", fmt.Errorf("log in: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("log in: status %d: %s", resp.StatusCode, body)
	}
	var parts []string
	for _, c := range jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; "), nil
}

// pick returns a random element.
func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }
