package scoring_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

func TestRespondentLevelScale(t *testing.T) {
	tests := []struct {
		name      string
		pass      float64
		weights   [4]float64 // of questions a, b, c, e
		answers   []scoring.Answer
		wantLevel *int
		wantScore *float64
	}{
		{"share exactly p passes: 3 of 4 at level 3", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("a", 3), lv("b", 3), lv("c", 3), lv("e", 1)}, ip(3), fp(2.5)},
		{"share below p fails", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("a", 3), lv("b", 3), lv("c", 2), lv("e", 1)}, ip(2), fp(2.25)},
		{"share exactly p with tenth weights", 0.75, [4]float64{0.1, 0.1, 0.1, 0.1},
			[]scoring.Answer{lv("a", 3), lv("b", 3), lv("c", 3), lv("e", 1)}, ip(3), fp(2.5)},
		{"binary sum just under p·Σw still passes", 0.5, [4]float64{0.7, 0.3, 0.1, 0.3},
			[]scoring.Answer{lv("a", 1), lv("b", 4), lv("c", 4), lv("e", 4)}, ip(4), fp(2.5)},
		{"a heavy question passes alone", 0.5, [4]float64{3, 1, 1, 1},
			[]scoring.Answer{lv("a", 4), lv("b", 1), lv("c", 1), lv("e", 1)}, ip(4), fp(2.5)},
		{"a heavy low question blocks", 0.75, [4]float64{3, 1, 1, 1},
			[]scoring.Answer{lv("a", 1), lv("b", 4), lv("c", 4), lv("e", 4)}, ip(1), fp(2.5)},
		{"pass ratio 1 needs every answer", 1, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("a", 4), lv("b", 4), lv("c", 4), lv("e", 3)}, ip(3), fp(3.75)},
		{"N/A is left out", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("a", 3), lv("b", 3), lv("c", 3), na("e")}, ip(3), fp(3)},
		{"unanswered is left out", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("a", 3), lv("b", 3), lv("c", 3)}, ip(3), fp(3)},
		{"all N/A is null", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{na("a"), na("b"), na("c"), na("e")}, nil, nil},
		{"no answers is null", 0.75, [4]float64{1, 1, 1, 1}, nil, nil, nil},
		{"one applicable answer", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{na("a"), lv("b", 2)}, ip(2), fp(2)},
		{"level 1 always passes", 1, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("a", 1), lv("b", 4), lv("c", 4), lv("e", 4)}, ip(1), fp(3.25)},
		{"top level", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("a", 4), lv("b", 4), lv("c", 4), lv("e", 4)}, ip(4), fp(4)},
		{"score rounds to 2 decimals", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("a", 3), lv("b", 3), lv("c", 2)}, ip(2), fp(2.67)},
		{"a decimal tie rounds up although binary is below it", 0.75, [4]float64{199, 1, 1, 1},
			[]scoring.Answer{lv("a", 1), lv("b", 2)}, ip(1), fp(1.01)},
		{"answers out of questionnaire order", 0.75, [4]float64{1, 1, 1, 1},
			[]scoring.Answer{lv("e", 1), lv("c", 3), lv("a", 3), lv("b", 3)}, ip(3), fp(2.5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.weights
			q := questionnaire(questionnaires.ScaleLevel, 4, tt.pass,
				dim("d", 1, qw("a", w[0]), qw("b", w[1]), qw("c", w[2]), qw("e", w[3])))
			res := mustScore(t, scoring.Input{
				Questionnaire: q, Teams: teams(1), Targets: scoring.Targets{Default: 3},
				Responses: []scoring.Response{resp(10, 1, tt.answers...)},
			})
			got := res.Respondents[0].Dimensions[0]
			if !eqPtr(got.Level, tt.wantLevel) || !eqPtr(got.Score, tt.wantScore) {
				t.Errorf("level %s score %s, want %s %s", show(got.Level), show(got.Score), show(tt.wantLevel), show(tt.wantScore))
			}
			// With one respondent and one team, team and organization agree.
			td, od := res.Teams[0].Dimensions[0], res.Dimensions[0]
			if !eqPtr(td.Level, tt.wantLevel) || !eqPtr(td.Score, tt.wantScore) || !eqPtr(od.Level, tt.wantLevel) || !eqPtr(od.Score, tt.wantScore) {
				t.Errorf("team %s/%s, organization %s/%s, want %s/%s", show(td.Level), show(td.Score), show(od.Level), show(od.Score), show(tt.wantLevel), show(tt.wantScore))
			}
		})
	}
}

