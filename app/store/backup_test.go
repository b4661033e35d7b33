package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

// TestBackupUnderWritesAndRestore writes keys from several goroutines while
// a backup runs: every key written before the backup started is in the
// copy, and the copy restores into a new place that opens and migrates.
func TestBackupUnderWritesAndRestore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, _ := storetest.SQLitePath(t)
	kv := st.KV("bk")
	var written atomic.Int64 // keys 0..written-1 are committed
	var mu sync.Mutex        // orders key numbers with their commits
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				n := written.Load()
				err := kv.Set(fmt.Sprint(n), []byte("v"), 0)
				if err == nil {
					written.Add(1)
				}
				mu.Unlock()
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	deadline := time.Now().Add(30 * time.Second)
	for written.Load() < 50 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	before := written.Load()
	out := filepath.Join(t.TempDir(), "backup.db")
	err := st.Backup(ctx, out)
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("write during the backup: %v", e)
	}
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if before < 50 {
		t.Fatalf("only %d keys written before the backup", before)
	}
	if err := st.Backup(ctx, out); apperr.Code(err) != apperr.EConflict {
		t.Fatalf("second backup to the same file: %v, want a conflict", err)
	}

	target := filepath.Join(t.TempDir(), "restored.db")
	if err := os.WriteFile(target+"-wal", []byte("stale wal of another database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.RestoreSQLite(ctx, out, target); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if _, err := os.Stat(target + "-wal"); err == nil {
		t.Fatal("the stale -wal file survived the restore")
	}
	restored, err := store.Open(ctx, target)
	if err != nil {
		t.Fatalf("open the restored database: %v", err)
	}
	defer restored.Close()
	rkv := restored.KV("bk")
	for i := range before {
		v, err := rkv.Get(fmt.Sprint(i))
		if err != nil || string(v) != "v" {
			t.Fatalf("key %d of %d written before the backup: %q %v", i, before, v, err)
		}
	}
}

func TestRestoreRefusals(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, path := storetest.SQLitePath(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if err := st.Backup(ctx, good); err != nil {
		t.Fatalf("backup: %v", err)
	}
	notSQLite := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notSQLite, []byte(strings.Repeat("not a database\n", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	other, err := store.Open(ctx, foreign) // an SQLite file without gapmap's tables
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Exec(ctx, "CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	other.Close()

	release, err := store.HoldSQLite(path)
	if err != nil {
		t.Fatalf("hold: %v", err)
	}
	defer release()
	tests := []struct {
		name, from, to string
		want           string
	}{
		{"a database a server holds", good, path, "in use by a running gapmap server"},
		{"a missing file", filepath.Join(dir, "missing.db"), filepath.Join(dir, "t1.db"), "no such file"},
		{"not SQLite", notSQLite, filepath.Join(dir, "t2.db"), "not a readable SQLite database"},
		{"SQLite but not gapmap", foreign, filepath.Join(dir, "t3.db"), "not gapmap's"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := store.RestoreSQLite(ctx, tc.from, tc.to)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore = %v, want an error with %q", err, tc.want)
			}
			if tc.to != path {
				if _, err := os.Stat(tc.to); err == nil {
					t.Fatalf("a refused restore created %s", tc.to)
				}
			}
		})
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatalf("the held database after the refused restore: %v", err)
	}
	release()
	if err := store.RestoreSQLite(ctx, good, filepath.Join(dir, "free.db")); err != nil {
		t.Fatalf("restore to a free path: %v", err)
	}
}

func TestBackupPostgresRefused(t *testing.T) {
	st := storetest.Postgres(t)
	err := st.Backup(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup on PostgreSQL = %v, want a pointer to pg_dump", err)
	}
}

func TestPendingJobsAndStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n, err := st.PendingJobs(ctx, store.RecomputeKind)
		if err != nil || n != 0 {
			t.Fatalf("pending on a new database = %d %v", n, err)
		}
		for i := range 2 {
			key := fmt.Sprint("round-", i)
			if err := st.EnqueueJob(ctx, store.NewJob{Kind: store.RecomputeKind, DedupeKey: key, Payload: []byte("{}")}); err != nil {
				t.Fatalf("enqueue: %v", err)
			}
		}
		if n, err := st.PendingJobs(ctx, store.RecomputeKind); err != nil || n != 2 {
			t.Fatalf("pending = %d %v, want 2", n, err)
		}
		if st.DBStats().OpenConnections < 1 {
			t.Fatal("no open connection counted")
		}
	})
}
