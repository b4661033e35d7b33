package main

import (
	"context"
	"fmt"
	"io"

	"gapmap/app/config"
	"gapmap/app/demo"
	"gapmap/app/store"
	"gapmap/questionnaires"
)

func runDemo(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("demo", "Create the demo organization (8 teams, 3 quarterly rounds of every shipped questionnaire) unless it exists, and print how to log in to it.", e)
	cfg := config.Flags(fs, e.getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer st.Close()
	return seedDemo(ctx, st, cfg.BaseURL, e.stdout)
}

// seedDemo seeds the demo organization and prints where and how to log in.
func seedDemo(ctx context.Context, st *store.Store, baseURL string, w io.Writer) error {
	shipped, err := questionnaires.Shipped()
	if err != nil {
		return fmt.Errorf("load questionnaires: %w", err)
	}
	cred, err := demo.Seed(ctx, st, shipped)
	if err != nil {
		return err
	}
	what := "The demo organization is ready"
	if !cred.Created {
		what = "The demo organization already exists"
	}
	fmt.Fprintf(w, "%s: %q.\n  URL:      %s/login?next=/dashboard\n  Email:    %s\n  Password: %s\n"+
		"Anyone who knows this password can log in: do not seed the demo on a public server.\n",
		what, demo.OrgName, baseURL, cred.Email, cred.Password)
	return nil
}
