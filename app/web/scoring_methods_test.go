package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/store"
)

// TestSAMMRoundEndToEnd: a questionnaire scored by samm, with areas and a
// scale from 0, uploads, takes answers and gives the hand-computed scores
// of app/scoring's TestScoreSAMM through the results API, areas included.
func TestSAMMRoundEndToEnd(t *testing.T) {
	src, err := os.ReadFile("../../questionnaires/testdata/formats/samm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Red")
		upload := ts.want(ts.call("POST", "/api/v1/questionnaires", o.Token, src), http.StatusCreated, "upload samm")
		var uploaded struct {
			Key      string
			Warnings []struct{ Path, Message string }
		}
		upload.decode(t, &uploaded)
		if uploaded.Key != "tiny-secure" || len(uploaded.Warnings) == 0 || uploaded.Warnings[0].Path == "" {
			t.Errorf("the upload's answer lacks the warnings of an imported file: %.500s", upload.Body)
		}
		r := ts.newRound(o, "tiny-secure")
		ans := func(pairs ...string) []store.SeedAnswer {
			var out []store.SeedAnswer
			for i := 0; i+1 < len(pairs); i += 2 {
				a := store.SeedAnswer{Questionnaire: "tiny-secure", Question: pairs[i]}
				if pairs[i+1] == "na" {
					a.NA = true
				} else {
					k, l := pairs[i+1], map[string]int{"none": 0, "some": 1, "most": 2, "all": 3}[pairs[i+1]]
					a.Option, a.Level = &k, &l
				}
				out = append(out, a)
			}
			return out
		}
		blue, red := o.Teams[0].ID, o.Teams[1].ID
		ts.seed(o, r.ID, []store.SeedResponse{
			{TeamID: blue, Label: "r1", Submitted: true, Answers: ans("pipe-a1", "all", "pipe-a2", "most", "pipe-b1", "some", "pipe-b2", "none",
				"deps-a1", "all", "deps-b1", "all", "alerts-1", "most", "alerts-2", "all")},
			{TeamID: blue, Label: "r2", Submitted: true, Answers: ans("pipe-a1", "all", "pipe-a2", "all", "pipe-b1", "all", "pipe-b2", "all",
				"deps-a1", "most", "deps-b1", "na", "alerts-1", "all", "alerts-2", "all")},
			{TeamID: red, Label: "r3", Submitted: true, Answers: ans("pipe-a1", "some", "pipe-a2", "some", "pipe-b1", "most", "pipe-b2", "most",
				"deps-a1", "none", "deps-b1", "some", "alerts-1", "none", "alerts-2", "some")},
		})
		res := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/results", r.ID), o.Token, nil), http.StatusOK, "results")
		type lv struct {
			Key   string
			Level *int
			Score *float64
		}
		var body struct {
			Results []struct {
				Overall    lv
				Dimensions []lv
				Areas      []lv
				Teams      []struct {
					Name  string
					Areas []lv
				}
			} `json:"questionnaires"`
		}
		res.decode(t, &body)
		if len(body.Results) != 1 {
			t.Fatalf("results: %s", res.Body)
		}
		q := body.Results[0]
		got, _ := json.Marshal([]any{q.Overall, q.Dimensions, q.Areas, q.Teams[0].Areas})
		want := `[{"Key":"","Level":0,"Score":0.88},` +
			`[{"Key":"pipeline","Level":1,"Score":1.09},{"Key":"deps","Level":0,"Score":0.44},{"Key":"alerts","Level":1,"Score":1}],` +
			`[{"Key":"build","Level":0,"Score":0.77},{"Key":"run","Level":1,"Score":1}],` +
			`[{"Key":"build","Level":1,"Score":1.09},{"Key":"run","Level":1,"Score":1.75}]]`
		if string(got) != want {
			t.Errorf("results\n got %s\nwant %s", got, want)
		}

		// Blocking questions of a samm round (worked out by hand in
		// app/scoring's TestValueBlocking): Blue's pipeline mean answer
		// levels 3, 2.5, 2 and 1.5 against its next level 2.
		var blocking struct {
			Results []struct {
				Teams []struct {
					Dimensions []struct {
						Key      string
						Blocking []struct {
							Question string
							Level    int
						}
					}
				}
			} `json:"questionnaires"`
		}
		res.decode(t, &blocking)
		if b := blocking.Results[0].Teams[0].Dimensions[0].Blocking; len(b) != 1 || b[0].Question != "pipe-b2" || b[0].Level != 1 {
			t.Errorf("Blue's pipeline blocking = %+v, want pipe-b2 at 1", b)
		}
		leader := ts.client()
		leader.login(o.Owner.Email)
		for path, want := range map[string][]string{
			fmt.Sprintf("/assessments/%d/teams/%d", r.ID, blue):        {"Are exceptions to the rules recorded?", "Mean answer: level 1", "mean answer over the team"},
			fmt.Sprintf("/assessments/%d/teams/%d/report", r.ID, blue): {"Are exceptions to the rules recorded?", "mean answer: level 1", "below level 2 on average"},
		} {
			body := leader.get(path).text()
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
		}

		// The survey serves the new fields and saves answers of level 0.
		ts.answerAll(r.Tokens[0])

		page := ts.client()
		page.login(o.Owner.Email)
		sv := page.get("/s/" + r.Tokens[0])
		for i := 0; i < 3 && sv.Status == http.StatusSeeOther; i++ {
			sv = page.get(sv.Header.Get("Location"))
		}
		if sv.Status != http.StatusOK || !strings.Contains(sv.text(), "Is every alert triaged within a day?") {
			t.Errorf("survey page: %d", sv.Status)
		}
		page.get("/questionnaires")
		up := page.send("POST", "/questionnaires", "application/x-www-form-urlencoded", url.Values{"yaml": {string(src)}}.Encode(), true)
		if up.Status != http.StatusSeeOther {
			t.Fatalf("form upload: %d", up.Status)
		}
		if flash := page.get(up.Header.Get("Location")).text(); !strings.Contains(flash, "warnings: help texts or recommendations are missing") {
			t.Errorf("the upload's flash does not mention the warnings")
		}
		shown := page.get("/questionnaires/tiny-secure")
		for _, s := range []string{"Scoring: samm", "imported from another model", "gapmap test fixture", "CC0-1.0",
			"Written by the gapmap team for its tests.", "<h2>Areas</h2>", "Checked", "group a", "value 0.25"} {
			if !strings.Contains(shown.text(), s) {
				t.Errorf("questionnaire page lacks %q", s)
			}
		}
		xl := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/export.xlsx", r.ID), o.Token, nil), http.StatusOK, "workbook")
		f, err := excelize.OpenReader(bytes.NewReader(xl.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(export.SheetQuestionnaire)
		if err != nil {
			t.Fatal(err)
		}
		meta := map[string]string{}
		valueCol, groupCol, values := -1, -1, map[string]bool{}
		for _, row := range rows {
			if len(row) >= 2 {
				meta[row[0]] = row[1]
			}
			for i, c := range row {
				switch {
				case c == "Option value":
					valueCol = i
				case c == "Group":
					groupCol = i
				case i == valueCol && len(row) > 8:
					values[row[2]+"/"+row[7]+"="+c] = true
				}
			}
		}
		if valueCol < 10 || groupCol < 10 || !values["pipe-a1/some=0.25"] {
			t.Errorf("workbook Questionnaire sheet: option value column %d, group column %d, values %v", valueCol, groupCol, values)
		}
		summary, err := f.GetRows(export.SheetSummary)
		if err != nil {
			t.Fatal(err)
		}
		var areaRows []string
		for _, row := range summary {
			if len(row) >= 5 && (row[0] == "Build" || row[0] == "Run") {
				areaRows = append(areaRows, strings.Join(row[:5], "|"))
			}
		}
		if got := strings.Join(areaRows, "\n"); got != "Build|0|Absent|0.77|pipeline, deps\nRun|1|Started|1.00|alerts" {
			t.Errorf("workbook Summary areas:\n%s", got)
		}
		for k, v := range map[string]string{"Scoring": "samm", "Origin": "imported", "Source": "gapmap test fixture",
			"License": "CC0-1.0", "Attribution": "Written by the gapmap team for its tests."} {
			if meta[k] != v {
				t.Errorf("workbook Questionnaire sheet %s = %q, want %q", k, meta[k], v)
			}
		}
		report := page.get(fmt.Sprintf("/assessments/%d/report", r.ID))
		for _, s := range []string{"Scoring of Tiny secure delivery model: samm", "license: CC0-1.0", "levels 0–3",
			"<h3>Areas</h3>", "<td>Pipeline hygiene, Dependency care</td>", "0.77"} {
			if !strings.Contains(report.text(), s) {
				t.Errorf("report lacks %q", s)
			}
		}
		dash := page.get(fmt.Sprintf("/assessments/%d/dashboard", r.ID)).text()
		if !strings.Contains(dash, "<caption>Areas</caption>") || !strings.Contains(dash, "<th scope=\"row\">Build</th>") {
			t.Errorf("dashboard lacks the areas table")
		}
		md := page.get(fmt.Sprintf("/assessments/%d/report.md", r.ID)).text()
		if !strings.Contains(md, "| Build | Pipeline hygiene, Dependency care | 0 · Absent | 0.77 of 3 |") {
			t.Errorf("report.md lacks the areas table:\n%s", md[:min(len(md), 3000)])
		}
	})
}

