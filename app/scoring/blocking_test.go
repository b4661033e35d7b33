package scoring_test

import (
	"fmt"
	"strings"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

func teamBlocking(b []scoring.TeamBlocking) string {
	var out []string
	for _, x := range b {
		out = append(out, fmt.Sprintf("%s:%d", x.Question, x.Level))
	}
	return strings.Join(out, " ")
}

func orgBlocking(b []scoring.OrgBlocking) string {
	var out []string
	for _, x := range b {
		out = append(out, fmt.Sprintf("%s:%d", x.Question, x.Teams))
	}
	return strings.Join(out, " ")
}

// TestValueBlocking: the blocking questions of the value-based methods,
// worked out by hand from the package documentation on the inputs of
// methods_test.go. Team lists read "question:level", organization lists
// "question:teams"; per dimension in questionnaire order.
func TestValueBlocking(t *testing.T) {
	samm := formatQ(t, "samm")
	mean := formatQ(t, "samm")
	mean.Scoring = questionnaires.ScoringMean
	acts := func(pass float64) scoring.Input {
		q := formatQ(t, "activities")
		q.PassRatio = pass
		return activityInput(q)
	}
	tests := []struct {
		name         string
		in           scoring.Input
		team1, team2 []string
		org          []string
	}{
		// samm: mean option levels of team 1 (respondents 1 and 2):
		// pipe-a1 3, a2 2.5, b1 2, b2 1.5 against next level 2 (the team is
		// at 1): only b2, at ⌊1.5⌋. Deps (level 0, next 1): a1 2.5, b1 3
		// (the N/A left out): none, though the team is at 0. Alerts (1, next
		// 2): 2.5 and 3: none. Team 2 (respondent 3, all at 0): pipeline
		// levels 1, 1, 2, 2: none below 1; deps a1 0 and b1 1; alerts 0, 1.
		{"samm", sammInput(samm),
			[]string{"pipe-b2:1", "", ""},
			[]string{"", "deps-a1:0", "alerts-1:0"},
			[]string{"pipe-b2:1", "deps-a1:1", "alerts-1:1"}},
		// mean reads the option values: team 1 pipeline 0.71875 (level 0,
		// next 1), question means a1 1, a2 0.75, b1 0.625, b2 0.5, lowest
		// first; deps a1 0.75, b1 1; alerts 0.75 and 1. Team 2 pipeline
		// 0.25, 0.25, 0.5, 0.5 (ties in questionnaire order); deps 0, 0.25;
		// alerts 0, 0.25. The organization counts teams per question, ties
		// in questionnaire order.
		{"mean", sammInput(mean),
			[]string{"pipe-b2:0 pipe-b1:0 pipe-a2:0", "deps-a1:0", "alerts-1:0"},
			[]string{"pipe-a1:0 pipe-a2:0 pipe-b1:0 pipe-b2:0", "deps-a1:0 deps-b1:0", "alerts-1:0 alerts-2:0"},
			[]string{"pipe-a2:2 pipe-b1:2 pipe-b2:2 pipe-a1:1", "deps-a1:2 deps-b1:1", "alerts-1:2 alerts-2:1"}},
		// activities, pass ratio 1: team 1 testing at 1 (next 2): the
		// questions of level ≤ 2 someone did not do: coverage (respondent
		// 2), at the "no" option's level 1; mutation-tests (level 3) is
		// left out. Secrets at 1: rotation (respondent 1). Team 2 testing
		// at the top: none; secrets at 1: vault (level 1) before rotation
		// (level 2), short-lived (level 3) left out.
		{"activities pass 1", acts(1),
			[]string{"coverage:1", "rotation:1"},
			[]string{"", "vault:1 rotation:1"},
			[]string{"coverage:1", "rotation:2 vault:1"}},
		// pass ratio 0.75: team 1 testing at the top (3): none; secrets at
		// 2 (next 3): rotation only, short-lived being N/A or done.
		{"activities pass 0.75", acts(0.75),
			[]string{"", "rotation:1"},
			[]string{"", "vault:1 rotation:1"},
			[]string{"", "rotation:2 vault:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustScore(t, tt.in)
			for d := range res.Dimensions {
				key := res.Dimensions[d].Key
				if got := teamBlocking(res.Teams[0].Dimensions[d].Blocking); got != tt.team1[d] {
					t.Errorf("team 1 %s = %q, want %q", key, got, tt.team1[d])
				}
				if got := teamBlocking(res.Teams[1].Dimensions[d].Blocking); got != tt.team2[d] {
					t.Errorf("team 2 %s = %q, want %q", key, got, tt.team2[d])
				}
				if got := orgBlocking(res.Dimensions[d].Blocking); got != tt.org[d] {
					t.Errorf("organization %s = %q, want %q", key, got, tt.org[d])
				}
			}
		})
	}
}
