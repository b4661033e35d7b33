package charts_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"gapmap/app/charts"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

func ip(v int) *int                                     { return &v }
func fp(v float64) *float64                             { return &v }
func bp(v bool) *bool                                   { return &v }
func sp(v string) *string                               { return &v }
func lv(q *questionnaires.Questionnaire, l int) *string { return sp(q.Levels[l-1].Name) }

// questionnaire builds a small questionnaire on scale ("level" or "likert")
// with five levels and the given dimensions (key:title:weight).
func questionnaire(scale string, dims ...string) *questionnaires.Questionnaire {
	q := &questionnaires.Questionnaire{Key: "test-" + scale, Version: "1", Title: "Test " + scale, Scale: scale, PassRatio: 0.75}
	for i, n := range []string{"Provisional", "Operational", "Scalable", "Optimizing", "Innovating"} {
		q.Levels = append(q.Levels, questionnaires.Level{Level: i + 1, Name: n})
	}
	for _, d := range dims {
		parts := strings.Split(d, ":")
		var w float64
		fmt.Sscan(parts[2], &w)
		dim := questionnaires.Dimension{Key: parts[0], Title: parts[1], Weight: w, Scale: scale}
		for j := 1; j <= 3; j++ {
			qu := questionnaires.Question{Key: fmt.Sprintf("%s-q%d", parts[0], j), Text: fmt.Sprintf("Question %d of %s?", j, parts[1]), Weight: 1}
			if scale == questionnaires.ScaleLevel {
				for l := 1; l <= 5; l++ {
					qu.Options = append(qu.Options, questionnaires.Option{Key: fmt.Sprintf("l%d", l), Level: l, Label: fmt.Sprintf("%s answer at level %d", qu.Key, l)})
				}
			}
			dim.Questions = append(dim.Questions, qu)
		}
		q.Dimensions = append(q.Dimensions, dim)
	}
	return q
}

// decode turns a chart option into plain JSON values, as the browser sees it.
func decode(t *testing.T, c charts.Chart) map[string]any {
	t.Helper()
	b, err := json.Marshal(c.Option)
	if err != nil {
		t.Fatalf("%s: option does not encode: %v", c.ID, err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// at walks a decoded option: string keys for objects, ints for arrays.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: not an object at %q", path, k)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at %v: no index %d", path, k)
			}
			v = a[k]
		}
	}
	return v
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// levelResult is an organization with three dimensions and three teams.
func levelResult(q *questionnaires.Questionnaire) *scoring.Result {
	return &scoring.Result{
		Key: q.Key, Title: q.Title,
		Overall: scoring.Overall{Level: ip(2), LevelName: lv(q, 2), Score: fp(2.61), PercentToTarget: fp(66.7)},
		Dimensions: []scoring.DimensionResult{
			{Key: "a", Title: "Alpha", Weight: 1, Level: ip(2), LevelName: lv(q, 2), Score: fp(2.4), Target: 3, Gap: ip(1), Teams: 3,
				Distribution: scoring.Distribution{Min: ip(1), P25: ip(1), Median: ip(2), P75: ip(3), Max: ip(3)},
				Previous:     &scoring.Trend{Level: 1, Score: 1.9}, Change: &scoring.Trend{Level: 1, Score: 0.5}},
			{Key: "b", Title: "Beta", Weight: 2, Level: ip(2), LevelName: lv(q, 2), Score: fp(2.2), Target: 3, Gap: ip(1), Teams: 3,
				Distribution: scoring.Distribution{Min: ip(2), P25: ip(2), Median: ip(2), P75: ip(2), Max: ip(4)}},
			{Key: "c", Title: "Gamma", Weight: 1, Level: ip(4), LevelName: lv(q, 4), Score: fp(4.1), Target: 3, Gap: ip(0), Teams: 3,
				Distribution: scoring.Distribution{Min: ip(3), P25: ip(3), Median: ip(4), P75: ip(4), Max: ip(5)}},
		},
		Teams: []scoring.TeamResult{
			{ID: 1, Name: "Ants", Respondents: 3, Overall: scoring.Overall{Level: ip(1), Score: fp(1.8)}, Dimensions: []scoring.TeamDimension{
				{Key: "a", Level: ip(1), Score: fp(1.5), Target: 3, Gap: ip(2), Respondents: 3, Spread: ip(3), Disagreement: bp(true),
					Blocking: []scoring.TeamBlocking{{Question: "a-q2", Level: 1}, {Question: "a-q1", Level: 2}}},
				{Key: "b", Level: ip(2), Score: fp(2), Target: 3, Gap: ip(1), Respondents: 3, Spread: ip(1), Disagreement: bp(false),
					Blocking: []scoring.TeamBlocking{{Question: "b-q3", Level: 2}}},
				{Key: "c", Level: ip(3), Score: fp(3.1), Target: 3, Gap: ip(0), Respondents: 3, Spread: ip(0), Disagreement: bp(false)},
			}},
			{ID: 2, Name: "Bees", Respondents: 2, Overall: scoring.Overall{Level: ip(2), Score: fp(2.5)}, Dimensions: []scoring.TeamDimension{
				{Key: "a", Level: ip(2), Score: fp(2.2), Target: 3, Gap: ip(1), Respondents: 2, Spread: ip(0), Disagreement: bp(false)},
				{Key: "b", Level: ip(2), Score: fp(2.3), Target: 3, Gap: ip(1), Respondents: 2, Spread: ip(0), Disagreement: bp(false)},
				{Key: "c", Level: ip(4), Score: fp(4), Target: 3, Gap: ip(0), Respondents: 2, Spread: ip(1), Disagreement: bp(false)},
			}},
			{ID: 3, Name: "Cats", Respondents: 0, Dimensions: []scoring.TeamDimension{
				{Key: "a", Target: 3}, {Key: "b", Target: 3}, {Key: "c", Target: 3},
			}},
		},
	}
}

