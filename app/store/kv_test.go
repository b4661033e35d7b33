package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

// The session and CSRF middleware take the KV as their storage.
var _ fiber.Storage = (*store.KV)(nil)

func TestKV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sess, csrf := s.KV("session"), s.KV("csrf")
		get := func(t *testing.T, kv *store.KV, key string) []byte {
			t.Helper()
			v, err := kv.Get(key)
			if err != nil {
				t.Fatalf("Get(%q): %v", key, err)
			}
			return v
		}
		set := func(t *testing.T, kv *store.KV, key, val string, exp time.Duration) {
			t.Helper()
			if err := kv.Set(key, []byte(val), exp); err != nil {
				t.Fatalf("Set(%q): %v", key, err)
			}
		}

		steps := []struct {
			name string
			do   func(t *testing.T)
			kv   *store.KV
			key  string
			want string // "" means absent
		}{
			{name: "absent", do: func(*testing.T) {}, kv: sess, key: "a"},
			{name: "set", do: func(t *testing.T) { set(t, sess, "a", "one", 0) }, kv: sess, key: "a", want: "one"},
			{name: "overwrite", do: func(t *testing.T) { set(t, sess, "a", "two", time.Hour) }, kv: sess, key: "a", want: "two"},
			{name: "binary value", do: func(t *testing.T) { set(t, sess, "bin", "\x00\xff\x01", 0) }, kv: sess, key: "bin", want: "\x00\xff\x01"},
			{name: "namespaces are apart", do: func(t *testing.T) { set(t, csrf, "a", "csrf", 0) }, kv: sess, key: "a", want: "two"},
			{name: "other namespace", do: func(*testing.T) {}, kv: csrf, key: "a", want: "csrf"},
			{name: "empty value is ignored", do: func(t *testing.T) { set(t, sess, "empty", "", 0) }, kv: sess, key: "empty"},
			{name: "empty key is ignored", do: func(t *testing.T) { set(t, sess, "", "x", 0) }, kv: sess, key: ""},
			{name: "delete", do: func(t *testing.T) {
				if err := sess.Delete("bin"); err != nil {
					t.Fatal(err)
				}
			}, kv: sess, key: "bin"},
			{name: "delete of absent key", do: func(t *testing.T) {
				if err := sess.Delete("never"); err != nil {
					t.Fatal(err)
				}
			}, kv: sess, key: "never"},
			{name: "expired", do: func(t *testing.T) {
				set(t, sess, "old", "stale", time.Hour)
				if err := s.Exec(ctx, "UPDATE kv SET expires_at = ? WHERE k = ?", time.Now().Add(-time.Second).Unix(), "session:old"); err != nil {
					t.Fatal(err)
				}
			}, kv: sess, key: "old"},
			{name: "set again after expiry", do: func(t *testing.T) { set(t, sess, "old", "fresh", time.Hour) }, kv: sess, key: "old", want: "fresh"},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				st.do(t)
				got := get(t, st.kv, st.key)
				if st.want == "" {
					if got != nil {
						t.Fatalf("Get(%q) = %q, want absent", st.key, got)
					}
					return
				}
				if !bytes.Equal(got, []byte(st.want)) {
					t.Fatalf("Get(%q) = %q, want %q", st.key, got, st.want)
				}
			})
		}

		// Expired entries are swept; live ones stay.
		set(t, sess, "gone1", "x", time.Hour)
		set(t, csrf, "gone2", "x", time.Hour)
		if err := s.Exec(ctx, "UPDATE kv SET expires_at = ? WHERE k IN (?, ?)", time.Now().Add(-time.Minute).Unix(), "session:gone1", "csrf:gone2"); err != nil {
			t.Fatal(err)
		}
		n, err := s.DeleteExpiredKV(ctx)
		if err != nil || n != 2 {
			t.Fatalf("DeleteExpiredKV = %d, %v; want 2", n, err)
		}
		if got := get(t, sess, "a"); string(got) != "two" {
			t.Fatalf("live entry swept: %q", got)
		}

		// Reset empties one namespace only.
		if err := sess.Reset(); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"a", "old"} {
			if got := get(t, sess, key); got != nil {
				t.Errorf("Get(%q) after Reset = %q", key, got)
			}
		}
		if got := get(t, csrf, "a"); string(got) != "csrf" {
			t.Fatalf("Reset of one namespace removed another's entry: %q", got)
		}
		if err := sess.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("KV.Close closed the store: %v", err)
		}
	})
}

func TestKVConcurrentSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		kv := s.KV("session")
		const writers, rounds = 8, 20
		errs := make(chan error, writers*rounds)
		done := make(chan struct{})
		for w := 0; w < writers; w++ {
			go func() {
				defer func() { done <- struct{}{} }()
				for r := 0; r < rounds; r++ {
					errs <- kv.Set("shared", []byte{byte(w), byte(r)}, time.Hour)
				}
			}()
		}
		for w := 0; w < writers; w++ {
			<-done
		}
		close(errs)
		failed := 0
		for err := range errs {
			if err != nil {
				failed++
				t.Log(err)
			}
		}
		if failed > 0 {
			t.Fatalf("%d of %d concurrent upserts failed", failed, writers*rounds)
		}
		if v, err := kv.Get("shared"); err != nil || len(v) != 2 {
			t.Fatalf("Get after concurrent upserts = %v, %v", v, err)
		}
	})
}

// TestSecret: the first call makes the secret, later calls (of any
// instance) get the same bytes; names are apart; purges keep it.
func TestSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, err := s.Secret(ctx, "csrf")
		if err != nil || len(a) != 32 {
			t.Fatalf("first Secret = %x, %v; want 32 bytes", a, err)
		}
		if _, err := s.DeleteExpiredKV(ctx); err != nil {
			t.Fatal(err)
		}
		b, err := s.Secret(ctx, "csrf")
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("second Secret = %x, %v; want the first %x", b, err, a)
		}
		other, err := s.Secret(ctx, "other")
		if err != nil || bytes.Equal(a, other) {
			t.Fatalf("Secret(other) = %x, %v; want different bytes", other, err)
		}
	})
}

// TestScheduleKVPurge: schedules of one slot coalesce into one job; the
// next slot is another job.
func TestScheduleKVPurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		base := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
		for i, at := range []time.Time{base.Add(time.Minute), base.Add(2 * time.Minute), base, base.Add(store.KVPurgeEvery)} {
			if err := s.ScheduleKVPurge(ctx, at); err != nil {
				t.Fatalf("schedule %d: %v", i, err)
			}
		}
		jobs, err := s.Jobs(ctx, store.KVPurgeKind)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 2 {
			t.Fatalf("%d purge jobs, want 2 (one per slot): %+v", len(jobs), jobs)
		}
		if !jobs[0].RunAt.Equal(base) || !jobs[1].RunAt.Equal(base.Add(store.KVPurgeEvery)) {
			t.Errorf("run at %v and %v, want %v (the earliest of the slot) and %v", jobs[0].RunAt, jobs[1].RunAt, base, base.Add(store.KVPurgeEvery))
		}
	})
}
