package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/orgexport"
)

func runExportOrg(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin export-org", "Write everything gapmap holds about one organization to a zip file: a JSON Lines file per kind of data "+
		"(password and token hashes left out), its questionnaires' YAML, and manifest.json with each file's rows, size and SHA-256. "+
		"The server may keep running.", e)
	db := dbFlag(fs, e)
	orgID := fs.Int64("org", 0, "the organization's id (required)")
	out := fs.String("out", "", "the zip file to write; it must not exist (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *orgID <= 0 || *out == "" || fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("export-org: %s exists; choose a new file", *out)
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".gapmap-export-*.zip")
	if err != nil {
		return fmt.Errorf("export-org: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename below, a no-op
	m, err := orgexport.Write(ctx, st, *orgID, tmp, time.Now())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export-org: %w", err)
	}
	if err := os.Link(tmp.Name(), *out); err != nil { // fails rather than replace a file created meanwhile
		return fmt.Errorf("export-org: %w", err)
	}
	var rows int64
	for _, f := range m.Files {
		if f.Rows != nil {
			rows += *f.Rows
		}
	}
	fmt.Fprintf(e.stdout, "organization %d (%s) exported to %s: %d files, %d rows\n", m.Organization.ID, m.Organization.Name, *out, len(m.Files)+1, rows)
	return nil
}

func runDeleteOrg(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin delete-org", "Delete one organization and everything it owns, in one transaction: teams, people who belong to no "+
		"other organization, rounds, links, responses, answers, results, roadmap, questionnaires, tokens and its audit log. "+
		"Nothing of another organization changes. Export it first (admin export-org) if its data must be kept.", e)
	db := dbFlag(fs, e)
	orgID := fs.Int64("org", 0, "the organization's id (required)")
	confirm := fs.String("confirm", "", "the organization's exact name, to confirm (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *orgID <= 0 || *confirm == "" || fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	removed, err := st.DeleteOrg(ctx, *orgID, *confirm)
	if err != nil {
		if apperr.Code(err) == apperr.EInvalid {
			return fmt.Errorf("delete-org: --confirm must be the organization's exact name; nothing was deleted")
		}
		return err
	}
	tables := make([]string, 0, len(removed))
	for t := range removed {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	fmt.Fprintf(e.stdout, "organization %d deleted:\n", *orgID)
	for _, t := range tables {
		fmt.Fprintf(e.stdout, "  %-26s %d\n", t, removed[t])
	}
	return nil
}
