package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gapmap/app/store"
)

// result is what one invocation of the command printed and returned.
type result struct {
	stdout, stderr string
	err            error
}

// invoke runs the command line args with env as the whole environment.
func invoke(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
	return result{stdout: out.String(), stderr: errOut.String(), err: err}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestVersionHelpAndUnknown(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantErr    func(error) bool
		wantStdout string
		wantStderr string
	}{
		{name: "version", args: []string{"version"}, wantStdout: "gapmap " + version + "\n"},
		{name: "--help", args: []string{"--help"}, wantStdout: "Commands:"},
		{name: "-h", args: []string{"-h"}, wantStdout: "migrate"},
		{name: "help lists every command", args: []string{"help"}, wantStdout: "admin"},
		{name: "unknown command", args: []string{"frobnicate"}, wantErr: func(err error) bool {
			return err != nil && strings.Contains(err.Error(), `unknown command "frobnicate"`)
		}, wantStderr: "Usage: gapmap"},
		{name: "version --help", args: []string{"version", "--help"}, wantErr: isHelp, wantStderr: "print the version"},
		{name: "serve --help", args: []string{"serve", "--help"}, wantErr: isHelp, wantStderr: "GAPMAP_DATABASE"},
		{name: "migrate --help", args: []string{"migrate", "--help"}, wantErr: isHelp, wantStderr: "pending database migration"},
		{name: "admin without a sub-command", args: []string{"admin"}, wantErr: isUsage, wantStderr: "create-org"},
		{name: "admin unknown", args: []string{"admin", "nuke"}, wantErr: func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "nuke")
		}},
		{name: "admin create-org --help", args: []string{"admin", "create-org", "--help"}, wantErr: isHelp, wantStderr: "print the organization's id"},
		{name: "admin token --help", args: []string{"admin", "token", "--help"}, wantErr: isHelp, wantStderr: "last line"},
		{name: "questionnaires without a sub-command", args: []string{"questionnaires"}, wantErr: isUsage, wantStderr: "validate"},
		{name: "migrate without up or status", args: []string{"migrate"}, wantErr: isUsage, wantStderr: "up|status"},
		{name: "migrate down is not offered", args: []string{"migrate", "down"}, wantErr: isUsage},
		{name: "migrate with two actions", args: []string{"migrate", "up", "status"}, wantErr: isUsage},
		{name: "migrate with an action before and after the flags", args: []string{"migrate", "up", "--db", "x.db", "status"}, wantErr: isUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := invoke(t, nil, tc.args...)
			if tc.wantErr == nil && r.err != nil {
				t.Fatalf("error %v; stderr %s", r.err, r.stderr)
			}
			if tc.wantErr != nil && !tc.wantErr(r.err) {
				t.Fatalf("error %v is not the one wanted", r.err)
			}
			if !strings.Contains(r.stdout, tc.wantStdout) {
				t.Errorf("stdout %q lacks %q", r.stdout, tc.wantStdout)
			}
			if !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, tc.wantStderr)
			}
		})
	}
}

// TestEveryCommandHelp walks the command table: every command and every
// sub-command answers --help, -h and -help with its usage, exits 0, and
// does nothing else (no database is created).
func TestEveryCommandHelp(t *testing.T) {
	var lines [][]string
	for _, c := range commands() {
		lines = append(lines, []string{c.name})
		for _, sub := range c.subs {
			lines = append(lines, []string{c.name, sub.name})
		}
	}
	if len(lines) < 12 {
		t.Fatalf("the command table yields %d command lines, want every command and sub-command", len(lines))
	}
	for _, line := range lines {
		for _, flag := range []string{"--help", "-h", "-help"} {
			args := append(append([]string{}, line...), flag)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				db := filepath.Join(t.TempDir(), "gapmap.db")
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				var out, errOut bytes.Buffer
				err := run(ctx, args, &out, &errOut, func(k string) string {
					return map[string]string{"GAPMAP_DATABASE": db}[k]
				})
				if ctx.Err() != nil {
					t.Fatalf("gapmap %s ran until its deadline instead of printing help", strings.Join(args, " "))
				}
				if code := exitCode(err); code != 0 {
					t.Errorf("exit status %d (error %v), want 0", code, err)
				}
				usage := "Usage: gapmap " + strings.Join(line, " ")
				if text := out.String() + errOut.String(); !strings.Contains(text, usage) {
					t.Errorf("output lacks %q:\n%s", usage, text)
				}
				if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("help touched the database %s (stat: %v)", db, err)
				}
			})
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{flag.ErrHelp, 0},
		{fmt.Errorf("parse: %w", flag.ErrHelp), 0},
		{errUsage, 1},
		{errors.New("boom"), 1},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func isHelp(err error) bool  { return errors.Is(err, flag.ErrHelp) }
