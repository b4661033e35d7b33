package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gapmap/app/sso/ssotest"
	"gapmap/app/store"
	"gapmap/models"
)

// ssoBrowser is a browser for single sign-on: a real http.Client with a
// cookie jar that follows redirects between gapmap (served in memory by
// app.Test) and the OpenID provider (a real loopback server). Every request
// has the client's deadline.
type ssoBrowser struct {
	t      *testing.T
	ts     *testServer
	op     *ssotest.Provider
	client *http.Client
}

// appTransport sends requests for gapmap's host to the application and
// every other request over the network.
type appTransport struct{ ts *testServer }

func (a appTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != a.ts.origin.Host {
		return http.DefaultTransport.RoundTrip(req)
	}
	return a.ts.app.Test(req, -1)
}

func (ts *testServer) ssoBrowser(op *ssotest.Provider) *ssoBrowser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	return &ssoBrowser{t: ts.t, ts: ts, op: op, client: &http.Client{Jar: jar, Transport: appTransport{ts}, Timeout: 20 * time.Second}}
}

type ssoPage struct {
	status int
	url    *url.URL
	header http.Header
	body   string
}

func (b *ssoBrowser) read(resp *http.Response, err error) ssoPage {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return ssoPage{status: resp.StatusCode, url: resp.Request.URL, header: resp.Header, body: string(data)}
}

func (b *ssoBrowser) get(path string) ssoPage {
	b.t.Helper()
	return b.read(b.client.Get(b.ts.origin.String() + path))
}

func (b *ssoBrowser) postForm(path string, vals url.Values) ssoPage {
	b.t.Helper()
	return b.read(b.client.PostForm(b.ts.origin.String()+path, vals))
}

// start posts the login page's SSO form with org (a sign-in name or an
// email) and returns the page it leads to.
func (b *ssoBrowser) start(org string) ssoPage {
	b.t.Helper()
	m := csrfInput.FindStringSubmatch(b.get("/login").body)
	if m == nil {
		b.t.Fatal("no CSRF field on the login page")
	}
	r := b.postForm("/sso/start", url.Values{"_csrf": {m[1]}, "org": {org}, "next": {"/api/v1/me"}})
	if r.status != http.StatusOK {
		return r
	}
	// The page goes on to the provider by a Refresh header and a link, as
	// a browser would (not a redirect: see ssoStart).
	link := ssoContinue.FindStringSubmatch(r.body)
	if link == nil {
		b.t.Fatalf("no link to the provider: %.300s", r.body)
	}
	if to := html.UnescapeString(link[1]); r.header.Get("Refresh") != "0;url="+to || !strings.HasPrefix(to, b.op.Issuer+"/") {
		b.t.Fatalf("Refresh %q and link %q differ or leave the provider", r.header.Get("Refresh"), to)
	}
	return b.read(b.client.Get(html.UnescapeString(link[1])))
}

var ssoContinue = regexp.MustCompile(`id="sso-continue" href="([^"]+)"`)

