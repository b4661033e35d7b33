package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"gapmap/app/config"
	"gapmap/app/export"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/questionnaires"
)

const (
	smallSecret = "SMALL-TEAM-SECRET-COMMENT"
	bigComment  = "big team comment"
	testAgent   = "GapmapProbe/7.7 (anonymity test)"
	notEnough   = "not enough responses (3 of 5)"
)

// anonRound is an anonymous round (min_group 5) of two teams, Big with 8
// submitted responses at the top option of every question and Small with
// 3 at the first option, every response joined through an open link.
type anonRound struct {
	o          testOrg
	id         int64
	big, small int64
	tokens     []string // every respondent's survey token
	bigLink    string   // the big team's open link token
}

func newAnonRound(t *testing.T, ts *testServer) anonRound {
	t.Helper()
	o := ts.newOrg("Anon Org", "Big", "Small")
	r := anonRound{o: o, big: o.Teams[0].ID, small: o.Teams[1].ID}
	created := ts.want(ts.call("POST", "/api/v1/assessments", o.Token, map[string]any{
		"name": "Developer survey", "questionnaires": []string{"cncf-platform-maturity"},
		"team_ids": []int64{r.big, r.small}, "anonymity": map[string]any{"mode": "anonymous", "min_group": 5},
	}), http.StatusCreated, "create anonymous round")
	var a struct {
		ID        int64
		Anonymity map[string]any
	}
	created.decode(t, &a)
	if a.Anonymity["mode"] != "anonymous" || a.Anonymity["min_group"] != float64(5) {
		t.Fatalf("anonymity %v", a.Anonymity)
	}
	r.id = a.ID
	for _, team := range []struct {
		id      int64
		n       int
		top     bool
		comment string
	}{{r.big, 8, true, bigComment}, {r.small, 3, false, smallSecret}} {
		link := ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/open-links", r.id), o.Token, map[string]any{"team_id": team.id}),
			http.StatusCreated, "open link")
		linkToken := link.field(t, "token").(string)
		if team.top {
			r.bigLink = linkToken
		}
		for range team.n {
			req := httptest.NewRequest("POST", "/api/v1/join/"+linkToken, nil)
			req.Header.Set("User-Agent", testAgent)
			req.Header.Set("X-Forwarded-For", "203.0.113.77")
			joined := ts.want(ts.send(req), http.StatusCreated, "join")
			tok := joined.field(t, "token").(string)
			r.tokens = append(r.tokens, tok)
			for i, ans := range ts.allAnswers(tok) {
				if team.top { // allAnswers picks the first option
					ans["option"] = topOption(t, ts.shippedQ("cncf-platform-maturity"), ans["question"].(string))
				}
				if i == 0 {
					ans["comment"] = team.comment
				}
				sendAs(t, ts, "PUT", "/api/v1/survey/"+tok+"/answers", ans, http.StatusOK)
			}
			sendAs(t, ts, "POST", "/api/v1/survey/"+tok+"/submit", nil, http.StatusOK)
		}
	}
	if err := results.Recompute(context.Background(), ts.st, o.ID, r.id); err != nil {
		t.Fatal(err)
	}
	return r
}

// sendAs sends a JSON request with the probe's user agent and address.
// onlyNote reports whether a table row of the small team holds nothing but
// its name, the withheld note, separators and dashes.
func onlyNote(row string) bool {
	return strings.TrimSpace(strings.NewReplacer(notEnough, "", "Small", "", "|", "", "—", "").Replace(row)) == ""
}

func sendAs(t *testing.T, ts *testServer, method, path string, body any, status int) {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, &buf)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", testAgent)
	req.Header.Set("X-Forwarded-For", "203.0.113.77")
	ts.want(ts.send(req), status, method+" "+path)
}

func topOption(t *testing.T, q *questionnaires.Questionnaire, question string) string {
	t.Helper()
	_, qu, ok := q.Question(question)
	if !ok {
		t.Fatalf("no question %q", question)
	}
	return qu.Options[len(qu.Options)-1].Key
}

