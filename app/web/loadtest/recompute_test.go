package loadtest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"gapmap/app/store/storetest"
)

// roundResults is what these tests read of the results API.
type roundResults struct {
	Questionnaires []struct {
		Key   string `json:"key"`
		Teams []struct {
			ID          int64 `json:"id"`
			Respondents int   `json:"respondents"`
		} `json:"teams"`
	} `json:"questionnaires"`
	ComputedAt *string `json:"computed_at"`
	Pending    *bool   `json:"pending"`
}

// respondents counts the submitted responses in the first questionnaire.
func (r *roundResults) respondents() int {
	n := 0
	if len(r.Questionnaires) > 0 {
		for _, t := range r.Questionnaires[0].Teams {
			n += t.Respondents
		}
	}
	return n
}

func (w *world) results(t *testing.T, tn tenant) *roundResults {
	t.Helper()
	var out roundResults
	w.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/assessments/%d/results", tn.assessment), tn.token, nil, &out)
	if out.Pending == nil {
		t.Fatal("the results API has no pending field")
	}
	return &out
}

// waitResults polls the results API until they are no longer pending and
// count want respondents, or fails after a deadline.
func (w *world) waitResults(t *testing.T, tn tenant, want int, step string) *roundResults {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := w.results(t, tn)
		if !*r.Pending && r.respondents() == want {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: after 60 s the results count %d respondents (want %d), pending %v", step, r.respondents(), want, *r.Pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fill answers every question of a survey link (first option, or 3).
func (w *world) fill(t *testing.T, token string) {
	t.Helper()
	for _, q := range w.questions {
		body := map[string]any{"questionnaire": q.questionnaire, "question": q.key}
		if q.likert {
			body["value"] = 3
		} else {
			body["option"] = q.options[0]
		}
		w.must(t, http.StatusOK, "PUT", "/api/v1/survey/"+token+"/answers", "", body, nil)
	}
}

// TestKillBetweenSubmitAndRecompute: the server acknowledges a submission
// and is killed with SIGKILL while the recompute job is leased but not done
// (GAPMAP_JOBS_DELAY holds it); after a restart the results include the
// submission without anyone touching the round again.
func TestKillBetweenSubmitAndRecompute(t *testing.T) {
	backends(t, func(t *testing.T, dsn, path string) {
		t.Setenv("GAPMAP_JOBS_LEASE", "3s") // PostgreSQL waits for a dead process's lease
		t.Setenv("GAPMAP_JOBS_DELAY", "1h")
		srv := newServer(t, dsn)
		w := setup(t, srv, plan{orgs: 1})
		tn := w.tenants[0]
		before := w.results(t, tn) // computes the empty round's snapshots
		if before.respondents() != 0 || *before.Pending || before.ComputedAt == nil {
			t.Fatalf("before any submission: %d respondents, pending %v, computed_at %v", before.respondents(), *before.Pending, before.ComputedAt)
		}
		token := w.invite(t, tn, 0)
		w.fill(t, token)
		w.must(t, http.StatusOK, "POST", "/api/v1/survey/"+token+"/submit", "", nil, nil)
		stale := w.results(t, tn)
		if !*stale.Pending || stale.respondents() != 0 {
			t.Fatalf("after the submission, with the recompute held: pending %v, %d respondents; want pending and the old results", *stale.Pending, stale.respondents())
		}
		if mine := w.surveyFreshness(t, token); !mine.Pending || mine.ComputedAt == nil {
			t.Fatalf("the respondent's results after the submission: pending %v, computed_at %v; want pending", mine.Pending, mine.ComputedAt)
		}
		waitLeased(t, dsn)
		srv.kill()
		t.Setenv("GAPMAP_JOBS_DELAY", "0s")
		srv.start()
		fresh := w.waitResults(t, tn, 1, "after the restart")
		if mine := w.surveyFreshness(t, token); mine.Pending || mine.ComputedAt == nil || *mine.ComputedAt != *fresh.ComputedAt {
			t.Errorf("the respondent's results after the restart: pending %v, computed_at %v; want %v, not pending", mine.Pending, mine.ComputedAt, *fresh.ComputedAt)
		}
		at, err := time.Parse(time.RFC3339, *fresh.ComputedAt)
		if err != nil {
			t.Fatalf("computed_at %q: %v", *fresh.ComputedAt, err)
		}
		if old, _ := time.Parse(time.RFC3339, *before.ComputedAt); !at.After(old) {
			t.Errorf("computed_at %v is not after the first computation %v", at, old)
		}
		srv.stop()
		integrityCheck(t, path)
	})
}

// TestTwoProcessesShareOnePostgres: two gapmap processes on one PostgreSQL
// database take submissions into one round at the same time; their job
// workers share the recompute jobs, and the final snapshot equals a fresh
// `gapmap rescore`.
func TestTwoProcessesShareOnePostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a := newServer(t, dsn)
	w := setup(t, a, plan{orgs: 1})
	b := newServer(t, dsn)
	b.start()
	wb := *w
	wb.srv = b
	tn := w.tenants[0]
	const n = 24
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = w.invite(t, tn, i)
		w.fill(t, tokens[i])
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, tok := range tokens {
		via := w
		if i%2 == 1 {
			via = &wb
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, data, err := via.do("POST", "/api/v1/survey/"+tok+"/submit", "", nil)
			if err != nil || status != http.StatusOK {
				errs <- fmt.Errorf("submit via %s: %d %v %.200s", via.srv.addr, status, err, data)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	w.waitResults(t, tn, n, "through the first process")
	wb.waitResults(t, tn, n, "through the second process")
	a.stop()
	b.stop()

	snapshots := func() map[string][]byte {
		var rows []struct {
			QuestionnaireKey string
			Data             string
		}
		if err := rawDB(t, dsn).Table("result_snapshots").Where("assessment_id = ?", tn.assessment).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		for _, r := range rows {
			out[r.QuestionnaireKey] = []byte(r.Data)
		}
		return out
	}
	var left int64
	if err := rawDB(t, dsn).Table("jobs").Where("kind = ?", "results.recompute").Count(&left).Error; err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d recompute jobs left after both processes settled", left)
	}
	served := snapshots()
	a.admin("rescore", "--assessment", fmt.Sprint(tn.assessment))
	fresh := snapshots()
	if len(served) != 2 || len(fresh) != len(served) {
		t.Fatalf("%d snapshots served, %d after rescore; want 2", len(served), len(fresh))
	}
	for k, js := range fresh {
		if !bytes.Equal(js, served[k]) || !json.Valid(js) {
			t.Errorf("snapshot %s differs from a fresh rescore:\nserved: %.400s\nfresh:  %.400s", k, served[k], js)
		}
	}
}

// surveyFreshness reads computed_at and pending of a respondent's results.
func (w *world) surveyFreshness(t *testing.T, token string) (out struct {
	ComputedAt *string `json:"computed_at"`
	Pending    bool    `json:"pending"`
}) {
	t.Helper()
	w.must(t, http.StatusOK, "GET", "/api/v1/survey/"+token+"/results", "", nil, &out)
	return out
}

// waitLeased waits until a worker holds the round's recompute job: the
// server is then killed with the job leased but not done.
func waitLeased(t *testing.T, dsn string) {
	t.Helper()
	db := rawDB(t, dsn)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int64
		if err := db.Table("jobs").Where("lease_until IS NOT NULL").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no worker leased the recompute job within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
