package scoring_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// benchInput is a round of teams×respondents responses to a 6-dimension,
// 5-level questionnaire with 10 questions per dimension.
func benchInput(nTeams, respondents int) scoring.Input {
	const dims, perDim, levels = 6, 10, 5
	var ds []questionnaires.Dimension
	var keys []string
	for d := range dims {
		var qs []questionnaires.Question
		for i := range perDim {
			k := fmt.Sprintf("d%d-q%d", d, i)
			keys = append(keys, k)
			qs = append(qs, qw(k, float64(1+i%3)))
		}
		ds = append(ds, dim(fmt.Sprintf("d%d", d), float64(1+d%2), qs...))
	}
	in := scoring.Input{
		Questionnaire: questionnaire(questionnaires.ScaleLevel, levels, 0.75, ds...),
		Targets:       scoring.Targets{Default: 3, Overrides: map[string]int{"d0": 4}},
	}
	rng := rand.New(rand.NewPCG(42, 42))
	id := int64(1)
	for t := range nTeams {
		team := int64(t + 1)
		in.Teams = append(in.Teams, scoring.Team{ID: team, Name: fmt.Sprintf("Team %d", team)})
		base := 1 + rng.IntN(levels)
		for range respondents {
			answers := make([]scoring.Answer, len(keys))
			for i, k := range keys {
				if rng.IntN(20) == 0 {
					answers[i] = na(k)
					continue
				}
				answers[i] = lv(k, min(levels, max(1, base+rng.IntN(3)-1)))
			}
			in.Responses = append(in.Responses, scoring.Response{ID: id, TeamID: team, Answers: answers})
			id++
		}
	}
	return in
}

// BenchmarkScore scores 1,000 teams × 5 respondents × 60 questions.
func BenchmarkScore(b *testing.B) {
	in := benchInput(1000, 5)
	answers := 0
	for _, r := range in.Responses {
		answers += len(r.Answers)
	}
	b.ReportAllocs()
	runs := 0
	for b.Loop() {
		if _, err := scoring.Score(in); err != nil {
			b.Fatal(err)
		}
		runs++
	}
	b.ReportMetric(float64(answers*runs)/b.Elapsed().Seconds(), "answers/s")
}
