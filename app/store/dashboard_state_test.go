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
		results := func() store.RoundState {
			t.Helper()
			st, err := s.ResultsState(ctx, f.org.ID, f.a.ID, w)
			if err != nil || !st.Found {
				t.Fatalf("ResultsState: %+v, %v", st, err)
			}
			return st
		}
		lastResults := results()
		state := func(orgID, id, userID int64) store.RoundState {
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
		if st, err := s.ResultsState(ctx, f.org.ID, other.a.ID, w); err != nil || st.Found {
			t.Fatalf("another organization's round: results state %+v, %v", st, err)
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
			results bool // the results answer's state changes too
		}{
			{"nothing", func() error { return nil }, false, false},
			{"another organization's team renamed", func() error {
				_, err := s.RenameTeam(ctx, other.org.ID, other.teams[0].ID, "Theirs renamed")
				return err
			}, false, false},
			{"another organization's round renamed", func() error {
				_, err := s.UpdateAssessment(ctx, other.org.ID, other.a.ID, store.AssessmentPatch{Name: &name})
				return err
			}, false, false},
			{"team renamed", func() error { _, err := s.RenameTeam(ctx, f.org.ID, f.teams[0].ID, "Blue squad"); return err }, true, false},
			{"team size", func() error { _, err := s.SetTeamSize(ctx, f.org.ID, f.teams[1].ID, &size); return err }, true, false},
			{"round renamed", func() error {
				_, err := s.UpdateAssessment(ctx, f.org.ID, f.a.ID, store.AssessmentPatch{Name: &name})
				return err
			}, true, true},
			{"new snapshot", func() error {
				_, err := s.WriteSnapshots(ctx, store.SnapshotWrite{OrgID: f.org.ID, AssessmentID: f.a.ID, Snapshots: map[string][]byte{cncf: []byte(`{}`)}})
				return err
			}, true, true},
			{"results stale", func() error { return s.MarkResultsStale(ctx, f.org.ID, f.a.ID) }, true, true},
			{"plan change", func() error {
				_, err := s.ApplyPlan(ctx, f.org.ID, f.a.ID, 0, []store.PlanChange{{QuestionnaireKey: cncf, RecommendationKey: "some-step", Status: "done"}})
				return err
			}, true, false},
			{"organization renamed", func() error { return s.RenameOrg(ctx, f.org.ID, "Acme renamed") }, true, false},
			{"viewer joins another organization", func() error {
				plain, _, err := s.CreateInvite(ctx, other.org.ID, other.user.ID, f.user.Email, models.RoleLeader)
				if err != nil {
					return err
				}
				_, _, err = s.AcceptInvite(ctx, plain, testPassword)
				return err
			}, true, false},
			{"later round", func() error {
				_, err := s.CreateAssessment(ctx, f.org.ID, store.AssessmentInput{Name: "Next", Questionnaires: []store.QuestionnaireChoice{{Q: f.qs[cncf]}},
					TeamIDs: []int64{f.teams[0].ID}})
				return err
			}, true, false},
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
			rs := results()
			if changed := rs.Digest != lastResults.Digest; changed != tt.results {
				t.Errorf("%s: results digest changed = %v, want %v", tt.name, changed, tt.results)
			}
			lastResults = rs
		}
		if _, err := s.IngestDeployments(ctx, f.org.ID, f.teams[0].ID, []dora.Deployment{{ID: "d1", FinishedAt: time.Now().Add(-time.Hour), Status: "success"}}); err != nil {
			t.Fatal(err)
		}
		if st := results(); !st.Delivery {
			t.Error("a delivery event in the window is not seen in the results state")
		}
		if st := state(f.org.ID, f.a.ID, f.user.ID); !st.Delivery {
			t.Error("a delivery event in the window is not seen")
		}
	})
}
