package charts_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"gapmap/app/charts"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// BenchmarkDashboard500Teams shapes the five charts of one questionnaire for
// 500 teams × 7 dimensions from a stored result, three rounds of trend, and
// encodes their options as a page would.
func BenchmarkDashboard500Teams(b *testing.B) {
	var dims []string
	for i := 0; i < 7; i++ {
		dims = append(dims, fmt.Sprintf("d%d:Dimension %d:1", i, i))
	}
	q := questionnaire(questionnaires.ScaleLevel, dims...)
	r := &scoring.Result{Key: q.Key, Overall: scoring.Overall{Level: ip(2), Score: fp(2.5)}}
	for i, d := range q.Dimensions {
		r.Dimensions = append(r.Dimensions, scoring.DimensionResult{Key: d.Key, Title: d.Title, Weight: 1, Level: ip(1 + i%5), Score: fp(2.2), Target: 3, Gap: ip(1),
			Distribution: scoring.Distribution{Min: ip(1), P25: ip(2), Median: ip(2), P75: ip(3), Max: ip(5)}})
	}
	for t := 0; t < 500; t++ {
		tr := scoring.TeamResult{ID: int64(t + 1), Name: fmt.Sprintf("Team %03d", t), Respondents: 3}
		for i, d := range q.Dimensions {
			tr.Dimensions = append(tr.Dimensions, scoring.TeamDimension{Key: d.Key, Level: ip(1 + (t+i)%5), Score: fp(2.5), Target: 3, Gap: ip(1), Spread: ip(t % 3), Disagreement: bp(t%3 == 2)})
		}
		r.Teams = append(r.Teams, tr)
	}
	history := []charts.RoundResult{{Name: "Q1", Result: r}, {Name: "Q2", Result: r}, {Name: "Q3", Result: r}}
	b.ReportAllocs()
	for b.Loop() {
		d := charts.NewDashboard("q0", q, r, history)
		for _, c := range d.Charts {
			if _, err := json.Marshal(c.Option); err != nil {
				b.Fatal(err)
			}
		}
	}
}
