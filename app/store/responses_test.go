package store_test

import (
	"context"
	"sync"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

// openSurvey creates one invitation of the fixture's first team and opens it.
func openSurvey(t *testing.T, s *store.Store, f roundFixture) *store.Survey {
	t.Helper()
	ctx := context.Background()
	created, err := s.CreateInvitations(ctx, f.org.ID, f.a.ID, nil, []store.NewInvitation{{TeamID: f.teams[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := s.SurveyByToken(ctx, created[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

func ptr[T any](v T) *T { return &v }

func TestSaveAnswersRevisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		sv := openSurvey(t, s, f)
		if sv.Status != models.ResponseDraft || sv.Revision != 0 || sv.TeamName != "Blue" || len(sv.Questionnaires) != 2 {
			t.Fatalf("new survey %+v", sv)
		}
		q := f.qs[cncf].Dimensions[0].Questions
		opt := func(i int, key string, rev *int64) store.AnswerWrite {
			return store.AnswerWrite{Questionnaire: cncf, Question: q[i].Key, Option: ptr(key), Level: ptr(2), Revision: rev}
		}
		steps := []struct {
			name      string
			writes    []store.AnswerWrite
			revision  int64
			conflicts int
		}{
			{"two answers at once", []store.AnswerWrite{opt(0, "l2", ptr[int64](0)), opt(1, "l2", ptr[int64](0))}, 1, 0},
			{"another question from an old revision", []store.AnswerWrite{opt(2, "l2", ptr[int64](0))}, 2, 0},
			{"a changed question from an old revision", []store.AnswerWrite{opt(0, "l3", ptr[int64](0))}, 2, 1},
			{"identical write from an old revision", []store.AnswerWrite{opt(0, "l2", ptr[int64](0))}, 2, 0},
			{"mixed batch: one stale, one fresh", []store.AnswerWrite{opt(0, "l4", ptr[int64](0)), opt(3, "l1", ptr[int64](2))}, 3, 1},
			{"no revision: last writer wins", []store.AnswerWrite{opt(0, "l5", nil)}, 4, 0},
			{"nothing to write", nil, 4, 0},
		}
		for _, st := range steps {
			res, err := s.SaveAnswers(ctx, sv.ResponseID, st.writes, "2")
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if res.Revision != st.revision || len(res.Conflicts) != st.conflicts {
				t.Fatalf("%s: revision %d with %d conflicts, want %d and %d", st.name, res.Revision, len(res.Conflicts), st.revision, st.conflicts)
			}
		}
		answers, err := s.Answers(ctx, sv.ResponseID)
		if err != nil || len(answers) != 4 {
			t.Fatalf("answers %+v %v", answers, err)
		}
		byQ := map[string]models.Answer{}
		for _, a := range answers {
			byQ[a.QuestionKey] = a
		}
		if a := byQ[q[0].Key]; *a.OptionKey != "l5" || a.Revision != 4 || *a.Level != 2 {
			t.Errorf("q0 %+v", a)
		}
		if a := byQ[q[3].Key]; *a.OptionKey != "l1" || a.Revision != 3 {
			t.Errorf("q3 %+v", a)
		}
		if sv2, _ := s.SurveyByToken(ctx, "nope"); sv2 != nil {
			t.Error("unknown token resolves")
		}
	})
}

func TestSubmit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		sv := openSurvey(t, s, f)
		var required []store.QuestionRef
		var writes []store.AnswerWrite
		for _, q := range f.qs[gartner].Dimensions[0].Questions {
			required = append(required, store.QuestionRef{Questionnaire: gartner, Question: q.Key})
			writes = append(writes, store.AnswerWrite{Questionnaire: gartner, Question: q.Key, Value: ptr(4)})
		}
		writes[0] = store.AnswerWrite{Questionnaire: gartner, Question: writes[0].Question, NA: true}
		if _, err := s.SaveAnswers(ctx, sv.ResponseID, writes[:len(writes)-1], ""); err != nil {
			t.Fatal(err)
		}
		_, err := s.Submit(ctx, sv.ResponseID, required)
		wantCode(t, err, apperr.EInvalid, "")
		ae, _ := apperr.As(err)
		if un, _ := ae.Details["unanswered"].([]store.QuestionRef); len(un) != 1 || un[0] != required[len(required)-1] {
			t.Errorf("unanswered %v", ae.Details)
		}
		if _, err := s.SaveAnswers(ctx, sv.ResponseID, writes[len(writes)-1:], ""); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]*store.SubmitResult, 8)
		errs := make([]error, 8)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = s.Submit(ctx, sv.ResponseID, required)
			}()
		}
		wg.Wait()
		fresh := 0
		for i, r := range results {
			if errs[i] != nil {
				t.Fatalf("concurrent submit: %v", errs[i])
			}
			if !r.Already {
				fresh++
			}
			if !r.SubmittedAt.Equal(results[0].SubmittedAt) {
				t.Errorf("submitted at %v and %v", r.SubmittedAt, results[0].SubmittedAt)
			}
		}
		if fresh != 1 {
			t.Errorf("%d submits reported a new submission, want 1", fresh)
		}
		if _, err := s.SaveAnswers(ctx, sv.ResponseID, writes[:1], ""); apperr.Code(err) != apperr.EConflict {
			t.Errorf("write after submit: %v", err)
		}
		// Reopening makes it a draft; a closed round refuses writes and submits.
		if err := s.ReopenResponse(ctx, f.org.ID, f.a.ID, sv.InvitationID); err != nil {
			t.Fatal(err)
		}
		if err := s.ReopenResponse(ctx, f.org.ID, f.a.ID, sv.InvitationID); apperr.Code(err) != apperr.EConflict {
			t.Errorf("reopening a draft: %v", err)
		}
		if _, err := s.CloseAssessment(ctx, f.org.ID, f.a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveAnswers(ctx, sv.ResponseID, writes[:1], ""); apperr.Code(err) != apperr.EConflict {
			t.Errorf("write to a closed round: %v", err)
		}
		if _, err := s.Submit(ctx, sv.ResponseID, required); apperr.Code(err) != apperr.EConflict {
			t.Errorf("submit to a closed round: %v", err)
		}
	})
}

