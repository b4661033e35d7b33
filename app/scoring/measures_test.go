package scoring_test

import (
	"os"
	"path/filepath"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// withMeasures adds an nps, a number and a text question to every dimension
// of in's questionnaire and answers them in every response: scoring must
// ignore them and give the golden bytes unchanged.
func withMeasures(in scoring.Input) scoring.Input {
	lo, hi := 0.0, 100.0
	for i := range in.Questionnaire.Dimensions {
		d := &in.Questionnaire.Dimensions[i]
		k := d.Key
		d.Questions = append([]questionnaires.Question{{Key: k + "-nps", Type: questionnaires.TypeNPS}},
			append(d.Questions,
				questionnaires.Question{Key: k + "-days", Type: questionnaires.TypeNumber, Unit: "days", Min: &lo, Max: &hi},
				questionnaires.Question{Key: k + "-text", Type: questionnaires.TypeText})...)
		for r := range in.Responses {
			// Measures answers carry no level or likert value: the
			// stored number and text live elsewhere.
			in.Responses[r].Answers = append([]scoring.Answer{{Question: k + "-nps"}}, append(in.Responses[r].Answers,
				scoring.Answer{Question: k + "-days"}, scoring.Answer{Question: k + "-text", NA: true})...)
		}
	}
	return in
}

func TestMeasuresDoNotChangeScores(t *testing.T) {
	for file, in := range map[string]scoring.Input{"level.golden": goldenLevelInput(), "likert.golden": goldenLikertInput()} {
		t.Run(file, func(t *testing.T) {
			got := mustJSON(t, mustScore(t, withMeasures(in))) + "\n"
			want, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("measures changed the result:\n%s", lineDiff(got, string(want)))
			}
		})
	}
}
