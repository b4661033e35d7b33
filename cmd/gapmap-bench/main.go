// Command gapmap-bench measures gapmap against the raw limits of its own
// stack, in the same run on the same machine: it seeds a fresh SQLite
// database through gapmap's store, starts gapmap's real server and bare
// Fiber/GORM baseline servers on loopback, drives each with the same
// closed-loop load generator, times rescoring and the xlsx export against
// their own floors, and prints a table or (--json) one JSON object.
//
//	go run ./cmd/gapmap-bench [--quick] [--json] [--teams N] [--respondents N]
//	    [--connections N] [--duration D] [--warmup D] [--postgres URL --instances N]
//	go run ./cmd/gapmap-bench seed --db PATH [--teams N] [--respondents N]
//	go run ./cmd/gapmap-bench delivery [--quick] [--json] [--deployments N] [--incidents N]
//
// seed only seeds a new database as the benchmark does, for probes from
// outside, and prints the owner's login as its last two lines. delivery
// measures the event API and the DORA metrics (delivery.go).
//
// The baseline servers use fiber and gorm directly, not app/web and
// app/store, because they stand for those libraries' limits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"gapmap/app/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == childServe {
		err := serveChild(ctx, os.Args[2:])
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gapmap-bench serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if len(os.Args) > 1 && strings.HasPrefix(os.Args[1], "__") {
		code := runChildCommand(ctx, os.Args[1], os.Args[2:])
		stop()
		os.Exit(code)
	}
	runFn := run
	if len(os.Args) > 1 && os.Args[1] == "seed" {
		runFn = runSeed
		os.Args = os.Args[1:]
	}
	if len(os.Args) > 1 && os.Args[1] == "delivery" {
		runFn = runDelivery
		os.Args = os.Args[1:]
	}
	if err := runFn(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		stop()
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gapmap-bench:", err)
			os.Exit(1)
		}
	}
}

// options are the command-line settings of one run.
type options struct {
	Quick       bool
	JSON        bool
	Teams       int
	Respondents int
	Connections int
	Duration    time.Duration
	Warmup      time.Duration
	Reps        int
	Keep        bool
	CPUProfile  string
	Postgres    string // a PostgreSQL URL of an empty database, instead of an SQLite file
	Instances   int    // gapmap processes sharing the PostgreSQL database
	Anonymous   bool   // the big rounds are anonymous (min_group 5)
}

func parseOptions(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("gapmap-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gapmap-bench [flags]\n\nMeasure gapmap against bare Fiber/GORM/excelize baselines on loopback.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.BoolVar(&o.Quick, "quick", false, "small run: 100 teams × 3 respondents, 2 s per load run after 0.5 s warm-up (under a minute)")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object instead of a table")
	fs.IntVar(&o.Teams, "teams", 1000, "teams in the big round")
	fs.IntVar(&o.Respondents, "respondents", 5, "respondents per team")
	fs.IntVar(&o.Connections, "connections", 32, "concurrent connections of the load generator")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "timed length of each load run")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "untimed warm-up before each load run")
	fs.IntVar(&o.Reps, "reps", 3, "repetitions of each in-process timing (rescore and its baseline)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary directory (database, log, workbooks)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the whole run (servers included) to this file")
	fs.StringVar(&o.Postgres, "postgres", "", "seed and serve this PostgreSQL database (postgres://…, must be empty) instead of an SQLite file")
	fs.BoolVar(&o.Anonymous, "anonymous", false, "make the big round (and the scaling organizations' big rounds) anonymous, min_group 5")
	fs.IntVar(&o.Instances, "instances", 1, "gapmap processes serving the load together (more than 1 needs --postgres)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.Quick {
		for name, apply := range map[string]func(){
			"teams":       func() { o.Teams = 100 },
			"respondents": func() { o.Respondents = 3 },
			"duration":    func() { o.Duration = 2 * time.Second },
			"warmup":      func() { o.Warmup = 500 * time.Millisecond },
		} {
			if !set[name] {
				apply()
			}
		}
	}
	switch {
	case o.Teams < 1 || o.Respondents < 1:
		return nil, errors.New("--teams and --respondents must be at least 1")
	case o.Connections < 1:
		return nil, errors.New("--connections must be at least 1")
	case o.Duration <= 0 || o.Warmup < 0:
		return nil, errors.New("--duration must be positive and --warmup not negative")
	case o.Reps < 1:
		return nil, errors.New("--reps must be at least 1")
	case o.Instances < 1 || o.Instances > 8:
		return nil, errors.New("--instances must be from 1 to 8")
	case o.Instances > 1 && o.Postgres == "":
		return nil, errors.New("--instances more than 1 needs --postgres: several processes share one PostgreSQL database")
	case o.Postgres != "" && !config.IsPostgres(o.Postgres):
		return nil, errors.New("--postgres takes a postgres:// URL")
	}
	return o, nil
}