func TestRespondentLikert(t *testing.T) {
	tests := []struct {
		name      string
		levels    int
		weight    float64 // of every question
		answers   []scoring.Answer
		wantLevel *int
		wantScore *float64
	}{
		{"neutral is the middle", 4, 1, []scoring.Answer{lk("a", 3), lk("b", 3), lk("c", 3), lk("r", 3)}, ip(3), fp(50)},
		{"reverse-scored 1 counts as 5: score 100 caps at N", 4, 1, []scoring.Answer{lk("a", 5), lk("b", 5), lk("c", 5), lk("r", 1)}, ip(4), fp(100)},
		{"reverse-scored 5 counts as 1", 4, 1, []scoring.Answer{lk("a", 5), lk("b", 5), lk("r", 5)}, ip(3), fp(66.7)},
		{"all lowest is 0", 4, 1, []scoring.Answer{lk("a", 1), lk("b", 1), lk("c", 1), lk("r", 5)}, ip(1), fp(0)},
		{"score rounds to 1 decimal", 4, 1, []scoring.Answer{lk("a", 1), lk("b", 1), lk("c", 2)}, ip(1), fp(8.3)},
		{"level boundary with tenth weights", 3, 0.1, []scoring.Answer{lk("a", 1), lk("b", 3), lk("c", 3)}, ip(2), fp(33.3)},
		{"level boundary at score 25 of 5 levels", 5, 1, []scoring.Answer{lk("a", 2), lk("b", 2), na("c")}, ip(2), fp(25)},
		{"just below a boundary", 5, 1, []scoring.Answer{lk("a", 2), lk("b", 2), lk("c", 1)}, ip(1), fp(16.7)},
		{"all N/A is null", 4, 1, []scoring.Answer{na("a"), na("b"), na("c"), na("r")}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := qw("r", tt.weight)
			r.Reverse = true
			q := questionnaire(questionnaires.ScaleLikert, tt.levels, 0,
				dim("d", 1, qw("a", tt.weight), qw("b", tt.weight), qw("c", tt.weight), r))
			res := mustScore(t, scoring.Input{
				Questionnaire: q, Teams: teams(1), Targets: scoring.Targets{Default: 2},
				Responses: []scoring.Response{resp(10, 1, tt.answers...)},
			})
			got := res.Respondents[0].Dimensions[0]
			if !eqPtr(got.Level, tt.wantLevel) || !eqPtr(got.Score, tt.wantScore) {
				t.Errorf("level %s score %s, want %s %s", show(got.Level), show(got.Score), show(tt.wantLevel), show(tt.wantScore))
			}
		})
	}
}

func TestTeamAggregation(t *testing.T) {
	tests := []struct {
		name            string
		answers         []int // one respondent each, level of question a; 0 = N/A
		wantLevel       *int
		wantScore       *float64
		wantN           int
		wantSpread      *int
		wantDisagree    *bool
		wantRespondents int
	}{
		{"one respondent", []int{3}, ip(3), fp(3), 1, ip(0), new(false), 1},
		{"two: lower median", []int{3, 2}, ip(2), fp(2.5), 2, ip(1), new(false), 2},
		{"four: lower median at position 2", []int{4, 1, 3, 2}, ip(2), fp(2.5), 4, ip(3), new(true), 4},
		{"three: median", []int{1, 4, 4}, ip(4), fp(3), 3, ip(3), new(true), 3},
		{"spread of exactly 2 is disagreement", []int{2, 4}, ip(2), fp(3), 2, ip(2), new(true), 2},
		{"N/A respondent is not counted", []int{3, 0, 2}, ip(2), fp(2.5), 2, ip(1), new(false), 3},
		{"all N/A is null", []int{0, 0}, nil, nil, 0, nil, nil, 2},
		{"no responses is null", nil, nil, nil, 0, nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := questionnaire(questionnaires.ScaleLevel, 4, 0.75, dim("d", 1, qu("a")))
			in := scoring.Input{Questionnaire: q, Teams: teams(7), Targets: scoring.Targets{Default: 4}}
			for i, a := range tt.answers {
				ans := lv("a", a)
				if a == 0 {
					ans = na("a")
				}
				in.Responses = append(in.Responses, resp(int64(i+1), 7, ans))
			}
			res := mustScore(t, in)
			tr := res.Teams[0]
			got := tr.Dimensions[0]
			if !eqPtr(got.Level, tt.wantLevel) || !eqPtr(got.Score, tt.wantScore) || got.Respondents != tt.wantN ||
				!eqPtr(got.Spread, tt.wantSpread) || !eqPtr(got.Disagreement, tt.wantDisagree) || tr.Respondents != tt.wantRespondents {
				t.Errorf("level %s score %s n %d spread %s disagreement %s respondents %d, want %s %s %d %s %s %d",
					show(got.Level), show(got.Score), got.Respondents, show(got.Spread), show(got.Disagreement), tr.Respondents,
					show(tt.wantLevel), show(tt.wantScore), tt.wantN, show(tt.wantSpread), show(tt.wantDisagree), tt.wantRespondents)
			}
			wantGap := (*int)(nil)
			if tt.wantLevel != nil {
				wantGap = ip(4 - *tt.wantLevel)
			}
			if !eqPtr(got.Gap, wantGap) || got.Target != 4 {
				t.Errorf("target %d gap %s, want 4 %s", got.Target, show(got.Gap), show(wantGap))
			}
		})
	}
}