// likertResult is the same shape on the 0–100 scale, with levels, gaps and
// distributions as scoring gives them (a likert level is the level its own
// score reaches: 20 points per level of five).
func likertResult(q *questionnaires.Questionnaire) *scoring.Result {
	return &scoring.Result{
		Key: q.Key, Title: q.Title,
		Overall: scoring.Overall{Level: ip(2), Score: fp(38.5), PercentToTarget: fp(80)},
		Dimensions: []scoring.DimensionResult{
			{Key: "a", Title: "Alpha", Weight: 1, Level: ip(2), Score: fp(31.3), Target: 3, Gap: ip(1), Teams: 4,
				Distribution: scoring.Distribution{Min: ip(1), P25: ip(1), Median: ip(2), P75: ip(2), Max: ip(3)}},
			{Key: "b", Title: "Beta", Weight: 1, Level: ip(3), Score: fp(45), Target: 3, Gap: ip(0), Teams: 4,
				Distribution: scoring.Distribution{Min: ip(2), P25: ip(2), Median: ip(3), P75: ip(3), Max: ip(3)}},
		},
		Teams: []scoring.TeamResult{
			{ID: 1, Name: "Ants", Respondents: 2, Dimensions: []scoring.TeamDimension{
				{Key: "a", Level: ip(2), Score: fp(25), Target: 3, Gap: ip(1)}, {Key: "b", Level: ip(3), Score: fp(50), Target: 3, Gap: ip(0)}}},
			{ID: 2, Name: "Bees", Respondents: 2, Dimensions: []scoring.TeamDimension{
				{Key: "a", Level: ip(1), Score: fp(10), Target: 3, Gap: ip(2)}, {Key: "b", Level: ip(2), Score: fp(30), Target: 3, Gap: ip(1)}}},
			{ID: 3, Name: "Cats", Respondents: 2, Dimensions: []scoring.TeamDimension{
				{Key: "a", Level: ip(3), Score: fp(55), Target: 3, Gap: ip(0)}, {Key: "b", Level: ip(3), Score: fp(45), Target: 3, Gap: ip(0)}}},
			{ID: 4, Name: "Dogs", Respondents: 2, Dimensions: []scoring.TeamDimension{
				{Key: "a", Level: ip(2), Score: fp(35.2), Target: 3, Gap: ip(1)}, {Key: "b", Level: ip(3), Score: fp(55), Target: 3, Gap: ip(0)}}},
		},
	}
}