// signIn signs in through org's provider as the provider's user and
// returns the page gapmap ends on.
func (b *ssoBrowser) signIn(org, username string) ssoPage {
	b.t.Helper()
	login := b.start(org)
	if login.status != http.StatusOK || !strings.HasPrefix(login.url.String(), b.op.Issuer+"/login/") {
		b.t.Fatalf("SSO start for %s did not reach the provider's login: %d %s %.300s", org, login.status, login.url, login.body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return b.read(b.op.LogIn(ctx, b.client, login.url, username))
}

// me returns the signed-in principal's email, organization and role, or
// the status when not signed in.
func (b *ssoBrowser) me() (email, org string, role models.Role, status int) {
	b.t.Helper()
	r := b.get("/api/v1/me")
	if r.status != http.StatusOK {
		return "", "", "", r.status
	}
	res := apiResult{Status: r.status, Body: []byte(r.body)}
	var v struct {
		User struct{ Email string }
		Org  struct{ Name string }
		Role models.Role
	}
	res.decode(b.t, &v)
	return v.User.Email, v.Org.Name, v.Role, r.status
}

type ssoOrg struct {
	testOrg
	slug, clientID, secret string
}

// ssoFixture is two organizations, Acme and Bravo, each configured with its
// own client at one provider.
func ssoFixture(t *testing.T, ts *testServer) (*ssotest.Provider, ssoOrg, ssoOrg) {
	t.Helper()
	callback := ts.origin.String() + "/sso/callback"
	acme := ssoOrg{testOrg: ts.newOrgOwnedBy("Acme", "owner@acme.example", "Blue"), slug: "acme", clientID: "gapmap-acme", secret: "acme-secret"}
	bravo := ssoOrg{testOrg: ts.newOrgOwnedBy("Bravo", "owner@bravo.example", "Red"), slug: "bravo", clientID: "gapmap-bravo", secret: "bravo-secret"}
	op := ssotest.Start(t, ssotest.Client{ID: acme.clientID, Secret: acme.secret, RedirectURIs: []string{callback}},
		ssotest.Client{ID: bravo.clientID, Secret: bravo.secret, RedirectURIs: []string{callback}})
	for _, o := range []ssoOrg{acme, bravo} {
		body := map[string]any{"slug": o.slug, "issuer": op.Issuer, "client_id": o.clientID, "client_secret": o.secret,
			"domains": []string{o.slug + ".example"}, "role_claim": ssotest.RoleClaim, "admin_values": []string{"gm-admins"}, "leader_values": []string{"gm-leaders"}}
		ts.want(ts.call("PUT", "/api/v1/sso", o.Token, body), http.StatusOK, "configure SSO of "+o.slug)
	}
	return op, acme, bravo
}

func (ts *testServer) memberEmails(orgID int64) []string {
	ts.t.Helper()
	ms, err := ts.st.Members(context.Background(), orgID)
	if err != nil {
		ts.t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.Email+"="+string(m.Role))
	}
	return out
}

func TestSSOSignIn(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		op, acme, bravo := ssoFixture(t, ts)
		op.AddUser("ana", "ana@acme.example", true, "gm-admins")
		op.AddUser("bob", "bob@bravo.example", true, "gm-leaders")
		op.AddUser("eve", "eve@elsewhere.example", true, "gm-admins")
		op.AddUser("owner", "owner@acme.example", true)
		op.AddUser("unverified", "uma@acme.example", false)

		t.Run("first sign-in creates a member with the claim's role", func(t *testing.T) {
			b := ts.ssoBrowser(op)
			end := b.signIn("acme", "ana")
			if end.status != http.StatusOK || end.url.Path != "/api/v1/me" {
				t.Fatalf("sign-in ended at %d %s: %.300s", end.status, end.url, end.body)
			}
			if email, org, role, _ := b.me(); email != "ana@acme.example" || org != "Acme" || role != models.RoleAdmin {
				t.Fatalf("me = %s %s %s", email, org, role)
			}
			u, err := ts.st.UserByEmail(context.Background(), "ana@acme.example")
			if err != nil || u.PasswordHash != "" {
				t.Fatalf("the just-in-time account: %+v, %v", u, err)
			}
		})
		t.Run("the role follows the claim at each sign-in", func(t *testing.T) {
			for _, step := range []struct {
				groups []string
				want   models.Role
			}{{[]string{"gm-leaders"}, models.RoleLeader}, {nil, models.RoleMember}, {[]string{"x", "gm-admins"}, models.RoleAdmin}} {
				op.SetGroups("ana", step.groups...)
				b := ts.ssoBrowser(op)
				b.signIn("acme", "ana")
				if _, _, role, status := b.me(); role != step.want {
					t.Errorf("groups %v: role %q (status %d), want %s", step.groups, role, status, step.want)
				}
			}
			var log struct{ Entries []auditEntry }
			ts.want(ts.call("GET", "/api/v1/audit?action=member.role_changed", acme.Token, nil), http.StatusOK, "audit").decode(t, &log)
			if len(log.Entries) != 3 {
				t.Errorf("%d role changes audited, want 3", len(log.Entries))
			}
		})
		t.Run("an owner keeps the owner role", func(t *testing.T) {
			b := ts.ssoBrowser(op)
			b.signIn("acme", "owner")
			if email, _, role, _ := b.me(); email != "owner@acme.example" || role != models.RoleOwner {
				t.Errorf("owner signed in as %s with role %s", email, role)
			}
		})
		t.Run("by email domain", func(t *testing.T) {
			b := ts.ssoBrowser(op)
			b.signIn("bob@bravo.example", "bob")
			if email, org, role, _ := b.me(); email != "bob@bravo.example" || org != "Bravo" || role != models.RoleLeader {
				t.Errorf("me = %s %s %s", email, org, role)
			}
		})
		t.Run("refused", func(t *testing.T) {
			tests := []struct {
				name, org, user string
				tamper          ssotest.Tampering
				status          int
				message         string
				reason          string
			}{
				{"domain outside the list", "acme", "eve", ssotest.Honest, http.StatusForbidden, "is not on the organization&#39;s list", "domain"},
				{"another organization's person through Acme", "acme", "bob", ssotest.Honest, http.StatusForbidden, "is not on the organization&#39;s list", "domain"},
				{"unverified email", "acme", "unverified", ssotest.Honest, http.StatusForbidden, "did not vouch for an email", "email_unverified"},
				{"wrong audience", "acme", "ana", ssotest.WrongAudience, http.StatusUnauthorized, "issued to another application", "audience"},
				{"wrong nonce", "acme", "ana", ssotest.WrongNonce, http.StatusUnauthorized, "belongs to another sign-in", "nonce"},
				{"expired token", "acme", "ana", ssotest.Expired, http.StatusUnauthorized, "has expired", "expired"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					op.Tamper(tc.tamper)
					defer op.Tamper(ssotest.Honest)
					before := ts.memberEmails(acme.ID)
					b := ts.ssoBrowser(op)
					end := b.signIn(tc.org, tc.user)
					if end.status != tc.status || !strings.Contains(end.body, tc.message) {
						t.Errorf("ended with %d %s, want %d with %q: %.400s", end.status, end.url, tc.status, tc.message, end.body)
					}
					if _, _, _, status := b.me(); status != http.StatusUnauthorized {
						t.Errorf("a refused sign-in left a session (me: %d)", status)
					}
					if after := ts.memberEmails(acme.ID); !slices.Equal(before, after) {
						t.Errorf("Acme's members changed: %v -> %v", before, after)
					}
					var log struct{ Entries []auditEntry }
					ts.want(ts.call("GET", "/api/v1/audit?action=auth.sign_in_failed&limit=1", acme.Token, nil), http.StatusOK, "audit").decode(t, &log)
					if len(log.Entries) != 1 || !strings.Contains(fmt.Sprint(log.Entries[0].Detail), tc.reason) {
						t.Errorf("audit of the refusal: %+v, want reason %s", log.Entries, tc.reason)
					}
				})
			}
			if _, err := ts.st.UserByEmail(context.Background(), "eve@elsewhere.example"); err == nil {
				t.Error("a refused sign-in created an account")
			}
		})
		t.Run("a second organization's provider never opens the first's accounts", func(t *testing.T) {
			// Bravo's owner lists Acme's domain: Bravo's provider now vouches for
			// people of acme.example, who belong to Acme.
			body := map[string]any{"slug": "bravo", "issuer": op.Issuer, "client_id": bravo.clientID, "domains": []string{"bravo.example", "acme.example"}}
			ts.want(ts.call("PUT", "/api/v1/sso", bravo.Token, body), http.StatusOK, "Bravo lists acme.example")
			acmeBefore, bravoBefore := ts.memberEmails(acme.ID), ts.memberEmails(bravo.ID)
			for _, user := range []string{"ana", "owner"} {
				b := ts.ssoBrowser(op)
				end := b.signIn("bravo", user)
				if end.status != http.StatusForbidden || !strings.Contains(end.body, "also belongs to another organization") {
					t.Errorf("%s through Bravo: %d %.300s", user, end.status, end.body)
				}
				if _, _, _, status := b.me(); status != http.StatusUnauthorized {
					t.Errorf("%s through Bravo got a session", user)
				}
			}
			if a, b := ts.memberEmails(acme.ID), ts.memberEmails(bravo.ID); !slices.Equal(a, acmeBefore) || !slices.Equal(b, bravoBefore) {
				t.Errorf("members changed: Acme %v -> %v, Bravo %v -> %v", acmeBefore, a, bravoBefore, b)
			}
			for _, m := range ts.memberEmails(acme.ID) {
				if strings.Contains(m, "bravo.example") {
					t.Errorf("Bravo's person %s is in Acme", m)
				}
			}
		})
	})
}