// TestAnonymousRoundWithholdsSmallTeams runs the anonymous round of the
// issue (8 and 3 respondents, min_group 5) and checks every place the small
// team could show: results API, dashboard, heatmap, team view, results
// tables, report, report.md, comments, workbook and CSV; that the
// organization's figures leave it out and say so; and that the database
// holds no label, IP address or user agent for the round.
func TestAnonymousRoundWithholdsSmallTeams(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		r := newAnonRound(t, ts)
		base := fmt.Sprintf("/api/v1/assessments/%d", r.id)
		ts.want(ts.call("PATCH", fmt.Sprintf("/api/v1/teams/%d", r.big), r.o.Token, map[string]any{"size": 10}), http.StatusOK, "team size")

		// Results API.
		var res struct {
			Questionnaires []struct {
				Dimensions []struct {
					Key   string
					Level *int
					Score *float64
					Teams int
				}
				Teams       []map[string]any
				Withholding map[string]any
			}
		}
		ts.want(ts.call("GET", base+"/results", r.o.Token, nil), http.StatusOK, "results").decode(t, &res)
		q := res.Questionnaires[0]
		if len(q.Teams) != 2 {
			t.Fatalf("teams %v", q.Teams)
		}
		small := q.Teams[1]
		if keys := sortedKeys(small); !slices.Equal(keys, []string{"id", "name", "respondents", "withheld"}) || small["withheld"] != true || small["respondents"] != float64(3) {
			t.Errorf("the small team's object = %v, want exactly id, name, respondents and withheld", small)
		}
		if q.Withholding["excluded"] != true || q.Withholding["respondents"] != float64(3) {
			t.Errorf("withholding = %v, want the 3 responses excluded", q.Withholding)
		}
		bigDims := q.Teams[0]["dimensions"].([]any)
		for i, d := range q.Dimensions {
			bd := bigDims[i].(map[string]any)
			if d.Level == nil || float64(*d.Level) != bd["level"] || d.Score == nil || *d.Score != bd["score"] || d.Teams != 1 {
				t.Errorf("organization %s = level %v score %v over %d teams; want the big team's alone (%v, %v)", d.Key, d.Level, d.Score, d.Teams, bd["level"], bd["score"])
			}
		}
		teamRes := ts.want(ts.call("GET", fmt.Sprintf("%s/results?team_id=%d", base, r.small), r.o.Token, nil), http.StatusOK, "team results")
		if strings.Contains(teamRes.text(), `"level":`) && strings.Count(teamRes.text(), `"level":`) != len(q.Dimensions)+1 {
			t.Errorf("the small team's results carry levels: %.300s", teamRes.text())
		}

		// Survey results of a small-team respondent.
		sr := ts.want(ts.call("GET", "/api/v1/survey/"+r.tokens[len(r.tokens)-1]+"/results", "", nil), http.StatusOK, "survey results")
		if !strings.Contains(sr.text(), notEnough) {
			t.Errorf("survey results of a small-team respondent do not say %q: %.300s", notEnough, sr.text())
		}

		// Pages.
		browser := ts.client()
		browser.login(r.o.Owner.Email)
		page := func(path string) string {
			t.Helper()
			p := browser.get(path)
			if p.Status != http.StatusOK {
				t.Fatalf("GET %s = %s", path, p)
			}
			return p.text()
		}
		round := fmt.Sprintf("/assessments/%d", r.id)
		other := ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/duplicate", r.id), r.o.Token, map[string]any{"name": "Next survey"}),
			http.StatusCreated, "duplicate").field(t, "id").(float64)
		compare := fmt.Sprintf("%s/compare?with=%d", round, int64(other))
		var cmp struct {
			Questionnaires []struct {
				Teams []struct {
					ID         int64
					Withheld   string
					Dimensions []map[string]any
				}
			}
		}
		ts.want(ts.call("GET", "/api/v1"+compare, r.o.Token, nil), http.StatusOK, "compare").decode(t, &cmp)
		for _, tm := range cmp.Questionnaires[0].Teams {
			if tm.ID == r.small && (tm.Withheld != notEnough || len(tm.Dimensions) != 0) {
				t.Errorf("compare shows the small team as %+v, want only the note", tm)
			}
		}
		draft := ts.want(ts.call("POST", "/api/v1/join/"+r.bigLink, "", nil), http.StatusCreated, "join").field(t, "token").(string)
		for _, tc := range []struct {
			path string
			want []string
		}{
			{round, []string{"Anonymous round", "at least 5 people", "8 of 10 people (80%)"}},
			{round + "/dashboard", []string{"Small: " + notEnough, "leave out 1 team", "8 of 10 people (80%)"}},
			{fmt.Sprintf("%s/teams/%d", round, r.small), []string{notEnough}},
			{round + "/results", []string{notEnough, "leave out 1 team"}},
			{round + "/report", []string{notEnough, "leave out 1 team"}},
			{fmt.Sprintf("%s/teams/%d/report", round, r.small), []string{notEnough}},
			{round + "/report.md", []string{notEnough}},
			{fmt.Sprintf("%s/teams/%d/report.md", round, r.small), []string{notEnough}},
			{round + "/comments", []string{"Small: " + notEnough, bigComment}},
			{"/s/" + draft + "/intro", []string{"This survey is anonymous"}},
			{compare, []string{notEnough}},
		} {
			body := page(tc.path)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s does not say %q", tc.path, w)
				}
			}
			if strings.Contains(body, smallSecret) {
				t.Errorf("%s shows the small team's comment", tc.path)
			}
		}
		teamPage := page(fmt.Sprintf("%s/teams/%d", round, r.small))
		if strings.Contains(teamPage, "Team level") || strings.Contains(teamPage, `class="chart`) {
			t.Errorf("the small team's page shows a level or a chart")
		}
		teamMD := page(fmt.Sprintf("%s/teams/%d/report.md", round, r.small))
		if strings.Contains(teamMD, "Executive summary") || strings.Contains(teamMD, "| Small |") && !strings.Contains(teamMD, notEnough) {
			t.Errorf("the small team's report.md shows more than the note:\n%s", teamMD)
		}
		for _, line := range strings.Split(page(round+"/report.md"), "\n") {
			if strings.HasPrefix(line, "| Small") && !onlyNote(line) {
				t.Errorf("report.md row of the small team shows more than the note: %q", line)
			}
		}

		// CSV: the small team is one line with the note; respondent ids are
		// random per export and no comment of the small team appears.
		csvIDs := func() []string {
			body := ts.want(ts.call("GET", base+"/responses.csv", r.o.Token, nil), http.StatusOK, "csv").text()
			if strings.Contains(body, smallSecret) {
				t.Error("responses.csv holds the small team's comment")
			}
			recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			smallRows := 0
			for _, rec := range recs[1:] {
				if rec[0] == "Small" {
					smallRows++
					if rec[1] != notEnough || strings.Join(rec[2:], "") != "" {
						t.Errorf("CSV row of the small team: %q", rec)
					}
					continue
				}
				if rec[1] != "" || len(rec[3]) != len("2006-01-02") {
					t.Errorf("CSV row of the big team has a label or a time finer than a day: %q", rec)
				}
				if !slices.Contains(ids, rec[2]) {
					ids = append(ids, rec[2])
				}
			}
			if smallRows != 1 || len(ids) != 8 {
				t.Errorf("CSV: %d small-team rows, %d big-team respondents; want 1 and 8", smallRows, len(ids))
			}
			return ids
		}
		first, second := csvIDs(), csvIDs()
		if slices.Equal(first, second) {
			t.Errorf("two exports gave the same respondent ids %v", first)
		}

		// Workbook.
		wb := ts.want(ts.call("GET", base+"/export.xlsx", r.o.Token, nil), http.StatusOK, "workbook")
		f, err := excelize.OpenReader(bytes.NewReader(wb.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, sheet := range f.GetSheetList() {
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				joined := strings.Join(row, "|")
				if strings.Contains(joined, smallSecret) {
					t.Errorf("workbook sheet %s holds the small team's comment", sheet)
				}
				if len(row) > 0 && row[0] == "Small" && !onlyNote(joined) {
					t.Errorf("workbook sheet %s shows more of the small team than the note: %q", sheet, row)
				}
			}
		}

		// The database: no label, IP address or user agent for the round.
		db := ts.gormDB()
		var labels []string
		if err := db.Raw("SELECT label FROM invitations WHERE assessment_id = ? AND label <> ''", r.id).Scan(&labels).Error; err != nil {
			t.Fatal(err)
		}
		if len(labels) > 0 {
			t.Errorf("labels stored: %q", labels)
		}
		var anonymous int64
		if err := db.Raw("SELECT COUNT(*) FROM audit_log WHERE ip <> '' AND actor_user_id IS NULL").Scan(&anonymous).Error; err != nil {
			t.Fatal(err)
		}
		if anonymous > 0 {
			t.Errorf("the audit log holds %d addresses of requests without a signed-in user", anonymous)
		}
		fp := dumpTables(t, db)
		for table, rows := range fp {
			for _, needle := range []string{"203.0.113.77", "GapmapProbe", "0.0.0.0"} {
				// The audit log keeps the address of the admins' own
				// changes (checked below to be theirs alone).
				if table == "audit_log" && needle == "0.0.0.0" {
					continue
				}
				if strings.Contains(rows, needle) {
					t.Errorf("table %s holds %q", table, needle)
				}
			}
		}
	})
}