func TestCleanID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"q0_radar", "q0_radar"},
		{"q-0 radar", "q0radar"},
		{"</script>", "script"},
		{"", "c"},
		{"0abc", "c0abc"},
		{"é_x", "_x"},
	}
	for _, tt := range tests {
		if got := charts.CleanID(tt.in); got != tt.want {
			t.Errorf("CleanID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGapsOrderByGapTimesWeight(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, "a:Alpha:1", "b:Beta:2", "c:Gamma:1", "d:Delta:1", "e:Epsilon:1")
	r := &scoring.Result{Dimensions: []scoring.DimensionResult{
		{Key: "a", Title: "Alpha", Weight: 1, Level: ip(1), Target: 3, Gap: ip(2)},   // 2 × 1 = 2
		{Key: "b", Title: "Beta", Weight: 2, Level: ip(2), Target: 3, Gap: ip(1)},    // 1 × 2 = 2, after Alpha (questionnaire order)
		{Key: "c", Title: "Gamma", Weight: 1, Target: 3},                             // no data: last
		{Key: "d", Title: "Delta", Weight: 1, Level: ip(4), Target: 3, Gap: ip(0)},   // above target: 0
		{Key: "e", Title: "Epsilon", Weight: 0, Level: ip(0), Target: 3, Gap: ip(3)}, // weight unset counts as 1: 3
	}}
	var got []string
	for _, g := range charts.Gaps(q, r, nil) {
		w := "nil"
		if g.Weighted != nil {
			w = fmt.Sprint(*g.Weighted)
		}
		got = append(got, g.Key+"="+w)
	}
	want := []string{"e=3", "a=2", "b=2", "d=0", "c=nil"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("gap order = %v, want %v", got, want)
	}

	c := charts.GapBars("g", q, r, nil)
	o := decode(t, c)
	if cats := strs(at(t, o, "yAxis", 0, "data")); !reflect.DeepEqual(cats, []string{"Epsilon", "Alpha", "Beta", "Delta", "Gamma"}) {
		t.Errorf("bar categories = %v", cats)
	}
	labels := []string{}
	for i := 0; i < 5; i++ {
		labels = append(labels, fmt.Sprint(at(t, o, "series", 0, "data", i, "label", "formatter")))
	}
	wantLabels := []string{"3 levels", "2 levels", "1 level × 2", "above target", "no answers"}
	if !reflect.DeepEqual(labels, wantLabels) {
		t.Errorf("bar labels = %v, want %v", labels, wantLabels)
	}
	if len(c.Table.Rows) != 5 || c.Table.Rows[0].Header != "Epsilon" {
		t.Errorf("table rows = %+v", c.Table.Rows)
	}
}

func TestGapsOnLikertAreTheResultsLevels(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLikert, "a:Alpha:1", "b:Beta:1")
	r := likertResult(q)
	gaps := charts.Gaps(q, r, nil)
	if gaps[0].Key != "a" || *gaps[0].Gap != 1 || *gaps[0].Weighted != 1 || *gaps[1].Gap != 0 {
		t.Fatalf("likert gaps = %+v / %+v, want the result's 1 and 0 levels", gaps[0], gaps[1])
	}
	team := charts.Gaps(q, r, &r.Teams[1])
	if *team[0].Gap != 2 || *team[1].Gap != 1 {
		t.Fatalf("team likert gaps = %v, %v; want the team's 2 and 1 levels", *team[0].Gap, *team[1].Gap)
	}
}

// TestGapsBelowTargetNeverAtTarget keeps the bug of issue 15 away: a likert
// dimension at level 2 against a target of 3 whose score (44.1) lies above
// where level 3 starts on another reading (40) was shown "at target", with
// a gap of 0. The gap shown is the result's, in levels, for the organization
// and for a team alike.
func TestGapsBelowTargetNeverAtTarget(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLikert, "gov:Governance:1", "ops:Operations:2")
	r := &scoring.Result{Key: q.Key, Title: q.Title,
		Dimensions: []scoring.DimensionResult{
			{Key: "gov", Title: "Governance", Weight: 1, Level: ip(2), Score: fp(44.1), Target: 3, Gap: ip(1), Teams: 1},
			{Key: "ops", Title: "Operations", Weight: 2, Level: ip(4), Score: fp(61), Target: 3, Gap: ip(0), Teams: 1},
		},
		Teams: []scoring.TeamResult{{ID: 1, Name: "Ants", Respondents: 2, Dimensions: []scoring.TeamDimension{
			{Key: "gov", Level: ip(2), Score: fp(47.5), Target: 3, Gap: ip(1)},
			{Key: "ops", Level: ip(3), Score: fp(41), Target: 3, Gap: ip(0)},
		}}},
	}
	for _, team := range []*scoring.TeamResult{nil, &r.Teams[0]} {
		who := "organization"
		if team != nil {
			who = team.Name
		}
		for _, g := range charts.Gaps(q, r, team) {
			if g.Level != nil && *g.Level < g.Target && (g.Gap == nil || *g.Gap < g.Target-*g.Level) {
				t.Errorf("%s %s: level %d below target %d shown with gap %v", who, g.Key, *g.Level, g.Target, g.Gap)
			}
		}
		c := charts.GapBars("g", q, r, team)
		o := decode(t, c)
		labels := map[string]string{}
		for i := range c.Table.Rows {
			labels[fmt.Sprint(at(t, o, "yAxis", 0, "data", i))] = fmt.Sprint(at(t, o, "series", 0, "data", i, "label", "formatter"))
		}
		wantOps := "above target"
		if team != nil {
			wantOps = "at target"
		}
		if labels["Governance"] != "1 level" || labels["Operations"] != wantOps {
			t.Errorf("%s: bar labels = %v, want Governance \"1 level\" and Operations %q", who, labels, wantOps)
		}
		for _, row := range c.Table.Rows {
			if row.Header == "Governance" && (row.Cells[2].Text != "1" || !strings.Contains(row.Cells[0].Text, "level 2")) {
				t.Errorf("%s: Governance row = %+v, want level 2 and gap 1", who, row.Cells)
			}
		}
		if c.Table.Columns[3] != "Gap (levels)" || strings.Contains(c.Caption, "score points") {
			t.Errorf("%s: gaps are not stated in levels: %q / %q", who, c.Table.Columns[3], c.Caption)
		}
	}
}