// TestDefinitionChangedAcrossVersions: when a dimension's questions change
// between the versions of two rounds, the results API marks its previous
// block, and the results page, dashboard and report say so.
func TestDefinitionChangedAcrossVersions(t *testing.T) {
	v1, err := os.ReadFile("../../questionnaires/testdata/formats/samm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v2 := []byte(strings.Replace(strings.Replace(string(v1), "key: alerts-2", "key: alerts-3", 1), `version: "1"`, `version: "2"`, 1))
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		answers := func(last string) []store.SeedAnswer {
			var out []store.SeedAnswer
			for _, k := range []string{"pipe-a1", "pipe-a2", "pipe-b1", "pipe-b2", "deps-a1", "deps-b1", "alerts-1", last} {
				opt, level := "most", 2
				out = append(out, store.SeedAnswer{Questionnaire: "tiny-secure", Question: k, Option: &opt, Level: &level})
			}
			return out
		}
		var rounds []testRound
		for i, src := range [][]byte{v1, v2} {
			ts.want(ts.call("POST", "/api/v1/questionnaires", o.Token, src), http.StatusCreated, "upload")
			r := ts.newRound(o, "tiny-secure")
			ts.seed(o, r.ID, []store.SeedResponse{{TeamID: o.Teams[0].ID, Label: "r", Submitted: true, Answers: answers([]string{"alerts-2", "alerts-3"}[i])}})
			rounds = append(rounds, r)
		}
		res := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/results", rounds[1].ID), o.Token, nil), http.StatusOK, "results")
		var body struct {
			Questionnaires []struct {
				Dimensions []struct {
					Key      string
					Previous *struct {
						DefinitionChanged *bool `json:"definition_changed"`
					}
				}
			}
		}
		res.decode(t, &body)
		for _, d := range body.Questionnaires[0].Dimensions {
			if d.Previous == nil {
				t.Fatalf("%s: no previous block", d.Key)
			}
			changed := d.Previous.DefinitionChanged != nil && *d.Previous.DefinitionChanged
			if changed != (d.Key == "alerts") {
				t.Errorf("%s: definition_changed %v", d.Key, d.Previous.DefinitionChanged)
			}
		}
		page := ts.client()
		page.login(o.Owner.Email)
		for _, tc := range []struct{ path, want string }{
			{fmt.Sprintf("/assessments/%d/results", rounds[1].ID), "(definition changed)"},
			{fmt.Sprintf("/assessments/%d/dashboard", rounds[1].ID), "(definition changed)"},
			{fmt.Sprintf("/assessments/%d/report", rounds[1].ID), "Its questions or weights changed since the previous round"},
		} {
			if r := page.get(tc.path); r.Status != http.StatusOK || strings.Count(r.text(), tc.want) == 0 {
				t.Errorf("%s: status %d, lacks %q", tc.path, r.Status, tc.want)
			}
		}
	})
}
