package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/export/exporttest"
	"gapmap/app/recommend"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// Team names that must stay text in every export.
const (
	expEvilLink = `=HYPERLINK("http://evil","x")`
	expEvilAt   = `@SUM(A1)`
)

// expRound is an org with three teams in a round of both shipped
// questionnaires, two submitted responses per team and one draft.
type expRound struct {
	o       testOrg
	id      int64
	answers int // answer rows of the submitted responses
	perTeam int
}

// expAnswers answers every question of qs; the first answer of each
// questionnaire is N/A with a comment that looks like a formula.
func expAnswers(qs []*questionnaires.Questionnaire, seed int) []store.SeedAnswer {
	var out []store.SeedAnswer
	for _, q := range qs {
		for i, d := range q.Dimensions {
			for j, qu := range d.Questions {
				a := store.SeedAnswer{Questionnaire: q.Key, Question: qu.Key}
				switch {
				case i == 0 && j == 0:
					a.NA, a.Comment = true, "=2+3"
				case q.Scale == questionnaires.ScaleLikert:
					v := 1 + (seed+i+j)%5
					a.Value = &v
				default:
					o := qu.Options[(seed+i+j)%len(qu.Options)]
					a.Option, a.Level = &o.Key, &o.Level
				}
				out = append(out, a)
			}
		}
	}
	return out
}

func expNewRound(t *testing.T, ts *testServer) expRound {
	t.Helper()
	o := ts.newOrg("Export Org", "Payments", expEvilLink, expEvilAt)
	round := ts.newRound(o)
	qs := []*questionnaires.Questionnaire{ts.shippedQ("cncf-platform-maturity"), ts.shippedQ("gartner-platform-axes")}
	var seed []store.SeedResponse
	r := expRound{o: o, id: round.ID}
	for ti, tm := range o.Teams {
		for k := 0; k < 2; k++ {
			ans := expAnswers(qs, ti*2+k)
			seed = append(seed, store.SeedResponse{TeamID: tm.ID, Label: fmt.Sprintf("-respondent %d", k+1), Submitted: true,
				SubmittedAt: time.Date(2027, 1, 10+ti, 9, k, 0, 0, time.UTC), Answers: ans})
			r.answers += len(ans)
			r.perTeam = 2 * len(ans)
		}
	}
	seed = append(seed, store.SeedResponse{TeamID: o.Teams[0].ID, Label: "draft", Answers: expAnswers(qs, 9)})
	ts.seed(o, round.ID, seed)
	return r
}

func (r expRound) path(suffix string) string {
	return fmt.Sprintf("/api/v1/assessments/%d/%s", r.id, suffix)
}

func expOpen(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the export is not a workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func expRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rs, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// expRoundFile matches the Content-Disposition of a download of a round
// made by newRound ("Round 150405.000000"): gapmap-<round>-<kind>-<date>.<ext>.
func expRoundFile(disposition, kind, ext string) *regexp.Regexp {
	return regexp.MustCompile(`^` + disposition + `; filename=gapmap-round-\d{6}-\d{6}-` + kind + `-\d{4}-\d{2}-\d{2}\.` + ext + `$`)
}

// TestDownloadNames checks the file name of every download of a round whose
// names are not ASCII: an ASCII fallback, then the exact UTF-8 name
// (RFC 6266, RFC 8187).
func TestDownloadNames(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Download Org", "Équipe Ä")
		var a struct{ ID int64 }
		ts.want(ts.call("POST", "/api/v1/assessments", o.Token, map[string]any{
			"name": "Revue « été »", "questionnaires": []string{"cncf-platform-maturity"}, "team_ids": []int64{o.Teams[0].ID},
		}), http.StatusCreated, "create round").decode(t, &a)
		base := fmt.Sprintf("/api/v1/assessments/%d/", a.ID)
		page := fmt.Sprintf("/assessments/%d/", a.ID)
		const date = `(\d{4}-\d{2}-\d{2})`
		for _, tc := range []struct {
			name, path, want string
		}{
			{"workbook", base + "export.xlsx",
				`^attachment; filename=gapmap-revue-_t_-workbook-` + date + `\.xlsx; filename\*=utf-8''gapmap-revue-%C3%A9t%C3%A9-workbook-` + date + `\.xlsx$`},
			{"team workbook", fmt.Sprintf("%sexport.xlsx?team_id=%d", base, o.Teams[0].ID),
				`^attachment; filename=gapmap-revue-_t_-_quipe-_-workbook-` + date + `\.xlsx; filename\*=utf-8''gapmap-revue-%C3%A9t%C3%A9-%C3%A9quipe-%C3%A4-workbook-` + date + `\.xlsx$`},
			{"responses", base + "responses.csv",
				`^attachment; filename=gapmap-revue-_t_-responses-` + date + `\.csv; filename\*=utf-8''gapmap-revue-%C3%A9t%C3%A9-responses-` + date + `\.csv$`},
			{"report shown", page + "report.md",
				`^inline; filename=gapmap-revue-_t_-report-` + date + `\.md; filename\*=utf-8''gapmap-revue-%C3%A9t%C3%A9-report-` + date + `\.md$`},
			{"report downloaded", page + "report.md?download=1",
				`^attachment; filename=gapmap-revue-_t_-report-` + date + `\.md; filename\*=utf-8''gapmap-revue-%C3%A9t%C3%A9-report-` + date + `\.md$`},
		} {
			res := ts.want(ts.call("GET", tc.path, o.Token, nil), http.StatusOK, tc.name)
			if cd := res.Header.Get("Content-Disposition"); !regexp.MustCompile(tc.want).MatchString(cd) {
				t.Errorf("%s: Content-Disposition = %q, want %s", tc.name, cd, tc.want)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control = %q", tc.name, cc)
			}
		}
	})
}

