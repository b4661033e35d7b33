package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

func TestSignUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		signUp(t, s, "Existing", "taken@example.com")
		tests := []struct {
			name               string
			org, email, passwd string
			code, field        string
		}{
			{name: "ok", org: "Acme", email: "Ann@Example.COM ", passwd: "0123456789"},
			{name: "ok unicode password", org: "Été", email: "bo@example.com", passwd: "pässwörd-ü"},
			{name: "duplicate email", org: "Other", email: "taken@example.com", passwd: testPassword, code: apperr.EInvalid, field: "email"},
			{name: "duplicate email other case", org: "Other", email: " TAKEN@example.com", passwd: testPassword, code: apperr.EInvalid, field: "email"},
			{name: "password of 9 characters", org: "Short", email: "short@example.com", passwd: "012345678", code: apperr.EInvalid, field: "password"},
			{name: "empty password", org: "Empty", email: "empty@example.com", passwd: "", code: apperr.EInvalid, field: "password"},
			{name: "password over 72 bytes", org: "Long", email: "long@example.com", passwd: strings.Repeat("x", 73), code: apperr.EInvalid, field: "password"},
			{name: "empty organization name", org: "   ", email: "noorg@example.com", passwd: testPassword, code: apperr.EInvalid, field: "org_name"},
			{name: "long organization name", org: strings.Repeat("o", 101), email: "longorg@example.com", passwd: testPassword, code: apperr.EInvalid, field: "org_name"},
			{name: "empty email", org: "NoMail", email: "", passwd: testPassword, code: apperr.EInvalid, field: "email"},
			{name: "invalid email", org: "BadMail", email: "not-an-email", passwd: testPassword, code: apperr.EInvalid, field: "email"},
			{name: "email with display name", org: "BadMail", email: "Ann <ann2@example.com>", passwd: testPassword, code: apperr.EInvalid, field: "email"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				org, user, err := s.SignUp(ctx, tc.org, tc.email, tc.passwd)
				if tc.code != "" {
					wantCode(t, err, tc.code, tc.field)
					if org != nil || user != nil {
						t.Fatalf("failed SignUp returned org %v user %v", org, user)
					}
					if e, nerr := store.NormalizeEmail(tc.email); nerr == nil && e != "taken@example.com" {
						if _, err := s.UserByEmail(ctx, e); apperr.Code(err) != apperr.ENotFound {
							t.Fatalf("failed SignUp left a user %s behind (err %v)", e, err)
						}
					}
					return
				}
				if err != nil {
					t.Fatalf("SignUp: %v", err)
				}
				wantEmail := strings.ToLower(strings.TrimSpace(tc.email))
				if user.Email != wantEmail {
					t.Errorf("email stored as %q, want %q", user.Email, wantEmail)
				}
				if user.PasswordHash == tc.passwd || !strings.HasPrefix(user.PasswordHash, "$2") {
					t.Errorf("password stored as %q, want a bcrypt hash", user.PasswordHash)
				}
				if org.Name != strings.TrimSpace(tc.org) || org.ID == 0 {
					t.Errorf("org = %+v", org)
				}
				ms, err := s.Memberships(ctx, user.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) != 1 || ms[0].OrgID != org.ID || ms[0].Role != models.RoleOwner || ms[0].OrgName != org.Name {
					t.Errorf("memberships = %+v, want owner of %d", ms, org.ID)
				}
			})
		}
	})
}

func TestAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, user := signUp(t, s, "Acme", "ann@example.com")
		tests := []struct {
			name, email, passwd string
			ok                  bool
		}{
			{"right password", "ann@example.com", testPassword, true},
			{"email in other case and spaces", "  ANN@example.com", testPassword, true},
			{"wrong password", "ann@example.com", testPassword + "x", false},
			{"empty password", "ann@example.com", "", false},
			{"unknown email", "nobody@example.com", testPassword, false},
			{"empty email", "", testPassword, false},
		}
		var msgs []string
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				u, err := s.Authenticate(ctx, tc.email, tc.passwd)
				if tc.ok {
					if err != nil || u == nil || u.ID != user.ID {
						t.Fatalf("Authenticate = %v, %v; want user %d", u, err, user.ID)
					}
					return
				}
				wantCode(t, err, apperr.EUnauthorized, "")
				if u != nil {
					t.Fatalf("failed Authenticate returned user %v", u)
				}
				msgs = append(msgs, err.Error())
			})
		}
		if len(msgs) != 4 {
			t.Fatalf("collected %d failure messages, want 4", len(msgs))
		}
		for _, m := range msgs[1:] {
			if m != msgs[0] {
				t.Errorf("failures differ: %q and %q; unknown emails must look like wrong passwords", msgs[0], m)
			}
		}
	})
}

func TestMembershipsAcrossOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		orgB, ann := signUp(t, s, "Beta", "ann@example.com")
		orgA, err := s.CreateOrg(ctx, "Alpha", "ANN@example.com", testPassword)
		if err != nil {
			t.Fatalf("CreateOrg for an existing user: %v", err)
		}
		orgC, bob := signUp(t, s, "Gamma", "bob@example.com")

		if _, err := s.CreateOrg(ctx, "Delta", "ann@example.com", "wrong password"); apperr.Code(err) != apperr.EInvalid {
			t.Fatalf("CreateOrg with a wrong password for an existing user: %v, want invalid", err)
		}
		orgNew, err := s.CreateOrg(ctx, "Epsilon", "new@example.com", testPassword)
		if err != nil {
			t.Fatalf("CreateOrg for a new user: %v", err)
		}
		if _, err := s.Authenticate(ctx, "new@example.com", testPassword); err != nil {
			t.Fatalf("the user made by CreateOrg cannot log in: %v", err)
		}

		ms, err := s.Memberships(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 || ms[0].OrgID != orgA.ID || ms[1].OrgID != orgB.ID {
			t.Fatalf("ann's memberships = %+v, want Alpha (%d) then Beta (%d)", ms, orgA.ID, orgB.ID)
		}
		for _, m := range ms {
			if m.Role != models.RoleOwner {
				t.Errorf("role in %s = %s, want owner", m.OrgName, m.Role)
			}
		}

		tests := []struct {
			name        string
			user, org   int64
			wantOrgName string
		}{
			{"ann in alpha", ann.ID, orgA.ID, "Alpha"},
			{"ann in beta", ann.ID, orgB.ID, "Beta"},
			{"ann not in gamma", ann.ID, orgC.ID, ""},
			{"bob in gamma", bob.ID, orgC.ID, "Gamma"},
			{"bob not in alpha", bob.ID, orgA.ID, ""},
			{"no such org", ann.ID, orgNew.ID + 1000, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				m, err := s.Membership(ctx, tc.user, tc.org)
				p, perr := s.Principal(ctx, tc.user, tc.org)
				if tc.wantOrgName == "" {
					wantCode(t, err, apperr.ENotFound, "")
					wantCode(t, perr, apperr.ENotFound, "")
					return
				}
				if err != nil || m.OrgName != tc.wantOrgName {
					t.Fatalf("Membership = %+v, %v", m, err)
				}
				if perr != nil || p.OrgID != tc.org || p.UserID != tc.user || p.OrgName != tc.wantOrgName || p.Role != models.RoleOwner {
					t.Fatalf("Principal = %+v, %v", p, perr)
				}
			})
		}
	})
}

func TestRenameOrg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, _ := signUp(t, s, "Acme", "ann@example.com")
		if err := s.RenameOrg(ctx, org.ID, "  "); apperr.Code(err) != apperr.EInvalid {
			t.Fatalf("RenameOrg to blank: %v", err)
		}
		if err := s.RenameOrg(ctx, org.ID, " Acme Corp "); err != nil {
			t.Fatal(err)
		}
		got, err := s.Org(ctx, org.ID)
		if err != nil || got.Name != "Acme Corp" {
			t.Fatalf("Org = %+v, %v", got, err)
		}
	})
}