func TestSSOStartAndCallbackRefusals(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		op, _, _ := ssoFixture(t, ts)
		tests := []struct {
			name, org string
			message   string
		}{
			{"unknown sign-in name", "nobody", "No organization signs in with single sign-on under that name"},
			{"unknown domain", "x@nowhere.example", "No organization signs in with single sign-on for nowhere.example"},
			{"empty", "", "Enter your organization"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := ts.ssoBrowser(op).start(tc.org)
				if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tc.message) {
					t.Errorf("%d %.300s", r.status, r.body)
				}
			})
		}
		t.Run("a callback this browser did not start", func(t *testing.T) {
			b := ts.ssoBrowser(op)
			if login := b.start("acme"); login.status != http.StatusOK {
				t.Fatalf("start: %d", login.status)
			}
			other := ts.ssoBrowser(op)
			for _, path := range []string{"/sso/callback?state=forged&code=x", "/sso/callback"} {
				r := other.get(path)
				if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "not started in this browser") {
					t.Errorf("%s: %d %.300s", path, r.status, r.body)
				}
			}
		})
	})
}

func TestPasswordLoginOff(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		acme := ts.newOrgOwnedBy("Acme", "owner@acme.example", "Blue")
		ts.addPerson(acme, "lead@acme.example", models.RoleMember, acme.Teams[0].ID)
		other := ts.newOrgOwnedBy("Other", "owner@other.example")
		ts.addPerson(other, "admin@acme.example", models.RoleAdmin) // also in Acme below
		if _, err := ts.st.SaveSSOConfig(context.Background(), acme.ID, store.SSOInput{Slug: "acme", Issuer: "https://login.acme.example",
			ClientID: "gapmap", ClientSecret: "s", Domains: []string{"acme.example"}, PasswordLoginOff: true}); err != nil {
			t.Fatal(err)
		}
		ts.addPerson(acme, "admin@acme.example", models.RoleAdmin)

		login := func(email string) apiResult {
			c := ts.client()
			return c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "email": {email}, "password": {testPassword}})
		}
		if r := login("lead@acme.example"); r.Status != http.StatusForbidden || !strings.Contains(r.text(), "signs in with single sign-on only") {
			t.Errorf("member's password login: %s", r)
		}
		if r := login("owner@acme.example"); r.Status != http.StatusSeeOther {
			t.Errorf("owner's password login: %s", r)
		}
		// In two organizations: the password opens only the other one, and
		// switching to Acme is refused.
		c := ts.client()
		c.login("admin@acme.example")
		if r := c.get("/api/v1/me"); !strings.Contains(r.text(), `"Other"`) {
			t.Errorf("signed into %s, want Other", r.text())
		}
		r := c.post("/org/switch", url.Values{"_csrf": {c.csrf("/teams")}, "org_id": {fmt.Sprint(acme.ID)}})
		if r.Status != http.StatusForbidden {
			t.Errorf("switch into Acme with a password session: %s", r)
		}
		// Removed from Other, the password session does not fall back into Acme.
		admin, err := ts.st.UserByEmail(context.Background(), "admin@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		if err := ts.st.RemoveMember(context.Background(), other.ID, admin.ID); err != nil {
			t.Fatal(err)
		}
		if r := c.get("/api/v1/me"); r.Status != http.StatusUnauthorized {
			t.Errorf("after leaving Other, the password session reads %s", r)
		}
	})
}

