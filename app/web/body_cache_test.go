package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gapmap/app/store/storetest"
	"gapmap/app/web"
	"gapmap/models"
)

// cacheServer is a test server on SQLite that also returns the *web.Server,
// for tests that count cache misses.
func cacheServer(t *testing.T) (*web.Server, *testServer) {
	t.Helper()
	st := storetest.SQLite(t)
	var srv *web.Server
	ts := newTestServerWith(t, st, serverOptions{server: func(s *web.Server) { srv = s }})
	return srv, ts
}

// TestResultsAndDashboardCache: the results API and a round's dashboard
// are built once per version of what they show and sent again from the
// cache; a new snapshot or a renamed round builds them again; other
// organizations and members still get no results of the round.
func TestResultsAndDashboardCache(t *testing.T) {
	srv, ts := cacheServer(t)
	o := ts.newOrg("Cache Org", "Alpha team", "Beta team")
	other := ts.newOrg("Other Org", "Gamma team")
	round := ts.newRound(o)
	_, memberToken := ts.addPerson(o, "member@cache.test", models.RoleMember)
	submit := func(tok string) {
		t.Helper()
		ts.answerAll(tok)
		ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), http.StatusOK, "submit")
	}
	submit(round.Tokens[0])
	owner := ts.client()
	owner.login(o.Owner.Email)
	dash := fmt.Sprintf("/assessments/%d/dashboard", round.ID)
	resultsPath := fmt.Sprintf("/api/v1/assessments/%d/results", round.ID)

	steps := []struct {
		name        string
		change      func()
		wantBuilds  int64 // results answers and dashboard contents built since the first step
		wantSame    bool  // the same pages as the step before
		wantText    string
		wantResults string // in the results answer
	}{
		{name: "first views", change: func() {}, wantBuilds: 2, wantText: "Cache Org"},
		{name: "second views", change: func() {}, wantBuilds: 2, wantSame: true},
		{name: "renamed round", wantBuilds: 4, wantText: "Renamed round", change: func() {
			ts.want(ts.call("PATCH", fmt.Sprintf("/api/v1/assessments/%d", round.ID), o.Token, map[string]any{"name": "Renamed round"}), http.StatusOK, "rename")
		}},
		{name: "views of the renamed round", change: func() {}, wantBuilds: 4, wantSame: true},
		{name: "another submission", change: func() { submit(round.Tokens[1]) }, wantBuilds: 6},
		{name: "views after it", change: func() {}, wantBuilds: 6, wantSame: true},
		{name: "renamed team", wantBuilds: 7, wantText: "Alpha squad", change: func() {
			ts.want(ts.call("PATCH", fmt.Sprintf("/api/v1/teams/%d", o.Teams[0].ID), o.Token, map[string]any{"name": "Alpha squad"}), http.StatusOK, "rename team")
		}},
		{name: "views after the team's rename", change: func() {}, wantBuilds: 7, wantSame: true},
		// A team's rename changes the dashboard (the results show the
		// snapshots' names until the next recompute). The first delivery
		// event of the organization adds "dora" and contradiction flags:
		// both pages are then built per request, not cached.
		{name: "first delivery event", wantBuilds: 7, wantResults: `"dora":[`, change: func() {
			batch := map[string]any{"deployments": []map[string]any{
				{"id": "d1", "finished_at": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339), "status": "success"}}}
			ts.want(ts.call("POST", fmt.Sprintf("/api/v1/teams/%d/deployments", o.Teams[0].ID), o.Token, batch), http.StatusOK, "deployments")
		}},
		{name: "views after it, again", change: func() {}, wantBuilds: 7, wantSame: true, wantResults: `"dora":[`},
	}
	before := web.BodyBuilds(srv)
	var last [2]string
	for _, st := range steps {
		st.change()
		page := ts.want(owner.get(dash), http.StatusOK, st.name+": dashboard").text()
		res := ts.want(ts.call("GET", resultsPath, o.Token, nil), http.StatusOK, st.name+": results").text()
		if builds := web.BodyBuilds(srv) - before; builds != st.wantBuilds {
			t.Errorf("%s: built %d times, want %d", st.name, builds, st.wantBuilds)
		}
		if same := [2]string{page, res} == last; same != st.wantSame {
			t.Errorf("%s: same pages as before = %v, want %v", st.name, same, st.wantSame)
		}
		if st.wantText != "" && !strings.Contains(page, st.wantText) {
			t.Errorf("%s: the dashboard lacks %q", st.name, st.wantText)
		}
		if st.wantResults != "" && !strings.Contains(res, st.wantResults) {
			t.Errorf("%s: the results lack %q", st.name, st.wantResults)
		} else if st.wantResults == "" && strings.Contains(res, `"dora"`) {
			t.Errorf("%s: results of an organization without delivery events carry dora", st.name)
		}
		last = [2]string{page, res}
	}
	if !strings.Contains(last[0], `<a href="/assessments/`) || !strings.Contains(last[0], "</html>") {
		t.Errorf("the cached dashboard is not a whole page: %.300s", last[0])
	}

	// Whoever else asks sees what they saw before the cache.
	ts.want(ts.call("GET", resultsPath, other.Token, nil), http.StatusNotFound, "another organization's results")
	ts.want(ts.call("GET", resultsPath, memberToken, nil), http.StatusOK, "a member's results")
	stranger := ts.client()
	stranger.login(other.Owner.Email)
	if r := stranger.get(dash); r.Status != http.StatusNotFound {
		t.Errorf("another organization's owner: dashboard %d, want 404", r.Status)
	}
	if r := ts.call("GET", resultsPath, memberToken, nil); strings.Contains(r.text(), "Beta team") || !strings.Contains(r.text(), `"questionnaires"`) {
		t.Errorf("a member without teams sees other teams' results: %.300s", r.text())
	}
}