func TestOrganizationAggregation(t *testing.T) {
	tests := []struct {
		name      string
		levels    int
		teams     [][]int // per team, the levels its respondents answered to question a; 0 = N/A
		wantLevel *int
		wantScore *float64
		wantTeams int
		wantDist  [5]int // min p25 median p75 max; zero: all null
	}{
		{"one team", 4, [][]int{{3}}, ip(3), fp(3), 1, [5]int{3, 3, 3, 3, 3}},
		{"four teams: lower median", 4, [][]int{{4}, {1}, {3}, {2}}, ip(2), fp(2.5), 4, [5]int{1, 1, 2, 3, 4}},
		{"five teams: nearest rank", 5, [][]int{{5}, {1}, {4}, {2}, {3}}, ip(3), fp(3), 5, [5]int{1, 2, 3, 4, 5}},
		{"eight teams", 4, [][]int{{1}, {1}, {2}, {2}, {3}, {3}, {4}, {4}}, ip(2), fp(2.5), 8, [5]int{1, 1, 2, 3, 4}},
		{"team without level is left out", 4, [][]int{{3}, nil, {1}, {0}}, ip(1), fp(2), 2, [5]int{1, 1, 1, 3, 3}},
		{"each team weighs the same, whatever its respondents", 4, [][]int{{4, 4, 4}, {1}}, ip(1), fp(2.5), 2, [5]int{1, 1, 1, 4, 4}},
		{"team score is the mean of its respondents", 4, [][]int{{4, 3}, {1}, {2}}, ip(2), fp(2.17), 3, [5]int{1, 1, 2, 3, 3}},
		{"no team answered", 4, [][]int{{0}, nil}, nil, nil, 0, [5]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := questionnaire(questionnaires.ScaleLevel, tt.levels, 0.75, dim("d", 1, qu("a")))
			in := scoring.Input{Questionnaire: q, Targets: scoring.Targets{Default: 3}}
			id := int64(1)
			for ti, answers := range tt.teams {
				team := int64(100 + ti)
				in.Teams = append(in.Teams, scoring.Team{ID: team, Name: "t"})
				for _, a := range answers {
					ans := lv("a", a)
					if a == 0 {
						ans = na("a")
					}
					in.Responses = append(in.Responses, resp(id, team, ans))
					id++
				}
			}
			got := mustScore(t, in).Dimensions[0]
			if !eqPtr(got.Level, tt.wantLevel) || !eqPtr(got.Score, tt.wantScore) || got.Teams != tt.wantTeams {
				t.Errorf("level %s score %s teams %d, want %s %s %d", show(got.Level), show(got.Score), got.Teams, show(tt.wantLevel), show(tt.wantScore), tt.wantTeams)
			}
			d := got.Distribution
			gotDist := []*int{d.Min, d.P25, d.Median, d.P75, d.Max}
			for i, want := range tt.wantDist {
				wp := ip(want)
				if want == 0 {
					wp = nil
				}
				if !eqPtr(gotDist[i], wp) {
					t.Errorf("distribution[%d] = %s, want %s", i, show(gotDist[i]), show(wp))
				}
			}
			if tt.wantLevel == nil && (got.Gap != nil || got.LevelName != nil || got.Blocking == nil || len(got.Blocking) != 0) {
				t.Errorf("null level: gap %s name %s blocking %v", show(got.Gap), show(got.LevelName), got.Blocking)
			}
		})
	}
}

