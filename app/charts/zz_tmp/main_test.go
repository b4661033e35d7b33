package chk

import (
	"encoding/json"
	"fmt"
	"testing"

	"gapmap/app/charts"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

func TestDump(t *testing.T) {
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	q := qs[0]
	in := scoring.Input{Questionnaire: q, Teams: []scoring.Team{{ID: 1, Name: "A</script>"}, {ID: 2, Name: "B"}}, Targets: scoring.Targets{Default: 3}}
	for i, tid := range []int64{1, 1, 2} {
		var ans []scoring.Answer
		for _, d := range q.Dimensions {
			for _, qq := range d.Questions {
				ans = append(ans, scoring.Answer{Question: qq.Key, Level: 1 + (i*2+len(qq.Key))%5, Value: 1 + (i+len(qq.Key))%5})
			}
		}
		in.Responses = append(in.Responses, scoring.Response{ID: int64(i + 1), TeamID: tid, Answers: ans})
	}
	r, err := scoring.Score(in)
	if err != nil {
		t.Fatal(err)
	}
	d := charts.NewDashboard("q0", q, r, []charts.RoundResult{{Name: "Q1", Result: r}})
	for _, c := range d.Charts {
		b, _ := json.MarshalIndent(c.Option, "", " ")
		fmt.Println(c.ID, string(b))
	}
}
