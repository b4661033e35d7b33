package store_test

import (
	"context"
	"testing"
	"time"

	"gapmap/app/dora"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

// TestDashboardState: every change a round's dashboard shows changes the
// digest of its state, a change in another organization does not, and
// another organization's round is not found.
func TestDashboardState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		other := newRound(t, s, "other")
		w := dora.NewWindow(time.Now().Add(-89*24*time.Hour), time.Now())
		state := func(orgID, id, userID int64) store.DashboardState {
			t.Helper()
			st, err := s.DashboardState(ctx, orgID, id, userID, w)
			if err != nil {
				t.Fatalf("DashboardState: %v", err)
			}
			return st
		}
		if st := state(f.org.ID, other.a.ID, f.user.ID); st.Found {
			t.Fatal("another organization's round is found")
		}
		last := state(f.org.ID, f.a.ID, f.user.ID)
		if !last.Found || last.Delivery {
			t.Fatalf("state %+v, want found without delivery", last)
		}
		name := "Renamed"
		size := 7
		tests := []struct {
			name    string
			change  func() error
			changes bool
		}{
			{"nothing", func() error { return nil }, false},
			{"another organization's team renamed", func() error {
				_, err := s.RenameTeam(ctx, other.org.ID, other.teams[0].ID, "Theirs renamed")
				return err
			}, false},
			{"another organization's round renamed", func() error {
				_, err := s.UpdateAssessment(ctx, other.org.ID, other.a.ID, store.AssessmentPatch{Name: &name})
				return err
			}, false},
			{"team renamed", func() error { _, err := s.RenameTeam(ctx, f.org.ID, f.teams[0].ID, "Blue squad"); return err }, true},
			{"team size", func() error { _, err := s.SetTeamSize(ctx, f.org.ID, f.teams[1].ID, &size); return err }, true},
			{"round renamed", func() error {
				_, err := s.UpdateAssessment(ctx, f.org.ID, f.a.ID, store.AssessmentPatch{Name: &name})
				return err
			}, true},
			{"new snapshot", func() error {
				_, err := s.WriteSnapshots(ctx, store.SnapshotWrite{OrgID: f.org.ID, AssessmentID: f.a.ID, Snapshots: map[string][]byte{cncf: []byte(`{}`)}})
				return err
			}, true},
			{"results stale", func() error { return s.MarkResultsStale(ctx, f.org.ID, f.a.ID) }, true},
			{"plan change", func() error {
				_, err := s.ApplyPlan(ctx, f.org.ID, f.a.ID, 0, []store.PlanChange{{QuestionnaireKey: cncf, RecommendationKey: "some-step", Status: "done"}})
				return err
			}, true},
			{"organization renamed", func() error { return s.RenameOrg(ctx, f.org.ID, "Acme renamed") }, true},
			{"viewer joins another organization", func() error {
				plain, _, err := s.CreateInvite(ctx, other.org.ID, other.user.ID, f.user.Email, models.RoleLeader)
				if err != nil {
					return err
				}
				_, _, err = s.AcceptInvite(ctx, plain, testPassword)
				return err
			}, true},
			{"later round", func() error {
				_, err := s.CreateAssessment(ctx, f.org.ID, store.AssessmentInput{Name: "Next", Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[cncf]}},
					TeamIDs: []int64{f.teams[0].ID}})
				return err
			}, true},
		}
		for _, tt := range tests {
			if err := tt.change(); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			st := state(f.org.ID, f.a.ID, f.user.ID)
			if changed := st.Digest != last.Digest; changed != tt.changes {
				t.Errorf("%s: digest changed = %v, want %v", tt.name, changed, tt.changes)
			}
			last = st
		}
		if _, err := s.IngestDeployments(ctx, f.org.ID, f.teams[0].ID, []dora.Deployment{{ID: "d1", FinishedAt: time.Now().Add(-time.Hour), Status: "success"}}); err != nil {
			t.Fatal(err)
		}
		if st := state(f.org.ID, f.a.ID, f.user.ID); !st.Delivery {
			t.Error("a delivery event in the window is not seen")
		}
	})
}
