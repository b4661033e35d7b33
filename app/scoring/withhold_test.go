package scoring_test

import (
	"encoding/json"
	"maps"
	"testing"

	"gapmap/app/scoring"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		name         string
		minGroup     int
		teams        []int64
		counts       map[int64]int
		wantWithheld map[int64]int
		wantTotal    int
		wantExcluded bool
	}{
		{"named round withholds nothing", 0, []int64{1, 2}, map[int64]int{1: 1, 2: 0}, map[int64]int{}, 0, false},
		{"every team at the minimum", 5, []int64{1, 2}, map[int64]int{1: 5, 2: 9}, map[int64]int{}, 0, false},
		{"one short team is withheld and left out of the organization", 5, []int64{1, 2}, map[int64]int{1: 8, 2: 3}, map[int64]int{2: 3}, 3, true},
		{"one below the minimum is withheld", 5, []int64{1, 2}, map[int64]int{1: 8, 2: 4}, map[int64]int{2: 4}, 4, true},
		{"two short teams together reach the minimum: they stay in the organization", 5, []int64{1, 2, 3}, map[int64]int{1: 8, 2: 3, 3: 2}, map[int64]int{2: 3, 3: 2}, 5, false},
		{"two short teams together below the minimum", 5, []int64{1, 2, 3}, map[int64]int{1: 8, 2: 2, 3: 2}, map[int64]int{2: 2, 3: 2}, 4, true},
		{"a team without responses is withheld, with nothing to leave out", 5, []int64{1, 2}, map[int64]int{1: 6}, map[int64]int{2: 0}, 0, false},
		{"every team short and together enough", 3, []int64{1, 2}, map[int64]int{1: 2, 2: 2}, map[int64]int{1: 2, 2: 2}, 4, false},
		{"every team short and together too few", 5, []int64{1, 2}, map[int64]int{1: 2, 2: 2}, map[int64]int{1: 2, 2: 2}, 4, true},
		{"responses of teams outside the round are ignored", 5, []int64{1}, map[int64]int{1: 5, 9: 1}, map[int64]int{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := scoring.Decide(tt.minGroup, tt.teams, tt.counts)
			if !maps.Equal(d.Withheld, tt.wantWithheld) || d.Total != tt.wantTotal || d.Excluded != tt.wantExcluded {
				t.Errorf("Decide = withheld %v, total %d, excluded %v; want %v, %d, %v",
					d.Withheld, d.Total, d.Excluded, tt.wantWithheld, tt.wantTotal, tt.wantExcluded)
			}
		})
	}
}

// TestScoreAnonymous checks what a withheld team and the organization
// carry: the short team's object has exactly four members, and the
// organization's figures equal those of the visible teams alone when the
// withheld responses are left out, or of the visible teams plus one merged
// group otherwise.
func TestScoreAnonymous(t *testing.T) {
	q := questionnaire("level", 4, 0.75, dim("d1", 1, qu("a")), dim("d2", 1, qu("b")))
	answers := func(id, team int64, l int) scoring.Response { return resp(id, team, lv("a", l), lv("b", l)) }
	var big []scoring.Response
	for i := range 8 {
		big = append(big, answers(int64(100+i), 1, 2))
	}
	small := []scoring.Response{answers(200, 2, 4), answers(201, 2, 4), answers(202, 2, 4)}
	other := []scoring.Response{answers(300, 3, 1), answers(301, 3, 1)}

	tests := []struct {
		name      string
		teams     []int64
		responses [][]scoring.Response
		wantLevel int // of the organization in d1
		wantTeams int // teams counted in d1's figures
		withheld  scoring.Withholding
	}{
		{"8 and 3: the 3 are left out", []int64{1, 2}, [][]scoring.Response{big, small}, 2, 1,
			scoring.Withholding{MinGroup: 5, Teams: 1, Respondents: 3, Excluded: true}},
		{"8, 3 and 2: the 5 count as one group", []int64{1, 2, 3}, [][]scoring.Response{big, small, other}, 2, 2,
			scoring.Withholding{MinGroup: 5, Teams: 2, Respondents: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := scoring.Input{Questionnaire: q, Teams: teams(tt.teams...), Targets: scoring.Targets{Default: 3}}
			for _, rs := range tt.responses {
				in.Responses = append(in.Responses, rs...)
			}
			r, err := scoring.ScoreAnonymous(in, 5)
			if err != nil {
				t.Fatal(err)
			}
			if *r.Withholding != tt.withheld {
				t.Errorf("withholding = %+v, want %+v", *r.Withholding, tt.withheld)
			}
			if len(r.Teams) != len(tt.teams) {
				t.Fatalf("%d teams, want %d (the merged group never shows)", len(r.Teams), len(tt.teams))
			}
			if r.Teams[0].Withheld || r.Teams[0].Overall.Level == nil {
				t.Errorf("team 1 (8 responses) = %+v, want shown with a level", r.Teams[0])
			}
			js, err := json.Marshal(r.Teams[1])
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"id":2,"name":"Team 2","respondents":3,"withheld":true}`; string(js) != want {
				t.Errorf("withheld team = %s, want %s", js, want)
			}
			d := r.Dimension("d1")
			if d.Level == nil || *d.Level != tt.wantLevel || d.Teams != tt.wantTeams {
				t.Errorf("organization d1 = level %s over %d teams, want %d over %d", show(d.Level), d.Teams, tt.wantLevel, tt.wantTeams)
			}
			for _, b := range d.Blocking {
				if b.Teams > tt.wantTeams {
					t.Errorf("blocking %+v counts more teams than the figures hold", b)
				}
			}
		})
	}
}