// submitRate is the rate of submissions into the big round while another
// organization autosaves (autosave_during_submits), per second.
const submitRate = 5

// submissions is the number of submissions timed in each round by
// submit_small and submit_big.
func (o *options) submissions() int {
	if o.Quick {
		return 15
	}
	return 50
}

// duringSubmissions is the number of fresh responses the big round needs
// for autosave_during_submits: submitRate per second of its warm-up and
// timed run, and a few spare.
func (o *options) duringSubmissions() int {
	return int(submitRate*(o.Warmup+o.Duration).Seconds()) + 5
}

// runSeed is the seed sub-command: it seeds a new database as a run of the
// benchmark with the same flags does, and prints the owner's login last.
func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := &options{}
	fs := flag.NewFlagSet("gapmap-bench seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gapmap-bench seed --db PATH [--teams N] [--respondents N]\n\nSeed a new SQLite database as the benchmark does; print the owner's login.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	db := fs.String("db", "", "SQLite file to create (must not exist)")
	fs.IntVar(&o.Teams, "teams", 1000, "teams in the big round")
	fs.IntVar(&o.Respondents, "respondents", 5, "respondents per team")
	fs.IntVar(&o.Connections, "connections", 32, "draft responses of the other organization (one per autosave connection)")
	fs.BoolVar(&o.Quick, "quick", false, "as many fresh drafts as a --quick run uses")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Duration, o.Warmup = 10*time.Second, 2*time.Second
	if o.Quick {
		o.Duration, o.Warmup = 2*time.Second, 500*time.Millisecond
	}
	switch {
	case fs.NArg() > 0:
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case *db == "":
		return errors.New("--db PATH is required")
	case o.Teams < 1 || o.Respondents < 1 || o.Connections < 1:
		return errors.New("--teams, --respondents and --connections must be at least 1")
	}
	if _, err := os.Stat(*db); err == nil {
		return fmt.Errorf("--db %s: the file exists; seed creates a new database", *db)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("--db %s: %w", *db, err)
	}
	progress := func(format string, args ...any) { fmt.Fprintf(stderr, "gapmap-bench: "+format+"\n", args...) }
	start := time.Now()
	if _, err := seedDatabase(ctx, *db, o, progress); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(stdout, "seeded %s in %.1f s: %d teams × %d respondents\n", *db, time.Since(start).Seconds(), o.Teams, o.Respondents)
	fmt.Fprintf(stdout, "email: %s\npassword: %s\n", benchEmail, benchPassword)
	return nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	dir, err := os.MkdirTemp("", "gapmap-bench-")
	if err != nil {
		return err
	}
	if o.Keep {
		fmt.Fprintln(stderr, "keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	b := &bench{opts: o, dir: dir, log: stderr}
	rep, err := b.run(ctx)
	if err != nil {
		return err
	}
	if o.JSON {
		return rep.writeJSON(stdout)
	}
	rep.writeTable(stdout)
	return nil
}
