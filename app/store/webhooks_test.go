package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

// deliveries returns a webhook's deliveries, oldest first, with their bodies.
func deliveries(t *testing.T, s *store.Store, orgID, hookID int64) ([]models.WebhookDelivery, []store.WebhookEnvelope) {
	t.Helper()
	ds, err := s.WebhookDeliveries(context.Background(), orgID, hookID, 0)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ds)
	envs := make([]store.WebhookEnvelope, len(ds))
	for i, d := range ds {
		if err := json.Unmarshal([]byte(d.Payload), &envs[i]); err != nil {
			t.Fatalf("delivery %d payload: %v", d.ID, err)
		}
		if envs[i].ID != d.DeliveryID || envs[i].Event != d.Event || envs[i].OrgID != orgID {
			t.Errorf("delivery %d: envelope %+v does not match the row %+v", d.ID, envs[i], d)
		}
	}
	return ds, envs
}

func TestWebhookEventsAreQueuedWithTheirChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "hooks")
		other := newRound(t, s, "others")
		all, err := s.CreateWebhook(ctx, f.org.ID, store.WebhookInput{URL: "https://203.0.113.1/all", Events: models.WebhookEvents(), Secret: "sixteen chars ok"})
		if err != nil {
			t.Fatal(err)
		}
		closedOnly, err := s.CreateWebhook(ctx, f.org.ID, store.WebhookInput{URL: "https://203.0.113.1/closed", Events: []string{models.EventRoundClosed}, Secret: "sixteen chars ok"})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := s.CreateWebhook(ctx, other.org.ID, store.WebhookInput{URL: "https://203.0.113.1/theirs", Events: models.WebhookEvents(), Secret: "sixteen chars ok"})
		if err != nil {
			t.Fatal(err)
		}

		sv := openSurvey(t, s, f)
		if _, err := s.Submit(ctx, sv.ResponseID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, sv.ResponseID, nil); err != nil { // again: no new event
			t.Fatal(err)
		}
		_, rev, err := s.ReadScoringData(ctx, f.org.ID, f.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.WriteSnapshots(ctx, store.SnapshotWrite{OrgID: f.org.ID, AssessmentID: f.a.ID, Revision: rev, Snapshots: map[string][]byte{cncf: []byte(`{}`)}}); err != nil || !ok {
			t.Fatalf("WriteSnapshots: %v %v", ok, err)
		}
		if _, err := s.ApplyPlan(ctx, f.org.ID, f.a.ID, 0, []store.PlanChange{{QuestionnaireKey: cncf, RecommendationKey: "r1", Owner: "Ana", Status: "planned"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CloseAssessment(ctx, f.org.ID, f.a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CloseAssessment(ctx, f.org.ID, f.a.ID); err != nil { // closed already: no new event
			t.Fatal(err)
		}

		ds, envs := deliveries(t, s, f.org.ID, all.ID)
		var got []string
		for _, d := range ds {
			got = append(got, d.Event)
			if d.Status != models.DeliveryQueued || d.Attempts != 0 {
				t.Errorf("new delivery %s: status %q, %d attempts", d.Event, d.Status, d.Attempts)
			}
		}
		want := []string{models.EventResponseSubmitted, models.EventResultsUpdated, models.EventRoadmapImported, models.EventRoundClosed}
		if !slices.Equal(got, want) {
			t.Fatalf("events %v, want %v", got, want)
		}
		sub := envs[0].Data.(map[string]any)
		if sub["response_id"] != float64(sv.ResponseID) || sub["round_id"] != float64(f.a.ID) || sub["team_id"] != float64(f.teams[0].ID) {
			t.Errorf("response.submitted data %v", sub)
		}
		if closed := envs[3].Data.(map[string]any); closed["name"] != "Round" || closed["round_id"] != float64(f.a.ID) {
			t.Errorf("round.closed data %v", closed)
		}
		if plan := envs[2].Data.(map[string]any); plan["created"] != float64(1) {
			t.Errorf("roadmap.imported data %v", plan)
		}
		if ds, _ := deliveries(t, s, f.org.ID, closedOnly.ID); len(ds) != 1 || ds[0].Event != models.EventRoundClosed {
			t.Errorf("round.closed-only webhook got %+v", ds)
		}
		if ds, _ := deliveries(t, s, other.org.ID, theirs.ID); len(ds) != 0 {
			t.Errorf("another organization's webhook got %d deliveries", len(ds))
		}
		// One job per delivery.
		jobs := countJobs(t, s, store.DeliverWebhookKind)
		if jobs != 5 {
			t.Errorf("%d delivery jobs, want 5", jobs)
		}
		// Another organization cannot read or delete the webhook.
		if _, err := s.WebhookDeliveries(ctx, other.org.ID, all.ID, 0); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("deliveries of another organization's webhook: %v", err)
		}
		if err := s.DeleteWebhook(ctx, other.org.ID, all.ID); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("delete another organization's webhook: %v", err)
		}
		// Deleting removes the deliveries and their jobs.
		if err := s.DeleteWebhook(ctx, f.org.ID, all.ID); err != nil {
			t.Fatal(err)
		}
		jobs = countJobs(t, s, store.DeliverWebhookKind)
		if jobs != 1 {
			t.Errorf("%d delivery jobs after the delete, want 1", jobs)
		}
	})
}

