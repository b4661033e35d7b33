package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gapmap/app/store"
)

// TestTinyRun builds the harness, runs it on a tiny round with short load
// runs, and checks that the JSON report has every metric, measured.
func TestTinyRun(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end benchmark run skipped with -short")
	}
	bin := buildBench(t)
	t.Run("named", func(t *testing.T) { tinyRun(t, bin, false) })
	// Anonymous with 2 respondents per team: every team is withheld.
	t.Run("anonymous", func(t *testing.T) { tinyRun(t, bin, true) })
}

func tinyRun(t *testing.T, bin string, anonymous bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := []string{"--json", "--teams", "5", "--respondents", "2",
		"--duration", "300ms", "--warmup", "100ms", "--connections", "4", "--reps", "1"}
	if anonymous {
		args = append(args, "--anonymous")
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run (timed out: %v): %v\n%s", ctx.Err() != nil, err, stderr.String())
	}
	var rep struct {
		Config struct {
			Anonymous   bool `json:"anonymous"`
			Teams       int  `json:"teams"`
			Respondents int  `json:"respondents"`
			Connections int  `json:"connections"`
			BigRound    struct {
				Answers int `json:"answers"`
			} `json:"big_round"`
		} `json:"config"`
		Metrics []struct {
			Name          string   `json:"name"`
			Value         float64  `json:"value"`
			Unit          string   `json:"unit"`
			P50           *float64 `json:"p50_ms"`
			P99           *float64 `json:"p99_ms"`
			Errors        *int64   `json:"errors"`
			Baseline      string   `json:"baseline"`
			BaselineValue float64  `json:"baseline_value"`
			Ratio         float64  `json:"ratio"`
			Goal          string   `json:"goal"`
			Met           *bool    `json:"met"`
			Note          string   `json:"note"`
		} `json:"metrics"`
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, stdout.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("decode report: %v", err)
	}
	if c := rep.Config; c.Anonymous != anonymous || c.Teams != 5 || c.Respondents != 2 || c.Connections != 4 || c.BigRound.Answers <= 0 {
		t.Errorf("config = %+v, want 5 teams × 2 respondents, 4 connections, some answers", c)
	}
	want := []string{"survey_get", "autosave", "results", "dashboard", "rescore", "export", "scaling",
		"results_same_bytes", "dashboard_same_bytes", "survey_page", "survey_page_full",
		"submit_big", "autosave_during_submits", "results_freshness"}
	byName := map[string]int{}
	for i, m := range rep.Metrics {
		byName[m.Name] = i
	}
	for _, name := range want {
		i, ok := byName[name]
		if !ok {
			t.Errorf("metric %s missing", name)
			continue
		}
		m := rep.Metrics[i]
		if m.Value <= 0 || m.BaselineValue <= 0 || m.Ratio <= 0 {
			t.Errorf("%s: value %v, baseline %v, ratio %v: want all positive (note: %s)", name, m.Value, m.BaselineValue, m.Ratio, m.Note)
		}
		if m.Unit == "" || m.Baseline == "" || m.Goal == "" {
			t.Errorf("%s: unit %q, baseline %q, goal %q: want all set", name, m.Unit, m.Baseline, m.Goal)
		}
		if m.P50 == nil || m.P99 == nil || m.Errors == nil || m.Met == nil {
			t.Errorf("%s: p50_ms, p99_ms, errors and met must all be present", name)
		} else if *m.Errors != 0 {
			t.Errorf("%s: %d errors (note: %s)", name, *m.Errors, m.Note)
		}
	}
	if i, ok := byName["submit_small"]; !ok {
		t.Error("metric submit_small missing")
	} else if m := rep.Metrics[i]; m.Value <= 0 || m.Errors == nil || *m.Errors != 0 || m.Goal == "" {
		t.Errorf("submit_small: value %v, errors %v, goal %q: want a positive p50, no errors, a goal (note: %s)", m.Value, m.Errors, m.Goal, m.Note)
	}
}

// TestSeed runs the seed sub-command on a new file and authenticates
// against the seeded database with the login it prints last; it refuses
// an existing file, a missing --db and bad sizes without creating a file.
func TestSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("seeding skipped with -short")
	}
	bin := buildBench(t)
	db := filepath.Join(t.TempDir(), "seeded.db")
	run := func(step string, args ...string) (string, string, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if ctx.Err() != nil {
			t.Fatalf("%s: timed out\n%s", step, stderr.String())
		}
		return stdout.String(), stderr.String(), err
	}
	stdout, stderr, err := run("seed", "seed", "--db", db, "--teams", "3", "--respondents", "2")
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("seed printed %q, want the login as its last two lines", stdout)
	}
	email, okE := strings.CutPrefix(lines[len(lines)-2], "email: ")
	password, okP := strings.CutPrefix(lines[len(lines)-1], "password: ")
	if !okE || !okP || email == "" || password == "" {
		t.Fatalf("last two lines %q, want \"email: …\" and \"password: …\"", lines[len(lines)-2:])
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatalf("open seeded database: %v", err)
	}
	defer st.Close()
	user, err := st.Authenticate(ctx, email, password)
	if err != nil {
		t.Fatalf("log in with the printed login: %v", err)
	}
	orgs, err := st.Memberships(ctx, user.ID)
	if err != nil {
		t.Fatalf("organizations of the owner: %v", err)
	}
	if len(orgs) < 2 {
		t.Errorf("owner belongs to %d organizations, want the main one and the others of the benchmark", len(orgs))
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"existing file", []string{"seed", "--db", db, "--teams", "3"}, "exists"},
		{"no --db", []string{"seed", "--teams", "3"}, "--db"},
		{"no teams", []string{"seed", "--db", db + "-2", "--teams", "0"}, "--teams"},
	} {
		_, stderr, err := run(tc.name, tc.args...)
		if err == nil || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: err %v, stderr %q: want a failure naming %q", tc.name, err, stderr, tc.want)
		}
	}
	if fileExists(db + "-2") {
		t.Error("a refused seed created its database")
	}
}

// buildBench builds the harness into a temporary directory.
func buildBench(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gapmap-bench")
	build := exec.Command(goTool(), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// goTool is the go command of GOROOT when that is set, else the one on PATH.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
