package store_test

import (
	"context"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
	"gapmap/questionnaires"
)

func TestSeedResponses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, _, other, _ := twoOrgs(t, s)
		teams, err := s.SeedTeams(ctx, org.ID, []string{"Payments", "Search", "Outsider"})
		if err != nil {
			t.Fatal(err)
		}
		if len(teams) != 3 || teams[0].ID == 0 || teams[2].Name != "Outsider" {
			t.Fatalf("SeedTeams = %+v, want three stored teams in order", teams)
		}
		if _, err := s.SeedTeams(ctx, org.ID, []string{"New", "Payments"}); apperr.Code(err) != apperr.EInvalid {
			t.Fatalf("SeedTeams with a taken name: %v, want %s", err, apperr.EInvalid)
		}
		if got := teamNames(t, s, org.ID); len(got) != 3 {
			t.Fatalf("teams after a failed seed = %v, want the three first ones only", got)
		}
		shipped, err := questionnaires.Shipped()
		if err != nil {
			t.Fatal(err)
		}
		q := shipped[0]
		a, err := s.CreateAssessment(ctx, org.ID, store.AssessmentInput{Name: "Q1",
			Questionnaires: []store.QuestionnaireChoice{{Q: q}}, TeamIDs: []int64{teams[0].ID, teams[1].ID}})
		if err != nil {
			t.Fatal(err)
		}
		opt, level := q.Dimensions[0].Questions[0].Options[1].Key, q.Dimensions[0].Questions[0].Options[1].Level
		answers := []store.SeedAnswer{
			{Questionnaire: q.Key, Question: q.Dimensions[0].Questions[0].Key, Option: &opt, Level: &level, Comment: "runbook"},
			{Questionnaire: q.Key, Question: q.Dimensions[0].Questions[1].Key, NA: true},
		}

		tests := []struct {
			name       string
			orgID      int64
			rs         []store.SeedResponse
			code       string
			wantStatus []string
		}{
			{name: "submitted and draft", orgID: org.ID, rs: []store.SeedResponse{
				{TeamID: teams[0].ID, Label: " lead ", Submitted: true, Answers: answers},
				{TeamID: teams[1].ID, Answers: answers[:1]},
				{TeamID: teams[1].ID},
			}, wantStatus: []string{models.ResponseSubmitted, models.ResponseDraft, models.ResponseDraft}},
			{name: "team outside the round", orgID: org.ID, rs: []store.SeedResponse{
				{TeamID: teams[0].ID, Submitted: true, Answers: answers},
				{TeamID: teams[2].ID, Submitted: true},
			}, code: apperr.EInvalid},
			{name: "another organization's round", orgID: other.ID, rs: []store.SeedResponse{{TeamID: teams[0].ID}}, code: apperr.ENotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before, err := s.Invitations(ctx, org.ID, a.ID, nil)
				if err != nil {
					t.Fatal(err)
				}
				tokens, err := s.SeedResponses(ctx, tc.orgID, a.ID, tc.rs)
				if tc.code != "" {
					if apperr.Code(err) != tc.code {
						t.Fatalf("SeedResponses: %v, want %s", err, tc.code)
					}
					after, err := s.Invitations(ctx, org.ID, a.ID, nil)
					if err != nil {
						t.Fatal(err)
					}
					if len(after) != len(before) {
						t.Fatalf("a failed seed stored %d invitations", len(after)-len(before))
					}
					return
				}
				if err != nil {
					t.Fatalf("SeedResponses: %v", err)
				}
				if len(tokens) != len(tc.rs) {
					t.Fatalf("%d tokens for %d responses", len(tokens), len(tc.rs))
				}
				for i, tok := range tokens {
					sv, err := s.SurveyByToken(ctx, tok)
					if err != nil {
						t.Fatalf("token %d does not open its survey: %v", i, err)
					}
					if sv.TeamID != tc.rs[i].TeamID || sv.Status != tc.wantStatus[i] || sv.AssessmentID != a.ID {
						t.Errorf("survey %d = team %d, status %s, round %d; want team %d, %s, round %d",
							i, sv.TeamID, sv.Status, sv.AssessmentID, tc.rs[i].TeamID, tc.wantStatus[i], a.ID)
					}
					if (sv.Status == models.ResponseSubmitted) != (sv.SubmittedAt != nil) {
						t.Errorf("survey %d: status %s with submitted_at %v", i, sv.Status, sv.SubmittedAt)
					}
					got, err := s.Answers(ctx, sv.ResponseID)
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != len(tc.rs[i].Answers) {
						t.Fatalf("survey %d has %d answers, want %d", i, len(got), len(tc.rs[i].Answers))
					}
					want := map[string]store.SeedAnswer{}
					for _, w := range tc.rs[i].Answers {
						want[w.Question] = w
					}
					for _, g := range got {
						w, ok := want[g.QuestionKey]
						if !ok || g.NA != w.NA || g.Comment != w.Comment || (w.Option != nil) != (g.OptionKey != nil) || (w.Level != nil) != (g.Level != nil) {
							t.Errorf("survey %d: stored answer %+v, want %+v", i, g, w)
						}
					}
				}
			})
		}
	})
}