func TestLastOwnerProtection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, ann := signUp(t, s, "Acme", "ann@example.com")
		bob := invitedUser(t, s, org.ID, ann.ID, "bob@example.com", models.RoleAdmin)
		otherOrg, carl := signUp(t, s, "Other", "carl@example.com")

		// Ann is the only owner: she can be neither demoted nor removed.
		wantCode(t, s.SetRole(ctx, org.ID, ann.ID, models.RoleAdmin), apperr.EConflict, "")
		wantCode(t, s.RemoveMember(ctx, org.ID, ann.ID), apperr.EConflict, "")
		if m, err := s.Membership(ctx, ann.ID, org.ID); err != nil || m.Role != models.RoleOwner {
			t.Fatalf("ann after refused changes: %+v, %v", m, err)
		}

		tests := []struct {
			name        string
			org, user   int64
			role        models.Role
			code, field string
		}{
			{name: "unknown role", org: org.ID, user: bob.ID, role: "superuser", code: apperr.EInvalid, field: "role"},
			{name: "empty role", org: org.ID, user: bob.ID, role: "", code: apperr.EInvalid, field: "role"},
			{name: "not a member", org: org.ID, user: carl.ID, role: models.RoleAdmin, code: apperr.ENotFound},
			{name: "member of another org", org: otherOrg.ID, user: bob.ID, role: models.RoleAdmin, code: apperr.ENotFound},
			{name: "promote bob to owner", org: org.ID, user: bob.ID, role: models.RoleOwner},
			{name: "now ann may step down", org: org.ID, user: ann.ID, role: models.RoleLeader},
			{name: "but bob, the last owner, may not", org: org.ID, user: bob.ID, role: models.RoleMember, code: apperr.EConflict},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := s.SetRole(ctx, tc.org, tc.user, tc.role)
				if tc.code != "" {
					wantCode(t, err, tc.code, tc.field)
					return
				}
				if err != nil {
					t.Fatalf("SetRole: %v", err)
				}
				m, err := s.Membership(ctx, tc.user, tc.org)
				if err != nil || m.Role != tc.role {
					t.Fatalf("after SetRole: %+v, %v", m, err)
				}
			})
		}
		wantCode(t, s.RemoveMember(ctx, org.ID, bob.ID), apperr.EConflict, "")
		wantCode(t, s.RemoveMember(ctx, otherOrg.ID, ann.ID), apperr.ENotFound, "")

		// Removing a member drops their team assignments and revokes their tokens.
		team, err := s.CreateTeam(ctx, org.ID, "Payments")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetTeamMembers(ctx, org.ID, team.ID, []int64{ann.ID}); err != nil {
			t.Fatal(err)
		}
		plain, _, err := s.CreateToken(ctx, org.ID, ann.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveMember(ctx, org.ID, ann.ID); err != nil {
			t.Fatalf("RemoveMember of a non-last owner: %v", err)
		}
		if _, err := s.Membership(ctx, ann.ID, org.ID); apperr.Code(err) != apperr.ENotFound {
			t.Fatalf("ann still a member: %v", err)
		}
		if ids, err := s.TeamMemberIDs(ctx, org.ID, team.ID); err != nil || len(ids) != 0 {
			t.Fatalf("team members after removal = %v, %v", ids, err)
		}
		wantCode(t, func() error { _, err := s.PrincipalByToken(ctx, plain); return err }(), apperr.EUnauthorized, "")
	})
}

