package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

// TestConcurrentSaves: autosaves that arrive together commit together on
// SQLite (joinbatch.go). Every save of a valid link lands under its own
// revision, and saves through a revoked link are refused without touching
// the others of their group.
func TestConcurrentSaves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		created, err := s.CreateInvitations(ctx, f.org.ID, f.a.ID, nil, []store.NewInvitation{
			{TeamID: f.teams[0].ID}, {TeamID: f.teams[0].ID}, {TeamID: f.teams[1].ID}, {TeamID: f.teams[1].ID}})
		if err != nil {
			t.Fatal(err)
		}
		var surveys []*store.Survey
		for _, c := range created {
			sv, err := s.SurveyByToken(ctx, c.Token)
			if err != nil {
				t.Fatal(err)
			}
			surveys = append(surveys, sv)
		}
		revoked := len(created) - 1
		if _, err := s.RevokeInvitation(ctx, f.org.ID, f.a.ID, created[revoked].ID); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		var qs []string
		for _, d := range f.qs[cncf].Dimensions {
			for _, q := range d.Questions {
				qs = append(qs, q.Key)
			}
		}
		qs = qs[:min(len(qs), 12)]
		errs := make([][]error, len(created))
		var wg sync.WaitGroup
		for i := range created {
			errs[i] = make([]error, len(qs))
			for j, q := range qs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i][j] = s.SaveAnswerByLink(ctx, created[i].Token, surveys[i].ResponseID,
						store.AnswerWrite{Questionnaire: cncf, Question: q, Option: ptr("l2"), Level: ptr(2)}, fmt.Sprint(j))
				}()
			}
		}
		wg.Wait()
		for i := range created {
			answers, err := s.Answers(ctx, surveys[i].ResponseID)
			if err != nil {
				t.Fatal(err)
			}
			if i == revoked {
				for j, err := range errs[i] {
					if apperr.Code(err) != apperr.ENotFound {
						t.Errorf("save %d through the revoked link: %v, want not found", j, err)
					}
				}
				if len(answers) != 0 {
					t.Errorf("the revoked link's response holds %d answers", len(answers))
				}
				continue
			}
			for j, err := range errs[i] {
				if err != nil {
					t.Errorf("response %d, save %d: %v", i, j, err)
				}
			}
			revs := map[int64]bool{}
			for _, a := range answers {
				revs[a.Revision] = true
			}
			if len(answers) != len(qs) || len(revs) != len(qs) {
				t.Errorf("response %d holds %d answers under %d revisions, want %d under as many", i, len(answers), len(revs), len(qs))
			}
			sv, err := s.SurveyByToken(ctx, created[i].Token)
			if err != nil {
				t.Fatal(err)
			}
			if sv.Revision != int64(len(qs)) {
				t.Errorf("response %d is at revision %d, want %d", i, sv.Revision, len(qs))
			}
		}
	})
}
