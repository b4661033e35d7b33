package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

// sendCSV posts a text/csv body.
func (ts *testServer) sendCSV(path, token, body string) apiResult {
	ts.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+token)
	return ts.send(req)
}

func teamPath(id int64, suffix string) string { return fmt.Sprintf("/api/v1/teams/%d/%s", id, suffix) }

// The events of TestEventsJSONAndCSV, in both forms: the same items,
// duplicates included, in the same order.
const (
	deploymentsJSON = `{"deployments":[
 {"id":"d1","finished_at":"2026-03-02T12:00:00Z","status":"success","commits":[{"sha":"a","committed_at":"2026-03-02T10:00:00Z"},{"sha":"b","committed_at":"2026-03-02T11:00:00Z"}]},
 {"id":"d2","finished_at":"2026-03-03T01:00:00+01:00","status":"failure","lead_time_seconds":3600},
 {"id":"d3","finished_at":"2026-03-04T00:00:00Z","status":"success","environment":"staging","lead_time_seconds":1},
 {"id":"d4","finished_at":"2026-03-05T00:00:00Z","status":"success","environment":"Production","commits":[{"sha":"c","committed_at":"2026-03-04T00:00:00Z"}]},
 {"id":"d5","finished_at":"2026-03-06T00:00:00Z","status":"success"},
 {"id":"d1","finished_at":"2026-03-20T00:00:00Z","status":"failure"}]}`
	deploymentsCSV = "id,finished_at,status,environment,commits,lead_time_seconds\n" +
		"d1,2026-03-02T12:00:00Z,success,,a@2026-03-02T10:00:00Z;b@2026-03-02T11:00:00Z,\n" +
		"d2,2026-03-03T01:00:00+01:00,failure,,,3600\n" +
		"d3,2026-03-04T00:00:00Z,success,staging,,1\n" +
		"d4,2026-03-05T00:00:00Z,success,Production,c@2026-03-04T00:00:00Z,\n" +
		"d5,2026-03-06T00:00:00Z,success,,,\n" +
		"d1,2026-03-20T00:00:00Z,failure,,,\n"
	incidentsJSON = `{"incidents":[
 {"id":"i1","started_at":"2026-03-06T01:00:00Z","resolved_at":"2026-03-06T03:00:00Z","deployment_id":"d5"},
 {"id":"i2","started_at":"2026-03-10T00:00:00Z"},
 {"id":"i3","started_at":"2026-02-27T00:00:00Z","resolved_at":"2026-03-01T00:00:00Z"},
 {"id":"i4","started_at":"2026-03-28T23:00:00Z","resolved_at":"2026-03-29T01:00:00Z"}]}`
	incidentsCSV = "started_at,id,resolved_at,deployment_id\n" +
		"2026-03-06T01:00:00Z,i1,2026-03-06T03:00:00Z,d5\n" +
		"2026-03-10T00:00:00Z,i2,,\n" +
		"2026-02-27T00:00:00Z,i3,2026-03-01T00:00:00Z,\n" +
		"2026-03-28T23:00:00Z,i4,2026-03-29T01:00:00Z,\n"
	// The metrics of March 1-28 for these events, computed by hand in
	// app/dora's TestMetrics ("all four metrics").
	marchMetrics = `{"deployment_frequency":{"per_week":1,"band":"high"},"lead_time":{"median_hours":1.5,"band":"elite"},` +
		`"change_failure_rate":{"percent":50,"band":"low"},"recovery_time":{"median_hours":25,"band":"medium"},"deployments":4,"incidents":3}`
	emptyMetrics = `{"deployment_frequency":{"per_week":null,"band":null},"lead_time":{"median_hours":null,"band":null},` +
		`"change_failure_rate":{"percent":null,"band":null},"recovery_time":{"median_hours":null,"band":null},"deployments":0,"incidents":0}`
)

func sameJSON(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gs, _ := json.Marshal(g)
	ws, _ := json.Marshal(w)
	if string(gs) != string(ws) {
		t.Errorf("%s:\n got %s\nwant %s", what, gs, ws)
	}
}

