package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

func teamNames(t *testing.T, s *store.Store, orgID int64) []string {
	t.Helper()
	teams, err := s.Teams(context.Background(), orgID)
	if err != nil {
		t.Fatalf("Teams: %v", err)
	}
	names := make([]string, 0, len(teams))
	for _, tm := range teams {
		if tm.OrgID != orgID {
			t.Fatalf("Teams(%d) returned team %+v of another org", orgID, tm)
		}
		names = append(names, tm.Name)
	}
	return names
}

func TestCreateTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, _, other, _ := twoOrgs(t, s)
		if _, err := s.CreateTeam(ctx, org.ID, "Payments"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, team, want string
			code             string
		}{
			{name: "plain", team: "Search", want: "Search"},
			{name: "trimmed", team: "  Mobile  ", want: "Mobile"},
			{name: "100 characters", team: strings.Repeat("a", 100), want: strings.Repeat("a", 100)},
			{name: "100 multi-byte characters", team: strings.Repeat("é", 100), want: strings.Repeat("é", 100)},
			{name: "hostile text kept as text", team: `<script>alert(1)</script>'; DROP TABLE teams;--`, want: `<script>alert(1)</script>'; DROP TABLE teams;--`},
			{name: "empty", team: "", code: apperr.EInvalid},
			{name: "blank", team: " \t ", code: apperr.EInvalid},
			{name: "101 characters", team: strings.Repeat("a", 101), code: apperr.EInvalid},
			{name: "101 multi-byte characters", team: strings.Repeat("é", 101), code: apperr.EInvalid},
			{name: "duplicate", team: "Payments", code: apperr.EInvalid},
			{name: "duplicate after trimming", team: " Payments ", code: apperr.EInvalid},
			{name: "NUL byte", team: "a\x00b", code: apperr.EInvalid},
			{name: "invalid UTF-8", team: "a\xffb", code: apperr.EInvalid},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := teamNames(t, s, org.ID)
				tm, err := s.CreateTeam(ctx, org.ID, tc.team)
				if tc.code != "" {
					wantCode(t, err, tc.code, "name")
					if after := teamNames(t, s, org.ID); !slices.Equal(before, after) {
						t.Fatalf("refused CreateTeam changed the teams: %q -> %q", before, after)
					}
					return
				}
				if err != nil {
					t.Fatalf("CreateTeam: %v", err)
				}
				if tm.ID == 0 || tm.Name != tc.want || tm.OrgID != org.ID {
					t.Fatalf("team = %+v, want name %q in org %d", tm, tc.want, org.ID)
				}
				got, err := s.Team(ctx, org.ID, tm.ID)
				if err != nil || got.Name != tc.want {
					t.Fatalf("Team = %+v, %v", got, err)
				}
			})
		}
		// Names are unique per organization only.
		if _, err := s.CreateTeam(ctx, other.ID, "Payments"); err != nil {
			t.Fatalf("same team name in another org: %v", err)
		}
		if got := teamNames(t, s, other.ID); !slices.Equal(got, []string{"Payments"}) {
			t.Fatalf("other org's teams = %q", got)
		}
	})
}

func TestRenameAndDeleteTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, _, other, _ := twoOrgs(t, s)
		pay, err := s.CreateTeam(ctx, org.ID, "Payments")
		if err != nil {
			t.Fatal(err)
		}
		search, err := s.CreateTeam(ctx, org.ID, "Search")
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := s.CreateTeam(ctx, other.ID, "Foreign")
		if err != nil {
			t.Fatal(err)
		}
		renames := []struct {
			name     string
			org, id  int64
			to, want string
			code     string
		}{
			{name: "rename", org: org.ID, id: pay.ID, to: " Billing ", want: "Billing"},
			{name: "same name again", org: org.ID, id: pay.ID, to: "Billing", want: "Billing"},
			{name: "to a taken name", org: org.ID, id: pay.ID, to: "Search", code: apperr.EInvalid},
			{name: "to empty", org: org.ID, id: pay.ID, to: "  ", code: apperr.EInvalid},
			{name: "to 101 characters", org: org.ID, id: pay.ID, to: strings.Repeat("b", 101), code: apperr.EInvalid},
			{name: "another org's team", org: org.ID, id: foreign.ID, to: "Mine now", code: apperr.ENotFound},
			{name: "no such team", org: org.ID, id: foreign.ID + 1000, to: "Ghost", code: apperr.ENotFound},
		}
		for _, tc := range renames {
			t.Run(tc.name, func(t *testing.T) {
				beforeOrg, beforeOther := teamNames(t, s, org.ID), teamNames(t, s, other.ID)
				tm, err := s.RenameTeam(ctx, tc.org, tc.id, tc.to)
				if tc.code != "" {
					wantCode(t, err, tc.code, map[string]string{apperr.EInvalid: "name"}[tc.code])
					if a, b := teamNames(t, s, org.ID), teamNames(t, s, other.ID); !slices.Equal(a, beforeOrg) || !slices.Equal(b, beforeOther) {
						t.Fatalf("refused rename changed teams: %q %q -> %q %q", beforeOrg, beforeOther, a, b)
					}
					return
				}
				if err != nil || tm.Name != tc.want || tm.ID != tc.id {
					t.Fatalf("RenameTeam = %+v, %v", tm, err)
				}
			})
		}

		// Another organization's ids are not found, and stay untouched.
		if _, err := s.Team(ctx, org.ID, foreign.ID); apperr.Code(err) != apperr.ENotFound {
			t.Fatalf("Team of another org: %v", err)
		}
		wantCode(t, s.DeleteTeam(ctx, org.ID, foreign.ID), apperr.ENotFound, "")
		wantCode(t, s.SetTeamMembers(ctx, org.ID, foreign.ID, nil), apperr.ENotFound, "")
		if ids, err := s.TeamMemberIDs(ctx, org.ID, foreign.ID); err != nil || len(ids) != 0 {
			t.Fatalf("TeamMemberIDs of another org's team = %v, %v", ids, err)
		}
		if got, err := s.Team(ctx, other.ID, foreign.ID); err != nil || got.Name != "Foreign" {
			t.Fatalf("foreign team after attempts = %+v, %v", got, err)
		}

		if err := s.DeleteTeam(ctx, org.ID, search.ID); err != nil {
			t.Fatalf("DeleteTeam: %v", err)
		}
		wantCode(t, s.DeleteTeam(ctx, org.ID, search.ID), apperr.ENotFound, "")
		if _, err := s.Team(ctx, org.ID, search.ID); apperr.Code(err) != apperr.ENotFound {
			t.Fatalf("deleted team still found: %v", err)
		}
		if got := teamNames(t, s, org.ID); !slices.Equal(got, []string{"Billing"}) {
			t.Fatalf("teams after delete = %q", got)
		}
		// The name of a deleted team can be used again.
		if _, err := s.CreateTeam(ctx, org.ID, "Search"); err != nil {
			t.Fatalf("re-create a deleted team's name: %v", err)
		}
	})
}

func TestTeamMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, ann, _, bob := twoOrgs(t, s)
		carl := invitedUser(t, s, org.ID, ann.ID, "carl@example.com", models.RoleMember)
		team, err := s.CreateTeam(ctx, org.ID, "Payments")
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			ids  []int64
			want []int64
			code string
		}{
			{name: "assign two", ids: []int64{carl.ID, ann.ID}, want: sorted(ann.ID, carl.ID)},
			{name: "duplicates collapse", ids: []int64{carl.ID, carl.ID}, want: []int64{carl.ID}},
			{name: "someone of another org", ids: []int64{carl.ID, bob.ID}, want: []int64{carl.ID}, code: apperr.EInvalid},
			{name: "unknown user", ids: []int64{999999}, want: []int64{carl.ID}, code: apperr.EInvalid},
			{name: "clear", ids: nil, want: nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := s.SetTeamMembers(ctx, org.ID, team.ID, tc.ids)
				if tc.code != "" {
					wantCode(t, err, tc.code, "user_ids")
				} else if err != nil {
					t.Fatalf("SetTeamMembers: %v", err)
				}
				got, err := s.TeamMemberIDs(ctx, org.ID, team.ID)
				if err != nil || !slices.Equal(got, tc.want) {
					t.Fatalf("TeamMemberIDs = %v, %v; want %v", got, err, tc.want)
				}
			})
		}
		if err := s.SetTeamMembers(ctx, org.ID, team.ID, []int64{carl.ID}); err != nil {
			t.Fatal(err)
		}
		if ids, err := s.TeamIDsOfUser(ctx, org.ID, carl.ID); err != nil || !slices.Equal(ids, []int64{team.ID}) {
			t.Fatalf("TeamIDsOfUser = %v, %v", ids, err)
		}
		if err := s.DeleteTeam(ctx, org.ID, team.ID); err != nil {
			t.Fatal(err)
		}
		if ids, err := s.TeamIDsOfUser(ctx, org.ID, carl.ID); err != nil || len(ids) != 0 {
			t.Fatalf("assignments survive the team: %v, %v", ids, err)
		}
	})
}

func sorted(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}
