package scoring_test

import (
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// TestLocalizedScoresUnchanged: scoring the shipped questionnaires in German
// gives the same levels and scores as in English, and Localize turns the
// English result into the German one's labels and back.
func TestLocalizedScoresUnchanged(t *testing.T) {
	shipped, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range shipped {
		t.Run(q.Key, func(t *testing.T) {
			in := scoring.Input{Questionnaire: q, Teams: teams(1, 2), Targets: scoring.Targets{Default: 3}}
			for id := int64(1); id <= 6; id++ {
				r := scoring.Response{ID: id, TeamID: 1 + id%2}
				for i, d := range q.Dimensions {
					for j, qu := range d.Questions {
						switch {
						case !qu.Scored():
						case q.Scale == questionnaires.ScaleLikert:
							r.Answers = append(r.Answers, lk(qu.Key, 1+(int(id)+i+j)%5))
						default:
							o := qu.Options[(int(id)*(i+1)+j)%len(qu.Options)]
							r.Answers = append(r.Answers, scoring.Answer{Question: qu.Key, Option: o.Key, Level: o.Level})
						}
					}
				}
				in.Responses = append(in.Responses, r)
			}
			en := mustScore(t, in)
			de := q.Localized("de")
			in.Questionnaire = de
			got := mustScore(t, in)
			if a, b := mustJSON(t, scoring.Localize(got, q)), mustJSON(t, en); a != b {
				t.Errorf("German result relabelled in English differs from the English result:\n%s\n%s", a, b)
			}
			if a, b := mustJSON(t, scoring.Localize(en, de)), mustJSON(t, got); a != b {
				t.Errorf("English result relabelled in German differs from the German result")
			}
		})
	}
}
