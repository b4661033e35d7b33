package measures_test

import (
	"encoding/json"
	"testing"

	"gapmap/app/measures"
	"gapmap/questionnaires"
)

var (
	npsQ = measures.Question{Key: "recommend", Type: questionnaires.TypeNPS}
	numQ = measures.Question{Key: "days", Type: questionnaires.TypeNumber, Unit: "days"}
)

func fp(v float64) *float64 { return &v }

func TestNPS(t *testing.T) {
	tests := []struct {
		name                  string
		values                []float64
		score                 *float64
		promoters, pass, detr int
		dist                  [11]int
	}{
		// 4 promoters (10, 9, 9, 10), 2 passives (8, 7), 4 detractors (6, 3, 0, 5): 40 % − 40 % = 0.
		{"balanced", []float64{10, 9, 9, 8, 7, 6, 3, 0, 10, 5}, fp(0), 4, 2, 4, [11]int{1, 0, 0, 1, 0, 1, 1, 1, 1, 2, 2}},
		// 3 of 5 promote, 1 of 5 detracts: 60 − 20 = 40.
		{"positive", []float64{10, 10, 9, 7, 2}, fp(40), 3, 1, 1, [11]int{0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 2}},
		// 1 of 3 promotes, 2 of 3 detract: 33.33 − 66.67 = −33.3.
		{"negative, rounded", []float64{9, 6, 6}, fp(-33.3), 1, 0, 2, [11]int{0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0}},
		{"all detractors", []float64{0, 6}, fp(-100), 0, 0, 2, [11]int{1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}},
		{"no answers", nil, nil, 0, 0, 0, [11]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := measures.Of(npsQ, tt.values)
			if m.N != len(tt.values) || m.NPS == nil || m.Number != nil {
				t.Fatalf("measure = %+v, want n %d with nps only", m, len(tt.values))
			}
			got := m.NPS
			if !eq(got.Score, tt.score) || got.Promoters != tt.promoters || got.Passives != tt.pass || got.Detractors != tt.detr || got.Distribution != tt.dist {
				t.Errorf("nps = %s %d/%d/%d %v, want %s %d/%d/%d %v", show(got.Score), got.Promoters, got.Passives, got.Detractors, got.Distribution,
					show(tt.score), tt.promoters, tt.pass, tt.detr, tt.dist)
			}
		})
	}
}

func TestQuartiles(t *testing.T) {
	tests := []struct {
		name                      string
		values                    []float64
		min, p25, median, p75, mx *float64
	}{
		// Sorted 1 2 3 4: h = 0.75, 1.5, 2.25.
		{"four", []float64{4, 1, 3, 2}, fp(1), fp(1.75), fp(2.5), fp(3.25), fp(4)},
		// Sorted 1 3 7 9 15: h = 1, 2, 3 fall on ranks.
		{"five", []float64{7, 3, 15, 1, 9}, fp(1), fp(3), fp(7), fp(9), fp(15)},
		// Sorted 2 4 4 6 8 10: h = 1.25 → 4; 2.5 → 4 + 0.5·2 = 5; 3.75 → 6 + 0.75·2 = 7.5.
		{"six with a tie", []float64{2, 10, 4, 4, 8, 6}, fp(2), fp(4), fp(5), fp(7.5), fp(10)},
		// h = 0.5 → 0.5 + 0.5·0.75 = 0.875 → 0.88; 1.5 → 1.25 + 0.5·0.75 = 1.625 → 1.63.
		{"fractions, rounded", []float64{2, 0.5, 1.25}, fp(0.5), fp(0.88), fp(1.25), fp(1.63), fp(2)},
		{"one", []float64{5}, fp(5), fp(5), fp(5), fp(5), fp(5)},
		{"none", nil, nil, nil, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := measures.Of(numQ, tt.values)
			if m.N != len(tt.values) || m.Number == nil || m.NPS != nil {
				t.Fatalf("measure = %+v, want n %d with number only", m, len(tt.values))
			}
			q := m.Number
			if !eq(q.Min, tt.min) || !eq(q.P25, tt.p25) || !eq(q.Median, tt.median) || !eq(q.P75, tt.p75) || !eq(q.Max, tt.mx) {
				t.Errorf("quartiles = %s %s %s %s %s, want %s %s %s %s %s",
					show(q.Min), show(q.P25), show(q.Median), show(q.P75), show(q.Max),
					show(tt.min), show(tt.p25), show(tt.median), show(tt.p75), show(tt.mx))
			}
		})
	}
	// The input is not reordered.
	in := []float64{3, 1, 2}
	measures.Of(numQ, in)
	if in[0] != 3 || in[1] != 1 {
		t.Errorf("Of sorted its input: %v", in)
	}
}

func TestSamplesTeamsAndOrganization(t *testing.T) {
	lo, hi := 0.0, 365.0
	q := &questionnaires.Questionnaire{Dimensions: []questionnaires.Dimension{{Key: "dx", Questions: []questionnaires.Question{
		{Key: "scored"},
		{Key: "recommend", Type: questionnaires.TypeNPS, Text: "Recommend?"},
		{Key: "wish", Type: questionnaires.TypeText},
		{Key: "days", Type: questionnaires.TypeNumber, Unit: "days", Min: &lo, Max: &hi},
	}}}}
	s := measures.NewSamples(q)
	if len(s.Questions) != 2 || s.Questions[0].Key != "recommend" || s.Questions[1].Key != "days" || s.Questions[1].Dimension != "dx" {
		t.Fatalf("questions = %+v, want recommend and days", s.Questions)
	}
	for _, v := range []float64{10, 9, 3} {
		s.Add(1, "recommend", v)
	}
	for _, v := range []float64{6, 7} {
		s.Add(2, "recommend", v)
	}
	for _, v := range []float64{10, 20} {
		s.Add(1, "days", v)
	}
	s.Add(2, "days", 40)
	s.Add(2, "wish", 1)    // not measured: ignored
	s.Add(2, "unknown", 1) // ignored

	team1, team2, none := s.Team(1), s.Team(2), s.Team(3)
	// Team 1: 2 promoters, 1 detractor of 3 → 33.3; days 10, 20 → median 15.
	if *team1[0].NPS.Score != 33.3 || *team1[1].Number.Median != 15 || team1[1].N != 2 {
		t.Errorf("team 1 = %s", js(team1))
	}
	// Team 2: 1 passive, 1 detractor → −50; days 40.
	if *team2[0].NPS.Score != -50 || *team2[1].Number.Median != 40 {
		t.Errorf("team 2 = %s", js(team2))
	}
	if none[0].N != 0 || none[0].NPS.Score != nil || none[1].Number.Median != nil {
		t.Errorf("a team without answers = %s", js(none))
	}
	// Everyone: 10 9 3 6 7 → 2 promoters, 2 detractors of 5 → 0; days 10 20 40 → median 20, p25 15, p75 30.
	org := s.Organization(nil)
	if *org[0].NPS.Score != 0 || org[0].N != 5 || *org[1].Number.Median != 20 || *org[1].Number.P25 != 15 || *org[1].Number.P75 != 30 {
		t.Errorf("organization = %s", js(org))
	}
	// Without team 2 the organization is team 1.
	only1 := s.Organization(func(id int64) bool { return id != 2 })
	if js(only1) != js(team1) {
		t.Errorf("organization without team 2 = %s, want team 1's %s", js(only1), js(team1))
	}
}

func eq(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func show(p *float64) string {
	if p == nil {
		return "null"
	}
	return js(*p)
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
