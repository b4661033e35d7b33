package main

import (
	"context"
	"fmt"

	"gapmap/app/config"
	"gapmap/app/store"
)

func runRestore(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("restore", "Replace the SQLite database with a backup: refuse while a gapmap server holds the database, "+
		"verify the backup (PRAGMA integrity_check, gapmap's tables), migrate a copy of it up, and put the copy in place atomically.", e)
	db := dbFlag(fs, e)
	from := fs.String("from", "", "the backup file to restore (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	if config.IsPostgres(*db) {
		return errPostgresRestore
	}
	if err := store.RestoreSQLite(ctx, *from, *db); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s into %s (verified and migrated)\n", *from, *db)
	return nil
}

// holdDatabase keeps restore away from the SQLite database a server runs
// on, for as long as the server runs (see store.HoldSQLite). On PostgreSQL
// it holds nothing.
func holdDatabase(dsn string) (func(), error) {
	if config.IsPostgres(dsn) {
		return func() {}, nil
	}
	return store.HoldSQLite(dsn)
}
