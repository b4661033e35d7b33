package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"gapmap/app/store"
)

func dbFlag(fs interface {
	StringVar(*string, string, string, string)
}, e env) *string {
	db := new(string)
	def := e.getenv("GAPMAP_DATABASE")
	if def == "" {
		def = "gapmap.db"
	}
	fs.StringVar(db, "db", def, "SQLite file, or a postgres:// URL (GAPMAP_DATABASE)")
	return db
}

// migrateActions are migrate's actions. They share migrate's flags, which
// may come before or after the action, so migrate parses them itself.
func migrateActions() []command {
	action := func(name string) func(context.Context, []string, env) error {
		return func(ctx context.Context, args []string, e env) error {
			return runMigrate(ctx, append([]string{name}, args...), e)
		}
	}
	return []command{
		{name: "up", summary: "apply every pending migration", run: action("up")},
		{name: "status", summary: "list migrations and whether they are applied", run: action("status")},
	}
}

func runMigrate(ctx context.Context, args []string, e env) error {
	// The action may come before the flags (migrate up --db X) or after them.
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	name, description := "migrate up|status", "Apply every pending database migration (up), or list migrations and whether they are applied (status)."
	for _, a := range migrateActions() {
		if a.name == action {
			name, description = "migrate "+a.name, strings.ToUpper(a.summary[:1])+a.summary[1:]+"."
		}
	}
	fs := newFlagSet(name, description, e)
	db := dbFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if action == "" && fs.NArg() == 1 {
		action = fs.Arg(0)
	} else if fs.NArg() != 0 {
		action = ""
	}
	if isHelpArg(action) {
		fs.Usage()
		return flag.ErrHelp
	}
	if action != "up" && action != "status" {
		fs.Usage()
		return errUsage
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if action == "up" {
		if err := st.Migrate(ctx); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "migrations applied")
		return nil
	}
	states, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tFILE\tSTATE\tAPPLIED AT")
	for _, m := range states {
		state, at := "pending", ""
		if m.Applied {
			state, at = "applied", m.AppliedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", m.Version, m.File, state, at)
	}
	return tw.Flush()
}
