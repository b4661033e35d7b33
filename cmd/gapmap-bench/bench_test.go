package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestTinyRun builds the harness, runs it on a tiny round with short load
// runs, and checks that the JSON report has every metric, measured.
func TestTinyRun(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end benchmark run skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "gapmap-bench")
	build := exec.Command(goTool(), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--json", "--teams", "5", "--respondents", "2",
		"--duration", "300ms", "--warmup", "100ms", "--connections", "4", "--reps", "1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Config struct {
			Teams       int `json:"teams"`
			Respondents int `json:"respondents"`
			Connections int `json:"connections"`
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
	if c := rep.Config; c.Teams != 5 || c.Respondents != 2 || c.Connections != 4 || c.BigRound.Answers <= 0 {
		t.Errorf("config = %+v, want 5 teams × 2 respondents, 4 connections, some answers", c)
	}
	want := []string{"survey_get", "autosave", "results", "dashboard", "rescore", "export", "scaling"}
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
