package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"gapmap/app/config"
	"gapmap/app/store"
)

func runBackup(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("backup", "Write a consistent copy of the SQLite database to a new file while the server keeps running (VACUUM INTO), "+
		"then check the copy with PRAGMA integrity_check. On PostgreSQL, print the pg_dump command to use instead.", e)
	db := dbFlag(fs, e)
	out := fs.String("out", "", "the backup file to write; it must not exist (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	if config.IsPostgres(*db) {
		return fmt.Errorf("backup works on SQLite only; back up PostgreSQL with pg_dump:\n  %s", pgDumpCommand(*db, *out))
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("backup: the database %s: %w", *db, err)
	}
	release, err := store.HoldSQLite(*db) // no restore may replace it meanwhile
	if err != nil {
		return err
	}
	defer release()
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup of %s written to %s (%d bytes, integrity_check ok)\n", *db, *out, info.Size())
	return nil
}

// libpqParams are the URL query parameters pg_dump understands; the others
// (search_path, which pgx accepts) are left out of the command.
var libpqParams = map[string]bool{
	"sslmode": true, "sslrootcert": true, "sslcert": true, "sslkey": true, "sslpassword": true, "sslcrl": true,
	"connect_timeout": true, "application_name": true, "options": true, "target_session_attrs": true,
	"host": true, "port": true, "user": true, "dbname": true, "passfile": true, "channel_binding": true,
}

// pgDumpCommand is the pg_dump command line that backs up the database of
// dsn into out, with the password hidden: pg_dump takes it from PGPASSWORD
// or ~/.pgpass. A search_path becomes --schema.
func pgDumpCommand(dsn, out string) string {
	parts := []string{"pg_dump", "--format=custom", "--file=" + shellQuote(out)}
	u, err := url.Parse(dsn)
	if err != nil {
		return strings.Join(append(parts, "--dbname='<your postgres:// URL>'"), " ")
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if sp := q.Get("search_path"); sp != "" {
		for _, schema := range strings.Split(sp, ",") {
			if schema = strings.TrimSpace(schema); schema != "" {
				parts = append(parts, "--schema="+shellQuote(schema))
			}
		}
	}
	for k := range q {
		if !libpqParams[k] {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	parts = append(parts, "--dbname="+shellQuote(u.String()))
	cmd := strings.Join(parts, " ")
	if _, hasPassword := urlPassword(dsn); hasPassword {
		cmd = "PGPASSWORD='…' " + cmd
	}
	return cmd
}

func urlPassword(dsn string) (string, bool) {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return "", false
	}
	return u.User.Password()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// errPostgresRestore explains restore on PostgreSQL.
var errPostgresRestore = errors.New("restore works on SQLite only; restore PostgreSQL with pg_restore from a pg_dump archive")