func TestRadar(t *testing.T) {
	tests := []struct {
		name       string
		q          *questionnaires.Questionnaire
		r          func(*questionnaires.Questionnaire) *scoring.Result
		max        float64
		current    []any
		target     []any
		previous   bool
		seriesName []string
	}{
		{"level", questionnaire(questionnaires.ScaleLevel, "a:Alpha:1", "b:Beta:2", "c:Gamma:1"), levelResult, 5,
			[]any{2.0, 2.0, 4.0}, []any{3.0, 3.0, 3.0}, true, []string{"Previous round", "Target", "Organization"}},
		{"likert", questionnaire(questionnaires.ScaleLikert, "a:Alpha:1", "b:Beta:1"), likertResult, 100,
			[]any{31.3, 45.0}, []any{40.0, 40.0}, false, []string{"Target", "Organization"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r(tt.q)
			c := charts.Radar("q0_radar", tt.q, r)
			o := decode(t, c)
			inds := at(t, o, "radar", "indicator").([]any)
			if len(inds) != len(r.Dimensions) || at(t, inds[0], "name") != "Alpha" || at(t, inds[0], "max") != tt.max {
				t.Errorf("indicators = %v", inds)
			}
			var names []string
			for _, s := range at(t, o, "series").([]any) {
				names = append(names, fmt.Sprint(at(t, s, "name")))
			}
			if !reflect.DeepEqual(names, tt.seriesName) {
				t.Errorf("series = %v, want %v", names, tt.seriesName)
			}
			n := len(names)
			if got := at(t, o, "series", n-1, "data", 0, "value"); !reflect.DeepEqual(got, tt.current) {
				t.Errorf("current = %v, want %v", got, tt.current)
			}
			if got := at(t, o, "series", n-2, "data", 0, "value"); !reflect.DeepEqual(got, tt.target) {
				t.Errorf("target = %v, want %v", got, tt.target)
			}
			if tt.previous {
				if got := at(t, o, "series", 0, "data", 0, "value"); !reflect.DeepEqual(got, []any{1.0, "-", "-"}) {
					t.Errorf("previous = %v, want [1 - -]", got)
				}
				if !strings.Contains(c.Caption, "previous round") {
					t.Errorf("caption does not explain the previous round: %q", c.Caption)
				}
			}
			if c.ID != "q0_radar" || c.DataID() != "q0_radar_data" || c.Caption == "" || len(c.Table.Rows) != len(r.Dimensions) {
				t.Errorf("chart = %+v", c)
			}
		})
	}
}

