package demo_test

import (
	"context"
	"slices"
	"testing"

	"gapmap/app/demo"
	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
	"gapmap/questionnaires"
)

func shipped(t *testing.T) []*questionnaires.Questionnaire {
	t.Helper()
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// seeded returns a store holding the demo organization and its rounds,
// oldest first.
func seeded(t *testing.T) (*store.Store, demo.Credentials, []store.AssessmentSummary) {
	t.Helper()
	ctx := context.Background()
	st := storetest.SQLite(t)
	st.PasswordCost = 4
	cred, err := demo.Seed(ctx, st, shipped(t))
	if err != nil {
		t.Fatal(err)
	}
	rounds, err := st.Assessments(ctx, cred.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(rounds)
	return st, cred, rounds
}

func TestSeedCreatesTheDemoOrganization(t *testing.T) {
	ctx := context.Background()
	st, cred, rounds := seeded(t)
	if !cred.Created || cred.Email != demo.Email || cred.Password != demo.Password {
		t.Fatalf("credentials = %+v", cred)
	}
	if _, err := st.Authenticate(ctx, cred.Email, cred.Password); err != nil {
		t.Fatalf("cannot log in with the printed credentials: %v", err)
	}
	teams, err := st.Teams(ctx, cred.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(teams) != 8 {
		t.Fatalf("teams = %d, want 8", len(teams))
	}
	if len(rounds) != 3 {
		t.Fatalf("rounds = %d, want 3", len(rounds))
	}
	for i, r := range rounds {
		wantStatus := models.AssessmentClosed
		if i == len(rounds)-1 {
			wantStatus = models.AssessmentOpen
		}
		if r.Status != wantStatus {
			t.Errorf("round %s status = %s, want %s", r.Name, r.Status, wantStatus)
		}
		if qs := shipped(t); len(r.QuestionnaireKeys) != len(qs) {
			t.Errorf("round %s questionnaires = %v, want all %d shipped", r.Name, r.QuestionnaireKeys, len(qs))
		}
		if r.Progress.Submitted != r.Progress.Invitations || r.Progress.Submitted < 16 || r.Progress.Submitted > 32 {
			t.Errorf("round %s progress = %+v, want 2–4 submitted respondents per team", r.Name, r.Progress)
		}
		if r.Due == nil {
			t.Errorf("round %s has no due date", r.Name)
		}
		if i > 0 && !rounds[i-1].Due.Before(*r.Due) {
			t.Errorf("due dates not quarterly: %v then %v", rounds[i-1].Due, r.Due)
		}
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st, cred, rounds := seeded(t)
	again, err := demo.Seed(ctx, st, shipped(t))
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.OrgID != cred.OrgID {
		t.Fatalf("second seed = %+v, want the same organization, not created", again)
	}
	after, err := st.Assessments(ctx, cred.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(rounds) {
		t.Fatalf("rounds after second seed = %d, want %d", len(after), len(rounds))
	}
	for _, a := range after {
		for _, r := range rounds {
			if r.ID == a.ID && r.Progress != a.Progress {
				t.Errorf("round %s progress changed: %+v -> %+v", a.Name, r.Progress, a.Progress)
			}
		}
	}
	teams, err := st.Teams(ctx, cred.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(teams) != 8 {
		t.Fatalf("teams after second seed = %d, want 8", len(teams))
	}
}

// TestSeedTellsTheStory checks the answers make the dashboards worth
// looking at: results stored for every round, most teams between
// Operational and Scalable, improvement round over round, one team far
// ahead, and respondents of one team disagreeing in one dimension.
func TestSeedTellsTheStory(t *testing.T) {
	ctx := context.Background()
	st, cred, rounds := seeded(t)
	var byRound [][]*scoring.Result
	for _, a := range rounds {
		r, err := results.Load(ctx, st, cred.OrgID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, res := range r.Results {
			if res == nil {
				t.Fatalf("round %s: no stored result for %s", a.Name, r.Questionnaires[i].Key)
			}
		}
		byRound = append(byRound, r.Results)
	}
	for qi := range byRound[0] {
		key := byRound[0][qi].Key
		last := byRound[len(byRound)-1][qi]
		for i := 1; i < len(byRound); i++ {
			prev, cur := byRound[i-1][qi].Overall.Score, byRound[i][qi].Overall.Score
			if prev == nil || cur == nil || *cur <= *prev {
				t.Errorf("%s: overall score did not improve from round %d to %d", key, i, i+1)
			}
		}
		if last.Dimensions[0].Previous == nil {
			t.Errorf("%s: latest round has no previous-round values", key)
		}
		for i, rs := range byRound {
			between := 0
			for _, tm := range rs[qi].Teams {
				if l := tm.Overall.Level; l != nil && *l >= 2 && *l <= 3 {
					between++
				}
			}
			if between < 5 {
				t.Errorf("%s: %d of 8 teams between levels 2 and 3 in round %d, want most", key, between, i+1)
			}
		}
		best, bestName := -1.0, ""
		for _, tm := range last.Teams {
			if tm.Overall.Score != nil && *tm.Overall.Score > best {
				best, bestName = *tm.Overall.Score, tm.Name
			}
		}
		if bestName != "Payments" {
			t.Errorf("%s: team far ahead = %s, want Payments", key, bestName)
		}
		var others []float64
		for _, tm := range last.Teams {
			if tm.Name != "Payments" && tm.Overall.Score != nil {
				others = append(others, *tm.Overall.Score)
			}
		}
		if slices.Max(others) >= best {
			t.Errorf("%s: Payments is not ahead of every other team", key)
		}
		disputes := map[string]bool{}
		for _, tm := range last.Teams {
			for _, d := range tm.Dimensions {
				if d.Disagreement != nil && *d.Disagreement {
					disputes[tm.Name+"/"+d.Key] = true
				}
			}
		}
		want := map[string]string{"cncf-platform-maturity": "Mobile Apps/operations", "gartner-platform-axes": "Mobile Apps/governance-integration"}[key]
		if want != "" && !disputes[want] {
			t.Errorf("%s: no disagreement in %s; disagreements: %v", key, want, disputes)
		}
	}
}
