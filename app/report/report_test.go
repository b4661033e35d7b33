package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gapmap/app/recommend"
	"gapmap/app/report"
	"gapmap/app/scoring"
	"gapmap/models"
	"gapmap/questionnaires"
)

// handQ builds a questionnaire with four named levels and the given
// dimensions (key, weight), without questions.
func handQ(key string, dims ...any) *questionnaires.Questionnaire {
	q := &questionnaires.Questionnaire{Key: key, Title: strings.ToUpper(key), Version: "1", Hash: "abc", Scale: questionnaires.ScaleLevel, PassRatio: 0.75}
	for i, n := range []string{"One", "Two", "Three", "Four"} {
		q.Levels = append(q.Levels, questionnaires.Level{Level: i + 1, Name: n, Description: "Life at level " + n + "."})
	}
	for i := 0; i+1 < len(dims); i += 2 {
		k := dims[i].(string)
		q.Dimensions = append(q.Dimensions, questionnaires.Dimension{Key: k, Title: "Dim " + k, Weight: dims[i+1].(float64)})
	}
	return q
}

// handResult gives a questionnaire's organization levels, targets and
// weights: each dimension as (level, target); a level of 0 is null.
func handResult(q *questionnaires.Questionnaire, lt ...[2]int) *scoring.Result {
	r := &scoring.Result{Key: q.Key, Title: q.Title}
	for i, d := range q.Dimensions {
		dr := scoring.DimensionResult{Key: d.Key, Title: d.Title, Weight: d.Weight, Target: lt[i][1]}
		if lt[i][0] > 0 {
			l := lt[i][0]
			g := max(0, lt[i][1]-l)
			dr.Level, dr.Gap = &l, &g
		}
		r.Dimensions = append(r.Dimensions, dr)
	}
	return r
}

func TestLargestGaps(t *testing.T) {
	qa := handQ("qa", "a1", 1.0, "a2", 2.0, "a3", 1.0, "a4", 1.0)
	qb := handQ("qb", "b1", 1.0, "b2", 0.5, "b3", 4.0)
	ra := handResult(qa, [2]int{1, 3}, [2]int{2, 3}, [2]int{1, 3}, [2]int{3, 3})
	rb := handResult(qb, [2]int{2, 4}, [2]int{1, 4}, [2]int{0, 3})
	r, err := report.Build(report.Input{Questionnaires: []*questionnaires.Questionnaire{qa, qb}, Results: []*scoring.Result{ra, rb}})
	if err != nil {
		t.Fatal(err)
	}
	// gap × weight: a1 2, a2 2, a3 2, a4 0 (left out), b1 2, b2 1.5, b3 null.
	// Ties keep questionnaire order, then dimension order; five at most.
	var got []string
	for _, g := range r.Summary.Gaps {
		got = append(got, g.Dimension)
	}
	want := []string{"a1", "a2", "a3", "b1", "b2"}
	if !equal(got, want) {
		t.Errorf("gaps = %q, want %q", got, want)
	}
	if g := r.Summary.Gaps[1]; g.Gap != 1 || g.Weight != 2 || g.Weighted != 2 {
		t.Errorf("a2 gap line = %+v", g)
	}

	// A larger weighted gap goes first whatever its position.
	rb2 := handResult(qb, [2]int{2, 4}, [2]int{1, 4}, [2]int{2, 3})
	r, err = report.Build(report.Input{Questionnaires: []*questionnaires.Questionnaire{qa, qb}, Results: []*scoring.Result{ra, rb2}})
	if err != nil {
		t.Fatal(err)
	}
	if first := r.Summary.Gaps[0]; first.Dimension != "b3" || first.Weighted != 4 {
		t.Errorf("first gap = %+v, want b3 with 4", first)
	}
}

