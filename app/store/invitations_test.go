package store_test

import (
	"context"
	"strings"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

func TestInvitations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newRound(t, s, "acme")
		g := newRound(t, s, "globex")
		uid := f.user.ID
		created, err := s.CreateInvitations(ctx, f.org.ID, f.a.ID, &uid, []store.NewInvitation{
			{TeamID: f.teams[0].ID, Label: "  ana  "}, {TeamID: f.teams[0].ID}, {TeamID: f.teams[1].ID, Label: "bo"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(created) != 3 || created[0].Label != "ana" || created[0].TeamName != "Blue" || !strings.HasPrefix(created[0].Token, store.SurveyTokenPrefix) ||
			created[0].TokenHash == "" || strings.Contains(created[0].TokenHash, created[0].Token) {
			t.Fatalf("created %+v", created)
		}
		for _, tt := range []struct {
			name string
			org  int64
			a    int64
			reqs []store.NewInvitation
			code string
		}{
			{"team not in the round", f.org.ID, f.a.ID, []store.NewInvitation{{TeamID: g.teams[0].ID}}, apperr.EInvalid},
			{"label too long", f.org.ID, f.a.ID, []store.NewInvitation{{TeamID: f.teams[0].ID, Label: strings.Repeat("é", 201)}}, apperr.EInvalid},
			{"none", f.org.ID, f.a.ID, nil, apperr.EInvalid},
			{"other org's round", g.org.ID, f.a.ID, []store.NewInvitation{{TeamID: f.teams[0].ID}}, apperr.ENotFound},
		} {
			if _, err := s.CreateInvitations(ctx, tt.org, tt.a, nil, tt.reqs); apperr.Code(err) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		invs, err := s.Invitations(ctx, f.org.ID, f.a.ID, nil)
		total := f.qs[cncf].QuestionCount() + f.qs[gartner].QuestionCount()
		if err != nil || len(invs) != 3 || invs[0].Status != store.InvitationNotStarted || invs[0].Total != total || invs[2].TeamName != "Green" {
			t.Fatalf("invitations %+v, %v", invs, err)
		}
		if mine, _ := s.Invitations(ctx, f.org.ID, f.a.ID, []int64{f.teams[1].ID}); len(mine) != 1 || mine[0].Label != "bo" {
			t.Errorf("team filter: %+v", mine)
		}
		if none, _ := s.Invitations(ctx, f.org.ID, f.a.ID, []int64{}); len(none) != 0 {
			t.Errorf("empty team filter: %+v", none)
		}
		// Tokens back to rows, in the order given, ignoring forgeries and other rounds.
		other, err := s.CreateInvitations(ctx, g.org.ID, g.a.ID, nil, []store.NewInvitation{{TeamID: g.teams[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		rows, plain, err := s.InvitationsByTokens(ctx, f.org.ID, f.a.ID, []string{created[2].Token, "s_forged", other[0].Token, created[0].Token})
		if err != nil || len(rows) != 2 || rows[0].Label != "bo" || rows[1].Label != "ana" || plain[0] != created[2].Token {
			t.Errorf("by tokens: %+v %v %v", rows, plain, err)
		}
		// Revocation.
		if _, err := s.RevokeInvitation(ctx, g.org.ID, f.a.ID, created[0].ID); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("other org revokes: %v", err)
		}
		if sub, err := s.RevokeInvitation(ctx, f.org.ID, f.a.ID, created[0].ID); err != nil || sub {
			t.Errorf("revoke: %v %v", sub, err)
		}
		if _, err := s.RevokeInvitation(ctx, f.org.ID, f.a.ID, created[0].ID); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		if _, err := s.SurveyByToken(ctx, created[0].Token); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("revoked token opens: %v", err)
		}
		if inv, err := s.Invitation(ctx, f.org.ID, f.a.ID, created[0].ID); err != nil || inv.Status != store.InvitationRevoked {
			t.Errorf("revoked invitation %+v, %v", inv, err)
		}
		if _, err := s.Invitation(ctx, g.org.ID, g.a.ID, created[1].ID); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("other org's invitation through own round: %v", err)
		}
		// A closed round takes no links.
		if _, err := s.CloseAssessment(ctx, f.org.ID, f.a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateInvitations(ctx, f.org.ID, f.a.ID, nil, []store.NewInvitation{{TeamID: f.teams[0].ID}}); apperr.Code(err) != apperr.EConflict {
			t.Errorf("invite in a closed round: %v", err)
		}
		sv, err := s.SurveyByToken(ctx, created[1].Token)
		if err != nil || sv.AssessmentStatus != models.AssessmentClosed || sv.Editable() {
			t.Errorf("survey of a closed round: %+v %v", sv, err)
		}
	})
}
