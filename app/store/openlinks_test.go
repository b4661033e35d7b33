package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

func TestOpenLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		g := newRound(t, s, "globex")
		two := 2
		link, err := s.CreateOpenLink(ctx, f.org.ID, f.a.ID, f.teams[0].ID, &f.user.ID, &two)
		if err != nil || !strings.HasPrefix(link.Token, store.OpenLinkTokenPrefix) {
			t.Fatalf("CreateOpenLink: %+v, %v", link, err)
		}
		for _, tt := range []struct {
			name      string
			org, a    int64
			team      int64
			max       int
			code      string
			wantField string
		}{
			{"team of another round", f.org.ID, f.a.ID, g.teams[0].ID, 0, apperr.EInvalid, "team_id"},
			{"max below 1", f.org.ID, f.a.ID, f.teams[0].ID, -1, apperr.EInvalid, "max_responses"},
			{"another organization's round", g.org.ID, f.a.ID, f.teams[0].ID, 0, apperr.ENotFound, ""},
		} {
			var max *int
			if tt.max != 0 {
				max = &tt.max
			}
			_, err := s.CreateOpenLink(ctx, tt.org, tt.a, tt.team, nil, max)
			if e, _ := apperr.As(err); apperr.Code(err) != tt.code || (tt.wantField != "" && e.Field != tt.wantField) {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		ref, err := s.OpenLinkByToken(ctx, link.Token)
		if err != nil || ref.ID != link.ID || ref.AssessmentID != f.a.ID {
			t.Fatalf("OpenLinkByToken = %+v, %v", ref, err)
		}
		id := ref.ID
		var tokens []string
		for range 2 {
			j, err := s.JoinOpenLink(ctx, id)
			if err != nil {
				t.Fatalf("join: %v", err)
			}
			tokens = append(tokens, j.Token)
		}
		if tokens[0] == tokens[1] {
			t.Error("two joins gave the same token")
		}
		sv, err := s.SurveyByToken(ctx, tokens[0])
		if err != nil || sv.TeamID != f.teams[0].ID || sv.AssessmentID != f.a.ID {
			t.Fatalf("the joined token opens %+v, %v", sv, err)
		}
		if _, err := s.JoinOpenLink(ctx, id); apperr.Code(err) != apperr.EGone {
			t.Errorf("third join of a two-response link: %v, want gone", err)
		}
		list, err := s.OpenLinks(ctx, f.org.ID, f.a.ID, nil)
		if err != nil || len(list) != 1 || list[0].Joined != 2 || list[0].TeamName != "Blue" {
			t.Fatalf("OpenLinks = %+v, %v", list, err)
		}
		if other, _ := s.OpenLinks(ctx, g.org.ID, g.a.ID, nil); len(other) != 0 {
			t.Errorf("another organization lists %+v", other)
		}
		if err := s.RevokeOpenLink(ctx, g.org.ID, f.a.ID, link.ID); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("revoke from another organization: %v", err)
		}
		if err := s.RevokeOpenLink(ctx, f.org.ID, f.a.ID, link.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.OpenLinkByToken(ctx, link.Token); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("revoked link resolves: %v", err)
		}
		if _, err := s.JoinOpenLink(ctx, link.ID); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("join of a revoked link: %v", err)
		}
		if _, err := s.SurveyByToken(ctx, tokens[1]); err != nil {
			t.Errorf("a response started before the revocation no longer opens: %v", err)
		}
	})
}

// TestAnonymousRoundStoresDaysAndNoLabels checks what an anonymous round
// keeps of its respondents: no label, and times by day only.
func TestAnonymousRoundStoresDaysAndNoLabels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		a, err := s.CreateAssessment(ctx, f.org.ID, store.AssessmentInput{
			Name: "Anonymous", Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[cncf]}},
			TeamIDs: []int64{f.teams[0].ID}, Anonymity: models.AnonymityAnonymous,
		})
		if err != nil || a.MinGroup != store.DefaultMinGroup || !a.Anonymous() {
			t.Fatalf("CreateAssessment: %+v, %v", a, err)
		}
		for _, mg := range []int{2, 51} {
			_, err := s.CreateAssessment(ctx, f.org.ID, store.AssessmentInput{
				Name: "Bad", Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[cncf]}},
				TeamIDs: []int64{f.teams[0].ID}, Anonymity: models.AnonymityAnonymous, MinGroup: mg,
			})
			if apperr.Code(err) != apperr.EInvalid {
				t.Errorf("min_group %d: %v", mg, err)
			}
		}
		if _, err := s.CreateInvitations(ctx, f.org.ID, a.ID, nil, []store.NewInvitation{{TeamID: f.teams[0].ID, Label: "ana"}}); apperr.Code(err) != apperr.EInvalid {
			t.Errorf("a label in an anonymous round: %v", err)
		}
		link, err := s.CreateOpenLink(ctx, f.org.ID, a.ID, f.teams[0].ID, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		j, err := s.JoinOpenLink(ctx, link.ID)
		if err != nil {
			t.Fatal(err)
		}
		sv, err := s.SurveyByToken(ctx, j.Token)
		if err != nil {
			t.Fatal(err)
		}
		q := f.qs[cncf]
		var writes []store.AnswerWrite
		var required []store.QuestionRef
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				writes = append(writes, store.AnswerWrite{Questionnaire: q.Key, Question: qu.Key, NA: true})
				required = append(required, store.QuestionRef{Questionnaire: q.Key, Question: qu.Key})
			}
		}
		if _, err := s.SaveAnswers(ctx, sv.ResponseID, writes, "2"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, sv.ResponseID, required); err != nil {
			t.Fatal(err)
		}
		var times []time.Time
		var rows []struct {
			CreatedAt, UpdatedAt time.Time
			SubmittedAt          *time.Time
			Label                string
			InvCreated           time.Time
		}
		err = s.Raw(ctx, &rows, "SELECT r.created_at, r.updated_at, r.submitted_at, i.label, i.created_at AS inv_created FROM responses r JOIN invitations i ON i.id = r.invitation_id WHERE r.assessment_id = ?", a.ID)
		if err != nil || len(rows) != 1 || rows[0].SubmittedAt == nil {
			t.Fatalf("rows %+v, %v", rows, err)
		}
		times = append(times, rows[0].CreatedAt, rows[0].UpdatedAt, *rows[0].SubmittedAt, rows[0].InvCreated)
		var answers []struct{ UpdatedAt time.Time }
		if err := s.Raw(ctx, &answers, "SELECT updated_at FROM answers WHERE response_id = ?", sv.ResponseID); err != nil || len(answers) == 0 {
			t.Fatalf("answers %+v, %v", answers, err)
		}
		for _, an := range answers {
			times = append(times, an.UpdatedAt)
		}
		for _, tm := range times {
			if !tm.Equal(models.Day(tm)) {
				t.Errorf("stored time %v is finer than a day", tm)
			}
		}
		if rows[0].Label != "" {
			t.Errorf("label %q stored", rows[0].Label)
		}
	})
}