// invitedUser invites email into org with role and accepts as a new user.
func invitedUser(t *testing.T, s *store.Store, orgID, by int64, email string, role models.Role) *models.User {
	t.Helper()
	ctx := context.Background()
	plain, _, err := s.CreateInvite(ctx, orgID, by, email, role)
	if err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	u, gotOrg, err := s.AcceptInvite(ctx, plain, testPassword)
	if err != nil || gotOrg != orgID {
		t.Fatalf("AcceptInvite = %v, %d, %v", u, gotOrg, err)
	}
	return u
}

func TestInvites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, ann, otherOrg, bob := twoOrgs(t, s)

		type setup func(t *testing.T, plain string, inv *models.OrgInvite)
		expire := func(t *testing.T, _ string, inv *models.OrgInvite) {
			if err := s.Exec(ctx, "UPDATE org_invites SET expires_at = ? WHERE id = ?", time.Now().UTC().Add(-time.Minute), inv.ID); err != nil {
				t.Fatal(err)
			}
		}
		revoke := func(t *testing.T, _ string, inv *models.OrgInvite) {
			if err := s.RevokeInvite(ctx, org.ID, inv.ID); err != nil {
				t.Fatalf("RevokeInvite: %v", err)
			}
		}
		accept := func(t *testing.T, plain string, _ *models.OrgInvite) {
			if _, _, err := s.AcceptInvite(ctx, plain, testPassword); err != nil {
				t.Fatalf("first AcceptInvite: %v", err)
			}
		}
		tests := []struct {
			name     string
			email    string
			role     models.Role
			before   setup
			password string
			code     string
			field    string
			wantUser int64 // an existing user's id
		}{
			{name: "new user", email: "carl@example.com", role: models.RoleMember, password: testPassword},
			{name: "new user with short password", email: "dora@example.com", role: models.RoleMember, password: "short", code: apperr.EInvalid, field: "password"},
			{name: "existing user of another org", email: "BOB@example.com", role: models.RoleLeader, password: testPassword, wantUser: bob.ID},
			{name: "existing user with wrong password", email: "bob@example.com", role: models.RoleLeader, password: "not bob's password", code: apperr.EInvalid, field: "password"},
			{name: "expired", email: "erin@example.com", role: models.RoleMember, before: expire, password: testPassword, code: apperr.ENotFound},
			{name: "revoked", email: "fay@example.com", role: models.RoleMember, before: revoke, password: testPassword, code: apperr.ENotFound},
			{name: "already accepted", email: "gus@example.com", role: models.RoleAdmin, before: accept, password: testPassword, code: apperr.ENotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				plain, inv, err := s.CreateInvite(ctx, org.ID, ann.ID, tc.email, tc.role)
				if err != nil {
					t.Fatalf("CreateInvite: %v", err)
				}
				if inv.TokenHash != secret.HashToken(plain) || strings.Contains(inv.TokenHash, plain) {
					t.Fatalf("invite stores %q for token %q, want its hash", inv.TokenHash, plain)
				}
				if !inv.ExpiresAt.After(time.Now().Add(store.InviteTTL - time.Hour)) {
					t.Fatalf("invite expires at %v, want about %v from now", inv.ExpiresAt, store.InviteTTL)
				}
				if tc.before != nil {
					tc.before(t, plain, inv)
				}
				user, gotOrg, err := s.AcceptInvite(ctx, plain, tc.password)
				if tc.code != "" {
					wantCode(t, err, tc.code, tc.field)
					if tc.before == nil {
						// A refused attempt leaves the invitation usable.
						if _, err := s.InviteByToken(ctx, plain); err != nil {
							t.Fatalf("invitation gone after a refused attempt: %v", err)
						}
					} else if _, err := s.InviteByToken(ctx, plain); apperr.Code(err) != apperr.ENotFound {
						t.Fatalf("InviteByToken of an unusable invitation: %v", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("AcceptInvite: %v", err)
				}
				if gotOrg != org.ID {
					t.Fatalf("joined org %d, want %d", gotOrg, org.ID)
				}
				if tc.wantUser != 0 && user.ID != tc.wantUser {
					t.Fatalf("accepted as user %d, want the existing user %d", user.ID, tc.wantUser)
				}
				m, err := s.Membership(ctx, user.ID, org.ID)
				if err != nil || m.Role != tc.role {
					t.Fatalf("membership after accepting = %+v, %v; want role %s", m, err, tc.role)
				}
				if _, err := s.Authenticate(ctx, tc.email, tc.password); err != nil {
					t.Fatalf("cannot log in after accepting: %v", err)
				}
				if _, _, err := s.AcceptInvite(ctx, plain, tc.password); apperr.Code(err) != apperr.ENotFound {
					t.Fatalf("second AcceptInvite: %v, want not found", err)
				}
			})
		}
		// Bob keeps his own organization.
		if ms, err := s.Memberships(ctx, bob.ID); err != nil || len(ms) != 2 {
			t.Fatalf("bob's memberships = %+v, %v; want his own and Acme", ms, err)
		}

		// Invalid invitations, and revoking across organizations.
		if _, _, err := s.CreateInvite(ctx, org.ID, ann.ID, "nope", models.RoleMember); apperr.Code(err) != apperr.EInvalid {
			t.Fatalf("CreateInvite with a bad email: %v", err)
		}
		if _, _, err := s.CreateInvite(ctx, org.ID, ann.ID, "x@example.com", "root"); apperr.Code(err) != apperr.EInvalid {
			t.Fatalf("CreateInvite with a bad role: %v", err)
		}
		_, inv, err := s.CreateInvite(ctx, org.ID, ann.ID, "hal@example.com", models.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.RevokeInvite(ctx, otherOrg.ID, inv.ID), apperr.ENotFound, "")
		pending, err := s.Invites(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range pending {
			found = found || p.ID == inv.ID
			if p.AcceptedAt != nil || p.RevokedAt != nil || !p.ExpiresAt.After(time.Now()) {
				t.Errorf("Invites lists a used invitation: %+v", p)
			}
		}
		if !found {
			t.Fatalf("pending invitation %d not listed in %+v", inv.ID, pending)
		}
		if other, err := s.Invites(ctx, otherOrg.ID); err != nil || len(other) != 0 {
			t.Fatalf("Invites of another org = %+v, %v", other, err)
		}
		if _, err := s.InviteByToken(ctx, "inv_unknown"); apperr.Code(err) != apperr.ENotFound {
			t.Fatalf("InviteByToken of an unknown token: %v", err)
		}
	})
}

