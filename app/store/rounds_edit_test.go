package store_test

import (
	"context"
	"strconv"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

func TestUpdateAssessmentRefusesAndKeeps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "Acme")
		other := newRound(t, s, "Other")
		dim := f.qs[cncf].Dimensions[0].Key
		blank, zero, big := "  ", 0, 99
		tests := []struct {
			name  string
			orgID int64
			p     store.AssessmentPatch
			code  string
			field string
		}{
			{"empty name", f.org.ID, store.AssessmentPatch{Name: &blank}, apperr.EInvalid, "name"},
			{"capacity 0", f.org.ID, store.AssessmentPatch{Capacity: &zero}, apperr.EInvalid, "capacity"},
			{"default target above every scale", f.org.ID, store.AssessmentPatch{DefaultTarget: &big}, apperr.EInvalid, "default_target"},
			{"target of an unknown questionnaire", f.org.ID, store.AssessmentPatch{Targets: map[string]int{"nope/" + dim: 2}, TargetsSet: true}, apperr.EInvalid, "targets"},
			{"no team", f.org.ID, store.AssessmentPatch{TeamsSet: true}, apperr.EInvalid, "team_ids"},
			{"another organization's team", f.org.ID, store.AssessmentPatch{TeamIDs: []int64{f.teams[0].ID, other.teams[0].ID}, TeamsSet: true}, apperr.EInvalid, "team_ids"},
			{"another organization's round", other.org.ID, store.AssessmentPatch{Capacity: &big}, apperr.ENotFound, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.UpdateAssessment(ctx, tt.orgID, f.a.ID, tt.p)
				ae, ok := apperr.As(err)
				if !ok || ae.Code != tt.code || ae.Field != tt.field {
					t.Fatalf("err %v, want %s on %q", err, tt.code, tt.field)
				}
			})
		}
		got, err := s.Assessment(ctx, f.org.ID, f.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != f.a.Name || got.Capacity != f.a.Capacity || len(got.Teams) != 2 || len(got.TargetMap) != 0 {
			t.Errorf("refused patches changed the round: %+v", got.Assessment)
		}
	})
}

func TestDeleteAssessmentLeavesOtherRounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "Acme")
		later, err := s.DuplicateAssessment(ctx, f.org.ID, f.a.ID, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if later.Name != "Round (copy)" || len(later.Teams) != 2 || *later.Questionnaires[0].PreviousAssessmentID != f.a.ID {
			t.Fatalf("copy %+v", later)
		}
		uid := f.user.ID
		if _, err := s.CreateInvitations(ctx, f.org.ID, f.a.ID, &uid, []store.NewInvitation{{TeamID: f.teams[0].ID}}); err != nil {
			t.Fatal(err)
		}
		laterInv, err := s.CreateInvitations(ctx, f.org.ID, later.ID, &uid, []store.NewInvitation{{TeamID: f.teams[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAssessment(ctx, f.org.ID, f.a.ID, "round"); err == nil {
			t.Fatal("a wrong-case name deleted the round")
		}
		if err := s.DeleteAssessment(ctx, f.org.ID+1000, f.a.ID, "Round"); !isCode(err, apperr.ENotFound) {
			t.Fatalf("another organization: %v, want not found", err)
		}
		if err := s.DeleteAssessment(ctx, f.org.ID, f.a.ID, "Round"); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := s.Assessment(ctx, f.org.ID, f.a.ID); !isCode(err, apperr.ENotFound) {
			t.Fatalf("deleted round still loads: %v", err)
		}
		kept, err := s.Assessment(ctx, f.org.ID, later.ID)
		if err != nil {
			t.Fatal(err)
		}
		if kept.Questionnaires[0].PreviousAssessmentID != nil || len(kept.Teams) != 2 {
			t.Errorf("later round after the delete: %+v", kept)
		}
		invs, err := s.Invitations(ctx, f.org.ID, later.ID, nil)
		if err != nil || len(invs) != 1 || invs[0].ID != laterInv[0].ID {
			t.Errorf("later round's links %+v (%v)", invs, err)
		}
		jobs, err := s.Jobs(ctx, store.RecomputeKind)
		if err != nil {
			t.Fatal(err)
		}
		var laterJob bool
		for _, j := range jobs {
			if j.DedupeKey != nil && *j.DedupeKey == "round:"+itoa(f.a.ID) {
				t.Errorf("a job of the deleted round remains: %+v", j)
			}
			laterJob = laterJob || (j.DedupeKey != nil && *j.DedupeKey == "round:"+itoa(later.ID))
		}
		if !laterJob {
			t.Error("the later round's recompute was not enqueued")
		}
	})
}

func isCode(err error, code string) bool {
	ae, ok := apperr.As(err)
	return ok && ae.Code == code
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