// TestOpenLinkJoins checks the limits of open links: 200 joins from one
// address within a minute all pass, the per-link limit refuses past its
// configured number, max_responses answers 410 and revoked links 404; and
// that a browser returning to the link resumes its response.
func TestOpenLinkJoins(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Join Org", "Crowd")
		round := ts.newRound(o, "cncf-platform-maturity")
		path := fmt.Sprintf("/api/v1/assessments/%d/open-links", round.ID)
		link := ts.want(ts.call("POST", path, o.Token, map[string]any{"team_id": o.Teams[0].ID}), http.StatusCreated, "open link")
		tok := link.field(t, "token").(string)
		if u := link.field(t, "url").(string); u != "http://gapmap.test/j/"+tok {
			t.Errorf("url %q", u)
		}
		seen := map[string]bool{}
		for i := range 200 {
			r := ts.call("POST", "/api/v1/join/"+tok, "", nil)
			if r.Status != http.StatusCreated {
				t.Fatalf("join %d from one address = %s", i+1, r)
			}
			seen[r.field(t, "token").(string)] = true
		}
		if len(seen) != 200 {
			t.Errorf("%d distinct tokens from 200 joins", len(seen))
		}

		// A browser: the first visit starts a response and shows its link;
		// the second resumes it.
		b := ts.client()
		first := b.get("/j/" + tok)
		if first.Status != http.StatusOK {
			t.Fatalf("GET /j/ = %s", first)
		}
		ck := b.lastSet("gapmap_join")
		if ck == nil || !ck.HttpOnly || ck.Path != "/j/"+tok || !strings.HasPrefix(ck.Value, "s_") {
			t.Fatalf("join cookie %+v", ck)
		}
		own := "http://gapmap.test/s/" + ck.Value
		if !strings.Contains(first.text(), own) {
			t.Errorf("the page does not show the private link %s", own)
		}
		again := b.get("/j/" + tok)
		if again.Status != http.StatusOK || !strings.Contains(again.text(), own) || !strings.Contains(again.text(), "Welcome back") {
			t.Errorf("second visit does not resume %s: %s", own, again)
		}
		if ts.call("GET", "/api/v1/survey/"+ck.Value, "", nil).Status != http.StatusOK {
			t.Error("the private link does not open the survey")
		}
		other := ts.client().get("/j/" + tok)
		if strings.Contains(other.text(), own) {
			t.Error("another browser got the same response")
		}

		// max_responses, revoked and unknown links.
		capped := ts.want(ts.call("POST", path, o.Token, map[string]any{"team_id": o.Teams[0].ID, "max_responses": 2}), http.StatusCreated, "capped link")
		ctok := capped.field(t, "token").(string)
		for i, want := range []int{201, 201, 410, 410} {
			if r := ts.call("POST", "/api/v1/join/"+ctok, "", nil); r.Status != want {
				t.Errorf("join %d of a 2-response link = %s, want %d", i+1, r, want)
			} else if want == 410 && !strings.Contains(r.text(), "reached the number of responses") {
				t.Errorf("410 without a clear message: %s", r)
			}
		}
		if r := ts.client().get("/j/" + ctok); r.Status != http.StatusGone {
			t.Errorf("GET /j/ of a full link = %d, want 410", r.Status)
		}
		id := int64(capped.field(t, "id").(float64))
		ts.want(ts.call("DELETE", fmt.Sprintf("%s/%d", path, id), o.Token, nil), http.StatusNoContent, "revoke")
		for _, p := range []string{"/api/v1/join/" + ctok, "/api/v1/join/j_unknown"} {
			if r := ts.call("POST", p, "", nil); r.Status != http.StatusNotFound {
				t.Errorf("POST %s = %d, want 404", p, r.Status)
			}
		}
		var list []map[string]any
		ts.want(ts.call("GET", path, o.Token, nil), http.StatusOK, "list").decode(t, &list)
		if len(list) != 2 || list[0]["joined"] != float64(202) || list[1]["status"] != "revoked" {
			t.Errorf("open links %v", list)
		}
	})
}

