package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/routers/gorillamux"

	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/web"
	"gapmap/models"
	"gapmap/questionnaires"
)

// measuredFake is what the test servers' measuredFor returns, by team id.
type measuredFake struct {
	mu     sync.Mutex
	byTeam map[int64]map[string]scoring.Measured
	calls  map[int64]int64 // team id -> org id asked for
}

func (m *measuredFake) set(teamID int64, v map[string]scoring.Measured) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byTeam[teamID] = v
}

func (m *measuredFake) get(_ context.Context, orgID, teamID int64) (map[string]scoring.Measured, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls[teamID] = orgID
	return m.byTeam[teamID], nil
}

// eachMeasuredServer is eachServer with measuredFor answered by a fake.
func eachMeasuredServer(t *testing.T, fn func(t *testing.T, ts *testServer, m *measuredFake)) {
	var m *measuredFake // the current subtest's
	setMeasured := func(srv *web.Server) {
		m = &measuredFake{byTeam: map[int64]map[string]scoring.Measured{}, calls: map[int64]int64{}}
		srv.SetMeasured(m.get)
	}
	eachServerWith(t, serverOptions{server: setMeasured}, func(t *testing.T, ts *testServer) { fn(t, ts, m) })
}

// optionAt returns the key of the option of the given level.
func optionAt(t *testing.T, q *questionnaires.Questionnaire, question string, level int) string {
	t.Helper()
	_, qu, ok := q.Question(question)
	if !ok {
		t.Fatalf("no question %q", question)
	}
	for _, o := range qu.Options {
		if o.Level == level {
			return o.Key
		}
	}
	t.Fatalf("question %q has no option of level %d", question, level)
	return ""
}

// submitWith answers every question (the first option) except those in
// levels, answered at the given level, and submits.
func (ts *testServer) submitWith(token string, levels map[string]int) {
	ts.t.Helper()
	q := ts.shippedQ(cncf)
	for _, a := range ts.allAnswers(token) {
		if l, ok := levels[a["question"].(string)]; ok {
			a["option"] = optionAt(ts.t, q, a["question"].(string), l)
		}
		ts.want(ts.putAnswer(token, a), http.StatusOK, "answer")
	}
	ts.want(ts.call("POST", "/api/v1/survey/"+token+"/submit", "", nil), http.StatusOK, "submit")
}

func ptr(v float64) *float64 { return &v }

