package results_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/questionnaires"
)

// round is a small assessment with both shipped questionnaires, three teams
// and two invitations per team.
type round struct {
	st          *store.Store
	orgID, id   int64
	qs          []*questionnaires.Questionnaire
	invitations []store.CreatedInvitation
}

func newRound(t *testing.T, st *store.Store, name string, previous *round) *round {
	t.Helper()
	ctx := context.Background()
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	r := &round{st: st, qs: qs}
	var teamIDs []int64
	if previous == nil {
		org, _, err := st.SignUp(ctx, "Results Org", "owner@results.test", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		r.orgID = org.ID
		for _, n := range []string{"Alpha", "Beta", "Gamma"} {
			tm, err := st.CreateTeam(ctx, org.ID, n)
			if err != nil {
				t.Fatal(err)
			}
			teamIDs = append(teamIDs, tm.ID)
		}
	} else {
		r.orgID = previous.orgID
		teams, err := st.Teams(ctx, r.orgID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range teams {
			teamIDs = append(teamIDs, tm.ID)
		}
	}
	in := store.AssessmentInput{Name: name, TeamIDs: teamIDs, Targets: map[string]int{"cncf-platform-maturity/governance": 4}}
	for _, q := range qs {
		in.Questionnaires = append(in.Questionnaires, store.QuestionnaireChoice{Q: q})
	}
	a, err := st.CreateAssessment(ctx, r.orgID, in)
	if err != nil {
		t.Fatal(err)
	}
	r.id = a.ID
	var reqs []store.NewInvitation
	for _, id := range teamIDs {
		reqs = append(reqs, store.NewInvitation{TeamID: id, Label: "lead"}, store.NewInvitation{TeamID: id, Label: "engineer"})
	}
	if r.invitations, err = st.CreateInvitations(ctx, r.orgID, r.id, nil, reqs); err != nil {
		t.Fatal(err)
	}
	return r
}

// answerAll answers every question of a response at random, some N/A.
func (r *round) answerAll(t *testing.T, rng *rand.Rand, token string) int64 {
	t.Helper()
	ctx := context.Background()
	sv, err := r.st.SurveyByToken(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	var writes []store.AnswerWrite
	for _, q := range r.qs {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				w := store.AnswerWrite{Questionnaire: q.Key, Question: qu.Key}
				switch {
				case rng.IntN(10) == 0:
					w.NA = true
				case len(qu.Options) > 0:
					o := qu.Options[rng.IntN(len(qu.Options))]
					w.Option, w.Level = &o.Key, &o.Level
				default:
					v := 1 + rng.IntN(5)
					w.Value = &v
				}
				writes = append(writes, w)
			}
		}
	}
	if _, err := r.st.SaveAnswers(ctx, sv.ResponseID, writes, ""); err != nil {
		t.Fatal(err)
	}
	return sv.ResponseID
}

// flipper submits and reopens the responses of a round that are all
// answered, in an order its random source picks.
type flipper struct {
	r         *round
	rng       *rand.Rand
	ids       []int64
	submitted []bool
}

// answerEach answers every invitation of the round and returns a flipper
// over the responses.
func (r *round) answerEach(t *testing.T, rng *rand.Rand) *flipper {
	t.Helper()
	f := &flipper{r: r, rng: rng, ids: make([]int64, len(r.invitations)), submitted: make([]bool, len(r.invitations))}
	for i, inv := range r.invitations {
		f.ids[i] = r.answerAll(t, rng, inv.Token)
	}
	return f
}

// flip picks a response: it submits it, or reopens and answers it again
// when it is submitted.
func (f *flipper) flip(t *testing.T, step int) {
	t.Helper()
	ctx := context.Background()
	i := f.rng.IntN(len(f.r.invitations))
	inv := f.r.invitations[i]
	if f.submitted[i] {
		if err := f.r.st.ReopenResponse(ctx, f.r.orgID, f.r.id, inv.ID); err != nil {
			t.Fatalf("step %d: reopen: %v", step, err)
		}
		f.r.answerAll(t, f.rng, inv.Token)
	} else if _, err := f.r.st.Submit(ctx, f.ids[i], nil); err != nil {
		t.Fatalf("step %d: submit: %v", step, err)
	}
	f.submitted[i] = !f.submitted[i]
}

// checkSnapshots compares the stored snapshots with a fresh computation.
func (r *round) checkSnapshots(t *testing.T, step string) {
	t.Helper()
	ctx := context.Background()
	data, err := r.st.LoadScoringData(ctx, r.orgID, r.id)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := results.Compute(data)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := results.Load(ctx, r.st, r.orgID, r.id)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fresh {
		want, _ := json.Marshal(f)
		got, _ := json.Marshal(stored.Results[i])
		if string(want) != string(got) {
			t.Fatalf("%s: stored snapshot of %s differs from a fresh computation:\nstored: %s\nfresh:  %s", step, f.Key, got, want)
		}
	}
}

// TestSnapshotsMatchFreshComputation submits and reopens responses in a
// random order, recomputing as the web layer does, and checks after every
// step that the stored snapshots equal a computation from the raw answers,
// including the trend of a later round that compares itself with this one.
func TestSnapshotsMatchFreshComputation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(7, 11))
		first := newRound(t, st, "Q1", nil)
		fl := first.answerEach(t, rng)
		second := newRound(t, st, "Q2", first)
		if err := results.Recompute(ctx, st, first.orgID, first.id); err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 20; step++ {
			fl.flip(t, step)
			if err := results.Recompute(ctx, st, first.orgID, first.id); err != nil {
				t.Fatal(err)
			}
			first.checkSnapshots(t, "first round")
			second.checkSnapshots(t, "second round")
		}
	})
}
