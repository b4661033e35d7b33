package store_test

import (
	"context"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
	"gapmap/questionnaires"
)

// shipped returns the shipped questionnaires by key.
func shipped(t *testing.T) map[string]*questionnaires.Questionnaire {
	t.Helper()
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatalf("shipped questionnaires: %v", err)
	}
	m := map[string]*questionnaires.Questionnaire{}
	for _, q := range qs {
		m[q.Key] = q
	}
	return m
}

const (
	cncf    = "cncf-platform-maturity"
	gartner = "gartner-platform-axes"
)

// roundFixture is an org with two teams and an open round of both shipped
// questionnaires.
type roundFixture struct {
	org   *models.Org
	user  *models.User
	teams []models.Team
	a     *store.AssessmentInfo
	qs    map[string]*questionnaires.Questionnaire
}

func newRound(t *testing.T, s *store.Store, orgName string) roundFixture {
	t.Helper()
	ctx := context.Background()
	org, user := signUp(t, s, orgName, orgName+"@example.com")
	f := roundFixture{org: org, user: user, qs: shipped(t)}
	for _, n := range []string{"Blue", "Green"} {
		tm, err := s.CreateTeam(ctx, org.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		f.teams = append(f.teams, *tm)
	}
	a, err := s.CreateAssessment(ctx, org.ID, store.AssessmentInput{
		Name:           "Round",
		Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[cncf]}, {Q: f.qs[gartner]}},
		TeamIDs:        []int64{f.teams[0].ID, f.teams[1].ID},
	})
	if err != nil {
		t.Fatalf("CreateAssessment: %v", err)
	}
	f.a = a
	return f
}

func TestCreateAssessmentValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		other, _ := signUp(t, s, "other", "other@example.com")
		otherTeam, err := s.CreateTeam(ctx, other.ID, "Theirs")
		if err != nil {
			t.Fatal(err)
		}
		both := []store.QuestionnaireChoice{{Q: f.qs[cncf]}, {Q: f.qs[gartner]}}
		dim := f.qs[cncf].Dimensions[0].Key
		ids := []int64{f.teams[0].ID}
		tests := []struct {
			name  string
			in    store.AssessmentInput
			field string
		}{
			{"no name", store.AssessmentInput{Questionnaires: both, TeamIDs: ids}, "name"},
			{"no questionnaire", store.AssessmentInput{Name: "x", TeamIDs: ids}, "questionnaires"},
			{"duplicate questionnaire", store.AssessmentInput{Name: "x", Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[cncf]}, {Q: f.qs[cncf]}}, TeamIDs: ids}, "questionnaires"},
			{"no team", store.AssessmentInput{Name: "x", Questionnaires: both}, "team_ids"},
			{"team of another org", store.AssessmentInput{Name: "x", Questionnaires: both, TeamIDs: []int64{ids[0], otherTeam.ID}}, "team_ids"},
			{"default target too high", store.AssessmentInput{Name: "x", Questionnaires: both, TeamIDs: ids, DefaultTarget: 6}, "default_target"},
			{"default target negative", store.AssessmentInput{Name: "x", Questionnaires: both, TeamIDs: ids, DefaultTarget: -1}, "default_target"},
			{"target too high", store.AssessmentInput{Name: "x", Questionnaires: both, TeamIDs: ids, Targets: map[string]int{cncf + "/" + dim: 6}}, "targets"},
			{"target of an unknown dimension", store.AssessmentInput{Name: "x", Questionnaires: both, TeamIDs: ids, Targets: map[string]int{cncf + "/x": 2}}, "targets"},
			{"target of another questionnaire", store.AssessmentInput{Name: "x", Questionnaires: both[1:], TeamIDs: ids, Targets: map[string]int{cncf + "/" + dim: 2}}, "targets"},
			{"capacity too high", store.AssessmentInput{Name: "x", Questionnaires: both, TeamIDs: ids, Capacity: 51}, "capacity"},
			{"version of another org", store.AssessmentInput{Name: "x", Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[cncf], VersionID: f.a.Questionnaires[0].VersionID}}, TeamIDs: ids}, "questionnaires"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.CreateAssessment(ctx, f.org.ID, tt.in)
				wantCode(t, err, apperr.EInvalid, tt.field)
			})
		}
		list, err := s.Assessments(ctx, f.org.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("after refused creations: %d assessments, %v", len(list), err)
		}
	})
}

func TestCreateAssessmentPinsAndLinksRounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		a := f.a
		if a.Status != models.AssessmentOpen || a.DefaultTarget != store.DefaultTarget || a.Capacity != store.DefaultCapacity || len(a.Teams) != 2 {
			t.Errorf("first round %+v", a.Assessment)
		}
		if len(a.Questionnaires) != 2 || a.Questionnaires[0].Key != cncf || a.Questionnaires[0].PreviousAssessmentID != nil || a.Questionnaires[0].Version == "" {
			t.Errorf("questionnaires %+v", a.Questionnaires)
		}
		due := time.Date(2026, 12, 31, 15, 4, 5, 0, time.FixedZone("x", 3600))
		dim := f.qs[cncf].Dimensions[1].Key
		b, err := s.CreateAssessment(ctx, f.org.ID, store.AssessmentInput{
			Name: "Second", Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[cncf]}}, TeamIDs: []int64{f.teams[1].ID},
			DefaultTarget: 2, Targets: map[string]int{cncf + "/" + dim: 5}, Due: &due, Capacity: 3,
		})
		if err != nil {
			t.Fatal(err)
		}
		if b.Questionnaires[0].VersionID != a.Questionnaires[0].VersionID {
			t.Errorf("the same content was pinned twice: %d and %d", a.Questionnaires[0].VersionID, b.Questionnaires[0].VersionID)
		}
		if p := b.Questionnaires[0].PreviousAssessmentID; p == nil || *p != a.ID {
			t.Errorf("previous round %v, want %d", p, a.ID)
		}
		if b.Due == nil || b.Due.UTC().Format(time.DateOnly) != "2026-12-31" || b.TargetMap[cncf+"/"+dim] != 5 || b.DefaultTarget != 2 || b.Capacity != 3 {
			t.Errorf("second round %+v due %v targets %v", b.Assessment, b.Due, b.TargetMap)
		}
		// Another organization's rounds are not previous rounds, nor visible.
		g := newRound(t, s, "globex")
		if p := g.a.Questionnaires[0].PreviousAssessmentID; p != nil {
			t.Errorf("other org's round has previous %d", *p)
		}
		if _, err := s.Assessment(ctx, g.org.ID, a.ID); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("other org reads the round: %v", err)
		}
		if _, err := s.CloseAssessment(ctx, g.org.ID, a.ID); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("other org closes the round: %v", err)
		}
		// Close, close again, reopen.
		for _, step := range []struct {
			fn   func(context.Context, int64, int64) (*store.AssessmentInfo, error)
			want string
		}{{s.CloseAssessment, models.AssessmentClosed}, {s.CloseAssessment, models.AssessmentClosed}, {s.ReopenAssessment, models.AssessmentOpen}} {
			got, err := step.fn(ctx, f.org.ID, a.ID)
			if err != nil || got.Status != step.want || (got.ClosedAt != nil) != (step.want == models.AssessmentClosed) {
				t.Fatalf("status change: %+v, %v; want %s", got, err, step.want)
			}
		}
		list, err := s.Assessments(ctx, f.org.ID)
		if err != nil || len(list) != 2 || list[0].ID != b.ID || len(list[1].QuestionnaireKeys) != 2 {
			t.Errorf("list %+v, %v", list, err)
		}
	})
}
