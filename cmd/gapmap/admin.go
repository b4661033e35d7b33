package main

import (
	"context"
	"fmt"
)

func adminCommands() []command {
	return []command{
		{name: "create-org", summary: "create an organization and its owner; prints the organization id", run: runCreateOrg},
		{name: "token", summary: "create a personal API token; prints it on the last line", run: runToken},
		{name: "export-org", summary: "write one organization's data to a zip (JSON Lines, questionnaires, manifest)", run: runExportOrg},
		{name: "delete-org", summary: "delete one organization and everything it owns, in one transaction", run: runDeleteOrg},
	}
}

func runCreateOrg(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin create-org", "Create an organization owned by EMAIL (a new user with PASSWORD, or an existing user whose password it is) and print the organization's id.", e)
	db := dbFlag(fs, e)
	name := fs.String("name", "", "organization name (required)")
	email := fs.String("email", "", "owner's email (required)")
	password := fs.String("password", "", "owner's password, at least 10 characters (required)")
	st, err := parseAndOpen(ctx, fs, args, db)
	if err != nil {
		return err
	}
	defer st.Close()
	org, err := st.CreateOrg(ctx, *name, *email, *password)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, org.ID)
	return nil
}

func runToken(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin token", "Create a personal API token for EMAIL and print it as the last line (it is not shown again).", e)
	db := dbFlag(fs, e)
	email := fs.String("email", "", "the user's email (required)")
	name := fs.String("name", "cli", "a name for the token")
	orgID := fs.Int64("org", 0, "organization id (default: the user's first organization)")
	st, err := parseAndOpen(ctx, fs, args, db)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("no user with email %q", *email)
	}
	if *orgID == 0 {
		ms, err := st.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return fmt.Errorf("%s belongs to no organization", *email)
		}
		*orgID = ms[0].OrgID
	}
	plain, _, err := st.CreateToken(ctx, *orgID, u.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Token %q for %s in organization %d (shown once):\n", *name, *email, *orgID)
	fmt.Fprintln(e.stdout, plain)
	return nil
}