// TestEventsJSONAndCSV sends the same events as JSON to one team and as
// CSV to another, and compares the answers, the stored rows and the
// metrics, which match the hand-computed ones.
func TestEventsJSONAndCSV(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Events Org", "Json", "Csv")
		js, cs := o.Teams[0].ID, o.Teams[1].ID
		// Incidents first for one half, so that naming works both ways.
		r := ts.want(ts.call("POST", teamPath(js, "deployments"), o.Token, deploymentsJSON), 200, "json deployments")
		sameJSON(t, "json deployments", r.Body, `{"accepted":5,"duplicates":1}`)
		r = ts.want(ts.call("POST", teamPath(js, "incidents"), o.Token, incidentsJSON), 200, "json incidents")
		sameJSON(t, "json incidents", r.Body, `{"accepted":4,"duplicates":0}`)
		r = ts.want(ts.sendCSV(teamPath(cs, "incidents"), o.Token, incidentsCSV), 200, "csv incidents")
		sameJSON(t, "csv incidents", r.Body, `{"accepted":4,"duplicates":0}`)
		r = ts.want(ts.sendCSV(teamPath(cs, "deployments"), o.Token, deploymentsCSV), 200, "csv deployments")
		sameJSON(t, "csv deployments", r.Body, `{"accepted":5,"duplicates":1}`)
		// Sending everything again changes nothing.
		r = ts.want(ts.sendCSV(teamPath(cs, "deployments"), o.Token, deploymentsCSV), 200, "csv deployments again")
		sameJSON(t, "csv deployments again", r.Body, `{"accepted":0,"duplicates":6}`)
		r = ts.want(ts.call("POST", teamPath(js, "incidents"), o.Token, incidentsJSON), 200, "json incidents again")
		sameJSON(t, "json incidents again", r.Body, `{"accepted":0,"duplicates":4}`)

		db := ts.gormDB()
		rows := func(table, cols string, team int64) string {
			var out []map[string]any
			if err := db.Raw("SELECT "+cols+" FROM "+table+" WHERE team_id = ? ORDER BY external_id", team).Scan(&out).Error; err != nil {
				t.Fatal(err)
			}
			for _, m := range out {
				for k, v := range m {
					if tm, ok := v.(time.Time); ok {
						m[k] = tm.UTC().Format(time.RFC3339)
					}
				}
			}
			b, _ := json.Marshal(out)
			return string(b)
		}
		for _, q := range []struct{ table, cols string }{
			{"deployments", "external_id, finished_at, status, environment, production, commits, lead_time_seconds, failed"},
			{"incidents", "external_id, started_at, resolved_at, deployment_id"},
		} {
			if a, b := rows(q.table, q.cols, js), rows(q.table, q.cols, cs); a != b {
				t.Errorf("%s differ:\njson %s\n csv %s", q.table, a, b)
			}
		}
		for _, team := range []int64{js, cs} {
			r := ts.want(ts.call("GET", teamPath(team, "dora?from=2026-03-01&to=2026-03-28"), o.Token, nil), 200, "dora")
			sameJSON(t, fmt.Sprintf("team %d metrics", team), r.Body, marchMetrics)
		}
		// The organization: both teams, so twice the counts and the same rates.
		r = ts.want(ts.call("GET", "/api/v1/dora?from=2026-03-01&to=2026-03-28", o.Token, nil), 200, "org dora")
		sameJSON(t, "organization metrics", r.Body, strings.NewReplacer(`"per_week":1`, `"per_week":2`, `"deployments":4`, `"deployments":8`, `"incidents":3`, `"incidents":6`).Replace(marchMetrics))
		// The default window is the last 90 days: March 2026 is out of it.
		r = ts.want(ts.call("GET", teamPath(js, "dora"), o.Token, nil), 200, "dora default window")
		sameJSON(t, "default window", r.Body, emptyMetrics)
		// Another organization sees none of it.
		other := ts.newOrg("Other Events Org", "Theirs")
		r = ts.want(ts.call("GET", "/api/v1/dora?from=2026-03-01&to=2026-03-28", other.Token, nil), 200, "other org dora")
		sameJSON(t, "another organization", r.Body, emptyMetrics)
		ts.want(ts.call("GET", teamPath(js, "dora"), other.Token, nil), 404, "another organization's team")
		ts.want(ts.call("POST", teamPath(js, "deployments"), other.Token, `{"id":"x","finished_at":"2026-03-02T12:00:00Z","status":"success"}`), 404, "send to another organization's team")
	})
}