func TestHeatmap(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, "a:Alpha:1", "b:Beta:2", "c:Gamma:1")
	r := levelResult(q)
	c := charts.Heatmap("q0_heatmap", q, r)
	o := decode(t, c)
	if x := strs(at(t, o, "xAxis", 0, "data")); !reflect.DeepEqual(x, []string{"Alpha", "Beta", "Gamma"}) {
		t.Errorf("x categories = %v (go-echarts drops them unless set in the axis options)", x)
	}
	if y := strs(at(t, o, "yAxis", 0, "data")); !reflect.DeepEqual(y, []string{"Ants", "Bees", "Cats"}) {
		t.Errorf("y categories = %v", y)
	}
	data := at(t, o, "series", 0, "data").([]any)
	if len(data) != 6 {
		t.Fatalf("cells = %d, want 6 (Cats has no levels)", len(data))
	}
	first := data[0]
	if v := at(t, first, "value"); !reflect.DeepEqual(v, []any{0.0, 0.0, 1.0}) {
		t.Errorf("first cell = %v", v)
	}
	if l := at(t, first, "label", "formatter"); l != "1 ◆" {
		t.Errorf("disputed cell label = %q, want the ◆ mark", l)
	}
	if at(t, first, "itemStyle", "borderWidth") != 2.0 {
		t.Errorf("disputed cell has no border")
	}
	if _, ok := data[1].(map[string]any)["itemStyle"]; ok {
		t.Errorf("undisputed cell has a border")
	}
	pieces := at(t, o, "visualMap", 0, "pieces").([]any)
	if len(pieces) != 5 || at(t, pieces[2], "label") != "3 Scalable" || at(t, pieces[2], "value") != 3.0 {
		t.Errorf("colour legend = %v", pieces)
	}
	if c.Table.Class != "heatmap" || c.Table.Rows[0].Cells[0].Class != "lvl-1 is-disputed" || c.Table.Rows[2].Cells[0].Class != "lvl-na" {
		t.Errorf("table classes = %q, %+v, %+v", c.Table.Class, c.Table.Rows[0].Cells[0], c.Table.Rows[2].Cells[0])
	}
	if !strings.Contains(c.Table.Rows[0].Cells[0].Note, "disagree") {
		t.Errorf("disputed cell note = %q", c.Table.Rows[0].Cells[0].Note)
	}
	if _, ok := o["dataZoom"]; ok {
		t.Errorf("three teams need no scrolling")
	}

	many := *r
	many.Teams = nil
	for i := 0; i < 500; i++ {
		many.Teams = append(many.Teams, scoring.TeamResult{ID: int64(i + 1), Name: fmt.Sprintf("Team %03d", i), Dimensions: r.Teams[1].Dimensions})
	}
	big := decode(t, charts.Heatmap("h", q, &many))
	if len(at(t, big, "series", 0, "data").([]any)) != 1500 {
		t.Errorf("500 teams: not every cell drawn")
	}
	if _, ok := big["dataZoom"]; !ok {
		t.Errorf("500 teams: no scrolling")
	}
}

func TestHeatmapOnLikertShowsScores(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLikert, "a:Alpha:1", "b:Beta:1")
	c := charts.Heatmap("h", q, likertResult(q))
	o := decode(t, c)
	if l := at(t, o, "series", 0, "data", 0, "label", "formatter"); l != "25" {
		t.Errorf("likert cell label = %q, want the score 25", l)
	}
	if v := at(t, o, "series", 0, "data", 0, "value", 2); v != 2.0 {
		t.Errorf("likert cell colour value = %v, want level 2", v)
	}
}

