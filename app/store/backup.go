package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"gapmap/app/apperr"
)

// Backup writes a consistent copy of the SQLite database to out while the
// database stays in use: VACUUM INTO reads one snapshot in a read
// transaction, so writers carry on (WAL) and every transaction committed
// before it started is in the copy. The copy is written beside out under a
// temporary name, checked with VerifySQLite, and only then renamed to out,
// so out never holds a half-written or damaged copy. out must not exist.
func (s *Store) Backup(ctx context.Context, out string) error {
	if s.postgres {
		return apperr.Errorf(apperr.EInvalid, "backup: the database is PostgreSQL; use pg_dump")
	}
	if _, err := os.Lstat(out); err == nil {
		return apperr.Errorf(apperr.EConflict, "backup: %s exists; choose a new file name", out)
	}
	tmp, err := tempName(out)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := s.conn(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		return fmt.Errorf("backup: vacuum into %s: %w", tmp, err)
	}
	if err := VerifySQLite(ctx, tmp); err != nil {
		return fmt.Errorf("backup: the copy does not check out: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Link(tmp, out); err != nil { // unlike rename, never replaces a file created meanwhile
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(out))
}

// VerifySQLite checks that path is an intact SQLite database of gapmap:
// PRAGMA integrity_check answers ok, and it has gapmap's migration table
// and organizations.
func VerifySQLite(ctx context.Context, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("verify %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return apperr.Errorf(apperr.EInvalid, "%s is not a regular file", path)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_busy_timeout=10000"
	db, err := gorm.Open(sqlite.Open(dsn), GormConfig())
	if err != nil {
		return apperr.Errorf(apperr.EInvalid, "%s is not a readable SQLite database: %v", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	db = db.WithContext(ctx)
	var rows []string
	if err := db.Raw("PRAGMA integrity_check").Scan(&rows).Error; err != nil {
		return apperr.Errorf(apperr.EInvalid, "%s is not a readable SQLite database: %v", path, err)
	}
	if len(rows) != 1 || rows[0] != "ok" {
		return apperr.Errorf(apperr.EInvalid, "%s fails PRAGMA integrity_check: %s", path, strings.Join(first(rows, 5), "; "))
	}
	var tables []string
	if err := db.Raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('goose_db_version', 'orgs', 'responses', 'answers')").Scan(&tables).Error; err != nil {
		return fmt.Errorf("read the tables of %s: %w", path, err)
	}
	if len(tables) != 4 {
		return apperr.Errorf(apperr.EInvalid, "%s is an SQLite database but not gapmap's (it lacks gapmap's tables)", path)
	}
	return nil
}

// RestoreSQLite replaces the SQLite database at path with the backup from:
// it takes the restore lock (refused while a server holds the database,
// see HoldSQLite), copies from beside path, verifies and migrates the copy,
// and renames it over path, so path is either the old database or the
// whole restored one, never a mix. A stale -wal or -shm file of the old
// database is removed first: SQLite would apply it to the new one.
func RestoreSQLite(ctx context.Context, from, path string) error {
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	release, err := lockSQLite(path, true)
	if err != nil {
		return err
	}
	defer release()
	tmp, err := tempName(path)
	if err != nil {
		return err
	}
	defer removeDB(tmp)
	if err := copyFile(from, tmp); err != nil {
		return err
	}
	if err := VerifySQLite(ctx, tmp); err != nil {
		return fmt.Errorf("restore from %s: %w", from, err)
	}
	st, err := Open(ctx, tmp)
	if err != nil {
		return err
	}
	err = st.Migrate(ctx)
	if err == nil {
		err = st.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("migrate the restored copy: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the old %s file: %w", suffix, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("put the restored database in place: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// HoldSQLite marks the SQLite database at path as held by this process
// until release is called or the process ends: a server holds it for its
// whole life, and RestoreSQLite refuses to run meanwhile. It is a shared
// flock(2) on path+".lock", so any number of processes may hold it (a
// server, a backup); the kernel drops it when the process dies, so a crash
// leaves no stale lock, unlike a pid file. It fails while a restore runs.
func HoldSQLite(path string) (release func(), err error) {
	return lockSQLite(path, false)
}

func lockSQLite(path string, exclusive bool) (func(), error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the lock file of %s: %w", path, err)
	}
	if err := flock(f, exclusive); err != nil {
		f.Close()
		if exclusive {
			return nil, apperr.Errorf(apperr.EConflict, "%s is in use by a running gapmap server (it holds %s.lock); stop the server first", path, path)
		}
		return nil, apperr.Errorf(apperr.EConflict, "%s is being restored (%s.lock is held); wait for the restore to finish", path, path)
	}
	return func() { f.Close() }, nil
}

func tempName(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("create a temporary file beside %s: %w", path, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil { // VACUUM INTO wants no file there
		return "", err
	}
	return name, nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return fmt.Errorf("copy %s: %w", from, err)
	}
	return dst.Close()
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs directories
	return nil
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