// TestOpenLinkRateLimit checks that the per-address limit of one link is
// configurable and answers 429 past it, without touching another link.
func TestOpenLinkRateLimit(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), func(c *config.Config) { c.Limits.OpenJoins = 3 })
	o := ts.newOrg("Limit Org", "Crowd")
	round := ts.newRound(o, "cncf-platform-maturity")
	path := fmt.Sprintf("/api/v1/assessments/%d/open-links", round.ID)
	var toks []string
	for range 2 {
		l := ts.want(ts.call("POST", path, o.Token, map[string]any{"team_id": o.Teams[0].ID}), http.StatusCreated, "open link")
		toks = append(toks, l.field(t, "token").(string))
	}
	for i, want := range []int{201, 201, 201, 429} {
		if r := ts.call("POST", "/api/v1/join/"+toks[0], "", nil); r.Status != want {
			t.Errorf("join %d = %d, want %d", i+1, r.Status, want)
		}
	}
	if r := ts.call("POST", "/api/v1/join/"+toks[1], "", nil); r.Status != http.StatusCreated {
		t.Errorf("another link from the same address = %d, want 201", r.Status)
	}
}

// dumpTables returns every row of every table as text, by table.
func dumpTables(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	tables := tableNames(t, db)
	out := map[string]string{}
	for _, tb := range tables {
		rows, err := db.Raw(`SELECT * FROM "` + tb + `"`).Rows()
		if err != nil {
			t.Fatalf("read %s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		var sb strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("scan %s: %v", tb, err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&sb, "%v|", v)
			}
			sb.WriteByte('\n')
		}
		rows.Close()
		out[tb] = sb.String()
	}
	return out
}