// contradictionRound is a CNCF round of Blue (answered Optimizing (4) on
// msr-dora) and Green (Operational (2)), both measured at 0.3 deployments
// a week (low, which the question says stands for level 1).
func contradictionRound(t *testing.T, ts *testServer, m *measuredFake) (testOrg, testRound) {
	t.Helper()
	o := ts.newOrg("Acme", "Blue", "Green")
	r := ts.newRound(o, cncf)
	ts.submitWith(r.Tokens[0], map[string]int{"msr-dora": 4})
	ts.submitWith(r.Tokens[1], map[string]int{"msr-dora": 2})
	if err := results.Recompute(context.Background(), ts.st, o.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	low := map[string]scoring.Measured{"deployment_frequency": {Metric: "deployment_frequency", Value: ptr(0.3), Unit: scoring.UnitPerWeek, Band: "low"}}
	m.set(o.Teams[0].ID, low)
	m.set(o.Teams[1].ID, low)
	return o, r
}

const blueFlag = "answered Optimizing (4); measured deployments: 0.3 per week (low → 1)"

// TestContradictionsInResultsAPI: the results API carries each team's
// contradictions, as the OpenAPI document describes them; a team one
// level from its band has none, and a member sees only their team's.
func TestContradictionsInResultsAPI(t *testing.T) {
	eachMeasuredServer(t, func(t *testing.T, ts *testServer, m *measuredFake) {
		o, r := contradictionRound(t, ts, m)
		blue, green := o.Teams[0], o.Teams[1]
		type team struct {
			ID             int64
			Contradictions []map[string]any
		}
		teamsOf := func(token, query string) map[int64]team {
			t.Helper()
			res := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/results%s", r.ID, query), token, nil), http.StatusOK, "results")
			var body struct {
				Questionnaires []struct{ Teams []team }
			}
			res.decode(t, &body)
			out := map[int64]team{}
			for _, tm := range body.Questionnaires[0].Teams {
				out[tm.ID] = tm
			}
			return out
		}
		teams := teamsOf(o.Token, "")
		want := map[string]any{"question": "msr-dora", "answered_level": float64(4), "measured_metric": "deployment_frequency",
			"measured_value": 0.3, "band": "low", "band_level": float64(1), "text": blueFlag}
		if got := teams[blue.ID].Contradictions; len(got) != 1 || fmt.Sprint(got[0]) != fmt.Sprint(want) {
			t.Errorf("Blue's contradictions = %v, want [%v]", got, want)
		}
		if got := teams[green.ID].Contradictions; got != nil {
			t.Errorf("Green (one level from its band) has contradictions %v", got)
		}
		if got := teamsOf(o.Token, fmt.Sprintf("?team_id=%d", blue.ID))[blue.ID].Contradictions; len(got) != 1 {
			t.Errorf("Blue alone: contradictions %v", got)
		}
		if m.calls[blue.ID] != o.ID {
			t.Errorf("measuredFor was asked for Blue in org %d, want %d", m.calls[blue.ID], o.ID)
		}
		_, memberToken := ts.addPerson(o, "green-lead@example.com", models.RoleMember, green.ID)
		if got := teamsOf(memberToken, ""); len(got) != 1 || got[green.ID].ID != green.ID {
			t.Errorf("a member of Green sees teams %v", got)
		}

		// The answer validates against the OpenAPI document.
		doc := loadOpenAPI(t, ts)
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			t.Fatal(err)
		}
		oaRun(t, ts, router, oaCase{name: "results with contradictions", method: "GET",
			path: fixed(fmt.Sprintf("/api/v1/assessments/%d/results", r.ID)), token: fixed(o.Token), status: http.StatusOK})

		// Without measured data, the stored results are served as they are.
		m.set(blue.ID, nil)
		res := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/results", r.ID), o.Token, nil), http.StatusOK, "results")
		if strings.Contains(res.text(), "contradictions") {
			t.Errorf("results without measured data mention contradictions: %.300s", res.Body)
		}
	})
}

// TestContradictionsOnPages: the team view, the dashboard and the report
// (HTML and Markdown) show the flag with both facts.
func TestContradictionsOnPages(t *testing.T) {
	eachMeasuredServer(t, func(t *testing.T, ts *testServer, m *measuredFake) {
		o, r := contradictionRound(t, ts, m)
		c := ts.client()
		c.login(o.Owner.Email)
		blue := o.Teams[0]
		for _, path := range []string{
			fmt.Sprintf("/assessments/%d/teams/%d", r.ID, blue.ID),
			fmt.Sprintf("/assessments/%d/dashboard", r.ID),
			fmt.Sprintf("/assessments/%d/report", r.ID),
			fmt.Sprintf("/assessments/%d/teams/%d/report", r.ID, blue.ID),
			fmt.Sprintf("/assessments/%d/report.md", r.ID),
		} {
			res := c.get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %s", path, res)
			}
			body := res.text()
			if !strings.HasSuffix(path, ".md") {
				body = strings.ReplaceAll(body, "&rarr;", "→")
			}
			if !strings.Contains(body, blueFlag) {
				t.Errorf("GET %s does not show %q", path, blueFlag)
			}
		}
		green := fmt.Sprintf("/assessments/%d/teams/%d", r.ID, o.Teams[1].ID)
		if res := c.get(green); strings.Contains(res.text(), "measured deployments") {
			t.Errorf("Green's team view shows a contradiction")
		}
	})
}