// TestEventsDefaultWindow sends a deployment of today and finds it in the
// default window.
func TestEventsDefaultWindow(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Window Org", "Team")
	now := time.Now().UTC().Format(time.RFC3339)
	ts.want(ts.call("POST", teamPath(o.Teams[0].ID, "deployments"), o.Token, fmt.Sprintf(`{"id":"today","finished_at":%q,"status":"success","lead_time_seconds":7200}`, now)), 200, "send")
	r := ts.want(ts.call("GET", teamPath(o.Teams[0].ID, "dora"), o.Token, nil), 200, "dora")
	// One deployment in 90 days: 7/90 per week.
	sameJSON(t, "default window", r.Body, `{"deployment_frequency":{"per_week":0.08,"band":"low"},"lead_time":{"median_hours":2,"band":"elite"},`+
		`"change_failure_rate":{"percent":0,"band":"elite"},"recovery_time":{"median_hours":null,"band":null},"deployments":1,"incidents":0}`)
}

// TestEventsRefuseBadItems checks that a bad item gets 422 naming its
// index and field, and that nothing of the request is stored.
func TestEventsRefuseBadItems(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Bad Events Org", "Team")
		team := o.Teams[0].ID
		good := `{"id":"ok","finished_at":"2026-03-02T12:00:00Z","status":"success"}`
		many := make([]string, 10001)
		for i := range many {
			many[i] = fmt.Sprintf(`{"id":"m%d","finished_at":"2026-03-02T12:00:00Z","status":"success"}`, i)
		}
		tests := []struct {
			name, kind, csv, body string
			status                int
			field                 string
			index                 any
		}{
			{name: "missing id", kind: "deployments", body: `{"deployments":[` + good + `,{"finished_at":"2026-03-02T12:00:00Z","status":"success"}]}`, status: 422, field: "id", index: 1.0},
			{name: "bad time", kind: "deployments", body: `{"deployments":[` + good + `,{"id":"x","finished_at":"2026-03-02 12:00","status":"success"}]}`, status: 422, field: "finished_at", index: 1.0},
			{name: "bad status", kind: "deployments", body: `{"id":"x","finished_at":"2026-03-02T12:00:00Z","status":"ok"}`, status: 422, field: "status", index: 0.0},
			{name: "unknown field", kind: "deployments", body: `{"deployments":[` + good + `,` + good + `,{"id":"y","finished_at":"2026-03-02T12:00:00Z","status":"success","colour":"red"}]}`, status: 422, field: "colour", index: 2.0},
			{name: "commit after the deployment", kind: "deployments", body: `{"deployments":[{"id":"x","finished_at":"2026-03-02T12:00:00Z","status":"success","commits":[{"sha":"a","committed_at":"2026-03-02T13:00:00+00:00"}]}]}`, status: 422, field: "commits[0].committed_at", index: 0.0},
			{name: "negative lead time", kind: "deployments", body: `{"id":"x","finished_at":"2026-03-02T12:00:00Z","status":"success","lead_time_seconds":-1}`, status: 422, field: "lead_time_seconds", index: 0.0},
			{name: "fractional lead time", kind: "deployments", body: `{"id":"x","finished_at":"2026-03-02T12:00:00Z","status":"success","lead_time_seconds":1.5}`, status: 422, field: "lead_time_seconds", index: 0.0},
			{name: "over 10,000 items", kind: "deployments", body: `{"deployments":[` + strings.Join(many, ",") + `]}`, status: 422, field: "deployments"},
			{name: "not JSON", kind: "deployments", body: `{"deployments":`, status: 400},
			{name: "csv bad row", kind: "deployments", csv: "id,finished_at,status\nok,2026-03-02T12:00:00Z,success\nx,yesterday,success\n", status: 422, field: "finished_at", index: 1.0},
			{name: "csv bad commits", kind: "deployments", csv: "id,finished_at,status,commits\nx,2026-03-02T12:00:00Z,success,abc\n", status: 422, field: "commits[0].committed_at", index: 0.0},
			{name: "csv unknown column", kind: "deployments", csv: "id,finished_at,status,owner\nx,2026-03-02T12:00:00Z,success,ann\n", status: 422, field: "owner"},
			{name: "csv ragged row", kind: "deployments", csv: "id,finished_at,status\nx,2026-03-02T12:00:00Z\n", status: 400},
			{name: "incident resolved before it started", kind: "incidents", body: `{"incidents":[{"id":"a","started_at":"2026-03-02T12:00:00Z"},{"id":"b","started_at":"2026-03-02T12:00:00Z","resolved_at":"2026-03-02T11:59:59Z"}]}`, status: 422, field: "resolved_at", index: 1.0},
			{name: "incident without start", kind: "incidents", body: `{"id":"a"}`, status: 422, field: "started_at", index: 0.0},
			{name: "csv incident with a deployment field", kind: "incidents", csv: "id,started_at,status\na,2026-03-02T12:00:00Z,failure\n", status: 422, field: "status"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var r apiResult
				if tc.csv != "" {
					r = ts.sendCSV(teamPath(team, tc.kind), o.Token, tc.csv)
				} else {
					r = ts.call("POST", teamPath(team, tc.kind), o.Token, tc.body)
				}
				if r.Status != tc.status {
					t.Fatalf("got %s, want %d", r, tc.status)
				}
				if tc.status == 422 {
					r.wantError(t, tc.field)
					if got := r.field(t, "index"); got != tc.index {
						t.Errorf("index %v, want %v (%s)", got, tc.index, r)
					}
				}
			})
		}
		var n int64
		if err := ts.gormDB().Raw("SELECT (SELECT COUNT(*) FROM deployments) + (SELECT COUNT(*) FROM incidents) + (SELECT COUNT(*) FROM dora_days)").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows stored by refused requests", n)
		}
	})
}

