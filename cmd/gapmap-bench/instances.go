package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/models"
)

// childServe runs gapmap in a child process, as `gapmap serve` does, and
// prints "addr: host:port" once it listens; it stops when its standard
// input closes or it receives SIGTERM. --instances N runs N of them on one
// PostgreSQL database: separate processes, each with its own job workers,
// as separate machines would run them.
const childServe = "__serve"

func serveChild(ctx context.Context, args []string) error {
	if len(args) != 2 || args[0] != "--db" {
		return errors.New("usage: __serve --db DSN")
	}
	dir, err := os.MkdirTemp("", "gapmap-bench-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	g, err := startGapmap(ctx, dir, args[1])
	if err != nil {
		return err
	}
	defer g.Close()
	fmt.Printf("addr: %s\n", g.Addr)
	stdinClosed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	select {
	case <-ctx.Done():
	case <-stdinClosed:
	}
	return nil
}

// serverSet is the gapmap servers a run drives: one in this process, or
// --instances child processes sharing one PostgreSQL database.
type serverSet struct {
	Addrs []string
	close []func() error
}

// Close stops every server.
func (s *serverSet) Close() error {
	var errs []error
	for _, c := range s.close {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// startServers starts the gapmap servers of a run on the database dsn.
func (b *bench) startServers(ctx context.Context) (*serverSet, error) {
	set := &serverSet{}
	if b.opts.Instances <= 1 {
		g, err := startGapmap(ctx, b.dir, b.dsn)
		if err != nil {
			return nil, err
		}
		set.Addrs, set.close = []string{g.Addr}, []func() error{g.Close}
		return set, nil
	}
	for i := 0; i < b.opts.Instances; i++ {
		addr, stop, err := startServeChild(ctx, b.dsn)
		if err != nil {
			_ = set.Close()
			return nil, fmt.Errorf("gapmap instance %d: %w", i+1, err)
		}
		set.Addrs = append(set.Addrs, addr)
		set.close = append(set.close, stop)
	}
	return set, nil
}

// startServeChild starts one __serve child process and waits (at most a
// minute) for its address.
func startServeChild(ctx context.Context, dsn string) (string, func() error, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, exe, childServe, "--db", dsn)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() error {
		_ = stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			return <-done
		}
	}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "addr: "); ok {
				addrc <- a
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case a := <-addrc:
		return a, stop, nil
	case <-time.After(time.Minute):
		_ = stop()
		return "", nil, errors.New("no address within a minute")
	}
}

// openRawDB opens the benchmark's database with gapmap's GORM settings,
// for the raw-read baseline and the final counts: an SQLite file or a
// PostgreSQL URL.
func openRawDB(dsn string) (*gorm.DB, error) {
	if config.IsPostgres(dsn) {
		return gorm.Open(postgres.Open(dsn), store.GormConfig())
	}
	return gorm.Open(sqlite.Open(store.SQLiteDSN(dsn)), store.GormConfig())
}

// checkEmptyPostgres refuses a PostgreSQL database that already holds
// gapmap's tables: the benchmark seeds a database of its own.
func checkEmptyPostgres(ctx context.Context, dsn string) error {
	db, err := openRawDB(dsn)
	if err != nil {
		return err
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	if db.WithContext(ctx).Migrator().HasTable("orgs") {
		return errors.New("--postgres: the database already holds gapmap's tables; give an empty database (it is seeded and left as it is after the run)")
	}
	return nil
}

// countLost counts what the servers were sent and the database holds: the
// submitted responses of the organization's big round and their answers,
// against what was acknowledged.
func (b *bench) countLost(ctx context.Context, org *seededOrg, acknowledged int, questions int) (metric, error) {
	m := metric{Name: "nothing_lost", Unit: "responses", Baseline: "acknowledged", Goal: "every acknowledged submission and its answers stored"}
	db, err := openRawDB(b.dsn)
	if err != nil {
		return m, err
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	var submitted, answers int64
	q := db.WithContext(ctx).Model(&models.Response{}).Where("assessment_id = ? AND status = ?", org.Big.ID, models.ResponseSubmitted)
	if err := q.Count(&submitted).Error; err != nil {
		return m, fmt.Errorf("count submitted responses: %w", err)
	}
	err = db.WithContext(ctx).Model(&models.Answer{}).
		Where("response_id IN (?)", db.Model(&models.Response{}).Select("id").Where("assessment_id = ? AND status = ?", org.Big.ID, models.ResponseSubmitted)).
		Count(&answers).Error
	if err != nil {
		return m, fmt.Errorf("count answers: %w", err)
	}
	want := org.Big.Responses + acknowledged
	wantAnswers := int64(org.Big.Answers + acknowledged*questions)
	m.Value, m.BaselineValue = float64(submitted), float64(want)
	if want > 0 {
		m.Ratio = float64(submitted) / float64(want)
	}
	m.Met = submitted == int64(want) && answers == wantAnswers
	m.Note = fmt.Sprintf("big round after the run: %d submitted responses (%d seeded + %d acknowledged), %d answers of them (want %d), across %d instance(s)",
		submitted, org.Big.Responses, acknowledged, answers, wantAnswers, max(b.opts.Instances, 1))
	return m, nil
}