func TestOverallWeightsTargets(t *testing.T) {
	tests := []struct {
		name      string
		levels    int
		weights   []float64 // dimension weights; one question per dimension
		answers   []int     // level per dimension; 0 = N/A
		def       int
		overrides map[string]int
		want      scoring.Overall
		wantGaps  []*int
	}{
		{"the heavy dimension decides", 4, []float64{2, 1}, []int{3, 1}, 3, nil,
			scoring.Overall{Level: ip(3), Score: fp(2.33), PercentToTarget: fp(66.7)}, []*int{ip(0), ip(2)}},
		{"three equal weights: the middle level", 5, []float64{0.1, 0.1, 0.1}, []int{1, 3, 5}, 3, nil,
			scoring.Overall{Level: ip(3), Score: fp(3), PercentToTarget: fp(77.8)}, []*int{ip(2), ip(0), ip(0)}},
		{"a light low dimension does not pull the level down", 4, []float64{1, 1, 3}, []int{1, 2, 3}, 3, nil,
			scoring.Overall{Level: ip(3), Score: fp(2.4), PercentToTarget: fp(66.7)}, []*int{ip(2), ip(1), ip(0)}},
		{"a heavy low dimension holds the level down", 4, []float64{3, 1, 1}, []int{1, 2, 3}, 3, nil,
			scoring.Overall{Level: ip(1), Score: fp(1.6), PercentToTarget: fp(66.7)}, []*int{ip(2), ip(1), ip(0)}},
		{"exactly half the weight at or below a level is enough", 4, []float64{2, 1, 1}, []int{1, 2, 3}, 3, nil,
			scoring.Overall{Level: ip(1), Score: fp(1.75), PercentToTarget: fp(66.7)}, []*int{ip(2), ip(1), ip(0)}},
		{"half in decimals, just under half in binary, is half", 4, []float64{0.01, 0.09, 0.1}, []int{1, 1, 2}, 3, nil,
			scoring.Overall{Level: ip(1), Score: fp(1.5), PercentToTarget: fp(44.4)}, []*int{ip(2), ip(2), ip(1)}},
		{"six of seven dimensions at 2 give 2, not the floor of the mean", 4, []float64{1, 1, 1, 1, 1, 1, 1}, []int{1, 2, 2, 2, 2, 2, 2}, 3, nil,
			scoring.Overall{Level: ip(2), Score: fp(1.86), PercentToTarget: fp(61.9)},
			[]*int{ip(2), ip(1), ip(1), ip(1), ip(1), ip(1), ip(1)}},
		{"null dimension is left out", 4, []float64{1, 5}, []int{4, 0}, 3, nil,
			scoring.Overall{Level: ip(4), Score: fp(4), PercentToTarget: fp(100)}, []*int{ip(0), nil}},
		{"two equal weights: the lower level; override and default targets", 4, []float64{1, 1}, []int{3, 1}, 3, map[string]int{"d1": 4, "other-questionnaire": 9},
			scoring.Overall{Level: ip(1), Score: fp(2), PercentToTarget: fp(57.1)}, []*int{ip(0), ip(3)}},
		{"above target counts as gap 0", 4, []float64{1, 1}, []int{4, 4}, 2, nil,
			scoring.Overall{Level: ip(4), Score: fp(4), PercentToTarget: fp(100)}, []*int{ip(0), ip(0)}},
		{"every dimension null", 4, []float64{1, 1}, []int{0, 0}, 2, nil, scoring.Overall{}, []*int{nil, nil}},
		{"default weight", 4, []float64{0, 2}, []int{1, 4}, 4, nil,
			scoring.Overall{Level: ip(4), Score: fp(3), PercentToTarget: fp(62.5)}, []*int{ip(3), ip(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dims []questionnaires.Dimension
			var answers []scoring.Answer
			for i, w := range tt.weights {
				key := "q" + string(rune('0'+i))
				dims = append(dims, dim("d"+string(rune('0'+i)), w, qu(key)))
				if tt.answers[i] == 0 {
					answers = append(answers, na(key))
				} else {
					answers = append(answers, lv(key, tt.answers[i]))
				}
			}
			q := questionnaire(questionnaires.ScaleLevel, tt.levels, 0.75, dims...)
			res := mustScore(t, scoring.Input{
				Questionnaire: q, Teams: teams(1),
				Targets:   scoring.Targets{Default: tt.def, Overrides: tt.overrides},
				Responses: []scoring.Response{resp(1, 1, answers...)},
			})
			for _, got := range []scoring.Overall{res.Overall, res.Teams[0].Overall, res.Respondents[0].Overall} {
				if !eqPtr(got.Level, tt.want.Level) || !eqPtr(got.Score, tt.want.Score) || !eqPtr(got.PercentToTarget, tt.want.PercentToTarget) {
					t.Errorf("overall %s %s %s, want %s %s %s", show(got.Level), show(got.Score), show(got.PercentToTarget),
						show(tt.want.Level), show(tt.want.Score), show(tt.want.PercentToTarget))
				}
				wantName := (*string)(nil)
				if tt.want.Level != nil {
					wantName = new("L" + string(rune('0'+*tt.want.Level)))
				}
				if !eqPtr(got.LevelName, wantName) {
					t.Errorf("level name %s, want %s", show(got.LevelName), show(wantName))
				}
			}
			for d, want := range tt.wantGaps {
				if got := res.Dimensions[d].Gap; !eqPtr(got, want) {
					t.Errorf("organization gap of %s = %s, want %s", res.Dimensions[d].Key, show(got), show(want))
				}
				if got := res.Teams[0].Dimensions[d].Gap; !eqPtr(got, want) {
					t.Errorf("team gap of %s = %s, want %s", res.Dimensions[d].Key, show(got), show(want))
				}
			}
		})
	}
}

func TestDimensionNoTeamAnswered(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, 4, 0.75,
		dim("answered", 1, qu("a1"), qu("a2")),
		dim("skipped", 3, qu("s1"), qu("s2")))
	res := mustScore(t, scoring.Input{
		Questionnaire: q, Teams: teams(1, 2, 3), Targets: scoring.Targets{Default: 4},
		Responses: []scoring.Response{
			resp(1, 1, lv("a1", 2), lv("a2", 2), na("s1"), na("s2")),
			resp(2, 2, lv("a1", 3), lv("a2", 3), na("s1")),
		},
		Previous: &scoring.Result{Key: "test-q", Dimensions: []scoring.DimensionResult{{Key: "skipped", Level: ip(2), Score: fp(2)}}},
	})
	sk := res.Dimensions[1]
	if sk.Level != nil || sk.Score != nil || sk.Gap != nil || sk.Teams != 0 || sk.Distribution != (scoring.Distribution{}) || len(sk.Blocking) != 0 {
		t.Errorf("skipped dimension = %+v", sk)
	}
	if sk.Previous == nil || sk.Previous.Level != 2 || sk.Change != nil {
		t.Errorf("skipped dimension trend: previous %+v change %+v", sk.Previous, sk.Change)
	}
	if !eqPtr(res.Overall.Level, ip(2)) || !eqPtr(res.Overall.PercentToTarget, fp(50)) {
		t.Errorf("overall %s %s, want 2 50 (the skipped dimension is left out)", show(res.Overall.Level), show(res.Overall.PercentToTarget))
	}
	for _, tr := range res.Teams {
		if d := tr.Dimensions[1]; d.Level != nil || d.Respondents != 0 || d.Spread != nil || d.Disagreement != nil || d.Blocking == nil {
			t.Errorf("team %d skipped dimension = %+v", tr.ID, d)
		}
	}
	if tr := res.Teams[2]; tr.Respondents != 0 || tr.Overall != (scoring.Overall{}) {
		t.Errorf("team without responses = %+v", tr)
	}
}