// TestTeamSize checks the optional headcount of the teams API.
func TestTeamSize(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Size Org")
	created := ts.want(ts.call("POST", "/api/v1/teams", o.Token, map[string]any{"name": "Counted", "size": 12}), http.StatusCreated, "create")
	if created.field(t, "size") != float64(12) {
		t.Fatalf("created %s", created)
	}
	path := fmt.Sprintf("/api/v1/teams/%d", int64(created.field(t, "id").(float64)))
	for _, tc := range []struct {
		body   string
		status int
		size   any
	}{
		{`{"size":0}`, 422, float64(12)},
		{`{"size":"ten"}`, 400, float64(12)},
		{`{}`, 422, float64(12)},
		{`{"size":40}`, 200, float64(40)},
		{`{"name":"Renamed"}`, 200, float64(40)},
		{`{"size":null}`, 200, nil},
	} {
		ts.want(ts.call("PATCH", path, o.Token, tc.body), tc.status, "PATCH "+tc.body)
		var got map[string]any
		ts.want(ts.call("GET", path, o.Token, nil), http.StatusOK, "get").decode(t, &got)
		if got["size"] != tc.size {
			t.Errorf("after %s: size %v, want %v", tc.body, got["size"], tc.size)
		}
	}
	if r := ts.call("POST", "/api/v1/teams", o.Token, map[string]any{"name": "Bad", "size": -1}); r.Status != 422 {
		t.Errorf("negative size = %s", r)
	} else if names := ts.teamNames(o.ID); slices.Contains(names, "Bad") {
		t.Error("a refused team was stored")
	}
}