func TestSpreads(t *testing.T) {
	lq := questionnaire(questionnaires.ScaleLevel, "a:Alpha:1", "b:Beta:2", "c:Gamma:1")
	ls := charts.Spreads(lq, levelResult(lq))
	if got := []float64{*ls[1].Min, *ls[1].P25, *ls[1].Median, *ls[1].P75, *ls[1].Max}; !reflect.DeepEqual(got, []float64{2, 2, 2, 2, 4}) {
		t.Errorf("level spread = %v, want the stored distribution", got)
	}
	kq := questionnaire(questionnaires.ScaleLikert, "a:Alpha:1", "b:Beta:1")
	kr := likertResult(kq)
	ks := charts.Spreads(kq, kr)
	// The result's distribution of the team levels (1, 2, 2, 3), not a
	// summary of the team scores (10, 25, 35.2, 55).
	if got := []float64{*ks[0].Min, *ks[0].P25, *ks[0].Median, *ks[0].P75, *ks[0].Max}; !reflect.DeepEqual(got, []float64{1, 1, 2, 2, 3}) {
		t.Errorf("likert spread = %v, want the stored distribution of team levels", got)
	}
	if ks[0].Target != 3 || ks[0].Teams != 4 {
		t.Errorf("likert spread target/teams = %v/%d, want the target level 3 and 4 teams", ks[0].Target, ks[0].Teams)
	}
	kr.Dimensions[1].Distribution = scoring.Distribution{Min: ip(1), P25: ip(2), Median: ip(3), P75: ip(4), Max: ip(5)}
	kr.Dimensions[1].Teams = 7
	kc := charts.SpreadChart("s", kq, kr)
	ko := decode(t, kc)
	if got := at(t, ko, "series", 0, "data", 1, "value"); !reflect.DeepEqual(got, []any{1.0, 2.0, 3.0, 4.0, 5.0}) {
		t.Errorf("likert box = %v, want the result's distribution", got)
	}
	if at(t, ko, "yAxis", 0, "max") != 5.0 || at(t, ko, "series", 1, "data", 1, "value") != 3.0 {
		t.Errorf("likert spread axis/target = %v/%v, want levels", at(t, ko, "yAxis", 0, "max"), at(t, ko, "series", 1, "data", 1, "value"))
	}
	if row := kc.Table.Rows[1]; row.Cells[5].Text != "7" || row.Cells[6].Text != "3" {
		t.Errorf("likert spread row = %+v", row.Cells)
	}
	o := decode(t, charts.SpreadChart("s", lq, levelResult(lq)))
	if got := at(t, o, "series", 0, "data", 1, "value"); !reflect.DeepEqual(got, []any{2.0, 2.0, 2.0, 2.0, 4.0}) {
		t.Errorf("box = %v", got)
	}
	if at(t, o, "series", 1, "name") != "Target" || at(t, o, "series", 1, "type") != "scatter" {
		t.Errorf("target markers missing: %v", at(t, o, "series", 1))
	}
}

func TestTrend(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, "a:Alpha:1", "b:Beta:2", "c:Gamma:1")
	now := levelResult(q)
	old := &scoring.Result{Key: q.Key, Overall: scoring.Overall{Level: ip(1), Score: fp(1.9)},
		Dimensions: []scoring.DimensionResult{{Key: "a", Title: "Alpha", Level: ip(1), Score: fp(1.9)}}} // no Beta, no Gamma yet
	c := charts.Trend("t", q, []charts.RoundResult{{Name: "Q1", Result: old}, {Name: "Q2", Result: nil}, {Name: "Q3", Result: now}})
	o := decode(t, c)
	if x := strs(at(t, o, "xAxis", 0, "data")); !reflect.DeepEqual(x, []string{"Q1", "Q2", "Q3"}) {
		t.Errorf("rounds = %v", x)
	}
	var names []string
	for _, s := range at(t, o, "series").([]any) {
		names = append(names, fmt.Sprint(at(t, s, "name")))
	}
	if !reflect.DeepEqual(names, []string{"Overall level", "Overall score", "Alpha", "Beta", "Gamma"}) {
		t.Errorf("series = %v", names)
	}
	values := func(i int) []any {
		var out []any
		for _, d := range at(t, o, "series", i, "data").([]any) {
			out = append(out, at(t, d, "value"))
		}
		return out
	}
	if got := values(0); !reflect.DeepEqual(got, []any{1.0, "-", 2.0}) {
		t.Errorf("overall levels = %v", got)
	}
	if got := values(3); !reflect.DeepEqual(got, []any{"-", "-", 2.2}) {
		t.Errorf("Beta scores = %v (a dimension missing from a round leaves a hole)", got)
	}
	if got := c.Table.Rows[1]; got.Header != "Alpha" || got.Cells[0].Text != "1 (1.9)" || got.Cells[1].Text != "—" || got.Cells[2].Text != "2 (2.4)" {
		t.Errorf("Alpha row = %+v", got)
	}
	if strings.Contains(c.Caption, "first round") {
		t.Errorf("three rounds captioned as the first")
	}
	if one := charts.Trend("t", q, []charts.RoundResult{{Name: "Q3", Result: now}}); !strings.Contains(one.Caption, "first round") {
		t.Errorf("a single round should say there is no trend yet")
	}
}