func TestBlockingLevelScale(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, 4, 0.75, dim("d", 1, qu("a"), qu("b"), qu("c"), qu("e")))
	res := mustScore(t, scoring.Input{
		Questionnaire: q, Teams: teams(1, 2, 3, 4), Targets: scoring.Targets{Default: 4},
		Responses: []scoring.Response{
			resp(1, 1, lv("a", 3), lv("b", 3), lv("c", 3), lv("e", 1)), // level 3
			resp(2, 1, lv("a", 2), lv("b", 4), lv("c", 3), lv("e", 3)), // level 3
			resp(3, 1, lv("a", 4), lv("b", 4), lv("c", 4), lv("e", 4)), // level 4
			resp(4, 2, lv("a", 4), lv("b", 4), lv("c", 4), lv("e", 4)), // team at N
			resp(5, 3, lv("a", 1), lv("b", 1), lv("c", 1), na("e")),    // level 1
		},
	})
	tests := []struct {
		team int
		want []scoring.TeamBlocking
	}{
		// Team 1 is at 3: every answer below 4 blocks; lowest first, then the
		// number of respondents below (c: 2, b: 1), then questionnaire order.
		{0, []scoring.TeamBlocking{{"e", 1}, {"a", 2}, {"c", 3}, {"b", 3}}},
		{1, []scoring.TeamBlocking{}},
		{2, []scoring.TeamBlocking{{"a", 1}, {"b", 1}, {"c", 1}}},
		{3, []scoring.TeamBlocking{}},
	}
	for _, tt := range tests {
		got := res.Teams[tt.team].Dimensions[0].Blocking
		if got == nil || !slices.Equal(got, tt.want) {
			t.Errorf("team %d blocking %v, want %v", res.Teams[tt.team].ID, got, tt.want)
		}
	}
	want := []scoring.OrgBlocking{{"a", 2}, {"b", 2}, {"c", 2}, {"e", 1}}
	if got := res.Dimensions[0].Blocking; !slices.Equal(got, want) {
		t.Errorf("organization blocking %v, want %v", got, want)
	}
}

func TestBlockingOrganizationTopFive(t *testing.T) {
	var qs []questionnaires.Question
	for _, k := range []string{"q1", "q2", "q3", "q4", "q5", "q6"} {
		qs = append(qs, qu(k))
	}
	q := questionnaire(questionnaires.ScaleLevel, 2, 1, dim("d", 1, qs...))
	answers := func(low ...string) []scoring.Answer {
		var out []scoring.Answer
		for _, qq := range qs {
			l := 2
			if slices.Contains(low, qq.Key) {
				l = 1
			}
			out = append(out, lv(qq.Key, l))
		}
		return out
	}
	res := mustScore(t, scoring.Input{
		Questionnaire: q, Teams: teams(1, 2, 3, 4), Targets: scoring.Targets{Default: 2},
		Responses: []scoring.Response{
			resp(1, 1, answers("q1", "q2", "q3", "q4", "q5", "q6")...),
			resp(2, 2, answers("q6", "q5")...),
			resp(3, 3, answers("q6")...),
			resp(4, 4, answers()...),
		},
	})
	want := []scoring.OrgBlocking{{"q6", 3}, {"q5", 2}, {"q1", 1}, {"q2", 1}, {"q3", 1}}
	if got := res.Dimensions[0].Blocking; !slices.Equal(got, want) {
		t.Errorf("organization blocking %v, want %v", got, want)
	}
}

func TestBlockingLikert(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLikert, 4, 0, dim("d", 1, qu("a"), qu("b"), rev("c")))
	res := mustScore(t, scoring.Input{
		Questionnaire: q, Teams: teams(1), Targets: scoring.Targets{Default: 4},
		// v' = 5, 1, 5: mean 11/3, score 66.7, level 3. Answer levels: 4, 1, 4.
		Responses: []scoring.Response{resp(1, 1, lk("a", 5), lk("b", 1), lk("c", 1))},
	})
	d := res.Teams[0].Dimensions[0]
	want := []scoring.TeamBlocking{{"b", 1}}
	if !eqPtr(d.Level, ip(3)) || !slices.Equal(d.Blocking, want) {
		t.Errorf("level %s blocking %v, want 3 %v", show(d.Level), d.Blocking, want)
	}
}

func TestTrend(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, 4, 0.75,
		dim("up", 1, qu("u1"), qu("u2"), qu("u3")),
		dim("new", 1, qu("n1")),
		dim("was-null", 1, qu("w1")),
		dim("now-null", 1, qu("x1")))
	in := scoring.Input{
		Questionnaire: q, Teams: teams(1), Targets: scoring.Targets{Default: 4},
		Responses: []scoring.Response{resp(1, 1, lv("u1", 3), lv("u2", 3), lv("u3", 2), lv("n1", 2), lv("w1", 1), na("x1"))},
	}
	t.Run("no previous round", func(t *testing.T) {
		for _, d := range mustScore(t, in).Dimensions {
			if d.Previous != nil || d.Change != nil {
				t.Errorf("%s: previous %+v change %+v", d.Key, d.Previous, d.Change)
			}
		}
	})
	t.Run("previous round", func(t *testing.T) {
		in := in
		in.Previous = &scoring.Result{Key: "test-q", Dimensions: []scoring.DimensionResult{
			{Key: "now-null", Level: ip(2), Score: fp(2.5)},
			{Key: "up", Level: ip(1), Score: fp(1.9)},
			{Key: "was-null"},
			{Key: "gone", Level: ip(3), Score: fp(3)},
		}}
		res := mustScore(t, in)
		want := map[string][2]*scoring.Trend{
			"up":       {{Level: 1, Score: 1.9}, {Level: 1, Score: 0.77}}, // level 2, score 2.67 (2.666…)
			"new":      {nil, nil},
			"was-null": {nil, nil},
			"now-null": {{Level: 2, Score: 2.5}, nil},
		}
		for _, d := range res.Dimensions {
			w := want[d.Key]
			if !eqPtr(d.Previous, w[0]) || !eqPtr(d.Change, w[1]) {
				t.Errorf("%s: previous %+v change %+v, want %+v %+v", d.Key, d.Previous, d.Change, w[0], w[1])
			}
		}
	})
	t.Run("a decrease", func(t *testing.T) {
		in := in
		in.Previous = &scoring.Result{Key: "test-q", Dimensions: []scoring.DimensionResult{{Key: "up", Level: ip(4), Score: fp(3.9)}}}
		d := mustScore(t, in).Dimensions[0]
		if want := (scoring.Trend{Level: -2, Score: -1.23}); d.Change == nil || *d.Change != want {
			t.Errorf("change %+v, want %+v", d.Change, want)
		}
	})
}