// TestEventsScope checks the events:write scope: such a token sends events
// and nothing else; a token without scopes keeps its owner's rights; only
// admins and the team's leads send a team's events.
func TestEventsScope(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Scope Org", "Mine", "Theirs")
		mine, theirs := o.Teams[0].ID, o.Teams[1].ID
		_, lead := ts.addPerson(o, "lead@scope.example", models.RoleMember, mine)
		var created struct {
			Token  string   `json:"token"`
			Scopes []string `json:"scopes"`
		}
		ts.want(ts.call("POST", "/api/v1/tokens", lead, `{"name":"ci","scopes":["events:write"]}`), 201, "create scoped token").json(t, &created)
		if len(created.Scopes) != 1 || created.Scopes[0] != "events:write" {
			t.Fatalf("scopes %v", created.Scopes)
		}
		ci := created.Token
		deploy := `{"id":"%s","finished_at":"2026-03-02T12:00:00Z","status":"success"}`
		tests := []struct {
			name, method, path, token, body string
			status                          int
		}{
			{"scoped: deployments of the lead's team", "POST", teamPath(mine, "deployments"), ci, fmt.Sprintf(deploy, "a"), 200},
			{"scoped: incidents of the lead's team", "POST", teamPath(mine, "incidents"), ci, `{"id":"i","started_at":"2026-03-02T12:00:00Z"}`, 200},
			{"scoped: another team", "POST", teamPath(theirs, "deployments"), ci, fmt.Sprintf(deploy, "b"), 403},
			{"scoped: metrics", "GET", teamPath(mine, "dora"), ci, "", 403},
			{"scoped: teams", "GET", "/api/v1/teams", ci, "", 403},
			{"scoped: me", "GET", "/api/v1/me", ci, "", 403},
			{"scoped: new token", "POST", "/api/v1/tokens", ci, `{"name":"more"}`, 403},
			{"scoped: a page", "GET", "/teams", ci, "", 403},
			{"lead without scopes: metrics", "GET", teamPath(mine, "dora"), lead, "", 200},
			{"lead without scopes: teams", "GET", "/api/v1/teams", lead, "", 200},
			{"lead without scopes: deployments", "POST", teamPath(mine, "deployments"), lead, fmt.Sprintf(deploy, "c"), 200},
			{"lead: another team's events", "POST", teamPath(theirs, "deployments"), lead, fmt.Sprintf(deploy, "d"), 403},
			{"lead: another team's metrics", "GET", teamPath(theirs, "dora"), lead, "", 403},
			{"lead: the organization's metrics", "GET", "/api/v1/dora", lead, "", 403},
			{"owner: any team", "POST", teamPath(theirs, "deployments"), o.Token, fmt.Sprintf(deploy, "e"), 200},
			{"bad from", "GET", "/api/v1/dora?from=2026-13-01", o.Token, "", 422},
			{"from after to", "GET", "/api/v1/dora?from=2026-03-02&to=2026-03-01", o.Token, "", 422},
		}
		for _, tc := range tests {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			if r := ts.call(tc.method, tc.path, tc.token, body); r.Status != tc.status {
				t.Errorf("%s: got %s, want %d", tc.name, r, tc.status)
			}
		}
		var n int64
		if err := ts.gormDB().Raw("SELECT COUNT(*) FROM deployments").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("%d deployments stored, want 3", n)
		}
	})
}