func TestHeadline(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, "a:Alpha:1", "b:Beta:2", "c:Gamma:1")
	r := levelResult(q)
	tests := []struct {
		name      string
		prev      *scoring.Result
		text      string
		class     string
		hasChange bool
		level     string
	}{
		{"first round", nil, "first round", "", false, "—"},
		{"up", &scoring.Result{Overall: scoring.Overall{Level: ip(1), Score: fp(1.7)}}, "▲ 1 level, score +0.91 since Q1", "is-up", true, "+1"},
		{"same level, better score", &scoring.Result{Overall: scoring.Overall{Level: ip(2), Score: fp(2.5)}}, "same level, score +0.11 since Q1", "is-up", true, "0"},
		{"down", &scoring.Result{Overall: scoring.Overall{Level: ip(4), Score: fp(4.2)}}, "▼ 2 levels, score -1.59 since Q1", "is-down", true, "−2"},
		{"no comparable result", &scoring.Result{}, "no comparable result in Q1", "", false, "—"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := ""
			if tt.prev != nil {
				name = "Q1"
			}
			h := charts.NewHeadline(q, r, tt.prev, name)
			if h.ChangeText() != tt.text || h.ChangeClass() != tt.class || h.HasChange() != tt.hasChange {
				t.Errorf("change = %q %q %v, want %q %q %v", h.ChangeText(), h.ChangeClass(), h.HasChange(), tt.text, tt.class, tt.hasChange)
			}
			if h.LevelChangeText() != tt.level {
				t.Errorf("level change = %q, want %q", h.LevelChangeText(), tt.level)
			}
			if h.Respondents != 5 || h.Teams != 2 || h.TeamsTotal != 3 || h.LevelName != "Operational" {
				t.Errorf("headline = %+v", h)
			}
		})
	}
}

func TestTeamView(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, "a:Alpha:1", "b:Beta:2", "c:Gamma:1")
	r := levelResult(q)
	v := charts.NewTeamView("t0", q, r, &r.Teams[0], nil, "")
	if len(v.Charts) != 2 || v.Charts[0].ID != "t0_radar" || v.Charts[1].ID != "t0_gaps" {
		t.Fatalf("team charts = %v", v.Charts)
	}
	for _, c := range v.Charts {
		if c.Subject == "" || !strings.Contains(c.Subject, "Ants") {
			t.Errorf("chart %s subject = %q", c.ID, c.Subject)
		}
	}
	o := decode(t, v.Charts[0])
	if at(t, o, "series", 1, "name") != "Organization" {
		t.Errorf("second series = %v, want Organization", at(t, o, "series", 1, "name"))
	}
	if got := at(t, o, "series", 1, "data", 0, "value"); !reflect.DeepEqual(got, []any{2.0, 2.0, 4.0}) {
		t.Errorf("organization = %v", got)
	}
	if got := at(t, o, "series", 2, "data", 0, "value"); !reflect.DeepEqual(got, []any{1.0, 2.0, 3.0}) {
		t.Errorf("team levels = %v", got)
	}
	if len(v.Blocking) != 2 || v.Blocking[0].Dimension != "Alpha" || v.Blocking[0].Next != "2 · Operational" {
		t.Fatalf("blocking = %+v", v.Blocking)
	}
	bq := v.Blocking[0].Questions[0]
	if bq.Text != "Question 2 of Alpha?" || bq.Lowest != 1 || bq.Answer != "a-q2 answer at level 1" {
		t.Errorf("blocking question = %+v", bq)
	}
	if len(v.Disagreements) != 1 || v.Disagreements[0].Dimension != "Alpha" || v.Disagreements[0].Spread != 3 {
		t.Errorf("disagreements = %+v", v.Disagreements)
	}
}

// TestOptionsAreData checks every chart of a dashboard with hostile names:
// the options encode to JSON with the markup escaped (so they cannot end a
// <script> element), decode back to the exact names, and carry no
// JavaScript functions.
func TestOptionsAreData(t *testing.T) {
	const evilTeam = `</script><script>alert(1)</script>`
	const evilDim = `<img src=x onerror=alert(2)>`
	for _, scale := range []string{questionnaires.ScaleLevel, questionnaires.ScaleLikert} {
		q := questionnaire(scale, "a:"+evilDim+":1", "b:Beta:1")
		r := likertResult(q)
		if scale == questionnaires.ScaleLevel {
			r = levelResult(q)
			r.Dimensions = r.Dimensions[:2]
		}
		r.Dimensions[0].Title = evilDim
		r.Teams[0].Name = evilTeam
		d := charts.NewDashboard("q0", q, r, []charts.RoundResult{{Name: `<b>Q1</b>`, Result: r}, {Name: "Q2", Result: r}})
		tv := charts.NewTeamView("t0", q, r, &r.Teams[0], nil, "")
		for _, c := range append(d.Charts, tv.Charts...) {
			b, err := json.Marshal(c.Option)
			if err != nil {
				t.Fatalf("%s %s: %v", scale, c.ID, err)
			}
			js := string(b)
			for _, bad := range []string{"<", ">", "function", "__f__"} {
				if strings.Contains(js, bad) {
					t.Errorf("%s %s: option JSON contains %q", scale, c.ID, bad)
				}
			}
			// Radar axis names are wrapped onto lines (wrapWords).
			if !strings.Contains(strings.ReplaceAll(js, `\n`, " "), `\u003cimg src=x onerror=alert(2)\u003e`) {
				t.Errorf("%s %s: the dimension title is missing from the option", scale, c.ID)
			}
			if strings.Contains(c.ID, "heatmap") || strings.Contains(c.ID, "t0_") {
				var back any
				_ = json.Unmarshal(b, &back)
				if !strings.Contains(fmt.Sprint(back), evilTeam) && c.ID != "t0_gaps" {
					t.Errorf("%s %s: the team name does not survive the round trip", scale, c.ID)
				}
			}
		}
	}
}