func isUsage(err error) bool { return errors.Is(err, errUsage) }

func TestAdminCreateOrgAndToken(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gapmap.db")
	ctx := context.Background()

	r := invoke(t, nil, "admin", "create-org", "--db", db, "--name", "Acme", "--email", "ann@example.com", "--password", "correct horse battery")
	if r.err != nil {
		t.Fatalf("create-org: %v; stderr %s", r.err, r.stderr)
	}
	if !regexp.MustCompile(`^[1-9][0-9]*\n$`).MatchString(r.stdout) {
		t.Fatalf("create-org printed %q, want the organization id alone", r.stdout)
	}
	acmeID, _ := strconv.ParseInt(strings.TrimSpace(r.stdout), 10, 64)

	// The database comes from GAPMAP_DATABASE when --db is absent.
	env := map[string]string{"GAPMAP_DATABASE": db}
	r = invoke(t, env, "admin", "create-org", "--name", "Beta", "--email", "ann@example.com", "--password", "correct horse battery")
	if r.err != nil {
		t.Fatalf("create-org of a second org for the same owner: %v", r.err)
	}
	betaID, _ := strconv.ParseInt(strings.TrimSpace(r.stdout), 10, 64)
	if betaID == 0 || betaID == acmeID {
		t.Fatalf("second org id %q", r.stdout)
	}

	refused := []struct {
		name string
		args []string
		want string
	}{
		{"wrong password for an existing owner", []string{"--name", "Gamma", "--email", "ann@example.com", "--password", "not the password"}, "password"},
		{"short password", []string{"--name", "Gamma", "--email", "new@example.com", "--password", "short"}, "10 characters"},
		{"no name", []string{"--email", "new@example.com", "--password", "correct horse battery"}, "name"},
		{"bad email", []string{"--name", "Gamma", "--email", "nope", "--password", "correct horse battery"}, "email"},
	}
	for _, tc := range refused {
		t.Run("create-org "+tc.name, func(t *testing.T) {
			r := invoke(t, env, append([]string{"admin", "create-org"}, tc.args...)...)
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) || r.stdout != "" {
				t.Fatalf("err %v, stdout %q; want a refusal mentioning %q", r.err, r.stdout, tc.want)
			}
		})
	}

	tokens := []struct {
		name    string
		args    []string
		wantOrg int64
	}{
		{"default org", []string{"admin", "token", "--db", db, "--email", "ann@example.com"}, acmeID},
		{"named, chosen org", []string{"admin", "token", "--db", db, "--email", "ANN@example.com", "--name", "deploy", "--org", strconv.FormatInt(betaID, 10)}, betaID},
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range tokens {
		t.Run("token "+tc.name, func(t *testing.T) {
			r := invoke(t, nil, tc.args...)
			if r.err != nil {
				t.Fatalf("token: %v; stderr %s", r.err, r.stderr)
			}
			plain := lastLine(r.stdout)
			if !strings.HasPrefix(plain, store.TokenPrefix) {
				t.Fatalf("last line %q is not a token", plain)
			}
			p, err := st.PrincipalByToken(ctx, plain)
			if err != nil {
				t.Fatalf("the printed token does not authenticate: %v", err)
			}
			if p.OrgID != tc.wantOrg || p.Email != "ann@example.com" {
				t.Fatalf("token acts as %+v, want org %d", p, tc.wantOrg)
			}
		})
	}
	for _, args := range [][]string{
		{"admin", "token", "--db", db, "--email", "nobody@example.com"},
		{"admin", "token", "--db", db, "--email", "ann@example.com", "--org", "999"},
		{"admin", "token", "--db", db, "--email", "ann@example.com", "--name", " "},
	} {
		if r := invoke(t, nil, args...); r.err == nil || strings.HasPrefix(lastLine(r.stdout), store.TokenPrefix) {
			t.Errorf("%q printed a token (err %v)", args, r.err)
		}
	}
}

