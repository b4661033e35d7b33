// Package store is gapmap's storage: the only package that holds a *gorm.DB.
// It opens SQLite (the default) or PostgreSQL, applies the embedded goose
// migrations, and offers one file of queries per aggregate. Every query of a
// tenant-owned table filters by the caller's organization.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"gapmap/app/apperr"
	"gapmap/app/config"
	"gapmap/migrations"
)

// Store is the database handle shared by the whole application.
type Store struct {
	db           *gorm.DB
	postgres     bool
	PasswordCost int          // bcrypt cost for new password hashes; 0 means the default
	Log          *slog.Logger // where migrations are reported; nil: nowhere
	// definitions caches parsed questionnaire versions by id: a version's
	// content never changes, so it is parsed once per process.
	definitions sync.Map
	// pins caches each round's pinned questionnaires for survey links, by
	// round id and creation time (a deleted round's id may come back on
	// SQLite): a round's pins never change once it is created.
	pins sync.Map
	// hotStmts are the prepared statements of survey links and autosaves.
	hotStmts hotStatements
	// links remembers which response each opened survey link leads to.
	links tokenCache[linkIdentity]
	// openLinks remembers the open links this process resolved.
	openLinks tokenCache[OpenLinkRef]
	// joins groups concurrent joins of open links into one transaction.
	joins groupQueue[*joinReq]
	saves groupQueue[*saveReq]
	// answers keeps the answers of submitted responses per round, so that a
	// recompute reads only what changed (answercache.go).
	answers *answerCache
	// writeMu queues this process's SQLite transactions in Go: SQLite runs
	// one writer at a time anyway, and its busy handler sleeps in growing
	// steps, which adds up to tens of milliseconds at the tail under load.
	writeMu sync.Mutex
	// writer is the connection SQLite's autosaves and joins write through
	// (sqlitewriter.go), under writeMu.
	writer sqliteWriter
	// jobSignal wakes this process's job workers after a transaction that
	// enqueued a job commits.
	jobSignal chan struct{}
}

// SQLitePragmas are the connection settings gapmap uses for SQLite: WAL,
// a busy timeout, foreign keys, immediate transactions so that
// read-then-write transactions queue instead of failing with "database is
// locked", and a page cache of sqliteCacheSize.
const SQLitePragmas = "_journal_mode=WAL&_busy_timeout=10000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate&_cache_size=" + sqliteCacheSize

// sqliteCacheSize is the page cache of each SQLite connection (in KiB,
// negative as SQLite takes it). SQLite's default of 2 MiB no longer holds
// the answers index that the autosaves of a 20,000-respondent round reach
// (measured at 4,000 teams: autosave 12,500 → 14,300 a second with 16 MiB).
// scanCacheSize is the cache while a connection scans a whole round
// (scan), which reads each page once.
const (
	sqliteCacheSize = "-16384"
	scanCacheSize   = "-2048"
)

// SQLiteDSN returns the DSN of an SQLite file with gapmap's pragmas.
func SQLiteDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + SQLitePragmas
}

// GormConfig is the GORM configuration gapmap uses. Statements are not
// kept prepared: GORM v1.31's statement cache prepares a statement on the
// pool while holding its lock, so with every connection held by a
// transaction that waits for that lock the process deadlocks (seen on
// PostgreSQL under the crash test's load).
func GormConfig() *gorm.Config {
	return &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		Logger:                 logger.Discard,
	}
}

// Open connects to the database named by dsn: a postgres:// URL, or else an
// SQLite file path. It does not migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{postgres: config.IsPostgres(dsn), jobSignal: make(chan struct{}, 1), answers: newAnswerCache(defaultCachedAnswers)}
	var dial gorm.Dialector
	if s.postgres {
		dial = postgres.Open(dsn)
	} else {
		dial = sqlite.Open(SQLiteDSN(dsn))
	}
	db, err := gorm.Open(dial, GormConfig())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if s.postgres {
		sqlDB.SetMaxOpenConns(20)
	} else {
		sqlDB.SetMaxOpenConns(8)
	}
	sqlDB.SetMaxIdleConns(8)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	s.db = db
	return s, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.hotStmts.close()
	if !s.postgres {
		s.closeWriter()
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.db.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Postgres reports whether the store runs on PostgreSQL.
func (s *Store) Postgres() bool { return s.postgres }

func (s *Store) provider() (*goose.Provider, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	dialect, dir := goose.DialectSQLite3, "sqlite3"
	var opts []goose.ProviderOption
	if s.postgres {
		dialect, dir = goose.DialectPostgres, "postgres"
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations.FS, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, sqlDB, sub, opts...)
}

// Migrate applies every pending migration. On PostgreSQL a session lock
// makes concurrent starts wait for each other instead of racing.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		if s.Log != nil {
			s.Log.InfoContext(ctx, "migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
		}
	}
	return nil
}

// MigrationState is one migration and whether it is applied.
type MigrationState struct {
	Version   int64
	File      string
	Applied   bool
	AppliedAt time.Time
}

// MigrationStatus lists every known migration and its state.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	p, err := s.provider()
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(st))
	for _, m := range st {
		out = append(out, MigrationState{Version: m.Source.Version, File: m.Source.Path, Applied: m.State == goose.StateApplied, AppliedAt: m.AppliedAt})
	}
	return out, nil
}

// tx runs fn in one transaction (IMMEDIATE on SQLite), and wakes the job
// workers when it committed a job.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	flag := &jobFlag{}
	ctx = context.WithValue(ctx, jobFlagKey{}, flag)
	if !s.postgres {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	if err := s.db.WithContext(ctx).Transaction(fn); err != nil {
		return err
	}
	if flag.set {
		s.signalJobs()
	}
	return nil
}

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// scan runs fn, which reads through a whole round once (an export), on
// one connection. On SQLite that connection keeps a small page cache
// meanwhile: a 16 MiB cache filled with pages read once would only add to
// the process's memory.
func (s *Store) scan(ctx context.Context, fn func(db *gorm.DB) error) error {
	if s.postgres {
		return fn(s.conn(ctx))
	}
	return s.conn(ctx).Connection(func(db *gorm.DB) error {
		if err := db.Exec("PRAGMA cache_size = " + scanCacheSize).Error; err != nil {
			return fmt.Errorf("scan: page cache: %w", err)
		}
		defer db.WithContext(context.WithoutCancel(ctx)).Exec("PRAGMA cache_size = " + sqliteCacheSize)
		return fn(db)
	})
}

// notFound turns gorm.ErrRecordNotFound into an apperr not-found error.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFound(what)
	}
	return err
}

// isDuplicate reports a unique-constraint violation.
func isDuplicate(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

// now is the store's clock, in UTC.
func now() time.Time { return time.Now().UTC() }

// Exec runs one statement outside any tenant scope (tests, administration).
func (s *Store) Exec(ctx context.Context, sql string, args ...any) error {
	return s.conn(ctx).Exec(sql, args...).Error
}

// Raw runs one query outside any tenant scope and scans its rows into dest
// (tests, administration).
func (s *Store) Raw(ctx context.Context, dest any, sql string, args ...any) error {
	return s.conn(ctx).Raw(sql, args...).Scan(dest).Error
}
