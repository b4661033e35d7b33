package web_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/results"
	"gapmap/questionnaires"
	"gapmap/questionnaires/importer"
)

// The tests below take each importer's fixture through import, validation,
// upload, a round answered through the survey API, and the results API, and
// compare the scores with the source's own method worked out here by hand.

const importerFixtures = "../../questionnaires/importer/testdata/"

// importedResults is the part of GET …/results these tests read.
type importedResults struct {
	Questionnaires []struct {
		Key        string
		Overall    importedScore
		Dimensions []importedScore
		Areas      []importedScore
		Teams      []struct {
			Name       string
			Overall    importedScore
			Dimensions []importedScore
			Areas      []importedScore
		}
	}
}

type importedScore struct {
	Key   string
	Level *int
	Score *float64
}

// importAndRun imports the fixture, checks that it validates, uploads it,
// opens a round over teams Blue and Red, lets each respondent (team ->
// answers, question key -> option key) answer and submit through the survey
// API, and returns the results.
func importAndRun(t *testing.T, ts *testServer, from string, paths []string, respondents map[string][]map[string]string) (*questionnaires.Questionnaire, testOrg, testRound, importedResults) {
	t.Helper()
	res, err := importer.Import(from, paths, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	q, err := questionnaires.Parse(from+".yaml", res.YAML)
	if err != nil {
		t.Fatalf("the imported questionnaire does not validate: %v", err)
	}
	o := ts.newOrg("Acme", "Blue", "Red")
	ts.want(ts.call("POST", "/api/v1/questionnaires", o.Token, res.YAML), http.StatusCreated, "upload "+from)
	r := ts.newRound(o, q.Key)
	for ti, team := range o.Teams {
		for i, answers := range respondents[team.Name] {
			tok := r.Tokens[ti]
			if i > 0 {
				tok, _ = ts.invite(o.Token, r.ID, team.ID, fmt.Sprintf("respondent %d of %s", i+1, team.Name))
			}
			for question, opt := range answers {
				ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": q.Key, "question": question, "option": opt}), http.StatusOK, "answer "+question)
			}
			ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), http.StatusOK, "submit")
		}
	}
	if err := results.Recompute(context.Background(), ts.st, o.ID, r.ID); err != nil {
		t.Fatalf("Recompute: %v", err)
	}
	var body importedResults
	ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/results", r.ID), o.Token, nil), http.StatusOK, "results").decode(t, &body)
	if len(body.Questionnaires) != 1 || len(body.Questionnaires[0].Teams) != 2 {
		t.Fatalf("results: %+v", body)
	}
	return q, o, r, body
}

// optionOf returns the key of the option of question key worth value.
func optionOf(t *testing.T, q *questionnaires.Questionnaire, key string, value float64) string {
	t.Helper()
	for _, d := range q.Dimensions {
		for _, qu := range d.Questions {
			if qu.Key != key {
				continue
			}
			for _, o := range qu.Options {
				if o.Value != nil && *o.Value == value {
					return o.Key
				}
			}
		}
	}
	t.Fatalf("question %s has no option worth %g", key, value)
	return ""
}

// round2 rounds half away from zero, as the results do.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round1(x float64) float64 { return math.Round(x*10) / 10 }

