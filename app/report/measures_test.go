package report

import (
	"testing"

	"gapmap/app/measures"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

func TestMeasureLines(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	nps := measures.Question{Key: "rec", Type: questionnaires.TypeNPS, Text: "Would you recommend it?"}
	days := measures.Question{Key: "days", Type: questionnaires.TypeNumber, Text: "Days to the first deploy?", Unit: "days"}
	org := []measures.Measure{
		{Question: "rec", Type: nps.Type, N: 6, NPS: &measures.NPS{Score: f(33.3), Promoters: 3, Passives: 2, Detractors: 1}},
		{Question: "days", Type: days.Type, N: 4, Number: &measures.Quartiles{Min: f(1), P25: f(2.5), Median: f(4), P75: f(6.25), Max: f(9)}},
	}
	res := &scoring.Result{Measures: &measures.Summary{Questions: []measures.Question{nps, days}, Organization: org},
		Teams: []scoring.TeamResult{
			{ID: 1, Measures: []measures.Measure{{Question: "rec", Type: nps.Type, N: 2, NPS: &measures.NPS{Score: f(-50), Detractors: 1, Passives: 1}}}},
			{ID: 2, Withheld: true, Respondents: 2},
		}}
	tests := []struct {
		name string
		team *scoring.TeamResult
		want []string
	}{
		{"organization", nil, []string{
			"NPS +33.3: 3 promoters, 2 passives and 1 detractor of 6 answers.",
			"Median 4 days; half of the answers lie between 2.5 and 6.25, all between 1 and 9 (4 answers).",
		}},
		{"team", &res.Teams[0], []string{"NPS −50: 0 promoters, 1 passive and 1 detractor of 2 answers.", "No answers yet."}},
		{"withheld team", &res.Teams[1], nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines := MeasureLines(res, tc.team)
			if len(lines) != len(tc.want) {
				t.Fatalf("%d lines, want %d: %+v", len(lines), len(tc.want), lines)
			}
			for i, l := range lines {
				if l.Result != tc.want[i] {
					t.Errorf("line %d = %q, want %q", i, l.Result, tc.want[i])
				}
			}
		})
	}
	if got := MeasureLines(&scoring.Result{}, nil); got != nil {
		t.Errorf("a result without measures gives %v", got)
	}
}