// TestOutdatedRequeuesAStaleRecompute checks that a recompute learns when a
// submission raised the revision it read, and that the round's recompute
// job is then due again, on both databases.
func TestOutdatedRequeuesAStaleRecompute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "outdated")
		_, rev, err := s.ReadScoringData(ctx, f.org.ID, f.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.WriteSnapshots(ctx, store.SnapshotWrite{OrgID: f.org.ID, AssessmentID: f.a.ID, Revision: rev, Snapshots: map[string][]byte{cncf: []byte(`{}`)}}); err != nil || !ok {
			t.Fatalf("WriteSnapshots: %v %v", ok, err)
		}
		if out, err := s.Outdated(ctx, f.org.ID, f.a.ID, rev); err != nil || out {
			t.Fatalf("Outdated at the current revision = %v, %v; want false", out, err)
		}
		if n, err := s.PendingJobs(ctx, store.RecomputeKind); err != nil || n != 0 {
			t.Fatalf("%d recompute jobs after the write (%v), want 0", n, err)
		}
		sv := openSurvey(t, s, f)
		if _, err := s.Submit(ctx, sv.ResponseID, nil); err != nil {
			t.Fatal(err)
		}
		if out, err := s.Outdated(ctx, f.org.ID, f.a.ID, rev); err != nil || !out {
			t.Fatalf("Outdated after a submission = %v, %v; want true", out, err)
		}
		if n, err := s.PendingJobs(ctx, store.RecomputeKind); err != nil || n != 1 {
			t.Fatalf("%d recompute jobs after Outdated (%v), want 1", n, err)
		}
	})
}
