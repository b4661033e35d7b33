package scoring_test

import (
	"testing"

	"gapmap/app/scoring"
)

func TestResultLookups(t *testing.T) {
	r := &scoring.Result{
		Dimensions: []scoring.DimensionResult{{Key: "a"}, {Key: "b"}},
		Teams:      []scoring.TeamResult{{ID: 7, Dimensions: []scoring.TeamDimension{{Key: "b"}}}, {ID: 9}},
	}
	if d := r.Dimension("b"); d == nil || d.Key != "b" {
		t.Errorf("Dimension(b) = %v", d)
	}
	if r.Dimension("z") != nil {
		t.Errorf("Dimension(z) found a dimension")
	}
	tm := r.Team(7)
	if tm == nil || tm.ID != 7 {
		t.Fatalf("Team(7) = %v", tm)
	}
	if d := tm.Dimension("b"); d == nil || d.Key != "b" {
		t.Errorf("Team(7).Dimension(b) = %v", d)
	}
	if r.Team(8) != nil {
		t.Errorf("Team(8) found a team")
	}
	var none *scoring.Result
	if none.Team(7) != nil || none.Dimension("a") != nil || none.Team(7).Dimension("a") != nil {
		t.Errorf("lookups on a nil result must give nil")
	}
}