func TestExportWorkbook(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		r := expNewRound(t, ts)
		res := ts.want(ts.call("GET", r.path("export.xlsx"), r.o.Token, nil), http.StatusOK, "export")
		if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !expRoundFile("attachment", "workbook", "xlsx").MatchString(cd) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q", res.Header.Get("Cache-Control"))
		}
		f := expOpen(t, res.Body)
		if got := f.GetSheetList(); !slices.Equal(got, []string{"Summary", "Heatmap", "Roadmap", "Responses", "Comments", "Questionnaire", "gapmap"}) {
			t.Fatalf("sheets = %q", got)
		}
		resp := expRows(t, f, "Responses")
		if len(resp) != 1+r.answers {
			t.Errorf("%d Responses rows, want header + %d submitted answers (no draft)", len(resp), r.answers)
		}
		for i, row := range resp[1:] {
			for j, v := range row {
				if formula, _ := f.GetCellFormula("Responses", cellName(j+1, i+2)); formula != "" {
					t.Fatalf("Responses %s holds a formula %q (value %q)", cellName(j+1, i+2), formula, v)
				}
			}
		}
		// The heatmap lists the teams in the database's name order; the
		// Responses group their rows by team in the same order.
		hm := expRows(t, f, "Heatmap")
		var teams, groups []string
		for i, row := range hm[2:5] {
			teams = append(teams, row[0])
			// Text, never a formula: the streamed Heatmap writes its
			// strings inline.
			if typ, _ := f.GetCellType("Heatmap", cellName(1, 3+i)); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("Heatmap team %q has type %v, want text", row[0], typ)
			}
		}
		sorted := slices.Clone(teams)
		slices.Sort(sorted)
		if !slices.Equal(sorted, []string{expEvilLink, expEvilAt, "Payments"}) {
			t.Errorf("heatmap teams = %q", teams)
		}
		for _, row := range resp[1:] {
			if len(groups) == 0 || groups[len(groups)-1] != row[0] {
				groups = append(groups, row[0])
			}
		}
		if !slices.Equal(groups, teams) {
			t.Errorf("Responses teams in order %q, want one block per team in the heatmap's order %q", groups, teams)
		}
		if v, _ := f.GetCellValue("gapmap", "B2"); v != fmt.Sprint(r.id) {
			t.Errorf("marker assessment id = %q, want %d", v, r.id)
		}
		road := expRows(t, f, "Roadmap")
		if len(road) < 2 || road[0][13] != "Owner" {
			t.Fatalf("Roadmap = %q", road)
		}
		var items []map[string]any
		ts.want(ts.call("GET", r.path("recommendations"), r.o.Token, nil), http.StatusOK, "recommendations").decode(t, &items)
		if len(road)-1 != len(items) || road[1][18] != items[0]["key"] {
			t.Errorf("Roadmap has %d rows starting with %q; the recommendations API has %d starting with %v", len(road)-1, road[1][18], len(items), items[0]["key"])
		}

		// One team's workbook.
		team := r.o.Teams[0]
		res = ts.want(ts.call("GET", r.path(fmt.Sprintf("export.xlsx?team_id=%d", team.ID)), r.o.Token, nil), http.StatusOK, "team export")
		if cd := res.Header.Get("Content-Disposition"); !expRoundFile("attachment", "payments-workbook", "xlsx").MatchString(cd) {
			t.Errorf("team export file name = %q", cd)
		}
		f = expOpen(t, res.Body)
		resp = expRows(t, f, "Responses")
		if len(resp) != 1+r.perTeam {
			t.Errorf("team export has %d Responses rows, want %d", len(resp)-1, r.perTeam)
		}
		for _, row := range resp[1:] {
			if row[0] != "Payments" {
				t.Fatalf("team export holds a row of %q", row[0])
			}
		}
		if v, _ := f.GetCellValue("gapmap", "B3"); v != fmt.Sprint(team.ID) {
			t.Errorf("marker team id = %q", v)
		}
	})
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

