package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gorm.io/gorm"

	"gapmap/app/results"
	"gapmap/app/store"
)

// timing is the repeated measurement of one piece of in-process work.
// Best is the figure compared: on a machine shared with other work, extra
// time only comes from outside, so the fastest run is the closest to the
// work's own cost.
type timing struct {
	Runs     []time.Duration
	Err      error
	Best     float64 // seconds
	P50, P99 float64 // milliseconds
}

func measure(reps int, fn func() error) timing {
	var t timing
	for i := 0; i < reps; i++ {
		start := time.Now()
		if err := fn(); err != nil {
			t.Err = err
			return t
		}
		t.Runs = append(t.Runs, time.Since(start))
	}
	ns := make([]int64, len(t.Runs))
	for i, d := range t.Runs {
		ns[i] = int64(d)
	}
	slices.Sort(ns)
	t.P50, t.P99 = percentile(ns, 0.5), percentile(ns, 0.99)
	t.Best = float64(ns[0]) / 1e9
	return t
}

// timeRescore times results.Recompute of a round: load every answer,
// score, store the snapshots.
func timeRescore(ctx context.Context, st *store.Store, orgID, assessmentID int64, reps int) timing {
	// From raw answers each time, as `gapmap rescore` in a new process: the
	// server's recompute reads only what changed (see results_freshness).
	return measure(reps, func() error {
		st.ForgetCachedAnswers()
		return results.Recompute(ctx, st, orgID, assessmentID)
	})
}

// scoredRow is one answer as the rescore baseline reads it: the columns
// scoring uses.
type scoredRow struct {
	ResponseID       int64
	TeamID           int64
	QuestionnaireKey string
	QuestionKey      string
	Level            *int
	Value            *int
	NA               bool
}

// timeRawRead times the rescore baseline: one raw query reading every
// answer of the round's submitted responses into structs, with the same
// driver, pragmas and GORM configuration.
func timeRawRead(ctx context.Context, db *gorm.DB, assessmentID int64, wantRows int, reps int) timing {
	return measure(reps, func() error {
		rows, err := db.WithContext(ctx).Raw(`SELECT r.id, r.team_id, a.questionnaire_key, a.question_key, a.level, a.value, a.na
			FROM responses r JOIN answers a ON a.response_id = r.id
			WHERE r.assessment_id = ? AND r.status = 'submitted'`, assessmentID).Rows()
		if err != nil {
			return fmt.Errorf("raw read: %w", err)
		}
		defer rows.Close()
		out := make([]scoredRow, 0, wantRows)
		for rows.Next() {
			var r scoredRow
			if err := rows.Scan(&r.ResponseID, &r.TeamID, &r.QuestionnaireKey, &r.QuestionKey, &r.Level, &r.Value, &r.NA); err != nil {
				return fmt.Errorf("raw read: %w", err)
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("raw read: %w", err)
		}
		if len(out) != wantRows {
			return fmt.Errorf("raw read: %d rows, want %d", len(out), wantRows)
		}
		return nil
	})
}

// childResult is what a child process reports on its last line of output.
type childResult struct {
	Seconds   float64 `json:"seconds"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
	Bytes     int64   `json:"bytes"`
	Error     string  `json:"error,omitempty"`
}

// runChild re-executes this binary with a hidden sub-command, so that the
// child's peak memory is that of the one piece of work it runs.
func runChild(ctx context.Context, env []string, args ...string) (childResult, error) {
	self, err := os.Executable()
	if err != nil {
		return childResult{}, fmt.Errorf("find own executable: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res childResult
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		return res, fmt.Errorf("child %s: %v; output: %.300s %.300s", args[0], errors.Join(runErr, err), stdout.String(), stderr.String())
	}
	if res.Error != "" {
		return res, fmt.Errorf("child %s: %s", args[0], res.Error)
	}
	if runErr != nil {
		return res, fmt.Errorf("child %s: %w: %.300s", args[0], runErr, stderr.String())
	}
	return res, nil
}

// peakRSSMB is the process's peak resident set size in MB: VmHWM from
// /proc/self/status, or getrusage where there is no /proc.
func peakRSSMB() float64 {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
				if err == nil {
					return kb / 1024
				}
			}
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		return float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return 0
}