func TestLevelColor(t *testing.T) {
	if charts.LevelColor(3, 5) != "#21918c" || charts.LevelColor(9, 9) != "#440154" {
		t.Errorf("level colours = %s, %s", charts.LevelColor(3, 5), charts.LevelColor(9, 9))
	}
}

// TestPaletteMatchesStylesheet keeps the one level palette of Go
// (questionnaires.LevelFill / LevelInk, used by the charts and the workbook)
// equal to the --lvl-N variables of the web's stylesheet.
func TestPaletteMatchesStylesheet(t *testing.T) {
	css, err := os.ReadFile(filepath.Join("..", "..", "static", "css", "gapmap.css"))
	if err != nil {
		t.Fatalf("read stylesheet: %v", err)
	}
	for step := 0; step < questionnaires.LevelSteps; step++ {
		for _, v := range []struct{ name, want string }{
			{fmt.Sprintf("--lvl-%d", step+1), questionnaires.LevelFill(step)},
			{fmt.Sprintf("--lvl-%d-fg", step+1), questionnaires.LevelInk(step)},
		} {
			m := regexp.MustCompile(regexp.QuoteMeta(v.name) + `:\s*(#[0-9a-fA-F]{6})`).FindSubmatch(css)
			if m == nil {
				t.Errorf("stylesheet has no %s", v.name)
				continue
			}
			if got := strings.ToLower(string(m[1])); got != v.want {
				t.Errorf("stylesheet %s = %s, palette %s", v.name, got, v.want)
			}
		}
	}
}

// TestTeamRadarReadsTheOrganizationsResult checks that the team radar draws
// the organization's own level (score on likert), not a median of the team
// values it could compute itself.
func TestTeamRadarReadsTheOrganizationsResult(t *testing.T) {
	tests := []struct {
		name  string
		q     *questionnaires.Questionnaire
		r     func(*questionnaires.Questionnaire) *scoring.Result
		org   []any
		cells []string
	}{
		// Alpha's team scores 10, 25, 35.2, 55 have the lower median 25; the organization's score is 31.3.
		{"likert", questionnaire(questionnaires.ScaleLikert, "a:Alpha:1", "b:Beta:1"), likertResult, []any{31.3, 45.0},
			[]string{"31.3 (level 2)", "45 (level 3)"}},
		{"level", questionnaire(questionnaires.ScaleLevel, "a:Alpha:1", "b:Beta:2", "c:Gamma:1"), levelResult, []any{2.0, 2.0, 4.0},
			[]string{"2 · Operational", "2 · Operational", "4 · Optimizing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r(tt.q)
			c := charts.TeamRadar("t", tt.q, r, &r.Teams[0])
			o := decode(t, c)
			if at(t, o, "series", 1, "name") != "Organization" {
				t.Errorf("series 1 = %v, want Organization", at(t, o, "series", 1, "name"))
			}
			if got := at(t, o, "series", 1, "data", 0, "value"); !reflect.DeepEqual(got, tt.org) {
				t.Errorf("organization = %v, want the result's %v", got, tt.org)
			}
			if c.Table.Columns[2] != "Organization" || strings.Contains(c.Caption, "median") {
				t.Errorf("table column %q / caption %q still speak of a median", c.Table.Columns[2], c.Caption)
			}
			for i, want := range tt.cells {
				if got := c.Table.Rows[i].Cells[1].Text; got != want {
					t.Errorf("row %d organization cell = %q, want %q", i, got, want)
				}
			}
		})
	}
}
