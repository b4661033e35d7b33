package store_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

const testPassword = "correct horse battery"

// signUp creates an organization and its owner or fails the test.
func signUp(t *testing.T, s *store.Store, orgName, email string) (*models.Org, *models.User) {
	t.Helper()
	org, user, err := s.SignUp(context.Background(), orgName, email, testPassword)
	if err != nil {
		t.Fatalf("SignUp(%q, %q): %v", orgName, email, err)
	}
	return org, user
}

// twoOrgs signs up the two organizations of the tenant tests: Acme, owned
// by ann@example.com, and Other, owned by bob@example.com.
func twoOrgs(t *testing.T, s *store.Store) (org *models.Org, ann *models.User, other *models.Org, bob *models.User) {
	t.Helper()
	org, ann = signUp(t, s, "Acme", "ann@example.com")
	other, bob = signUp(t, s, "Other", "bob@example.com")
	return org, ann, other, bob
}

// wantCode fails the test unless err carries the application error code
// want (and, when field is not empty, names that field).
func wantCode(t *testing.T, err error, want, field string) {
	t.Helper()
	if got := apperr.Code(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
	if field == "" {
		return
	}
	ae, _ := apperr.As(err)
	if ae == nil || ae.Field != field {
		t.Fatalf("error %v names field %q, want %q", err, fieldOf(ae), field)
	}
}

func fieldOf(e *apperr.Error) string {
	if e == nil {
		return ""
	}
	return e.Field
}

func TestOpenPingClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("Ping on an open store: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Ping(ctx); err == nil {
			t.Fatal("Ping after Close succeeded, want an error")
		}
	})
}

func TestOpenRejectsUnreachablePostgres(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open of an unreachable PostgreSQL server succeeded")
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate again (%d): %v", i+1, err)
			}
		}
		states, err := s.MigrationStatus(ctx)
		if err != nil {
			t.Fatalf("MigrationStatus: %v", err)
		}
		if len(states) == 0 {
			t.Fatal("MigrationStatus lists no migrations")
		}
		for _, m := range states {
			if !m.Applied || m.AppliedAt.IsZero() {
				t.Errorf("migration %d (%s) applied=%v at %v, want applied", m.Version, m.File, m.Applied, m.AppliedAt)
			}
		}
		// The schema still works after the repeated runs.
		signUp(t, s, "Acme", "owner@example.com")
	})
}

func TestMigrationStatusOnFreshDatabase(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	states, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if len(states) == 0 {
		t.Fatal("no migrations listed")
	}
	for _, m := range states {
		if m.Applied {
			t.Errorf("migration %d applied on a fresh database", m.Version)
		}
	}
}

// TestConcurrentMigratePostgres starts two instances on one empty schema at
// once: the session lock must make one wait for the other.
func TestConcurrentMigratePostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	const instances = 3
	stores := make([]*store.Store, instances)
	for i := range stores {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer s.Close()
		stores[i] = s
	}
	errs := make([]error, instances)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.Migrate(ctx)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: Migrate: %v", i, err)
		}
	}
	states, err := stores[0].MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	for _, m := range states {
		if !m.Applied {
			t.Errorf("migration %d not applied", m.Version)
		}
	}
	if _, _, err := stores[1].SignUp(ctx, "Acme", "owner@example.com", testPassword); err != nil {
		t.Fatalf("SignUp after concurrent migrations: %v", err)
	}
}
