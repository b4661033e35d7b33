package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gapmap/app/store/storetest"
	"gapmap/models"
)

// TestDashboardPages checks who may open the dashboards and the team pages,
// and that they show what the stored results hold.
func TestDashboardPages(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Dash Org", "Alpha team", "Beta team", "Idle team")
	round := ts.newRound(testOrg{ID: o.ID, Owner: o.Owner, Token: o.Token, Teams: o.Teams[:2]})
	for _, tok := range round.Tokens {
		ts.answerAll(tok)
		ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), http.StatusOK, "submit")
	}
	empty := ts.newRound(testOrg{ID: o.ID, Owner: o.Owner, Token: o.Token, Teams: o.Teams[:1]})
	alpha, beta, idle := o.Teams[0].ID, o.Teams[1].ID, o.Teams[2].ID
	ts.addPerson(o, "leader@example.com", models.RoleLeader)
	ts.addPerson(o, "member@example.com", models.RoleMember, alpha)
	other := ts.newOrg("Other Org", "Gamma team")

	dash := fmt.Sprintf("/assessments/%d/dashboard", round.ID)
	team := func(id int64) string { return fmt.Sprintf("/assessments/%d/teams/%d", round.ID, id) }
	tests := []struct {
		name   string
		user   string // "" is anonymous
		path   string
		status int
		want   []string
		not    []string
	}{
		{"anonymous home", "", "/dashboard", http.StatusSeeOther, nil, nil},
		{"anonymous dashboard", "", dash, http.StatusSeeOther, nil, nil},
		{"owner home", "dash-org@example.com", "/dashboard", http.StatusOK,
			[]string{"Where the platform stands", "Level ", "to target", "first round", dash}, nil},
		{"leader dashboard", "leader@example.com", dash, http.StatusOK,
			[]string{`data-chart="q0_radar_data"`, `id="q1_heatmap_data"`, `type="application/json"`, "Alpha team", "Beta team",
				"Largest gaps to the target", "How far apart the teams are", "Progress across rounds", "Data table",
				"/static/js/echarts.min.", "/static/js/charts.", team(alpha), `stat-label">Overall level<`}, []string{"Idle team", `stat-label">Team level<`}},
		{"dashboard without responses", "leader@example.com", fmt.Sprintf("/assessments/%d/dashboard", empty.ID), http.StatusOK,
			[]string{"No results yet"}, []string{"data-chart="}},
		{"leader team page", "leader@example.com", team(beta), http.StatusOK,
			[]string{"Beta team", `data-chart="t0_radar_data"`, "What holds the team back", "Where the respondents disagree", `stat-label">Team level<`, "submitted responses"}, []string{"Alpha team", `stat-label">Overall level<`}},
		{"member home", "member@example.com", "/dashboard", http.StatusForbidden, nil, nil},
		{"member dashboard", "member@example.com", dash, http.StatusForbidden, nil, nil},
		{"member's own team", "member@example.com", team(alpha), http.StatusOK, []string{"Alpha team", "Organization"}, []string{"Beta team"}},
		{"member, another team", "member@example.com", team(beta), http.StatusForbidden, nil, []string{"Beta team"}},
		{"team not in the round", "leader@example.com", team(idle), http.StatusNotFound, nil, nil},
		{"other org's dashboard", "other-org@example.com", dash, http.StatusNotFound, nil, []string{"Alpha team"}},
		{"other org's team page", "other-org@example.com", team(alpha), http.StatusNotFound, nil, []string{"Alpha team"}},
		{"other org's team in this round", "leader@example.com", team(other.Teams[0].ID), http.StatusNotFound, nil, []string{"Gamma team"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ts.client()
			if tt.user != "" {
				c.login(tt.user)
			}
			r := c.get(tt.path)
			if r.Status != tt.status {
				t.Fatalf("GET %s as %q: %s, want status %d", tt.path, tt.user, r, tt.status)
			}
			body := string(r.Body)
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tt.path, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("GET %s: body contains %q", tt.path, n)
				}
			}
		})
	}
}