// TestAnonymousWorkbookMeasures checks the workbook's Measures sheet of an
// anonymous developer-experience round (min_group 5): Big's 5 responses
// give its NPS and hours, Small's 3 (NPS answers 0, 97 hours each) appear
// only as the withheld note, and the organization's figures are Big's.
func TestAnonymousWorkbookMeasures(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Anon Org", "Big", "Small")
		big, small := o.Teams[0].ID, o.Teams[1].ID
		var a struct{ ID int64 }
		ts.want(ts.call("POST", "/api/v1/assessments", o.Token, map[string]any{
			"name": "Developer survey", "questionnaires": []string{devx},
			"team_ids": []int64{big, small}, "anonymity": map[string]any{"mode": "anonymous", "min_group": 5},
		}), http.StatusCreated, "create anonymous round").decode(t, &a)
		resp := func(team int64, nps, hours float64) store.SeedResponse {
			answers := append(ts.levelAnswers([]string{devx}, 0, 3),
				store.SeedAnswer{Questionnaire: devx, Question: "gp-recommend", Number: &nps},
				store.SeedAnswer{Questionnaire: devx, Question: "cl-hours-lost", Number: &hours})
			return store.SeedResponse{TeamID: team, Submitted: true, Answers: answers}
		}
		var rs []store.SeedResponse
		for i := range 5 {
			rs = append(rs, resp(big, 10, float64(i+1)))
		}
		for range 3 {
			rs = append(rs, resp(small, 0, 97))
		}
		ts.seed(o, a.ID, rs)

		wb := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/export.xlsx", a.ID), o.Token, nil), http.StatusOK, "workbook")
		f, err := excelize.OpenReader(bytes.NewReader(wb.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(export.SheetMeasures)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, row := range rows[4:] {
			if len(row) < 6 {
				t.Fatalf("short row %q", row)
			}
			who := row[4]
			seen[row[1][:12]+" "+who] = true
			switch {
			case who == "Small" && (len(row) != 6 || row[5] != notEnough):
				t.Errorf("the Measures sheet shows more of Small than the note: %q", row)
			case who != "Small" && row[0] == "" && row[5] == "":
				t.Errorf("row without figures: %q", row)
			case row[1] == "How likely are you to recommend our internal platform to a colleague?" && who != "Small" &&
				(row[5] != "5" || row[6] != "100.00"):
				t.Errorf("%s's NPS row = %q, want Big's 5 answers at +100", who, row)
			}
		}
		if len(seen) < 6 {
			t.Errorf("Measures rows %v, want the organization, Big and Small for each measured question", seen)
		}
		for _, sheet := range f.GetSheetList() {
			all, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range all {
				for _, cell := range row {
					if cell == "97" || cell == "97.00" || strings.HasPrefix(cell, "97 ") {
						t.Errorf("sheet %s shows Small's 97 hours: %q", sheet, row)
					}
				}
			}
		}
	})
}