// TestConcurrentJoins checks the joins that commit together: of 40 at once
// on a link made for 25 (and 8 on a second link of the same round), exactly
// 25 (and 8) start a response with a token of its own, the others are gone,
// and the links count exactly the joins that started.
func TestConcurrentJoins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		max := 25
		capped, err := s.CreateOpenLink(ctx, f.org.ID, f.a.ID, f.teams[0].ID, nil, &max)
		if err != nil {
			t.Fatal(err)
		}
		open, err := s.CreateOpenLink(ctx, f.org.ID, f.a.ID, f.teams[0].ID, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		type result struct {
			link  int64
			token string
			err   error
		}
		results := make(chan result, 48)
		var wg sync.WaitGroup
		for i := range 48 {
			link := capped.ID
			if i%6 == 0 {
				link = open.ID
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				j, err := s.JoinOpenLink(ctx, link)
				r := result{link: link, err: err}
				if j != nil {
					r.token = j.Token
				}
				results <- r
			}()
		}
		wg.Wait()
		close(results)
		started := map[int64]int{}
		gone := 0
		tokens := map[string]bool{}
		for r := range results {
			switch {
			case r.err == nil:
				started[r.link]++
				if tokens[r.token] {
					t.Errorf("token %s given twice", r.token)
				}
				tokens[r.token] = true
				if sv, err := s.SurveyByToken(ctx, r.token); err != nil || sv.AssessmentID != f.a.ID {
					t.Errorf("a joined token opens %+v, %v", sv, err)
				}
			case apperr.Code(r.err) == apperr.EGone && r.link == capped.ID:
				gone++
			default:
				t.Errorf("join of link %d: %v", r.link, r.err)
			}
		}
		if started[capped.ID] != 25 || gone != 15 || started[open.ID] != 8 {
			t.Errorf("started %v and %d gone, want 25 and 8 started, 15 gone", started, gone)
		}
		list, err := s.OpenLinks(ctx, f.org.ID, f.a.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			if want := started[l.ID]; l.Joined != want {
				t.Errorf("link %d counts %d joins, want %d", l.ID, l.Joined, want)
			}
		}
	})
}

// TestHotWritesRollBackAndRecover checks the transactions of hot writes
// (joins and autosaves): one that fails leaves nothing behind and the next
// one runs, also after SQLite's writer lost its connection.
func TestHotWritesRollBackAndRecover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		link, err := s.CreateOpenLink(ctx, f.org.ID, f.a.ID, f.teams[0].ID, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		joined := func(step string, want int) {
			t.Helper()
			list, err := s.OpenLinks(ctx, f.org.ID, f.a.ID, nil)
			if err != nil || len(list) != 1 || list[0].Joined != want {
				t.Fatalf("%s: links %+v, %v; want one that counts %d joins", step, list, err, want)
			}
		}
		boom := errors.New("boom")
		if err := s.FailHotWrite(ctx, link.ID, boom); !errors.Is(err, boom) {
			t.Fatalf("failed write: %v, want %v", err, boom)
		}
		joined("after a failed write", 0)
		if _, err := s.JoinOpenLink(ctx, link.ID); err != nil {
			t.Fatalf("join after a failed write: %v", err)
		}
		joined("after a join", 1)
		s.CloseWriterConnection()
		j, err := s.JoinOpenLink(ctx, link.ID)
		if err != nil {
			t.Fatalf("join after the writer lost its connection: %v", err)
		}
		joined("after a join on a new connection", 2)
		if _, err := s.SurveyByToken(ctx, j.Token); err != nil {
			t.Fatalf("the joined response: %v", err)
		}
	})
}