func TestSSOSettingsPage(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		acme := ts.newOrgOwnedBy("Acme", "owner@acme.example")
		_, admin := ts.addPerson(acme, "admin@acme.example", models.RoleAdmin)
		c := ts.client()
		c.login("owner@acme.example")
		form := url.Values{"slug": {"acme"}, "issuer": {"https://login.acme.example"}, "client_id": {"gapmap"},
			"client_secret": {"page-secret-value"}, "domains": {"acme.example\nAcme.Example, sub.acme.example"}, "password_login_off": {"on"}}
		if r := c.post("/settings/sso", form); r.Status != http.StatusForbidden {
			t.Errorf("without a CSRF token: %s", r)
		}
		form.Set("_csrf", c.csrf("/settings/sso"))
		if r := c.post("/settings/sso", form); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %s", r)
		}
		page := c.get("/settings/sso")
		if page.Status != http.StatusOK || strings.Contains(page.text(), "page-secret-value") || !strings.Contains(page.text(), "A secret is stored") ||
			!strings.Contains(page.text(), "http://gapmap.test/sso/callback") {
			t.Errorf("settings page: %s", page)
		}
		api := ts.want(ts.call("GET", "/api/v1/sso", acme.Token, nil), http.StatusOK, "read SSO")
		if strings.Contains(api.text(), "page-secret-value") || api.field(t, "secret_set") != true || api.field(t, "password_login_off") != true {
			t.Errorf("API: %s", api)
		}
		if d := fmt.Sprint(api.field(t, "domains")); d != "[acme.example sub.acme.example]" {
			t.Errorf("domains %s", d)
		}
		// Saving again without a secret keeps it; a bad domain changes nothing.
		form.Set("client_secret", "")
		form.Set("domains", "not a domain")
		if r := c.post("/settings/sso", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "is not a domain name") {
			t.Errorf("bad domain: %s", r)
		}
		ts.want(ts.call("PUT", "/api/v1/sso", acme.Token, map[string]any{"slug": "acme", "issuer": "https://login.acme.example", "client_id": "gapmap2", "domains": []string{"acme.example"}}),
			http.StatusOK, "save without a secret")
		cfg, err := ts.st.SSOConfigOf(context.Background(), acme.ID)
		if err != nil || cfg.ClientSecret != "page-secret-value" || cfg.ClientID != "gapmap2" {
			t.Errorf("stored: %+v, %v", cfg, err)
		}
		ts.want(ts.call("GET", "/api/v1/sso", admin, nil), http.StatusForbidden, "an admin reads SSO")
		entries, _ := ts.audit(acme.Token, "?action=sso.configured")
		if len(entries) != 2 || strings.Contains(fmt.Sprint(entries), "page-secret-value") {
			t.Errorf("audit: %+v", entries)
		}
	})
}
