package recommend_test

import (
	"reflect"
	"testing"

	"gapmap/app/recommend"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

func TestInputs(t *testing.T) {
	ip := func(v int) *int { return &v }
	lq := newQ("levels", []string{"delivery", "operations"}, rec("ops-2", "operations", 2, 2, 1))
	kq := newQ("likert", []string{"burden"})
	lres := &scoring.Result{
		Key: "levels",
		Dimensions: []scoring.DimensionResult{
			{Key: "delivery", Weight: 2, Level: ip(2), Target: 4},
			{Key: "operations", Weight: 1.5, Level: ip(2), Target: 3},
		},
		Teams: []scoring.TeamResult{{ID: 1, Name: "Payments", Dimensions: []scoring.TeamDimension{
			{Key: "delivery", Level: ip(3), Target: 4},
			{Key: "operations", Level: ip(1), Target: 3},
		}}},
	}
	kres := &scoring.Result{Key: "likert", Dimensions: []scoring.DimensionResult{{Key: "burden", Weight: 1, Target: 3}}}
	qs := []*questionnaires.Questionnaire{lq, kq}

	type dim struct {
		key    string
		level  int // 0: none
		target int
		weight float64
	}
	flatten := func(ins []recommend.Input) map[string][]dim {
		out := map[string][]dim{}
		for _, in := range ins {
			ds := []dim{}
			for _, d := range in.Dimensions {
				l := 0
				if d.Level != nil {
					l = *d.Level
				}
				ds = append(ds, dim{d.Key, l, d.Target, d.Weight})
			}
			out[in.Questionnaire.Key] = ds
		}
		return out
	}
	tests := []struct {
		name   string
		qs     []*questionnaires.Questionnaire
		rs     []*scoring.Result
		teamID int64
		want   map[string][]dim
	}{
		{"organization", qs, []*scoring.Result{lres, kres}, 0, map[string][]dim{
			"levels": {{"delivery", 2, 4, 2}, {"operations", 2, 3, 1.5}},
			"likert": {{"burden", 0, 3, 1}},
		}},
		{"team levels with the organization's weights", qs, []*scoring.Result{lres, kres}, 1, map[string][]dim{
			"levels": {{"delivery", 3, 4, 2}, {"operations", 1, 3, 1.5}},
			"likert": {},
		}},
		{"absent team", qs, []*scoring.Result{lres, kres}, 99, map[string][]dim{"levels": {}, "likert": {}}},
		{"result not computed yet", qs, []*scoring.Result{nil, kres}, 0, map[string][]dim{"likert": {{"burden", 0, 3, 1}}}},
		{"fewer results than questionnaires", qs, []*scoring.Result{lres}, 0, map[string][]dim{
			"levels": {{"delivery", 2, 4, 2}, {"operations", 2, 3, 1.5}},
		}},
		{"nil questionnaire", []*questionnaires.Questionnaire{nil, kq}, []*scoring.Result{lres, kres}, 0, map[string][]dim{"likert": {{"burden", 0, 3, 1}}}},
	}
	for _, tt := range tests {
		if got := flatten(recommend.Inputs(tt.qs, tt.rs, tt.teamID)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: inputs = %v, want %v", tt.name, got, tt.want)
		}
	}

	// A team's roadmap starts from the team's level: the team is at 1 in
	// operations where the organization is at 2.
	team := recommend.Build(6, recommend.Inputs(qs, []*scoring.Result{lres, kres}, 1))
	if len(team) != 1 || team[0].Key != "ops-2" || team[0].FromLevel != 1 {
		t.Errorf("team roadmap = %+v, want ops-2 from level 1", team)
	}
	if org := recommend.Build(6, recommend.Inputs(qs, []*scoring.Result{lres, kres}, 0)); len(org) != 0 {
		t.Errorf("organization roadmap = %+v, want nothing toward a level it has reached", org)
	}
}

func TestPhaseTitle(t *testing.T) {
	for phase, want := range map[string]string{
		recommend.PhaseNow: "Now", recommend.PhaseNext: "Next", recommend.PhaseLater: "Later", "someday": "someday", "": "",
	} {
		if got := recommend.PhaseTitle(phase); got != want {
			t.Errorf("PhaseTitle(%q) = %q, want %q", phase, got, want)
		}
	}
}
