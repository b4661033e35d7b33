package scoring_test

import (
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// TestDefinitionChanged: the previous-round block says when a dimension's
// scored questions or weights differ between the two versions.
func TestDefinitionChanged(t *testing.T) {
	current := func() *questionnaires.Questionnaire {
		return questionnaire(questionnaires.ScaleLevel, 3, 0.75,
			dim("build", 1, qu("a"), qu("b"), qu("c")),
			dim("run", 1, qu("d"), qu("e"), qu("f")),
		)
	}
	tests := []struct {
		name string
		prev *questionnaires.Questionnaire
		want bool // for build; run never changes
	}{
		{"no previous definition", nil, false},
		{"same definition", current(), false},
		{"same questions in another order", questionnaire(questionnaires.ScaleLevel, 3, 0.75,
			dim("build", 1, qu("c"), qu("a"), qu("b")), dim("run", 1, qu("d"), qu("e"), qu("f"))), false},
		{"explicit default weight", questionnaire(questionnaires.ScaleLevel, 3, 0.75,
			dim("build", 1, qw("a", 1), qu("b"), qu("c")), dim("run", 1, qu("d"), qu("e"), qu("f"))), false},
		{"a question added", questionnaire(questionnaires.ScaleLevel, 3, 0.75,
			dim("build", 1, qu("a"), qu("b")), dim("run", 1, qu("d"), qu("e"), qu("f"))), true},
		{"a question replaced", questionnaire(questionnaires.ScaleLevel, 3, 0.75,
			dim("build", 1, qu("a"), qu("b"), qu("x")), dim("run", 1, qu("d"), qu("e"), qu("f"))), true},
		{"a question weight", questionnaire(questionnaires.ScaleLevel, 3, 0.75,
			dim("build", 1, qu("a"), qw("b", 2), qu("c")), dim("run", 1, qu("d"), qu("e"), qu("f"))), true},
		{"the dimension weight", questionnaire(questionnaires.ScaleLevel, 3, 0.75,
			dim("build", 2, qu("a"), qu("b"), qu("c")), dim("run", 1, qu("d"), qu("e"), qu("f"))), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := current()
			res := mustScore(t, scoring.Input{
				Questionnaire: q,
				Teams:         teams(1),
				Targets:       scoring.Targets{Default: 2},
				Responses:     []scoring.Response{resp(1, 1, lv("a", 2), lv("b", 2), lv("c", 2), lv("d", 3), lv("e", 3), lv("f", 3))},
				Previous: &scoring.Result{Key: q.Key, Dimensions: []scoring.DimensionResult{
					{Key: "build", Level: ip(1), Score: fp(1.5)}, {Key: "run", Level: ip(2), Score: fp(2)},
				}},
				PreviousQuestionnaire: tt.prev,
			})
			if got := res.Dimensions[0].Previous.DefinitionChanged; got != tt.want {
				t.Errorf("build: definition_changed %v, want %v", got, tt.want)
			}
			if res.Dimensions[1].Previous.DefinitionChanged {
				t.Errorf("run: definition_changed, want unchanged")
			}
			if res.Dimensions[0].Change == nil || res.Dimensions[0].Change.DefinitionChanged {
				t.Errorf("change block %+v: the mark belongs to the previous block only", res.Dimensions[0].Change)
			}
		})
	}
}