func TestDefaults(t *testing.T) {
	build := func(pass, w float64) *questionnaires.Questionnaire {
		return questionnaire(questionnaires.ScaleLevel, 4, pass, dim("d", w, qw("a", w), qw("b", w), qw("c", w), qw("e", w)), dim("f", w, qw("g", w)))
	}
	in := scoring.Input{
		Teams: teams(1), Targets: scoring.Targets{Default: 3},
		Responses: []scoring.Response{resp(1, 1, lv("a", 3), lv("b", 3), lv("c", 3), lv("e", 1), lv("g", 1))},
	}
	in.Questionnaire = build(0, 0)
	unset := mustJSON(t, mustScore(t, in))
	in.Questionnaire = build(0.75, 1)
	explicit := mustJSON(t, mustScore(t, in))
	if unset != explicit {
		t.Errorf("weight 0 and pass ratio 0 differ from the defaults 1 and 0.75:\n%s\n%s", unset, explicit)
	}
}

func TestNAValueIsNotChecked(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, 4, 0.75, dim("d", 1, qu("a"), qu("b")))
	res := mustScore(t, scoring.Input{
		Questionnaire: q, Teams: teams(1), Targets: scoring.Targets{Default: 3},
		Responses: []scoring.Response{resp(1, 1, lv("a", 2), scoring.Answer{Question: "b", NA: true, Level: 99, Value: -1})},
	})
	if d := res.Dimensions[0]; !eqPtr(d.Level, ip(2)) {
		t.Errorf("level %s, want 2", show(d.Level))
	}
}

