package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"gapmap/questionnaires/importer"
)

// exitError is an error that ends the process with its own status.
type exitError struct {
	status int
	err    error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// statusOf returns the status an exitError asks for, or 0 when err is none.
func statusOf(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.status
	}
	return 0
}

// badInput is the exit status of an import whose input is at fault.
const badInput = 2

func runQuestionnairesImport(_ context.Context, args []string, e env) error {
	fs := newFlagSet("questionnaires import", "Convert your own copy of a published model's source files into a questionnaire (YAML):\n"+
		"  --from samm  PATH   a checkout of owaspsamm/core, or its model/ folder\n"+
		"  --from dsomm PATH   DevSecOps-MaturityModel-data's generated/model.yaml\n"+
		"  --from pemm  FILE…  pemm-assessment questions-<lang>.yaml files\n"+
		"gapmap ships none of these texts. Broken input: one line naming the file, exit status 2.", e)
	from := fs.String("from", "", "the source: "+strings.Join(importer.Sources(), ", "))
	out := fs.String("o", "", "write the questionnaire to `FILE` (default: standard output)")
	key := fs.String("key", "", "the questionnaire's key (default: owasp-samm, owasp-dsomm or pemm-assessment)")
	ver := fs.String("version", "", "the questionnaire's version (default: the source's release, or a hash of its files)")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *from == "" || len(paths) == 0 {
		fs.Usage()
		return errUsage
	}
	res, err := importer.Import(*from, paths, importer.Options{Key: *key, Version: *ver})
	if err != nil {
		return &exitError{status: badInput, err: err}
	}
	for _, n := range res.Notes {
		fmt.Fprintln(e.stderr, "note:", n)
	}
	q := res.Questionnaire
	if *out == "" {
		_, err = e.stdout.Write(res.YAML)
		return err
	}
	if err := os.WriteFile(*out, res.YAML, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	fmt.Fprintf(e.stderr, "wrote %s: %s %s, %d dimensions, %d questions, scoring %s, %d warnings (see gapmap questionnaires validate %s)\n",
		*out, q.Key, q.Version, len(q.Dimensions), q.QuestionCount(), q.Method(), len(q.Warnings()), *out)
	return nil
}

// parseInterleaved parses flags that may stand before, between or after
// the positional arguments, and returns those arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
