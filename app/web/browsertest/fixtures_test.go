package browsertest_test

import (
	"context"
	"slices"
	"testing"

	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// btRoundSpec says what btSeedRound creates: an organization whose owner
// signs in as Email with svPassword, one team, and one round of that team
// over the shipped questionnaires of Questionnaires (nil: all of them).
type btRoundSpec struct {
	Org, Email, Team, Round string
	Questionnaires          []string
}

// btRound is what btSeedRound created.
type btRound struct {
	Org   *models.Org
	Team  *models.Team
	Round *store.AssessmentInfo
	Qs    []*questionnaires.Questionnaire // the round's, in shipped order
}

// btSeedRound signs up an organization, creates its team and starts a
// round of that team, as spec says.
func btSeedRound(t *testing.T, srv *btServer, spec btRoundSpec) btRound {
	t.Helper()
	ctx := context.Background()
	st := srv.Store
	org, _, err := st.SignUp(ctx, spec.Org, spec.Email, svPassword)
	if err != nil {
		t.Fatal(err)
	}
	team, err := st.CreateTeam(ctx, org.ID, spec.Team)
	if err != nil {
		t.Fatal(err)
	}
	var choices []store.QuestionnaireChoice
	var qs []*questionnaires.Questionnaire
	for _, q := range srv.Shipped {
		if spec.Questionnaires == nil || slices.Contains(spec.Questionnaires, q.Key) {
			choices = append(choices, store.QuestionnaireChoice{Q: q})
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		t.Fatalf("no shipped questionnaire among %q", spec.Questionnaires)
	}
	a, err := st.CreateAssessment(ctx, org.ID, store.AssessmentInput{Name: spec.Round, Questionnaires: choices, TeamIDs: []int64{team.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return btRound{Org: org, Team: team, Round: a, Qs: qs}
}