func TestAnonymousSubmissionEventNamesNoResponse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "anon")
		a, err := s.CreateAssessment(ctx, f.org.ID, store.AssessmentInput{Name: "Pulse", Anonymity: models.AnonymityAnonymous,
			Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[gartner]}}, TeamIDs: []int64{f.teams[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		f.a = a
		hook, err := s.CreateWebhook(ctx, f.org.ID, store.WebhookInput{URL: "https://203.0.113.1/", Events: []string{models.EventResponseSubmitted}, Secret: "sixteen chars ok"})
		if err != nil {
			t.Fatal(err)
		}
		sv := openSurvey(t, s, f)
		if _, err := s.Submit(ctx, sv.ResponseID, nil); err != nil {
			t.Fatal(err)
		}
		_, envs := deliveries(t, s, f.org.ID, hook.ID)
		if len(envs) != 1 {
			t.Fatalf("%d deliveries", len(envs))
		}
		if d := envs[0].Data.(map[string]any); d["response_id"] != nil || d["round_id"] != float64(a.ID) {
			t.Errorf("anonymous response.submitted data %v", d)
		}
	})
}

func TestCreateWebhookValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, _ := signUp(t, s, "valid", "valid@example.com")
		tests := []struct {
			name  string
			in    store.WebhookInput
			code  string
			field string
		}{
			{"no events", store.WebhookInput{URL: "https://x.example/", Secret: "sixteen chars ok"}, apperr.EInvalid, "events"},
			{"unknown event", store.WebhookInput{URL: "https://x.example/", Events: []string{"team.deleted"}, Secret: "sixteen chars ok"}, apperr.EInvalid, "events"},
			{"short secret", store.WebhookInput{URL: "https://x.example/", Events: []string{models.EventRoundClosed}, Secret: "short"}, apperr.EInvalid, "secret"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.CreateWebhook(ctx, org.ID, tt.in)
				wantCode(t, err, tt.code, tt.field)
			})
		}
		w, err := s.CreateWebhook(ctx, org.ID, store.WebhookInput{URL: "https://x.example/", Events: []string{models.EventRoundClosed, models.EventResponseSubmitted, models.EventRoundClosed}, Secret: "sixteen chars ok"})
		if err != nil {
			t.Fatal(err)
		}
		if w.Events != "response.submitted,round.closed" {
			t.Errorf("events stored as %q", w.Events)
		}
		for i := 1; i < store.MaxWebhooks; i++ {
			if _, err := s.CreateWebhook(ctx, org.ID, store.WebhookInput{URL: "https://x.example/", Events: []string{models.EventRoundClosed}, Secret: "sixteen chars ok"}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.CreateWebhook(ctx, org.ID, store.WebhookInput{URL: "https://x.example/", Events: []string{models.EventRoundClosed}, Secret: "sixteen chars ok"})
		wantCode(t, err, apperr.EConflict, "")
		hooks, err := s.Webhooks(ctx, org.ID)
		if err != nil || len(hooks) != store.MaxWebhooks {
			t.Fatalf("%d webhooks, %v", len(hooks), err)
		}
	})
}

func countJobs(t *testing.T, s *store.Store, kind string) int64 {
	t.Helper()
	var n []int64
	if err := s.Raw(context.Background(), &n, "SELECT COUNT(*) FROM jobs WHERE kind = ?", kind); err != nil {
		t.Fatal(err)
	}
	return n[0]
}