func TestMigrate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gapmap.db")
	steps := []struct {
		args       []string
		wantStdout []string
		notStdout  string
	}{
		{args: []string{"migrate", "status", "--db", db}, wantStdout: []string{"VERSION", "00001_init.sql", "pending"}, notStdout: "applied"},
		{args: []string{"migrate", "--db", db, "up"}, wantStdout: []string{"migrations applied"}},
		{args: []string{"migrate", "up", "--db", db}, wantStdout: []string{"migrations applied"}},
		{args: []string{"migrate", "--db", db, "status"}, wantStdout: []string{"00001_init.sql", "applied"}, notStdout: "pending"},
	}
	for _, s := range steps {
		r := invoke(t, nil, s.args...)
		if r.err != nil {
			t.Fatalf("%q: %v; stderr %s", s.args, r.err, r.stderr)
		}
		for _, w := range s.wantStdout {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%q: stdout %q lacks %q", s.args, r.stdout, w)
			}
		}
		if s.notStdout != "" && strings.Contains(r.stdout, s.notStdout) {
			t.Errorf("%q: stdout %q has %q", s.args, r.stdout, s.notStdout)
		}
	}
}

func TestQuestionnairesValidate(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("key: Not A Slug\nversion: \"\"\nlevels: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	valid := filepath.Join("..", "..", "questionnaires", "testdata", "valid.yaml")

	r := invoke(t, nil, "questionnaires", "validate")
	if r.err != nil {
		t.Fatalf("validate the shipped questionnaires: %v\n%s", r.err, r.stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 2 {
		t.Fatalf("validate listed %d shipped questionnaires, want at least 2:\n%s", len(lines), r.stdout)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "ok  ") {
			t.Errorf("line %q does not say ok", l)
		}
	}

	if _, err := os.Stat(valid); err == nil {
		r = invoke(t, nil, "questionnaires", "validate", valid)
		if r.err != nil || !strings.HasPrefix(r.stdout, "ok  ") {
			t.Fatalf("validate %s: %v\n%s", valid, r.err, r.stdout)
		}
	}

	r = invoke(t, nil, "questionnaires", "validate", broken, filepath.Join(dir, "missing.yaml"))
	if r.err == nil {
		t.Fatal("validate of a broken and a missing file succeeded")
	}
	if !strings.Contains(r.stdout, "broken.yaml") || !strings.Contains(r.stdout, "missing.yaml") {
		t.Fatalf("validate output %q does not name both files", r.stdout)
	}

	r = invoke(t, nil, "questionnaires", "list")
	if r.err != nil || !strings.Contains(r.stdout, "KEY") || len(strings.Split(strings.TrimSpace(r.stdout), "\n")) != len(lines)+1 {
		t.Fatalf("list: %v\n%s", r.err, r.stdout)
	}
}

func TestServeRejectsInvalidConfiguration(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gapmap.db")
	for _, args := range [][]string{
		{"serve", "--db", db, "--addr", "nowhere"},
		{"--db", db, "--base-url", "gapmap.example.com"},
		{"serve", "--db", db, "--log-level", "chatty"},
	} {
		r := invoke(t, nil, args...)
		if r.err == nil {
			t.Fatalf("%q started", args)
		}
		if msg := r.err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "invalid ") {
			t.Errorf("%q: message %q, want one line starting with \"invalid\"", args, msg)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("an invalid configuration still created the database")
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe starts the server on a free port, asks /healthz, and stops it
// the way SIGTERM does.
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gapmap.db")
	srv := startRun(t, []string{"--addr", "127.0.0.1:0", "--db", db}, nil)
	if !strings.Contains(srv.out.String(), "gapmap is ready") {
		t.Errorf("stdout %q lacks the ready line", srv.out.String())
	}
	resp, err := http.Get("http://" + srv.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz = %d", resp.StatusCode)
	}
	srv.stop()
	if !strings.Contains(srv.errOut.String(), "shutting down") {
		t.Errorf("no shutdown line in the log:\n%s", srv.errOut.String())
	}
}
