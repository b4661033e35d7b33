package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gapmap/app/store"
	"gapmap/app/web"
	"gapmap/models"
)

// TestDashboardPageCache: a round's dashboard is kept as a whole page per
// viewer and stored state. Every kind of change the page shows builds it
// again (a renamed team or organization, a new snapshot and the pending
// banner before it, a plan change, another language); another viewer gets
// a page of their own with their own CSRF token; a flash message is shown
// to its request alone; members and other organizations are refused as
// before.
func TestDashboardPageCache(t *testing.T) {
	srv, ts := cacheServer(t)
	ctx := context.Background()
	o := ts.newOrg("Page Org", "Alpha team", "Beta team")
	other := ts.newOrg("Elsewhere Org", "Gamma team")
	round := ts.newRound(o)
	ts.answerAll(round.Tokens[0])
	ts.want(ts.call("POST", "/api/v1/survey/"+round.Tokens[0]+"/submit", "", nil), http.StatusOK, "submit")
	leader, _ := ts.addPerson(o, "leader@page.test", models.RoleLeader)
	ts.addPerson(o, "lead@page.test", models.RoleMember, o.Teams[0].ID)

	owner := ts.client()
	owner.login(o.Owner.Email)
	dash := fmt.Sprintf("/assessments/%d/dashboard", round.ID)

	var items []struct{ Questionnaire, Key string }
	ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/recommendations", round.ID), o.Token, nil), http.StatusOK, "recommendations").decode(t, &items)
	if len(items) == 0 {
		t.Fatal("the round has no recommendations to plan")
	}

	steps := []struct {
		name      string
		change    func()
		path      string // dash when empty
		wantBuild bool   // a whole page is rendered for the cache
		wantSame  bool   // the same page as the step before
		want      []string
		notWant   []string
	}{
		{name: "first view", change: func() {}, wantBuild: true, want: []string{"Alpha team", o.Owner.Email, "Page Org"}},
		{name: "second view", change: func() {}, wantSame: true},
		{name: "renamed team", wantBuild: true, want: []string{"Alpha squad"}, change: func() {
			ts.want(ts.call("PATCH", fmt.Sprintf("/api/v1/teams/%d", o.Teams[0].ID), o.Token, map[string]any{"name": "Alpha squad"}), http.StatusOK, "rename team")
		}},
		{name: "after the rename", change: func() {}, wantSame: true, want: []string{"Alpha squad"}},
		{name: "results stale", wantBuild: true, want: []string{"Updating:"}, change: func() {
			if err := ts.st.MarkResultsStale(ctx, o.ID, round.ID); err != nil {
				t.Fatal(err)
			}
		}},
		// The request above settled the recompute: a new snapshot.
		{name: "new snapshot", change: func() {}, wantBuild: true, notWant: []string{"Updating:"}},
		{name: "after the snapshot", change: func() {}, wantSame: true},
		{name: "plan change", wantBuild: true, change: func() {
			_, err := ts.st.ApplyPlan(ctx, o.ID, round.ID, 0, []store.PlanChange{{QuestionnaireKey: items[0].Questionnaire, RecommendationKey: items[0].Key, Status: "done"}})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{name: "after the plan change", change: func() {}, wantSame: true},
		{name: "renamed organization", wantBuild: true, want: []string{"Page Org Renamed"}, change: func() {
			if err := ts.st.RenameOrg(ctx, o.ID, "Page Org Renamed"); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "another language", path: dash + "?lang=de", change: func() {}, wantBuild: true},
		{name: "back to the own language", change: func() {}, wantBuild: false},
		{name: "a flash message", wantBuild: false, want: []string{"Saved just now."}, change: func() {
			owner.setCookie("gapmap_flash", base64.RawURLEncoding.EncodeToString([]byte("success|Saved just now.")))
		}},
		{name: "after the flash", change: func() {}, notWant: []string{"Saved just now."}},
	}
	var last string
	for _, st := range steps {
		st.change()
		path := st.path
		if path == "" {
			path = dash
		}
		before := web.DashPageBuilds(srv)
		r := ts.want(owner.get(path), http.StatusOK, st.name)
		page := r.text()
		if built := web.DashPageBuilds(srv) > before; built != st.wantBuild {
			t.Errorf("%s: page built = %v, want %v", st.name, built, st.wantBuild)
		}
		if same := page == last; same != st.wantSame {
			t.Errorf("%s: same page as before = %v, want %v", st.name, same, st.wantSame)
		}
		for _, w := range st.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page lacks %q", st.name, w)
			}
		}
		for _, w := range st.notWant {
			if strings.Contains(page, w) {
				t.Errorf("%s: the page still shows %q", st.name, w)
			}
		}
		if !strings.Contains(page, "</html>") {
			t.Errorf("%s: not a whole page: %.300s", st.name, page)
		}
		last = page
	}
	ownerTokens := csrfInput.FindAllStringSubmatch(last, -1)
	if len(ownerTokens) == 0 || ownerTokens[0][1] != owner.cookie("gapmap_csrf") {
		t.Errorf("the owner's page carries CSRF tokens %v, want their cookie's %q", ownerTokens, owner.cookie("gapmap_csrf"))
	}

	// Another leader: a page of their own, with their address and token.
	lc := ts.client()
	lc.login(leader.Email)
	before := web.DashPageBuilds(srv)
	page := ts.want(lc.get(dash), http.StatusOK, "leader").text()
	if web.DashPageBuilds(srv) == before {
		t.Error("the leader was sent the owner's page")
	}
	if !strings.Contains(page, leader.Email) || strings.Contains(page, o.Owner.Email) {
		t.Error("the leader's page does not name the leader alone")
	}
	for _, m := range csrfInput.FindAllStringSubmatch(page, -1) {
		if m[1] != lc.cookie("gapmap_csrf") || m[1] == ownerTokens[0][1] {
			t.Errorf("the leader's page carries CSRF token %q, want their own %q", m[1], lc.cookie("gapmap_csrf"))
		}
	}
	// The leader's token posts: log out through the cached page's form.
	m := csrfInput.FindStringSubmatch(page)
	if r := lc.send("POST", "/logout", "application/x-www-form-urlencoded", "_csrf="+m[1], false); r.Status != http.StatusSeeOther {
		t.Errorf("logging out with the cached page's token: %s", r)
	}
	if r := lc.get(dash); r.Status != http.StatusSeeOther {
		t.Errorf("after logging out: dashboard %d, want a redirect to the login", r.Status)
	}

	// A team lead (member) and another organization are refused as before.
	member := ts.client()
	member.login("lead@page.test")
	if r := member.get(dash); r.Status != http.StatusForbidden {
		t.Errorf("a member: dashboard %d, want 403", r.Status)
	}
	stranger := ts.client()
	stranger.login(other.Owner.Email)
	if r := stranger.get(dash); r.Status != http.StatusNotFound {
		t.Errorf("another organization's owner: dashboard %d, want 404", r.Status)
	}
}

// TestResultsStateCache: the stored results answer, found by the round's
// state digest, follows every change it shows (round name, pending
// recompute, new snapshot); members, teams and other organizations get
// what they got before.
func TestResultsStateCache(t *testing.T) {
	_, ts := cacheServer(t)
	ctx := context.Background()
	o := ts.newOrg("Results Org", "Alpha team", "Beta team")
	other := ts.newOrg("Other Results Org", "Gamma team")
	round := ts.newRound(o)
	ts.answerAll(round.Tokens[0])
	ts.want(ts.call("POST", "/api/v1/survey/"+round.Tokens[0]+"/submit", "", nil), http.StatusOK, "submit")
	_, memberToken := ts.addPerson(o, "member@results.test", models.RoleMember, o.Teams[1].ID)
	path := fmt.Sprintf("/api/v1/assessments/%d/results", round.ID)
	type answer struct {
		Assessment struct{ Name string }
		ComputedAt *string `json:"computed_at"`
		Pending    bool
	}
	get := func(what string) (answer, string) {
		t.Helper()
		r := ts.want(ts.call("GET", path, o.Token, nil), http.StatusOK, what)
		var a answer
		r.decode(t, &a)
		return a, r.text()
	}
	first, firstBody := get("first")
	if again, body := get("again"); body != firstBody || again.Pending {
		t.Errorf("second answer differs or is pending: %+v", again)
	}
	name := "Results renamed"
	ts.want(ts.call("PATCH", fmt.Sprintf("/api/v1/assessments/%d", round.ID), o.Token, map[string]any{"name": name}), http.StatusOK, "rename")
	if a, _ := get("renamed"); a.Assessment.Name != name {
		t.Errorf("after the rename: name %q, want %q", a.Assessment.Name, name)
	}
	if err := ts.st.MarkResultsStale(ctx, o.ID, round.ID); err != nil {
		t.Fatal(err)
	}
	if a, _ := get("stale"); !a.Pending {
		t.Error("a stale round's results are not pending")
	}
	// The request above settled the recompute.
	if a, _ := get("recomputed"); a.Pending || a.ComputedAt == nil || *a.ComputedAt == *first.ComputedAt {
		t.Errorf("after the recompute: %+v, want a new computed_at (was %s) and nothing pending", a, *first.ComputedAt)
	}
	if r := ts.call("GET", path, other.Token, nil); r.Status != http.StatusNotFound {
		t.Errorf("another organization: %d, want 404", r.Status)
	}
	if r := ts.want(ts.call("GET", path, memberToken, nil), http.StatusOK, "member"); strings.Contains(r.text(), "Alpha team") {
		t.Error("a member of Beta sees Alpha's results")
	}
	team := ts.want(ts.call("GET", fmt.Sprintf("%s?team_id=%d", path, o.Teams[1].ID), o.Token, nil), http.StatusOK, "team").text()
	if strings.Contains(team, "Alpha team") {
		t.Error("a team's results carry another team")
	}
}
