package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"gapmap/questionnaires"
)

func runQuestionnaires(_ context.Context, args []string, e env) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "validate") {
		fmt.Fprintln(e.stderr, "Usage: gapmap questionnaires list|validate [FILE...]\n\n  list      list the shipped questionnaires\n  validate  validate FILEs (default: the shipped questionnaires); exits 1 and prints every error")
		return errUsage
	}
	fs := newFlagSet("questionnaires "+args[0], "List the shipped questionnaires, or validate questionnaire files and print every error.", e)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "list" {
		qs, err := questionnaires.Shipped()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tVERSION\tFRAMEWORK\tSCALE\tDIMENSIONS\tQUESTIONS\tTITLE")
		for _, q := range qs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", q.Key, q.Version, q.Framework, q.Scale, len(q.Dimensions), q.QuestionCount(), q.Title)
		}
		return tw.Flush()
	}
	if fs.NArg() == 0 {
		qs, err := questionnaires.Shipped()
		if err != nil {
			fmt.Fprintln(e.stdout, err)
			return errUsage
		}
		for _, q := range qs {
			fmt.Fprintf(e.stdout, "ok  %s %s (%s)\n", q.Key, q.Version, q.Hash[:12])
		}
		return nil
	}
	failed := false
	for _, path := range fs.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: %v\n", path, err)
			failed = true
			continue
		}
		q, err := questionnaires.Parse(path, data)
		if err != nil {
			fmt.Fprintln(e.stdout, err)
			failed = true
			continue
		}
		fmt.Fprintf(e.stdout, "ok  %s %s (%s)\n", q.Key, q.Version, q.Hash[:12])
	}
	if failed {
		return fmt.Errorf("validation failed")
	}
	return nil
}