func TestInvalidInput(t *testing.T) {
	base := func() scoring.Input {
		return scoring.Input{
			Questionnaire: questionnaire(questionnaires.ScaleLevel, 4, 0.75, dim("d", 1, qu("a"), qu("b"))),
			Teams:         teams(1, 2),
			Targets:       scoring.Targets{Default: 3},
			Responses:     []scoring.Response{resp(1, 1, lv("a", 2))},
		}
	}
	likert := func() scoring.Input {
		in := base()
		in.Questionnaire.Scale = questionnaires.ScaleLikert
		in.Responses = nil
		return in
	}
	tests := []struct {
		name   string
		mutate func(in *scoring.Input)
	}{
		{"no questionnaire", func(in *scoring.Input) { in.Questionnaire = nil }},
		{"unknown scale", func(in *scoring.Input) { in.Questionnaire.Scale = "stars" }},
		{"dimension of another scale", func(in *scoring.Input) { in.Questionnaire.Dimensions[0].Scale = questionnaires.ScaleLikert }},
		{"levels misnumbered", func(in *scoring.Input) { in.Questionnaire.Levels[2].Level = 7 }},
		{"no levels", func(in *scoring.Input) { in.Questionnaire.Levels = nil }},
		{"pass ratio above 1", func(in *scoring.Input) { in.Questionnaire.PassRatio = 1.5 }},
		{"negative pass ratio", func(in *scoring.Input) { in.Questionnaire.PassRatio = -0.5 }},
		{"negative question weight", func(in *scoring.Input) { in.Questionnaire.Dimensions[0].Questions[1].Weight = -1 }},
		{"negative dimension weight", func(in *scoring.Input) { in.Questionnaire.Dimensions[0].Weight = -2 }},
		{"duplicate question key", func(in *scoring.Input) { in.Questionnaire.Dimensions[0].Questions[1].Key = "a" }},
		{"duplicate dimension key", func(in *scoring.Input) {
			in.Questionnaire.Dimensions = append(in.Questionnaire.Dimensions, dim("d", 1, qu("z")))
		}},
		{"unknown question", func(in *scoring.Input) { in.Responses[0].Answers[0].Question = "zz" }},
		{"question answered twice", func(in *scoring.Input) { in.Responses[0].Answers = append(in.Responses[0].Answers, lv("a", 3)) }},
		{"question answered and N/A", func(in *scoring.Input) { in.Responses[0].Answers = append(in.Responses[0].Answers, na("a")) }},
		{"unknown question marked N/A", func(in *scoring.Input) { in.Responses[0].Answers[0] = na("zz") }},
		{"level 0", func(in *scoring.Input) { in.Responses[0].Answers[0].Level = 0 }},
		{"level above N", func(in *scoring.Input) { in.Responses[0].Answers[0].Level = 5 }},
		{"likert value 0", func(in *scoring.Input) {
			*in = likert()
			in.Responses = []scoring.Response{resp(1, 1, lk("a", 0))}
		}},
		{"likert value 6", func(in *scoring.Input) {
			*in = likert()
			in.Responses = []scoring.Response{resp(1, 1, lk("a", 6))}
		}},
		{"likert answer given as a level", func(in *scoring.Input) {
			*in = likert()
			in.Responses = []scoring.Response{resp(1, 1, lv("a", 3))}
		}},
		{"response of a team not participating", func(in *scoring.Input) { in.Responses[0].TeamID = 9 }},
		{"duplicate team", func(in *scoring.Input) { in.Teams = append(in.Teams, scoring.Team{ID: 1}) }},
		{"duplicate response", func(in *scoring.Input) { in.Responses = append(in.Responses, resp(1, 2)) }},
		{"default target 0", func(in *scoring.Input) { in.Targets.Default = 0 }},
		{"default target above N", func(in *scoring.Input) { in.Targets.Default = 5 }},
		{"override out of range", func(in *scoring.Input) { in.Targets.Overrides = map[string]int{"d": 0} }},
		{"previous of another questionnaire", func(in *scoring.Input) { in.Previous = &scoring.Result{Key: "other"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.mutate(&in)
			res, err := scoring.Score(in)
			if !errors.Is(err, scoring.ErrInvalidInput) || res != nil {
				t.Errorf("Score = %v, %v; want nil, ErrInvalidInput", res, err)
			}
		})
	}
	if _, err := scoring.Score(base()); err != nil {
		t.Errorf("base input: %v", err)
	}
}

// TestJSONShape checks the keys of every object against the results API
// contract of issue 5, and that nulls and empty lists are encoded as such.
func TestJSONShape(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, 4, 0.75, dim("d", 1, qu("a")), dim("e", 1, qu("b")))
	res := mustScore(t, scoring.Input{
		Questionnaire: q, Teams: teams(1, 2), Targets: scoring.Targets{Default: 3},
		Responses: []scoring.Response{resp(1, 1, lv("a", 2), na("b"))},
		Previous:  &scoring.Result{Key: "test-q", Dimensions: []scoring.DimensionResult{{Key: "d", Level: ip(1), Score: fp(1)}}},
	})
	var doc map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, res)), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) string {
		return strings.Join(slices.Sorted(maps.Keys(v.(map[string]any))), ",")
	}
	sorted := func(s string) string {
		f := strings.Split(s, ",")
		slices.Sort(f)
		return strings.Join(f, ",")
	}
	overall := sorted("level,level_name,score,percent_to_target")
	dims := doc["dimensions"].([]any)
	team := doc["teams"].([]any)[0]
	teamDims := team.(map[string]any)["dimensions"].([]any)
	respondent := doc["respondents"].([]any)[0]
	checks := []struct {
		what string
		v    any
		want string
	}{
		{"result", doc, sorted("key,version,title,overall,dimensions,teams,respondents")},
		{"overall", doc["overall"], overall},
		{"dimension", dims[0], sorted("key,title,weight,level,level_name,score,target,gap,teams,distribution,blocking,previous,change")},
		{"distribution", dims[0].(map[string]any)["distribution"], sorted("min,p25,median,p75,max")},
		{"null distribution", dims[1].(map[string]any)["distribution"], sorted("min,p25,median,p75,max")},
		{"previous", dims[0].(map[string]any)["previous"], "level,score"},
		{"change", dims[0].(map[string]any)["change"], "level,score"},
		{"organization blocking", dims[0].(map[string]any)["blocking"].([]any)[0], "question,teams"},
		{"team", team, sorted("id,name,respondents,overall,dimensions")},
		{"team overall", team.(map[string]any)["overall"], overall},
		{"team dimension", teamDims[0], sorted("key,level,score,target,gap,respondents,spread,disagreement,blocking")},
		{"team blocking", teamDims[0].(map[string]any)["blocking"].([]any)[0], "level,question"},
		{"respondent", respondent, sorted("response_id,team_id,overall,dimensions")},
		{"respondent dimension", respondent.(map[string]any)["dimensions"].([]any)[0], "key,level,score"},
	}
	for _, c := range checks {
		if got := keys(c.v); got != c.want {
			t.Errorf("%s keys %s, want %s", c.what, got, c.want)
		}
	}
	d1 := dims[1].(map[string]any)
	for _, k := range []string{"level", "level_name", "score", "gap", "previous", "change"} {
		if d1[k] != nil {
			t.Errorf("unanswered dimension: %s = %v, want null", k, d1[k])
		}
	}
	if b, ok := d1["blocking"].([]any); !ok || len(b) != 0 {
		t.Errorf("unanswered dimension: blocking = %v, want []", d1["blocking"])
	}
	td := team.(map[string]any)["dimensions"].([]any)[1].(map[string]any)
	for _, k := range []string{"level", "score", "gap", "spread", "disagreement"} {
		if td[k] != nil {
			t.Errorf("unanswered team dimension: %s = %v, want null", k, td[k])
		}
	}
	noResp := mustScore(t, scoring.Input{Questionnaire: q, Teams: teams(1), Targets: scoring.Targets{Default: 3}})
	if s := mustJSON(t, noResp); strings.Contains(s, `"respondents": [`) {
		t.Errorf("result without responses:\n%s", s)
	}
}