func TestExportAccess(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		r := expNewRound(t, ts)
		_, leader := ts.addPerson(r.o, "lea@example.com", models.RoleLeader)
		_, member := ts.addPerson(r.o, "mem@example.com", models.RoleMember, r.o.Teams[0].ID)
		other := ts.newOrg("Other Org", "Elsewhere")
		outsider := other.Teams[0].ID
		for _, tt := range []struct {
			name, path, token string
			status            int
		}{
			{"leader workbook", r.path("export.xlsx"), leader, http.StatusOK},
			{"leader csv", r.path("responses.csv"), leader, http.StatusOK},
			{"member workbook", r.path("export.xlsx"), member, http.StatusForbidden},
			{"member csv", r.path("responses.csv"), member, http.StatusForbidden},
			{"anonymous", r.path("export.xlsx"), "", http.StatusUnauthorized},
			{"other org", r.path("export.xlsx"), other.Token, http.StatusNotFound},
			{"other org csv", r.path("responses.csv"), other.Token, http.StatusNotFound},
			{"team of another org", r.path(fmt.Sprintf("export.xlsx?team_id=%d", outsider)), r.o.Token, http.StatusNotFound},
			{"bad team id", r.path("export.xlsx?team_id=abc"), r.o.Token, http.StatusUnprocessableEntity},
			{"unknown assessment", "/api/v1/assessments/999999/export.xlsx", r.o.Token, http.StatusNotFound},
			{"leader import", r.path("roadmap.xlsx"), leader, http.StatusForbidden},
		} {
			method := "GET"
			if strings.HasSuffix(tt.path, "roadmap.xlsx") {
				method = "POST"
			}
			if got := ts.call(method, tt.path, tt.token, nil); got.Status != tt.status {
				t.Errorf("%s: %s, want %d", tt.name, got, tt.status)
			}
		}

		// The browser route: a logged-in owner downloads; a member may not.
		c := ts.client()
		c.login(r.o.Owner.Email)
		res := c.get(fmt.Sprintf("/assessments/%d/export.xlsx", r.id))
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("page export: %d %q", res.Status, res.Header.Get("Content-Disposition"))
		}
		expOpen(t, res.Body)
		mc := ts.client()
		mc.login("mem@example.com")
		if res := mc.get(fmt.Sprintf("/assessments/%d/export.xlsx", r.id)); res.Status != http.StatusForbidden {
			t.Errorf("member page export: %d", res.Status)
		}
	})
}

func TestResponsesCSV(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		r := expNewRound(t, ts)
		res := ts.want(ts.call("GET", r.path("responses.csv"), r.o.Token, nil), http.StatusOK, "csv")
		if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !expRoundFile("attachment", "responses", "csv").MatchString(cd) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		recs, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatalf("not RFC 4180: %v", err)
		}
		if len(recs) != 1+r.answers {
			t.Fatalf("%d records, want header + %d", len(recs), r.answers)
		}
		seen := map[string]bool{}
		for _, rec := range recs[1:] {
			seen[rec[0]] = true
			if rec[1] != "'-respondent 1" && rec[1] != "'-respondent 2" {
				t.Fatalf("respondent = %q, want the label defused", rec[1])
			}
		}
		for _, want := range []string{"'" + expEvilLink, "'" + expEvilAt, "Payments"} {
			if !seen[want] {
				t.Errorf("no rows of team %q (teams: %v)", want, seen)
			}
		}
		na := 0
		for _, rec := range recs[1:] {
			if rec[10] == "true" {
				na++
				if rec[11] != "'=2+3" {
					t.Errorf("N/A comment = %q, want it defused", rec[11])
				}
			}
			for i, v := range rec {
				if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
					t.Fatalf("field %d = %q starts with a formula character", i, v)
				}
			}
		}
		if na != 2*len(r.o.Teams)*2 {
			t.Errorf("%d N/A rows, want %d", na, 2*len(r.o.Teams)*2)
		}
	})
}

