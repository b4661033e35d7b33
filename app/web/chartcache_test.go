package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"gapmap/app/web"
)

var chartData = regexp.MustCompile(`(?s)<script type="application/json" id="[^"]+">.*?</script>`)

// TestDashboardChartCache: two views of the same snapshots build the
// charts once and show the same options; a new snapshot (after a
// submission) builds them again; another round is another entry.
func TestDashboardChartCache(t *testing.T) {
	srv, ts := cacheServer(t)

	o := ts.newOrg("Cache Org", "Alpha team", "Beta team")
	round := ts.newRound(o)
	submit := func(tok string) {
		t.Helper()
		ts.answerAll(tok)
		ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), http.StatusOK, "submit")
	}
	submit(round.Tokens[0])
	c := ts.client()
	c.login(o.Owner.Email)
	dash := fmt.Sprintf("/assessments/%d/dashboard", round.ID)
	view := func(step string) []string {
		t.Helper()
		r := ts.want(c.get(dash), http.StatusOK, step)
		charts := chartData.FindAllString(r.text(), -1)
		if len(charts) == 0 {
			t.Fatalf("%s: the dashboard shows no chart data", step)
		}
		return charts
	}
	steps := []struct {
		name       string
		change     func()
		wantBuilds int64
		wantSame   bool // the same charts as the step before
	}{
		{name: "first view", change: func() {}, wantBuilds: 1},
		{name: "second view of the same snapshot", change: func() {}, wantBuilds: 1, wantSame: true},
		{name: "third view", change: func() {}, wantBuilds: 1, wantSame: true},
		{name: "after another submission", change: func() { submit(round.Tokens[1]) }, wantBuilds: 2},
		{name: "again the same snapshot", change: func() {}, wantBuilds: 2, wantSame: true},
	}
	var last []string
	before := web.ChartBuilds(srv)
	for _, st := range steps {
		st.change()
		got := view(st.name)
		if builds := web.ChartBuilds(srv) - before; builds != st.wantBuilds {
			t.Errorf("%s: charts built %d times, want %d", st.name, builds, st.wantBuilds)
		}
		if same := slices.Equal(got, last); same != st.wantSame {
			t.Errorf("%s: same charts as before = %v, want %v", st.name, same, st.wantSame)
		}
		last = got
	}

	// Another round's dashboard is another entry; this one stays cached.
	next := ts.newRound(o)
	submit(next.Tokens[0])
	b := web.ChartBuilds(srv)
	ts.want(c.get(fmt.Sprintf("/assessments/%d/dashboard", next.ID)), http.StatusOK, "next round's dashboard")
	ts.want(c.get(fmt.Sprintf("/assessments/%d/dashboard", next.ID)), http.StatusOK, "next round's dashboard again")
	if got := web.ChartBuilds(srv) - b; got != 1 {
		t.Errorf("next round, two views: charts built %d times, want 1", got)
	}
	if got := view("first round again"); !slices.Equal(got, last) {
		t.Error("the first round's charts changed when another round was added")
	}
}