// TestLastOwnerConcurrentDemotion has two owners step down at the same
// moment: one of them must be refused, whatever the interleaving.
func TestLastOwnerConcurrentDemotion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const rounds = 15
		for i := 0; i < rounds; i++ {
			org, ann := signUp(t, s, fmt.Sprintf("Org %d", i), fmt.Sprintf("ann%d@example.com", i))
			bob := invitedUser(t, s, org.ID, ann.ID, fmt.Sprintf("bob%d@example.com", i), models.RoleOwner)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for j, uid := range []int64{ann.ID, bob.ID} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if j == 0 {
						errs[j] = s.SetRole(ctx, org.ID, uid, models.RoleAdmin)
					} else {
						errs[j] = s.RemoveMember(ctx, org.ID, uid)
					}
				}()
			}
			close(start)
			wg.Wait()
			owners := 0
			members, err := s.Members(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range members {
				if m.Role == models.RoleOwner {
					owners++
				}
			}
			if owners != 1 {
				t.Fatalf("round %d: %d owners left (errors %v, %v), want exactly 1", i, owners, errs[0], errs[1])
			}
			refused := 0
			for _, err := range errs {
				switch apperr.Code(err) {
				case "":
				case apperr.EConflict:
					refused++
				default:
					t.Fatalf("round %d: unexpected error %v", i, err)
				}
			}
			if refused != 1 {
				t.Fatalf("round %d: %d of 2 changes refused, want 1", i, refused)
			}
		}
	})
}
