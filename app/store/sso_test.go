package store_test

import (
	"context"
	"slices"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

func validSSO() store.SSOInput {
	return store.SSOInput{Slug: "acme", Issuer: "https://login.acme.example/realms/acme", ClientID: "gapmap", ClientSecret: "s3cret",
		Domains: []string{"acme.example"}, RoleClaim: "groups", AdminValues: []string{"admins"}, LeaderValues: []string{"leaders"}}
}

func TestSaveSSOConfigValidates(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*store.SSOInput)
		field string // "" : accepted
	}{
		{"valid", func(*store.SSOInput) {}, ""},
		{"http on loopback", func(in *store.SSOInput) { in.Issuer = "http://127.0.0.1:5556" }, ""},
		{"http elsewhere", func(in *store.SSOInput) { in.Issuer = "http://login.acme.example" }, "issuer"},
		{"not a URL", func(in *store.SSOInput) { in.Issuer = "login.acme.example" }, "issuer"},
		{"issuer with a query", func(in *store.SSOInput) { in.Issuer = "https://login.acme.example/?x=1" }, "issuer"},
		{"bad slug", func(in *store.SSOInput) { in.Slug = "Acme Corp" }, "slug"},
		{"no client id", func(in *store.SSOInput) { in.ClientID = " " }, "client_id"},
		{"no domain", func(in *store.SSOInput) { in.Domains = []string{" "} }, "domains"},
		{"bad domain", func(in *store.SSOInput) { in.Domains = []string{"acme"} }, "domains"},
		{"domain with @ and case", func(in *store.SSOInput) { in.Domains = []string{"@ACME.example"} }, ""},
		{"a value for two roles", func(in *store.SSOInput) { in.LeaderValues = []string{"admins"} }, "leader_values"},
		{"values without a claim", func(in *store.SSOInput) { in.RoleClaim = "" }, "role_claim"},
		{"line break in the claim", func(in *store.SSOInput) { in.RoleClaim = "a\nb" }, "role_claim"},
		{"first save without a secret", func(in *store.SSOInput) { in.ClientSecret = "" }, "client_secret"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				org, _, err := st.SignUp(context.Background(), "Org "+tc.name, "owner-"+slug(tc.name)+"@example.com", "correct horse battery")
				if err != nil {
					t.Fatal(err)
				}
				in := validSSO()
				in.Slug = "s-" + slug(tc.name)
				tc.edit(&in)
				cfg, err := st.SaveSSOConfig(context.Background(), org.ID, in)
				if tc.field == "" {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if !cfg.SecretSet || len(cfg.Domains) != 1 || cfg.Domains[0] != "acme.example" {
						t.Errorf("saved %+v", cfg)
					}
					return
				}
				e, ok := apperr.As(err)
				if !ok || e.Field != tc.field {
					t.Fatalf("got %v, want an error on %s", err, tc.field)
				}
				if _, err := st.SSOConfigOf(context.Background(), org.ID); apperr.Code(err) != apperr.ENotFound {
					t.Errorf("a refused configuration was stored: %v", err)
				}
			})
		}
	})
}

func slug(s string) string {
	out := []rune{}
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			out = append(out, r)
		}
	}
	return string(out[:min(len(out), 30)])
}

func TestSSOSignInRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acme, owner, err := st.SignUp(ctx, "Acme", "owner@acme.example", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		bravo, _, err := st.SignUp(ctx, "Bravo", "owner@bravo.example", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		in := validSSO()
		if _, err := st.SaveSSOConfig(ctx, acme.ID, in); err != nil {
			t.Fatal(err)
		}
		in.Slug = "acme"
		if _, err := st.SaveSSOConfig(ctx, bravo.ID, in); apperr.Code(err) != apperr.EInvalid {
			t.Errorf("a second organization took the sign-in name: %v", err)
		}
		role := func(r models.Role) *models.Role { return &r }
		const iss = "https://login.acme.example/realms/acme"

		u, err := st.SSOSignIn(ctx, store.SSOLogin{OrgID: acme.ID, Issuer: iss, Subject: "s-ana", Email: "Ana@Acme.example", Role: role(models.RoleLeader)})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "ana@acme.example" || u.PasswordHash != "" {
			t.Errorf("created %+v", u)
		}
		if m, err := st.Membership(ctx, u.ID, acme.ID); err != nil || m.Role != models.RoleLeader {
			t.Errorf("membership %+v, %v", m, err)
		}
		// The subject is the key: a changed email still opens the same account.
		again, err := st.SSOSignIn(ctx, store.SSOLogin{OrgID: acme.ID, Issuer: iss, Subject: "s-ana", Email: "ana.new@acme.example", Role: role(models.RoleAdmin)})
		if err != nil || again.ID != u.ID {
			t.Fatalf("second sign-in: %+v, %v", again, err)
		}
		if m, _ := st.Membership(ctx, u.ID, acme.ID); m.Role != models.RoleAdmin {
			t.Errorf("role %s after the claim changed, want admin", m.Role)
		}
		if _, err := st.SSOSignIn(ctx, store.SSOLogin{OrgID: acme.ID, Issuer: iss, Subject: "x", Email: "x@acme.example", Role: role(models.RoleOwner)}); apperr.Code(err) != apperr.EForbidden {
			t.Errorf("owner through SSO: %v", err)
		}
		// The owner signs in and stays owner, whatever the claim says.
		if _, err := st.SSOSignIn(ctx, store.SSOLogin{OrgID: acme.ID, Issuer: iss, Subject: "s-owner", Email: owner.Email, Role: role(models.RoleMember)}); err != nil {
			t.Fatal(err)
		}
		if m, _ := st.Membership(ctx, owner.ID, acme.ID); m.Role != models.RoleOwner {
			t.Errorf("owner became %s", m.Role)
		}
		// Without a role claim, an existing member keeps the role set in gapmap.
		if _, err := st.SSOSignIn(ctx, store.SSOLogin{OrgID: acme.ID, Issuer: iss, Subject: "s-ana", Email: "ana@acme.example"}); err != nil {
			t.Fatal(err)
		}
		if m, _ := st.Membership(ctx, u.ID, acme.ID); m.Role != models.RoleAdmin {
			t.Errorf("role %s without a claim, want admin kept", m.Role)
		}
		// Through Bravo's configuration, neither Acme's accounts nor the
		// identity Acme linked open anything.
		for _, l := range []store.SSOLogin{
			{OrgID: bravo.ID, Issuer: iss, Subject: "s-ana", Email: "ana@acme.example"},
			{OrgID: bravo.ID, Issuer: iss, Subject: "other", Email: "ana@acme.example"},
			{OrgID: bravo.ID, Issuer: iss, Subject: "other2", Email: owner.Email},
		} {
			if _, err := st.SSOSignIn(ctx, l); apperr.Code(err) != apperr.EForbidden {
				t.Errorf("%+v through Bravo: %v", l, err)
			}
		}
		ms, err := st.Memberships(ctx, u.ID)
		if err != nil || len(ms) != 1 || ms[0].OrgID != acme.ID {
			t.Errorf("Ana's memberships: %+v, %v", ms, err)
		}
		members, _ := st.Members(ctx, bravo.ID)
		if len(members) != 1 {
			t.Errorf("Bravo has %d members, want its owner alone", len(members))
		}
		off, err := st.PasswordLoginOff(ctx, []int64{acme.ID, bravo.ID})
		if err != nil || len(off) != 0 {
			t.Errorf("password login off: %v, %v", off, err)
		}
		in = validSSO()
		in.ClientSecret, in.PasswordLoginOff = "", true
		if _, err := st.SaveSSOConfig(ctx, acme.ID, in); err != nil {
			t.Fatal(err)
		}
		if off, _ := st.PasswordLoginOff(ctx, []int64{acme.ID, bravo.ID}); !off[acme.ID] || off[bravo.ID] {
			t.Errorf("password login off: %v", off)
		}
		if ids, _ := st.SSOOrgsForDomain(ctx, "ACME.example"); !slices.Equal(ids, []int64{acme.ID}) {
			t.Errorf("orgs for acme.example: %v", ids)
		}
	})
}
