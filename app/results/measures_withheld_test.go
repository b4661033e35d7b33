package results_test

import (
	"encoding/json"
	"strings"
	"testing"

	"gapmap/app/measures"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// TestMeasuresFollowWithholding checks that the nps statistics of an
// anonymous round obey the same rule as the levels: a withheld team carries
// none, and the organization's leave the withheld teams out exactly when its
// levels do (fewer than min_group withheld responses together).
func TestMeasuresFollowWithholding(t *testing.T) {
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	var dx *questionnaires.Questionnaire
	for _, q := range qs {
		if q.Key == "developer-experience" {
			dx = q
		}
	}
	if dx == nil {
		t.Fatal("developer-experience is not shipped")
	}
	nps := ""
	for _, d := range dx.Dimensions {
		for _, qu := range d.Questions {
			if qu.Type == "nps" {
				nps = qu.Key
			}
		}
	}
	if nps == "" {
		t.Fatal("developer-experience has no nps question")
	}
	ten, zero := 10.0, 0.0
	tests := []struct {
		name    string
		teams   map[int64]int // team id -> responses; team 1 answers 10, the others 0
		wantOrg float64       // organization NPS
		bare    []int64       // teams that must carry no measures
	}{
		{"one small team is left out", map[int64]int{1: 6, 2: 2}, 100, []int64{2}},
		{"small teams together are merged", map[int64]int{1: 6, 2: 3, 3: 3}, 0, []int64{2, 3}},
		{"no team withheld", map[int64]int{1: 5, 2: 5}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &store.ScoringData{
				Assessment:     models.Assessment{ID: 1, DefaultTarget: 3, Targets: "{}", Anonymity: models.AnonymityAnonymous, MinGroup: 5},
				Questionnaires: []store.ScoredQuestionnaire{{Key: dx.Key, Q: dx}},
			}
			var id int64
			for team := int64(1); team <= int64(len(tc.teams)); team++ {
				d.Teams = append(d.Teams, models.Team{ID: team, Name: "Team " + string(rune('A'+team-1))})
				for range tc.teams[team] {
					id++
					v := &zero
					if team == 1 {
						v = &ten
					}
					d.Responses = append(d.Responses, store.SubmittedResponse{ID: id, TeamID: team,
						Answers: []store.ScoredAnswer{{QuestionnaireKey: dx.Key, QuestionKey: nps, Number: v}}})
				}
			}
			rs, err := results.Compute(d)
			if err != nil {
				t.Fatal(err)
			}
			r := rs[0]
			if r.Measures == nil || len(r.Measures.Organization) == 0 {
				t.Fatal("no organization measures")
			}
			var org measures.Measure
			for _, m := range r.Measures.Organization {
				if m.Question == nps {
					org = m
				}
			}
			if org.NPS == nil || org.NPS.Score == nil || *org.NPS.Score != tc.wantOrg {
				t.Fatalf("organization NPS = %+v, want %v", org.NPS, tc.wantOrg)
			}
			for _, team := range tc.bare {
				tr := r.Team(team)
				if tr == nil || !tr.Withheld || tr.Measures != nil {
					t.Errorf("team %d: %+v, want withheld without measures", team, tr)
				}
				js, _ := json.Marshal(tr)
				if strings.Contains(string(js), "measures") {
					t.Errorf("team %d JSON carries measures: %s", team, js)
				}
			}
		})
	}
}
