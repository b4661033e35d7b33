package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"gapmap/app/config"
	"gapmap/app/jobs"
	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/app/web"
	"gapmap/questionnaires"
)

func runServe(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("serve", "Start the gapmap web server: open the database, apply migrations, and serve until SIGINT or SIGTERM.", e)
	cfg := config.Flags(fs, e.getenv)
	fs.BoolVar(&cfg.Demo, "demo", false, "create the demo organization (unless it exists) before serving, and print how to log in")
	jobOpts, err := jobFlags(fs, e.getenv)
	if err != nil {
		return err
	}
	if err := openJoinFlag(fs, e.getenv, &cfg.Limits.OpenJoins); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	logger := newLogger(e, cfg.LogLevel)
	slog.SetDefault(logger)

	release, err := holdDatabase(cfg.Database)
	if err != nil {
		return err
	}
	defer release()
	st, err := openStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer st.Close()
	shipped, err := questionnaires.Shipped()
	if err != nil {
		return fmt.Errorf("load questionnaires: %w", err)
	}
	if cfg.Demo {
		if err := seedDemo(ctx, st, cfg.BaseURL, e.stdout); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
	}
	jobOpts.Log = logger
	runner := jobs.New(st, *jobOpts)
	m, stopMetrics, err := startMetrics(cfg.MetricsAddr, st, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()
	if err := web.RegisterWork(runner, st, *cfg, m, logger); err != nil {
		return err
	}
	if n, err := results.MarkOutdated(ctx, st); err != nil {
		return err
	} else if n > 0 {
		logger.Info("results computed under another scoring version will be recomputed", "rounds", n, "scoring_version", scoring.Version)
	}
	srv, err := web.New(web.Deps{Store: st, Config: *cfg, Logger: logger, Questionnaires: shipped, Jobs: runner, Metrics: m})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	logger.Info("gapmap listening", "url", cfg.BaseURL, "addr", ln.Addr().String(), "database", cfg.Redacted(), "version", version)
	fmt.Fprintf(e.stdout, "gapmap is ready: %s\n", cfg.BaseURL)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// jobFlags registers the flags of the job runner, with GAPMAP_* environment
// defaults.
// openJoinFlag registers --open-join-limit (GAPMAP_OPEN_JOIN_LIMIT): the
// responses one client IP may start through one open link per hour.
func openJoinFlag(fs *flag.FlagSet, getenv func(string) string, limit *int) error {
	if v := getenv("GAPMAP_OPEN_JOIN_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("invalid GAPMAP_OPEN_JOIN_LIMIT: %q is not a positive number", v)
		}
		*limit = n
	}
	fs.Func("open-join-limit", fmt.Sprintf("responses one client IP may start through one open link per hour (GAPMAP_OPEN_JOIN_LIMIT; default %d)", *limit), func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not a positive number", v)
		}
		*limit = n
		return nil
	})
	return nil
}

func jobFlags(fs *flag.FlagSet, getenv func(string) string) (*jobs.Options, error) {
	o := &jobs.Options{Workers: 2, Poll: time.Second, Lease: 5 * time.Minute}
	durations := []struct {
		name, env, usage string
		d                *time.Duration
	}{
		{"jobs-poll", "GAPMAP_JOBS_POLL", "how often idle job workers look for work of other processes or scheduled work", &o.Poll},
		{"jobs-lease", "GAPMAP_JOBS_LEASE", "how long a job may run before another worker takes it again", &o.Lease},
		{"jobs-delay", "GAPMAP_JOBS_DELAY", "wait this long before running each job (for crash-recovery tests; keep 0)", &o.Delay},
	}
	for _, f := range durations {
		if v := getenv(f.env); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return nil, fmt.Errorf("invalid %s: %w", f.env, err)
			}
			*f.d = d
		}
		fs.DurationVar(f.d, f.name, *f.d, f.usage+" ("+f.env+")")
	}
	if v := getenv("GAPMAP_JOBS_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("invalid GAPMAP_JOBS_WORKERS: %q is not a positive number", v)
		}
		o.Workers = n
	}
	fs.IntVar(&o.Workers, "jobs-workers", o.Workers, "job workers in this process (GAPMAP_JOBS_WORKERS)")
	return o, nil
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	st.Log = slog.Default()
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// parseAndOpen parses a sub-command's flags, then opens and migrates the
// database that its --db flag names.
func parseAndOpen(ctx context.Context, fs *flag.FlagSet, args []string, db *string) (*store.Store, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return openStore(ctx, *db)
}

func newLogger(e env, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	w := e.stderr
	if w == nil {
		w = os.Stderr
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
