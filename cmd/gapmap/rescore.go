package main

import (
	"context"
	"fmt"

	"gapmap/app/results"
)

func runRescore(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("rescore", "Recompute the stored results of one assessment (--assessment ID) or of every assessment, from the raw answers.", e)
	db := dbFlag(fs, e)
	id := fs.Int64("assessment", 0, "assessment id (default: every assessment)")
	st, err := parseAndOpen(ctx, fs, args, db)
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := st.AssessmentIDs(ctx, 0)
	if err != nil {
		return err
	}
	n := 0
	for _, a := range all {
		if *id != 0 && a.ID != *id {
			continue
		}
		if err := results.Recompute(ctx, st, a.OrgID, a.ID); err != nil {
			return err
		}
		n++
	}
	if *id != 0 && n == 0 {
		return fmt.Errorf("no assessment with id %d", *id)
	}
	fmt.Fprintf(e.stdout, "rescored %d assessment(s)\n", n)
	return nil
}
