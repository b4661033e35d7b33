// Command gapmap is the gapmap server and its administration commands.
//
//	gapmap [serve]                    start the server (the default)
//	gapmap migrate up|status          apply or list database migrations
//	gapmap admin create-org ...       create an organization and its owner
//	gapmap admin token ...            create a personal API token
//	gapmap questionnaires list|validate
//	gapmap rescore [--assessment ID]  recompute stored results
//	gapmap demo                       create the demo organization
//	gapmap version                    print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// errUsage marks errors already explained by a usage message.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gapmap:", err)
		}
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(1)
	}
}

// command is one sub-command.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env env) error
}

// env is what a command may touch of the outside world.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "start the web server (the default command)", runServe},
		{"migrate", "apply (up) or list (status) database migrations", runMigrate},
		{"admin", "administration: create-org, token", runAdmin},
		{"questionnaires", "list or validate questionnaires", runQuestionnaires},
		{"rescore", "recompute stored results from the raw answers", runRescore},
		{"demo", "create the demo organization and print how to log in", runDemo},
		{"version", "print the version", runVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	e := env{stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 || (len(args[0]) > 0 && args[0][0] == '-' && args[0] != "-h" && args[0] != "--help" && args[0] != "-help") {
		return runServe(ctx, args, e)
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], e)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", name)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "gapmap — platform engineering maturity assessments\n\nUsage: gapmap <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'gapmap <command> --help' for the flags of a command.")
}

func runVersion(_ context.Context, args []string, e env) error {
	fs := newFlagSet("version", "print the version of gapmap", e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "gapmap", version)
	return nil
}

// newFlagSet returns a flag set that prints a description with its usage.
func newFlagSet(name, description string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: gapmap %s [flags]\n\n%s\n\nFlags:\n", name, description)
		fs.PrintDefaults()
	}
	return fs
}