// TestResultsCarryDora checks the "dora" field of the results API: absent
// while no team sends events, then each visible team's metrics of the last
// 90 days, on the stored (cached) path and the team-scoped one.
func TestResultsCarryDora(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Results Dora Org", "Alpha", "Beta")
		round := ts.newRound(o)
		ts.seedLevels(o, round.ID, map[int64]int{o.Teams[0].ID: 2, o.Teams[1].ID: 3}, map[int64]int{o.Teams[0].ID: 3, o.Teams[1].ID: 4})
		path := fmt.Sprintf("/api/v1/assessments/%d/results", round.ID)
		var before map[string]any
		ts.want(ts.call("GET", path, o.Token, nil), 200, "results").json(t, &before)
		if _, ok := before["dora"]; ok {
			t.Fatalf("dora present without events: %v", before["dora"])
		}
		fin := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
		ts.want(ts.call("POST", teamPath(o.Teams[1].ID, "deployments"), o.Token, fmt.Sprintf(`{"id":"r1","finished_at":%q,"status":"failure","lead_time_seconds":1800}`, fin)), 200, "send")
		var after struct {
			Dora []map[string]any `json:"dora"`
		}
		ts.want(ts.call("GET", path, o.Token, nil), 200, "results").json(t, &after)
		if len(after.Dora) != 2 || after.Dora[1]["team_id"] != float64(o.Teams[1].ID) || after.Dora[1]["deployments"] != 1.0 || after.Dora[0]["deployments"] != 0.0 {
			t.Fatalf("dora = %v", after.Dora)
		}
		scoped := ts.want(ts.call("GET", fmt.Sprintf("%s?team_id=%d", path, o.Teams[1].ID), o.Token, nil), 200, "team results")
		var one struct {
			Dora []teamDora `json:"dora"`
		}
		scoped.json(t, &one)
		if len(one.Dora) != 1 || one.Dora[0].LeadTime.MedianHours == nil || *one.Dora[0].LeadTime.MedianHours != 0.5 {
			t.Fatalf("team-scoped dora = %s", scoped.Body)
		}
	})
}

type teamDora struct {
	TeamID   int64 `json:"team_id"`
	LeadTime struct {
		MedianHours *float64 `json:"median_hours"`
	} `json:"lead_time"`
}

// TestWorkbookDeliverySheet checks that the round's workbook gets the
// Delivery sheet once a team sends events.
func TestWorkbookDeliverySheet(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Workbook Dora Org", "Alpha", "Beta")
	round := ts.newRound(o)
	path := fmt.Sprintf("/api/v1/assessments/%d/export.xlsx", round.ID)
	hasDelivery := func() bool {
		r := ts.want(ts.call("GET", path, o.Token, nil), 200, "export")
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return slices.Contains(f.GetSheetList(), export.SheetDelivery)
	}
	if hasDelivery() {
		t.Fatal("Delivery sheet without events")
	}
	fin := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	ts.want(ts.call("POST", teamPath(o.Teams[0].ID, "deployments"), o.Token, fmt.Sprintf(`{"id":"w1","finished_at":%q,"status":"success"}`, fin)), 200, "send")
	if !hasDelivery() {
		t.Fatal("no Delivery sheet after events")
	}
}