func expMultipart(t *testing.T, fields map[string]string, file []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != nil {
		w, err := mw.CreateFormFile("file", "plan.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		w.Write(file)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

func (ts *testServer) expPlan(o testOrg, id, teamID int64) []models.PlanItem {
	ts.t.Helper()
	items, err := ts.st.PlanItems(context.Background(), o.ID, id, teamID)
	if err != nil {
		ts.t.Fatal(err)
	}
	return items
}

func TestRoadmapRoundTrip(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		r := expNewRound(t, ts)
		exported := ts.want(ts.call("GET", r.path("export.xlsx"), r.o.Token, nil), http.StatusOK, "export").Body
		quarter := export.Quarters(time.Now(), export.QuarterCount)[1]
		var keys []string
		edited := exporttest.Edit(t, exported, func(f *excelize.File) {
			exporttest.SetRoadmap(t, f, "N2", "Dana")
			exporttest.SetRoadmap(t, f, "O2", quarter)
			exporttest.SetRoadmap(t, f, "P2", "In progress")
			exporttest.SetRoadmap(t, f, "N3", "=Kim")
			exporttest.SetRoadmap(t, f, "P3", "Done")
			exporttest.SetRoadmap(t, f, "Q3", "Finished early.")
			for _, c := range []string{"S2", "S3"} {
				v, _ := f.GetCellValue("Roadmap", c)
				keys = append(keys, v)
			}
		})
		res := ts.want(ts.call("POST", r.path("roadmap.xlsx"), r.o.Token, edited), http.StatusOK, "import")
		var out struct {
			AssessmentID int64 `json:"assessment_id"`
			TeamID       int64 `json:"team_id"`
			Rows         int   `json:"rows"`
			Created      int   `json:"created"`
			Updated      int   `json:"updated"`
			Unchanged    int   `json:"unchanged"`
		}
		res.decode(t, &out)
		if out.AssessmentID != r.id || out.Created != 2 || out.Updated != 0 || out.Rows < 2 {
			t.Errorf("import = %s", res)
		}
		plan := ts.expPlan(r.o, r.id, 0)
		if len(plan) != 2 {
			t.Fatalf("stored plan = %+v", plan)
		}
		byKey := map[string]models.PlanItem{}
		for _, p := range plan {
			byKey[p.RecommendationKey] = p
		}
		if p := byKey[keys[0]]; p.Owner != "Dana" || p.Quarter != quarter || p.Status != recommend.StatusInProgress {
			t.Errorf("plan of %s = %+v", keys[0], p)
		}
		if p := byKey[keys[1]]; p.Owner != "=Kim" || p.Status != recommend.StatusDone || p.Notes != "Finished early." {
			t.Errorf("plan of %s = %+v", keys[1], p)
		}

		// The same file again changes nothing.
		res = ts.want(ts.call("POST", r.path("roadmap.xlsx"), r.o.Token, edited), http.StatusOK, "import again")
		res.decode(t, &out)
		if out.Created != 0 || out.Updated != 0 || out.Unchanged != out.Rows {
			t.Errorf("second import = %s, want everything unchanged", res)
		}
		again := ts.expPlan(r.o, r.id, 0)
		for i := range plan {
			if again[i] != plan[i] {
				t.Errorf("item changed by the second import: %+v -> %+v", plan[i], again[i])
			}
		}

		// The next export carries the plan, as text.
		f := expOpen(t, ts.want(ts.call("GET", r.path("export.xlsx"), r.o.Token, nil), http.StatusOK, "export").Body)
		road := expRows(t, f, "Roadmap")
		if got := road[1][13:16]; !slices.Equal(got, []string{"Dana", quarter, "In progress"}) {
			t.Errorf("re-exported plan = %q", got)
		}
		if road[2][13] != "=Kim" || road[2][15] != "Done" {
			t.Errorf("re-exported row 3 = %q", road[2][13:17])
		}
		if formula, _ := f.GetCellFormula("Roadmap", "N3"); formula != "" {
			t.Errorf("the owner became a formula: %q", formula)
		}

		// Multipart through the API gives the same result.
		ct, body := expMultipart(t, nil, edited)
		req := httptest.NewRequest("POST", r.path("roadmap.xlsx"), bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+r.o.Token)
		res = ts.want(ts.send(req), http.StatusOK, "multipart import")
		res.decode(t, &out)
		if out.Created+out.Updated != 0 {
			t.Errorf("multipart import of the same plan = %s", res)
		}

		// A team's workbook stores the team's plan.
		team := r.o.Teams[2]
		teamBook := ts.want(ts.call("GET", r.path(fmt.Sprintf("export.xlsx?team_id=%d", team.ID)), r.o.Token, nil), http.StatusOK, "team export").Body
		tf := expOpen(t, teamBook)
		if rows := expRows(t, tf, "Roadmap"); len(rows) > 1 && len(rows[1]) > 18 {
			teamEdited := exporttest.Edit(t, teamBook, func(f *excelize.File) { exporttest.SetRoadmap(t, f, "P2", "Won't do") })
			res = ts.want(ts.call("POST", r.path("roadmap.xlsx"), r.o.Token, teamEdited), http.StatusOK, "team import")
			res.decode(t, &out)
			if out.TeamID != team.ID || out.Created != 1 {
				t.Errorf("team import = %s", res)
			}
			if tp := ts.expPlan(r.o, r.id, team.ID); len(tp) != 1 || tp[0].Status != recommend.StatusWontDo {
				t.Errorf("team plan = %+v", tp)
			}
			if len(ts.expPlan(r.o, r.id, 0)) != 2 {
				t.Error("the team import changed the organization's plan")
			}
		}
	})
}

func TestRoadmapImportRefusesBrokenFiles(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		r := expNewRound(t, ts)
		exported := ts.want(ts.call("GET", r.path("export.xlsx"), r.o.Token, nil), http.StatusOK, "export").Body
		seed := exporttest.Edit(t, exported, func(f *excelize.File) { exporttest.SetRoadmap(t, f, "N2", "Before") })
		ts.want(ts.call("POST", r.path("roadmap.xlsx"), r.o.Token, seed), http.StatusOK, "seed plan")
		before := ts.expPlan(r.o, r.id, 0)

		second := ts.newRound(r.o)
		foreign := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/export.xlsx", second.ID), r.o.Token, nil), http.StatusOK, "second export").Body
		tests := []struct {
			name string
			body []byte
			want export.Problem // Message is a substring
			n    int
		}{
			{"not a workbook", []byte("Owner,Quarter\nDana,2027-Q1\n"), export.Problem{Message: "not an Excel workbook"}, 1},
			{"empty", nil, export.Problem{Message: "No file was sent"}, 1},
			{"another assessment", foreign, export.Problem{Sheet: "gapmap", Row: 2, Column: "B", Message: fmt.Sprintf("exported for round %d, not for round %d", second.ID, r.id)}, 1},
			{"missing Roadmap sheet", exporttest.Edit(t, exported, func(f *excelize.File) {
				if err := f.DeleteSheet("Roadmap"); err != nil {
					t.Fatal(err)
				}
			}), export.Problem{Sheet: "Roadmap", Message: "no Roadmap sheet"}, 1},
			{"bad quarter and status", exporttest.Edit(t, exported, func(f *excelize.File) {
				exporttest.SetRoadmap(t, f, "N2", "After")
				exporttest.SetRoadmap(t, f, "O3", "Someday")
				exporttest.SetRoadmap(t, f, "P4", "Blocked")
			}), export.Problem{Sheet: "Roadmap", Row: 3, Column: "O", Message: `Quarter "SOMEDAY"`}, 2},
		}
		for _, tt := range tests {
			res := ts.call("POST", r.path("roadmap.xlsx"), r.o.Token, tt.body)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %s, want 422", tt.name, res)
				continue
			}
			var body struct {
				Error    string
				Problems []export.Problem
			}
			res.decode(t, &body)
			if body.Error == "" || len(body.Problems) != tt.n {
				t.Errorf("%s: body %s, want an error and %d problems", tt.name, res, tt.n)
				continue
			}
			p := body.Problems[0]
			if p.Sheet != tt.want.Sheet || p.Row != tt.want.Row || p.Column != tt.want.Column || !strings.Contains(p.Message, tt.want.Message) {
				t.Errorf("%s: first problem %+v, want %+v", tt.name, p, tt.want)
			}
			if after := ts.expPlan(r.o, r.id, 0); !slices.Equal(after, before) {
				t.Errorf("%s changed the plan: %+v -> %+v", tt.name, before, after)
			}
		}
		var raw map[string]any
		ts.call("POST", r.path("roadmap.xlsx"), r.o.Token, tests[4].body).decode(t, &raw)
		ps, _ := raw["problems"].([]any)
		if len(ps) != 2 {
			t.Fatalf("problems = %v", raw)
		}
		second2, _ := ps[1].(map[string]any)
		for _, k := range []string{"sheet", "row", "column", "message"} {
			if _, ok := second2[k]; !ok {
				t.Errorf("problem lacks %q: %v", k, second2)
			}
		}
		if second2["row"] != float64(4) || second2["column"] != "P" {
			t.Errorf("second problem = %v, want row 4 column P", second2)
		}

		other := ts.newOrg("Another Org", "X")
		if res := ts.call("POST", r.path("roadmap.xlsx"), other.Token, seed); res.Status != http.StatusNotFound {
			t.Errorf("another org's import: %s", res)
		}
	})
}

