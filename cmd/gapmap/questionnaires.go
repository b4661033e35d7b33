package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"gapmap/questionnaires"
)

func questionnairesCommands() []command {
	return []command{
		{name: "list", summary: "list the shipped questionnaires", run: runQuestionnairesList},
		{name: "validate", summary: "validate FILEs (default: the shipped questionnaires); exits 1 and prints every error", run: runQuestionnairesValidate},
		{name: "import", summary: "convert your copy of OWASP SAMM, DSOMM or the CNCF PEMM assessment into a questionnaire", run: runQuestionnairesImport},
	}
}

func runQuestionnairesList(_ context.Context, args []string, e env) error {
	fs := newFlagSet("questionnaires list", "List the shipped questionnaires.", e)
	if err := fs.Parse(args); err != nil {
		return err
	}
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

func runQuestionnairesValidate(_ context.Context, args []string, e env) error {
	fs := newFlagSet("questionnaires validate [FILE...]", "Validate questionnaire files (default: the shipped questionnaires) and print every error.", e)
	if err := fs.Parse(args); err != nil {
		return err
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
		for _, w := range q.Warnings() {
			fmt.Fprintf(e.stdout, "warning: %s\n", w.Error())
		}
	}
	if failed {
		return fmt.Errorf("validation failed")
	}
	return nil
}
