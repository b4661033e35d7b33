package store_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

// flat is a round's submitted answers as sorted lines, to compare reads.
func flat(t *testing.T, s *store.Store, orgID, assessmentID int64) []string {
	t.Helper()
	d, err := s.LoadScoringData(context.Background(), orgID, assessmentID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range d.Responses {
		for _, a := range r.Answers {
			num := "-"
			if a.Number != nil {
				num = fmt.Sprint(*a.Number)
			}
			out = append(out, fmt.Sprintf("%d/%d %s/%s opt=%q level=%d value=%d na=%v num=%s", r.ID, r.TeamID, a.QuestionnaireKey, a.QuestionKey, a.OptionKey, a.Level, a.Value, a.NA, num))
		}
		if len(r.Answers) == 0 {
			out = append(out, fmt.Sprintf("%d/%d (no answers)", r.ID, r.TeamID))
		}
	}
	sort.Strings(out)
	return out
}

// TestCachedAnswersMatchTheDatabase: after every kind of change (a new
// submission, a reopened response answered again, a revoked link), the
// scoring data read through the answer cache equals a read from the
// database alone.
func TestCachedAnswersMatchTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "cache")
		created, err := s.CreateInvitations(ctx, f.org.ID, f.a.ID, nil, []store.NewInvitation{{TeamID: f.teams[0].ID}, {TeamID: f.teams[1].ID}, {TeamID: f.teams[1].ID}})
		if err != nil {
			t.Fatal(err)
		}
		qs := f.qs[gartner].Dimensions[0].Questions
		answer := func(i, value int) int64 {
			sv, err := s.SurveyByToken(ctx, created[i].Token)
			if err != nil {
				t.Fatal(err)
			}
			var ws []store.AnswerWrite
			for k, q := range qs {
				ws = append(ws, store.AnswerWrite{Questionnaire: gartner, Question: q.Key, Value: ptr(1 + (value+k)%5)})
			}
			if _, err := s.SaveAnswers(ctx, sv.ResponseID, ws, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Submit(ctx, sv.ResponseID, nil); err != nil {
				t.Fatal(err)
			}
			return sv.ResponseID
		}
		check := func(step string) {
			t.Helper()
			cached := flat(t, s, f.org.ID, f.a.ID)
			s.ForgetCachedAnswers()
			fresh := flat(t, s, f.org.ID, f.a.ID)
			if fmt.Sprint(cached) != fmt.Sprint(fresh) {
				t.Fatalf("%s: read through the cache\n%v\nfrom the database\n%v", step, cached, fresh)
			}
			// Read once more so that the cache is warm for the next step.
			if again := flat(t, s, f.org.ID, f.a.ID); fmt.Sprint(again) != fmt.Sprint(fresh) {
				t.Fatalf("%s: a warm read differs", step)
			}
		}
		answer(0, 1)
		answer(1, 2)
		check("two submissions")
		answer(2, 3)
		check("a third submission")
		if err := s.ReopenResponse(ctx, f.org.ID, f.a.ID, created[0].ID); err != nil {
			t.Fatal(err)
		}
		check("a reopened response")
		answer(0, 4)
		check("the reopened response answered again")
		if _, err := s.RevokeInvitation(ctx, f.org.ID, f.a.ID, created[1].ID); err != nil {
			t.Fatal(err)
		}
		check("a revoked link")
		if n, rounds := s.CachedAnswers(); n != 2*len(qs) || rounds != 1 {
			t.Errorf("the cache holds %d answers of %d rounds, want %d of 1", n, rounds, 2*len(qs))
		}
	})
}

// TestAnswerCacheStaysWithinItsLimit: the cache forgets the least recently
// read rounds, and never keeps a round larger than its limit.
func TestAnswerCacheStaysWithinItsLimit(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := context.Background()
	var rounds []roundFixture
	for i := range 3 {
		f := newRound(t, s, fmt.Sprintf("org%d", i))
		sv := openSurvey(t, s, f)
		var ws []store.AnswerWrite
		for _, q := range f.qs[gartner].Dimensions[0].Questions {
			ws = append(ws, store.AnswerWrite{Questionnaire: gartner, Question: q.Key, Value: ptr(3)})
		}
		if _, err := s.SaveAnswers(ctx, sv.ResponseID, ws, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, sv.ResponseID, nil); err != nil {
			t.Fatal(err)
		}
		rounds = append(rounds, f)
	}
	per := len(rounds[0].qs[gartner].Dimensions[0].Questions)
	s.ForgetCachedAnswers()
	s.LimitCachedAnswers(2 * per)
	for _, f := range rounds {
		flat(t, s, f.org.ID, f.a.ID)
	}
	if n, r := s.CachedAnswers(); n != 2*per || r != 2 {
		t.Errorf("after three rounds: %d answers of %d rounds, want %d of 2", n, r, 2*per)
	}
	s.LimitCachedAnswers(per - 1)
	s.ForgetCachedAnswers()
	flat(t, s, rounds[0].org.ID, rounds[0].a.ID)
	if n, r := s.CachedAnswers(); n != 0 || r != 0 {
		t.Errorf("a round over the limit was kept: %d answers of %d rounds", n, r)
	}
}