func TestRoadmapUploadForm(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		r := expNewRound(t, ts)
		exported := ts.want(ts.call("GET", r.path("export.xlsx"), r.o.Token, nil), http.StatusOK, "export").Body
		edited := exporttest.Edit(t, exported, func(f *excelize.File) { exporttest.SetRoadmap(t, f, "N2", "Form owner") })
		c := ts.client()
		c.login(r.o.Owner.Email)
		form := fmt.Sprintf("/assessments/%d/roadmap", r.id)

		ct, body := expMultipart(t, nil, edited)
		if res := c.do("POST", form, ct, bytes.NewReader(body)); res.Status != http.StatusForbidden {
			t.Errorf("upload without CSRF token: %d, want 403", res.Status)
		}
		if len(ts.expPlan(r.o, r.id, 0)) != 0 {
			t.Fatal("an upload without CSRF token was applied")
		}

		ct, body = expMultipart(t, map[string]string{"_csrf": c.csrf("/tokens")}, edited)
		res := c.do("POST", form, ct, bytes.NewReader(body))
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/assessments/%d/report", r.id) {
			t.Fatalf("upload: %d to %q", res.Status, res.Header.Get("Location"))
		}
		if p := ts.expPlan(r.o, r.id, 0); len(p) != 1 || p[0].Owner != "Form owner" {
			t.Errorf("plan after the form upload = %+v", p)
		}
		if c.cookie("gapmap_flash") == "" {
			t.Error("no flash message after the upload")
		}

		broken := exporttest.Edit(t, exported, func(f *excelize.File) { exporttest.SetRoadmap(t, f, "P2", "Paused") })
		ct, body = expMultipart(t, map[string]string{"_csrf": c.csrf("/tokens")}, broken)
		res = c.do("POST", form, ct, bytes.NewReader(body))
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "Status &#34;Paused&#34; is not one of") {
			t.Errorf("broken upload: %d %.500s", res.Status, res.Body)
		}
		if p := ts.expPlan(r.o, r.id, 0); len(p) != 1 || p[0].Status != "" {
			t.Errorf("plan after a refused upload = %+v", p)
		}

		ct, body = expMultipart(t, map[string]string{"_csrf": c.csrf("/tokens")}, nil)
		if res := c.do("POST", form, ct, bytes.NewReader(body)); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("form without a file: %d", res.Status)
		}

		_, _ = ts.addPerson(r.o, "lead2@example.com", models.RoleLeader)
		lc := ts.client()
		lc.login("lead2@example.com")
		ct, body = expMultipart(t, map[string]string{"_csrf": lc.csrf("/tokens")}, edited)
		if res := lc.do("POST", form, ct, bytes.NewReader(body)); res.Status != http.StatusForbidden {
			t.Errorf("leader upload: %d, want 403", res.Status)
		}
	})
}
