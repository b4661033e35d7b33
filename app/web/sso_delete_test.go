package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/models"
)

// TestDeleteSSO: only the organization's owner removes its single sign-on,
// through the API or the settings page (CSRF-protected); removing it
// switches password login back on at once, is audited as sso.removed, and
// touches no other organization's configuration.
func TestDeleteSSO(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		acme := ts.newOrgOwnedBy("Acme", "owner@acme.example", "Blue")
		_, admin := ts.addPerson(acme, "admin@acme.example", models.RoleAdmin)
		ts.addPerson(acme, "lead@acme.example", models.RoleMember, acme.Teams[0].ID)
		other := ts.newOrgOwnedBy("Other", "owner@other.example")
		configure := func(orgID int64, slug, domain string) {
			t.Helper()
			if _, err := ts.st.SaveSSOConfig(ctx, orgID, store.SSOInput{Slug: slug, Issuer: "https://login." + domain,
				ClientID: "gapmap", ClientSecret: "s", Domains: []string{domain}, PasswordLoginOff: true}); err != nil {
				t.Fatal(err)
			}
		}
		configure(acme.ID, "acme", "acme.example")
		configure(other.ID, "other", "other.example")
		login := func(email string) int {
			c := ts.client()
			return c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "email": {email}, "password": {testPassword}}).Status
		}
		if got := login("lead@acme.example"); got != http.StatusForbidden {
			t.Fatalf("member's password login with SSO only: %d", got)
		}

		for _, tc := range []struct {
			name   string
			token  string
			status int
		}{
			{"an admin", admin, http.StatusForbidden},
			{"no token", "", http.StatusUnauthorized},
			{"the owner", acme.Token, http.StatusNoContent},
			{"the owner again", acme.Token, http.StatusNotFound},
		} {
			ts.want(ts.call("DELETE", "/api/v1/sso", tc.token, nil), tc.status, "DELETE /api/v1/sso as "+tc.name)
		}
		ts.want(ts.call("GET", "/api/v1/sso", acme.Token, nil), http.StatusNotFound, "read removed SSO")
		if _, err := ts.st.SSOConfigBySlug(ctx, "acme"); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("the sign-in name still finds a configuration: %v", err)
		}
		if ids, _ := ts.st.SSOOrgsForDomain(ctx, "acme.example"); len(ids) != 0 {
			t.Errorf("the domain still leads to %v", ids)
		}
		if got := login("lead@acme.example"); got != http.StatusSeeOther {
			t.Errorf("member's password login after removal: %d", got)
		}
		if cfg, err := ts.st.SSOConfigOf(ctx, other.ID); err != nil || !cfg.PasswordLoginOff {
			t.Errorf("the other organization's SSO: %+v, %v", cfg, err)
		}
		entries, _ := ts.audit(acme.Token, "?action=sso.removed")
		if len(entries) != 1 {
			t.Errorf("audit sso.removed: %+v", entries)
		}

		// The settings page: a remove button while configured, a CSRF-checked form.
		configure(acme.ID, "acme", "acme.example")
		c := ts.client()
		c.login("owner@acme.example")
		if page := c.get("/settings/sso").text(); !strings.Contains(page, `action="/settings/sso/delete"`) {
			t.Fatal("the settings page has no remove button")
		}
		if r := c.post("/settings/sso/delete", url.Values{}); r.Status != http.StatusForbidden {
			t.Errorf("remove without a CSRF token: %s", r)
		}
		if r := c.post("/settings/sso/delete", url.Values{"_csrf": {c.csrf("/settings/sso")}}); r.Status != http.StatusSeeOther {
			t.Fatalf("remove on the page: %s", r)
		}
		if page := c.get("/settings/sso").text(); strings.Contains(page, `action="/settings/sso/delete"`) {
			t.Error("the settings page offers to remove a configuration that is gone")
		}
		if _, err := ts.st.SSOConfigOf(ctx, acme.ID); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("after the page's remove: %v", err)
		}
	})
}
