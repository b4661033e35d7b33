// Command gapmap is the gapmap server and its administration commands.
//
//	gapmap [serve]                    start the server (the default)
//	gapmap migrate up|status          apply or list database migrations
//	gapmap admin create-org ...       create an organization and its owner
//	gapmap admin token ...            create a personal API token
//	gapmap questionnaires list|validate|import
//	gapmap rescore [--assessment ID]  recompute stored results
//	gapmap backup --out FILE          copy the SQLite database online
//	gapmap restore --from FILE        replace the SQLite database with a backup
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
	"strings"
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
	if err != nil && !errors.Is(err, errUsage) && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "gapmap:", err)
	}
	os.Exit(exitCode(err))
}

// exitCode is the process status for what run returned: 0 for success and
// for a requested help text (--help, -h), the status of an exitError, 1 for
// anything else.
func exitCode(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if s := statusOf(err); s != 0 {
		return s
	}
	return 1
}

// command is one sub-command. A command with subs dispatches to them (see
// runSubs) or, like migrate, takes one of them as its action; the help test
// walks every command and sub-command of this table.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env env) error
	subs    []command
}

// env is what a command may touch of the outside world.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{name: "serve", summary: "start the web server (the default command)", run: runServe},
		{name: "migrate", summary: "apply (up) or list (status) database migrations", run: runMigrate, subs: migrateActions()},
		{name: "admin", summary: "administration: create-org, token", subs: adminCommands()},
		{name: "questionnaires", summary: "list, validate or import questionnaires", subs: questionnairesCommands()},
		{name: "rescore", summary: "recompute stored results from the raw answers", run: runRescore},
		{name: "backup", summary: "copy the SQLite database while the server runs, and check the copy", run: runBackup},
		{name: "restore", summary: "replace the SQLite database with a backup (the server must be stopped)", run: runRestore},
		{name: "demo", summary: "create the demo organization and print how to log in", run: runDemo},
		{name: "version", summary: "print the version", run: runVersion},
	}
}

// isHelpArg reports whether arg asks for help.
func isHelpArg(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

// runSubs runs the sub-command of group named by args[0]. Without one it
// prints the group's usage and fails; with help (or -h, --help) it prints
// the usage on stdout and succeeds.
func runSubs(ctx context.Context, group string, subs []command, args []string, e env) error {
	if len(args) == 0 {
		subUsage(e.stderr, group, subs)
		return errUsage
	}
	if isHelpArg(args[0]) {
		subUsage(e.stdout, group, subs)
		return nil
	}
	names := make([]string, len(subs))
	for i, c := range subs {
		if c.name == args[0] {
			return c.run(ctx, args[1:], e)
		}
		names[i] = c.name
	}
	return fmt.Errorf("unknown %s command %q: want %s", group, args[0], strings.Join(names, " or "))
}

func subUsage(w io.Writer, group string, subs []command) {
	names := make([]string, len(subs))
	for i, c := range subs {
		names[i] = c.name
	}
	fmt.Fprintf(w, "Usage: gapmap %s %s [flags]\n\n", group, strings.Join(names, "|"))
	for _, c := range subs {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'gapmap %s <command> --help' for the flags of a command.\n", group)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	e := env{stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 || (len(args[0]) > 0 && args[0][0] == '-' && args[0] != "-h" && args[0] != "--help" && args[0] != "-help") {
		return runServe(ctx, args, e)
	}
	name := args[0]
	if isHelpArg(name) {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		if c.run == nil {
			return runSubs(ctx, c.name, c.subs, args[1:], e)
		}
		return c.run(ctx, args[1:], e)
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