// TestLikertTeamAndOrganization checks the likert rule of issue 15: a team's
// level comes from its own score (the mean of its respondents' scores), the
// organization's from the mean of the team scores, each as
// min(N, 1 + ⌊score·N/100⌋); spread and distribution stay on levels.
func TestLikertTeamAndOrganization(t *testing.T) {
	type team struct {
		answers    [][5]int // per respondent, the values of questions a..e; 0 = N/A
		level      int      // 0: null
		score      float64
		gap        int
		spread     int
		disagree   bool
		respondent int // respondents with a level in the dimension
	}
	tests := []struct {
		name      string
		levels    int
		target    int
		teams     []team
		wantLevel int // 0: null
		wantScore float64
		wantGap   int
		wantTeams int
		wantDist  [5]int
	}{
		{"a team at 50 is above a team at 48", 4, 3, []team{
			// 25 (level 2) and 75 (level 4): the mean 50 is level 3; the
			// lower median of the respondent levels would be 2.
			{[][5]int{{2, 2, 2, 2, 2}, {4, 4, 4, 4, 4}}, 3, 50, 0, 2, true, 2},
			// Four at 50 (level 3) and one at 40 (level 2): the mean 48 is
			// level 2; the lower median of the respondent levels would be 3.
			{[][5]int{{3, 3, 3, 3, 3}, {3, 3, 3, 3, 3}, {3, 3, 3, 3, 3}, {3, 3, 3, 3, 3}, {3, 3, 3, 2, 2}}, 2, 48, 1, 1, false, 5},
		}, 2, 49, 1, 2, [5]int{2, 2, 2, 3, 3}},
		{"a team mean exactly on a boundary in decimals, just under it in binary", 3, 2, []team{
			// 0 and 66.67 (11/3 − 1)·25: the mean is 100/3, where level 2
			// starts on 3 levels; in float64 100/3·3/100 is 0.9999999999999999.
			{[][5]int{{1, 1, 1, 0, 0}, {4, 4, 3, 0, 0}}, 2, 33.3, 0, 2, true, 2},
		}, 2, 33.3, 0, 1, [5]int{2, 2, 2, 2, 2}},
		{"teams at 25, 25 and 100: the organization is at 50", 4, 4, []team{
			{[][5]int{{2, 2, 2, 2, 2}}, 2, 25, 2, 0, false, 1},
			{[][5]int{{2, 2, 2, 2, 2}}, 2, 25, 2, 0, false, 1},
			{[][5]int{{5, 5, 5, 5, 5}}, 4, 100, 0, 0, false, 1},
		}, 3, 50, 1, 3, [5]int{2, 2, 2, 4, 4}},
		{"each team weighs the same, whatever its respondents", 4, 3, []team{
			{[][5]int{{5, 5, 5, 5, 5}, {5, 5, 5, 5, 5}, {5, 5, 5, 5, 5}}, 4, 100, 0, 0, false, 3},
			{[][5]int{{1, 1, 1, 1, 1}}, 1, 0, 2, 0, false, 1},
		}, 3, 50, 0, 2, [5]int{1, 1, 1, 4, 4}},
		{"a team without applicable answers is left out", 4, 4, []team{
			{[][5]int{{3, 3, 3, 3, 3}}, 3, 50, 1, 0, false, 1},
			{[][5]int{{0, 0, 0, 0, 0}}, 0, 0, 0, 0, false, 0},
		}, 3, 50, 1, 1, [5]int{3, 3, 3, 3, 3}},
	}
	keys := [5]string{"a", "b", "c", "e", "f"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := questionnaire(questionnaires.ScaleLikert, tt.levels, 0, dim("d", 1, qu("a"), qu("b"), qu("c"), qu("e"), qu("f")))
			in := scoring.Input{Questionnaire: q, Targets: scoring.Targets{Default: tt.target}}
			id := int64(1)
			for ti, tm := range tt.teams {
				teamID := int64(100 + ti)
				in.Teams = append(in.Teams, scoring.Team{ID: teamID, Name: "t"})
				for _, values := range tm.answers {
					var answers []scoring.Answer
					for i, v := range values {
						if v == 0 {
							answers = append(answers, na(keys[i]))
						} else {
							answers = append(answers, lk(keys[i], v))
						}
					}
					in.Responses = append(in.Responses, resp(id, teamID, answers...))
					id++
				}
			}
			res := mustScore(t, in)
			nullable := func(v int) *int {
				if v == 0 {
					return nil
				}
				return ip(v)
			}
			for ti, tm := range tt.teams {
				got := res.Teams[ti].Dimensions[0]
				want := scoring.TeamDimension{Key: "d", Target: tt.target, Respondents: tm.respondent}
				if tm.level != 0 {
					want.Level, want.Score, want.Gap = ip(tm.level), fp(tm.score), ip(tm.gap)
					want.Spread, want.Disagreement = ip(tm.spread), new(tm.disagree)
				}
				if !eqPtr(got.Level, want.Level) || !eqPtr(got.Score, want.Score) || !eqPtr(got.Gap, want.Gap) || got.Target != want.Target ||
					!eqPtr(got.Spread, want.Spread) || !eqPtr(got.Disagreement, want.Disagreement) || got.Respondents != want.Respondents {
					t.Errorf("team %d: level %s score %s target %d gap %s spread %s disagreement %s respondents %d, want %s %s %d %s %s %s %d",
						ti, show(got.Level), show(got.Score), got.Target, show(got.Gap), show(got.Spread), show(got.Disagreement), got.Respondents,
						show(want.Level), show(want.Score), want.Target, show(want.Gap), show(want.Spread), show(want.Disagreement), want.Respondents)
				}
			}
			got := res.Dimensions[0]
			if !eqPtr(got.Level, nullable(tt.wantLevel)) || !eqPtr(got.Score, fp(tt.wantScore)) || !eqPtr(got.Gap, ip(tt.wantGap)) || got.Teams != tt.wantTeams {
				t.Errorf("organization: level %s score %s gap %s teams %d, want %d %v %d %d",
					show(got.Level), show(got.Score), show(got.Gap), got.Teams, tt.wantLevel, tt.wantScore, tt.wantGap, tt.wantTeams)
			}
			d := got.Distribution
			for i, p := range []*int{d.Min, d.P25, d.Median, d.P75, d.Max} {
				if !eqPtr(p, ip(tt.wantDist[i])) {
					t.Errorf("distribution[%d] = %s, want %d", i, show(p), tt.wantDist[i])
				}
			}
		})
	}
}