func mean(xs ...float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func sum(xs []float64) float64 { return mean(xs...) * float64(len(xs)) }

// checkScore compares one reported level and score with the expected ones.
func checkScore(t *testing.T, what string, got importedScore, level int, score float64) {
	t.Helper()
	if got.Level == nil || got.Score == nil {
		t.Errorf("%s: level %v score %v, want %d and %g", what, got.Level, got.Score, level, score)
		return
	}
	if *got.Level != level || math.Abs(*got.Score-score) > 1e-9 {
		t.Errorf("%s: level %d score %g, want %d and %g", what, *got.Level, *got.Score, level, score)
	}
}

func byKey(t *testing.T, list []importedScore, key string) importedScore {
	t.Helper()
	i := slices.IndexFunc(list, func(s importedScore) bool { return s.Key == key })
	if i < 0 {
		t.Fatalf("no %s in %+v", key, list)
	}
	return list[i]
}

// TestImportedSAMMRound: SAMM's published method, by hand. A stream's score
// is the sum of its answers (0, 0.25, 0.5 or 1 for each of its three
// levels), a practice's the mean of its streams A and B, a business
// function's the mean of its practices, the overall score the mean of the
// functions; a team and the organization take the means of their
// respondents' and teams' scores. The round also shows the business
// functions as areas on the dashboard, the report and the workbook.
func TestImportedSAMMRound(t *testing.T) {
	type streams struct{ a, b []float64 } // answers of levels 1, 2, 3
	type respondent map[string]streams    // practice prefix -> streams
	practices := []struct{ prefix, key, function string }{
		{"p-rr", "risk-review", "plan"}, {"p-tt", "team-training", "plan"}, {"r-id", "incident-drills", "run"},
	}
	teams := map[string][]respondent{
		"Blue": {
			{"p-rr": {[]float64{1, 0.5, 0.25}, []float64{1, 0, 0}}, "p-tt": {[]float64{0.5, 0.5, 0}, []float64{0.25, 0.25, 0.25}}, "r-id": {[]float64{1, 1, 0.5}, []float64{1, 0.5, 0}}},
			{"p-rr": {[]float64{1, 1, 1}, []float64{1, 1, 0.5}}, "p-tt": {[]float64{0, 0, 0}, []float64{0.25, 0, 0}}, "r-id": {[]float64{0.5, 0.25, 0}, []float64{0.25, 0.25, 0.25}}},
		},
		"Red": {
			{"p-rr": {[]float64{0.25, 0, 0}, []float64{0, 0, 0}}, "p-tt": {[]float64{1, 1, 1}, []float64{1, 1, 1}}, "r-id": {[]float64{0.5, 0.5, 0.5}, []float64{1, 0.25, 0}}},
		},
	}
	// By hand: practice scores per respondent, team and organization.
	practiceScore := func(s streams) float64 { return mean(sum(s.a), sum(s.b)) }
	teamPractice := map[string]map[string]float64{}
	for team, rs := range teams {
		teamPractice[team] = map[string]float64{}
		for _, p := range practices {
			var xs []float64
			for _, r := range rs {
				xs = append(xs, practiceScore(r[p.prefix]))
			}
			teamPractice[team][p.key] = mean(xs...)
		}
	}
	functions := func(ps map[string]float64) (plan, run, overall float64) {
		plan, run = mean(ps["risk-review"], ps["team-training"]), ps["incident-drills"]
		return plan, run, mean(plan, run)
	}
	org := map[string]float64{}
	for _, p := range practices {
		org[p.key] = mean(teamPractice["Blue"][p.key], teamPractice["Red"][p.key])
	}
	// Blue's risk review: respondent 1 has streams 1.75 and 1 (1.375),
	// respondent 2 has 3 and 2.5 (2.75): the team is at 2.0625.
	if teamPractice["Blue"]["risk-review"] != 2.0625 {
		t.Fatalf("hand computation: Blue risk review %g", teamPractice["Blue"]["risk-review"])
	}

	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		q, err := questionnaires.Parse("samm", mustImport(t, importer.SAMM, importerFixtures+"samm"))
		if err != nil {
			t.Fatal(err)
		}
		answers := map[string][]map[string]string{}
		for team, rs := range teams {
			for _, r := range rs {
				a := map[string]string{}
				for prefix, s := range r {
					for i := range 3 {
						ka, kb := fmt.Sprintf("%s-%d-a", prefix, i+1), fmt.Sprintf("%s-%d-b", prefix, i+1)
						a[ka], a[kb] = optionOf(t, q, ka, s.a[i]), optionOf(t, q, kb, s.b[i])
					}
				}
				answers[team] = append(answers[team], a)
			}
		}
		_, o, r, body := importAndRun(t, ts, importer.SAMM, []string{importerFixtures + "samm"}, answers)
		res := body.Questionnaires[0]
		floor := func(x float64) int { return int(math.Floor(x + 1e-9)) }
		for _, p := range practices {
			checkScore(t, "organization "+p.key, byKey(t, res.Dimensions, p.key), floor(org[p.key]), round2(org[p.key]))
		}
		plan, run, overall := functions(org)
		checkScore(t, "organization plan", byKey(t, res.Areas, "plan"), floor(plan), round2(plan))
		checkScore(t, "organization run", byKey(t, res.Areas, "run"), floor(run), round2(run))
		checkScore(t, "organization overall", res.Overall, floor(overall), round2(overall))
		if round2(overall) != 1.40 || round2(plan) != 1.42 || round2(run) != 1.38 {
			t.Errorf("hand computation: plan %g run %g overall %g, want 1.42, 1.38 and 1.40", plan, run, overall)
		}
		for _, tr := range res.Teams {
			for _, p := range practices {
				want := teamPractice[tr.Name][p.key]
				checkScore(t, tr.Name+" "+p.key, byKey(t, tr.Dimensions, p.key), floor(want), round2(want))
			}
			plan, run, overall := functions(teamPractice[tr.Name])
			checkScore(t, tr.Name+" plan", byKey(t, tr.Areas, "plan"), floor(plan), round2(plan))
			checkScore(t, tr.Name+" run", byKey(t, tr.Areas, "run"), floor(run), round2(run))
			checkScore(t, tr.Name+" overall", tr.Overall, floor(overall), round2(overall))
		}

		// Areas on the dashboard, the report and the workbook.
		page := ts.client()
		page.login(o.Owner.Email)
		dash := page.get(fmt.Sprintf("/assessments/%d/dashboard", r.ID)).text()
		for _, s := range []string{"<caption>Areas</caption>", `<th scope="row">Plan</th>`, `<th scope="row">Run</th>`} {
			if !strings.Contains(dash, s) {
				t.Errorf("dashboard lacks %q", s)
			}
		}
		report := page.get(fmt.Sprintf("/assessments/%d/report", r.ID)).text()
		for _, s := range []string{"<h3>Areas</h3>", "<td>Risk Review, Team Training</td>", "1.42", "CC-BY-SA-4.0"} {
			if !strings.Contains(report, s) {
				t.Errorf("report lacks %q", s)
			}
		}
		xl := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/export.xlsx", r.ID), o.Token, nil), http.StatusOK, "workbook")
		f, err := excelize.OpenReader(bytes.NewReader(xl.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		summary, err := f.GetRows(export.SheetSummary)
		if err != nil {
			t.Fatal(err)
		}
		var areaRows []string
		for _, row := range summary {
			if len(row) >= 5 && (row[0] == "Plan" || row[0] == "Run") {
				areaRows = append(areaRows, strings.Join(row[:5], "|"))
			}
		}
		if got := strings.Join(areaRows, "\n"); got != "Plan|1|Level 1|1.42|risk-review, team-training\nRun|1|Level 1|1.38|incident-drills" {
			t.Errorf("workbook Summary areas:\n%s", got)
		}
	})
}

func mustImport(t *testing.T, from string, paths ...string) []byte {
	t.Helper()
	res, err := importer.Import(from, paths, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.YAML
}

// TestImportedDSOMMRound: DSOMM's level reached, by hand: the highest level
// L such that every activity of level L and below is done. Each team has
// one respondent, so its level is DSOMM's own; the score is the share of
// activities done (of 100).
func TestImportedDSOMMRound(t *testing.T) {
	levels := map[string]int{ // activity -> its level in the fixture
		"scripted-packaging": 1, "packages-kept-in-one-store": 1, "packages-carry-a-checksum": 2, "packages-are-signed": 3,
		"package-provenance-is-verified-on-install": 5,
		"written-release-steps":                     1, "one-click-release": 2, "releases-can-be-rolled-back": 2,
		"alerts-reach-a-person": 1, "alerts-have-runbooks": 2, "alert-noise-is-reviewed": 3,
	}
	dims := map[string][]string{
		"packaging": {"scripted-packaging", "packages-kept-in-one-store", "packages-carry-a-checksum", "packages-are-signed", "package-provenance-is-verified-on-install"},
		"releasing": {"written-release-steps", "one-click-release", "releases-can-be-rolled-back"},
		"alerting":  {"alerts-reach-a-person", "alerts-have-runbooks", "alert-noise-is-reviewed"},
	}
	notDone := map[string][]string{
		"Blue": {"packages-are-signed", "releases-can-be-rolled-back", "alerts-reach-a-person"},
		"Red":  {"alerts-have-runbooks"},
	}
	// reached: DSOMM's rule, climbing while every activity at or below the
	// level is done; it stops at the dimension's highest level.
	reached := func(team, dim string) int {
		top := 0
		for _, a := range dims[dim] {
			top = max(top, levels[a])
		}
		for l := 1; l <= top; l++ {
			for _, a := range dims[dim] {
				if levels[a] <= l && slices.Contains(notDone[team], a) {
					return l - 1
				}
			}
		}
		return top
	}
	done := func(team, dim string) float64 {
		n := 0
		for _, a := range dims[dim] {
			if !slices.Contains(notDone[team], a) {
				n++
			}
		}
		return 100 * float64(n) / float64(len(dims[dim]))
	}
	wantTeams := map[string]map[string]int{"Blue": {"packaging": 2, "releasing": 1, "alerting": 0}, "Red": {"packaging": 5, "releasing": 2, "alerting": 1}}
	for team, ds := range wantTeams {
		for dim, l := range ds {
			if reached(team, dim) != l {
				t.Fatalf("hand computation: %s %s reached %d, want %d", team, dim, reached(team, dim), l)
			}
		}
	}
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		answers := map[string][]map[string]string{}
		for team := range notDone {
			a := map[string]string{}
			for act := range levels {
				a[act] = "done"
				if slices.Contains(notDone[team], act) {
					a[act] = "not-done"
				}
			}
			answers[team] = []map[string]string{a}
		}
		_, _, _, body := importAndRun(t, ts, importer.DSOMM, []string{importerFixtures + "dsomm/generated/model.yaml"}, answers)
		res := body.Questionnaires[0]
		for _, tr := range res.Teams {
			for dim := range dims {
				checkScore(t, tr.Name+" "+dim, byKey(t, tr.Dimensions, dim), reached(tr.Name, dim), round1(done(tr.Name, dim)))
			}
		}
		// The organization: the mean of the two teams' done shares per
		// level, climbed the same way (packaging: 1, 1, 0.875 at level 3;
		// releasing: 1, then 5/6 at level 2; alerting: 0.5 at level 1).
		for dim, l := range map[string]int{"packaging": 2, "releasing": 1, "alerting": 0} {
			checkScore(t, "organization "+dim, byKey(t, res.Dimensions, dim), l, round1(mean(done("Blue", dim), done("Red", dim))))
		}
	})
}

