// Package storetest opens real, migrated stores for tests: an SQLite file in
// a temporary directory, and a fresh schema of the PostgreSQL server named by
// GAPMAP_TEST_POSTGRES. Without that variable PostgreSQL tests skip, except
// under CI (CI set), where they fail.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"gapmap/app/store"
)

// PostgresEnv names the variable holding a postgres:// URL for tests.
const PostgresEnv = "GAPMAP_TEST_POSTGRES"

// SQLite returns a migrated store on a new SQLite file.
func SQLite(tb testing.TB) *store.Store {
	tb.Helper()
	return open(tb, filepath.Join(tb.TempDir(), "gapmap.db"))
}

// SQLitePath returns a migrated store and the path of its SQLite file.
func SQLitePath(tb testing.TB) (*store.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "gapmap.db")
	return open(tb, path), path
}

// PostgresDSN returns a postgres:// URL of a fresh, empty schema that is
// dropped when the test ends, or skips (fails under CI) without a server.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s is not set: PostgreSQL tests are required under CI", PostgresEnv)
		}
		tb.Skipf("PostgreSQL tests skipped: set %s=postgres://user@host/db to run them", PostgresEnv)
	}
	ctx := context.Background()
	admin, err := store.Open(ctx, base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		_ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres returns a migrated store in a fresh PostgreSQL schema.
func Postgres(tb testing.TB) *store.Store {
	tb.Helper()
	return open(tb, PostgresDSN(tb))
}

// Each runs fn against SQLite and against PostgreSQL.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

func open(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	s.PasswordCost = bcrypt.MinCost
	return s
}