func TestFirstStepsAreTheFirstFiveByRank(t *testing.T) {
	q := handQ("q", "d", 1.0)
	var items []recommend.Item
	for i := 1; i <= 7; i++ {
		items = append(items, recommend.Item{Rank: i, Questionnaire: "q", Dimension: "d", Key: "r" + string(rune('0'+i)), Phase: recommend.PhaseNow, Effort: 1})
	}
	for _, n := range []int{0, 3, 7} {
		r, err := report.Build(report.Input{
			Questionnaires: []*questionnaires.Questionnaire{q}, Results: []*scoring.Result{handResult(q, [2]int{1, 4})},
			Recommendations: items[:n],
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(r.Summary.FirstSteps); got != min(n, 5) {
			t.Errorf("%d items: %d first steps", n, got)
		}
		for i, s := range r.Summary.FirstSteps {
			if s.Rank != i+1 {
				t.Errorf("%d items: first step %d has rank %d", n, i, s.Rank)
			}
		}
		if got := len(r.Questionnaires[0].Dimensions[0].Recommendations); got != n {
			t.Errorf("%d items: dimension section holds %d", n, got)
		}
	}
}

func TestConfidence(t *testing.T) {
	yes, no := true, false
	team := func(id int64, respondents int, disagree ...*bool) scoring.TeamResult {
		tr := scoring.TeamResult{ID: id, Name: "T", Respondents: respondents}
		for i, d := range disagree {
			tr.Dimensions = append(tr.Dimensions, scoring.TeamDimension{Key: []string{"a", "b"}[i], Disagreement: d})
		}
		return tr
	}
	q := handQ("q", "a", 1.0, "b", 1.0)
	cases := []struct {
		name                                   string
		teams                                  []scoring.TeamResult
		answers                                []report.AnswerCount
		respondents, teamsN, responding, disag int
		na                                     string
		rating                                 string
	}{
		{"high", []scoring.TeamResult{team(1, 2, &no, &no), team(2, 3, &yes, nil), team(3, 2, nil, nil), team(4, 2, &no, &yes), team(5, 2)},
			[]report.AnswerCount{{Total: 100, NA: 20}}, 11, 5, 5, 2, "20", "high"},
		{"moderate coverage", []scoring.TeamResult{team(1, 2), team(2, 2), team(3, 0)},
			nil, 4, 3, 2, 0, "", "moderate"},
		{"low coverage", []scoring.TeamResult{team(1, 2), team(2, 0), team(3, 0)},
			nil, 2, 3, 1, 0, "", "low"},
		{"one voice per team", []scoring.TeamResult{team(1, 1), team(2, 1)},
			nil, 2, 2, 2, 0, "", "low"},
		{"many N/A", []scoring.TeamResult{team(1, 2), team(2, 2)},
			[]report.AnswerCount{{Total: 10, NA: 5}}, 4, 2, 2, 0, "50", "low"},
		{"nobody", []scoring.TeamResult{team(1, 0)}, []report.AnswerCount{{}}, 0, 1, 0, 0, "", "low"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := handResult(q, [2]int{1, 3}, [2]int{1, 3})
			res.Teams = tc.teams
			r, err := report.Build(report.Input{Questionnaires: []*questionnaires.Questionnaire{q}, Results: []*scoring.Result{res}, Answers: tc.answers})
			if err != nil {
				t.Fatal(err)
			}
			c := r.Summary.Confidence
			if c.Respondents != tc.respondents || c.Teams != tc.teamsN || c.Responding != tc.responding || c.Disagreements != tc.disag || c.Rating != tc.rating {
				t.Errorf("confidence = %+v", c)
			}
			na := ""
			if c.NAShare != nil {
				na = report.PercentText(c.NAShare)
				na = strings.TrimSuffix(strings.TrimSuffix(na, "%"), ".0")
			}
			if na != tc.na {
				t.Errorf("N/A share = %q, want %q", na, tc.na)
			}
			if !strings.Contains(c.Paragraph, "Confidence is "+tc.rating) {
				t.Errorf("paragraph does not state the rating: %s", c.Paragraph)
			}
		})
	}
}

func TestTeamReportReadsTheTeam(t *testing.T) {
	f := fixture(t, 1)
	r, err := report.Build(f.in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Team == nil || r.Team.ID != 1 || !strings.HasSuffix(r.Title, "Payments | Core") {
		t.Fatalf("team = %+v, title %q", r.Team, r.Title)
	}
	var team *scoring.TeamResult
	for i := range f.res[0].Teams {
		if f.res[0].Teams[i].ID == 1 {
			team = &f.res[0].Teams[i]
		}
	}
	for i, d := range r.Questionnaires[0].Dimensions {
		td := team.Dimensions[i]
		if d.Current == nil || d.Current.Level != *td.Level || d.Gap == nil || *d.Gap != *td.Gap {
			t.Errorf("%s: section level %+v gap %v, team level %d gap %d", d.Key, d.Current, d.Gap, *td.Level, *td.Gap)
		}
		if d.Spread.OrgLevel == nil || *d.Spread.OrgLevel != *f.res[0].Dimensions[i].Level {
			t.Errorf("%s: organization level beside the team missing", d.Key)
		}
	}
	if ov := r.Summary.Overall[0]; ov.Level == nil || *ov.Level != *team.Overall.Level || ov.Change == nil {
		t.Errorf("overall = %+v, team overall %d", ov, *team.Overall.Level)
	}
	if got := len(r.Breakdown[0].Rows); got != 2 || !r.Breakdown[0].Rows[1].Organization {
		t.Errorf("team breakdown rows = %+v", r.Breakdown[0].Rows)
	}
	if c := r.Summary.Confidence; c.Respondents != 2 || c.Teams != 1 || c.Disagreements != 1 {
		t.Errorf("team confidence = %+v", c)
	}

	// A team that is not in the results has no levels, but still a report.
	f.in.Team = &scoring.Team{ID: 99, Name: "Elsewhere"}
	r, err = report.Build(f.in)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Questionnaires[0].Dimensions[0]; d.Current != nil || !strings.Contains(d.Where, "no level") {
		t.Errorf("absent team section = %+v", d)
	}
}

func TestDimensionAtTargetHasNoRecommendations(t *testing.T) {
	q := handQ("q", "low", 1.0, "at", 1.0, "above", 1.0, "none", 1.0)
	q.Recommendations = []questionnaires.Recommendation{
		{Key: "low-2", Dimension: "low", ToLevel: 2, Title: "Raise low", Impact: 2, Effort: 1},
		{Key: "at-4", Dimension: "at", ToLevel: 4, Title: "Raise at", Impact: 2, Effort: 1},
		{Key: "above-4", Dimension: "above", ToLevel: 4, Title: "Raise above", Impact: 2, Effort: 1},
	}
	res := handResult(q, [2]int{1, 3}, [2]int{3, 3}, [2]int{4, 3}, [2]int{0, 3})
	qs, rs := []*questionnaires.Questionnaire{q}, []*scoring.Result{res}
	items := recommend.Build(0, recommend.Inputs(qs, rs, 0))
	r, err := report.Build(report.Input{Questionnaires: qs, Results: rs, Recommendations: items})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		recs  int
		where string
	}{
		"low":   {1, "2 levels below the target of 3"},
		"at":    {0, "at the target of 3"},
		"above": {0, "above the target of 3"},
		"none":  {0, "No team has a level"},
	}
	for _, d := range r.Questionnaires[0].Dimensions {
		w := want[d.Key]
		if len(d.Recommendations) != w.recs || !strings.Contains(d.Where, w.where) {
			t.Errorf("%s: %d recommendations, where %q; want %d and %q", d.Key, len(d.Recommendations), d.Where, w.recs, w.where)
		}
	}
	if d := r.Questionnaires[0].Dimensions[2]; d.Next != nil || d.NextText != "This is the top level of the scale." {
		t.Errorf("top level: next %+v, %q", d.Next, d.NextText)
	}
}

func TestNotComputedQuestionnaire(t *testing.T) {
	f := fixture(t, 0)
	f.in.Results = []*scoring.Result{f.res[0], nil}
	r, err := report.Build(f.in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Overall[1].Computed || r.Questionnaires[1].Computed || len(r.Breakdown) != 1 {
		t.Errorf("not computed questionnaire shown as computed: %+v", r.Summary.Overall[1])
	}
	var b bytes.Buffer
	if err := report.Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "This questionnaire has no results yet.") {
		t.Error("markdown does not say the questionnaire has no results")
	}
}

func TestBuildRejectsMisalignedInput(t *testing.T) {
	q := handQ("q", "d", 1.0)
	other := handQ("other", "d", 1.0)
	cases := map[string]report.Input{
		"results":  {Questionnaires: []*questionnaires.Questionnaire{q}},
		"previous": {Questionnaires: []*questionnaires.Questionnaire{q}, Results: []*scoring.Result{nil}, Previous: []*scoring.Result{}},
		"answers":  {Questionnaires: []*questionnaires.Questionnaire{q}, Results: []*scoring.Result{nil}, Answers: []report.AnswerCount{{}, {}}},
		"key":      {Questionnaires: []*questionnaires.Questionnaire{q}, Results: []*scoring.Result{handResult(other, [2]int{1, 2})}},
		"nil":      {Questionnaires: []*questionnaires.Questionnaire{nil}, Results: []*scoring.Result{nil}},
	}
	for name, in := range cases {
		if _, err := report.Build(in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestOverallChange(t *testing.T) {
	q := handQ("q", "d", 1.0)
	cur := handResult(q, [2]int{3, 4})
	cur.Overall = scoring.Overall{Level: ip(3), Score: fp(3.1), PercentToTarget: fp(75)}
	prev := handResult(q, [2]int{2, 4})
	prev.Overall = scoring.Overall{Level: ip(2), Score: fp(2.45), PercentToTarget: fp(50)}
	r, err := report.Build(report.Input{
		Assessment:     models.Assessment{Name: "Q2", DefaultTarget: 4},
		Questionnaires: []*questionnaires.Questionnaire{q}, Results: []*scoring.Result{cur},
		Previous: []*scoring.Result{prev}, PreviousName: "Q1", Generated: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	o := r.Summary.Overall[0]
	if got, want := o.ChangeText(), "+1 level, score +0.65, +25.0 points to target"; got != want {
		t.Errorf("change = %q, want %q", got, want)
	}
	if r.Summary.PreviousName != "Q1" {
		t.Errorf("previous name = %q", r.Summary.PreviousName)
	}
	r, _ = report.Build(report.Input{Questionnaires: []*questionnaires.Questionnaire{q}, Results: []*scoring.Result{cur}})
	if o := r.Summary.Overall[0]; o.Change != nil || o.ChangeText() != "—" || r.Summary.PreviousName != "" {
		t.Errorf("first round shows a change: %+v", o)
	}
}

func TestPlanProgress(t *testing.T) {
	f := fixture(t, 0)
	r, err := report.Build(f.in)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Planned {
		t.Fatal("a stored plan is not shown")
	}
	got := map[string][4]int{}
	for _, ph := range r.Roadmap {
		got[ph.Key] = [4]int{ph.Done, ph.InProgress, ph.NotStarted, ph.WontDo}
		if ph.Done+ph.InProgress+ph.NotStarted+ph.WontDo != len(ph.Items) {
			t.Errorf("%s: states do not add up to %d items", ph.Key, len(ph.Items))
		}
	}
	// delivery-to3-a (done) and operations-to3-a (in progress) are in Now,
	// burden-to3-a (won't do) in Later; the plan of a recommendation that is
	// not in the roadmap counts nowhere. Under scoring version 2 the likert
	// Security dimension is at level 2, not 1: its steps to level 2 leave the
	// roadmap, the others move up, and Later holds two open items fewer.
	want := map[string][4]int{
		recommend.PhaseNow:   {1, 1, 2, 0},
		recommend.PhaseNext:  {0, 0, 3, 0},
		recommend.PhaseLater: {0, 0, 2, 1},
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: done, in progress, not started, won't do = %v, want %v", k, got[k], w)
		}
	}
	if p := r.Roadmap[0].ProgressText(); p != "1 done, 1 in progress, 2 not started" {
		t.Errorf("progress text %q", p)
	}
	if pt := r.Roadmap[0].Items[0].PlanText(); pt != "Done · Dana | Ops · 2026-Q2" {
		t.Errorf("plan text %q", pt)
	}

	f.in.Plan = nil
	r, err = report.Build(f.in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Planned {
		t.Error("no plan shown as planned")
	}
}