// TestImportedPEMMRound: the PEMM assessment's aspect score, by hand: the
// mean of the aspect's answer values (1..4), to 2 decimals. Each team has
// one respondent, so its aspect scores are the assessment's own; the
// organization's are the means of the teams'.
func TestImportedPEMMRound(t *testing.T) {
	values := map[string]map[string][]int{
		"Blue": {"funding": {1, 2, 4}, "uptake": {3, 3}, "feedback": {4, 4, 4}},
		"Red":  {"funding": {1, 1, 1}, "uptake": {2, 3}, "feedback": {1, 2, 4}},
	}
	aspectMean := func(vs []int) float64 {
		s := 0
		for _, v := range vs {
			s += v
		}
		return float64(s) / float64(len(vs))
	}
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		answers := map[string][]map[string]string{}
		for team, aspects := range values {
			a := map[string]string{}
			for aspect, vs := range aspects {
				for i, v := range vs {
					a[fmt.Sprintf("%s-%d", aspect, i+1)] = fmt.Sprintf("v%d", v)
				}
			}
			answers[team] = []map[string]string{a}
		}
		paths := []string{importerFixtures + "pemm/questions-en.yaml", importerFixtures + "pemm/questions-de.yaml"}
		_, _, _, body := importAndRun(t, ts, importer.PEMM, paths, answers)
		res := body.Questionnaires[0]
		floor := func(x float64) int { return int(math.Floor(x + 1e-9)) }
		for _, tr := range res.Teams {
			for aspect, vs := range values[tr.Name] {
				m := aspectMean(vs)
				checkScore(t, tr.Name+" "+aspect, byKey(t, tr.Dimensions, aspect), floor(m), round2(m))
			}
		}
		for aspect, want := range map[string]float64{"funding": 1.67, "uptake": 2.75, "feedback": 3.17} {
			m := mean(aspectMean(values["Blue"][aspect]), aspectMean(values["Red"][aspect]))
			if round2(m) != want {
				t.Fatalf("hand computation: %s %g", aspect, m)
			}
			checkScore(t, "organization "+aspect, byKey(t, res.Dimensions, aspect), floor(m), want)
		}
	})
}
