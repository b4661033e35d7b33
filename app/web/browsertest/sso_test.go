package browsertest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"gapmap/app/sso/ssotest"
	"gapmap/app/store"
)

// TestSSOLoginInBrowser walks single sign-on as a person does, against a
// real OpenID provider (the zitadel example OP of app/sso/ssotest on
// loopback): the work email on gapmap's log-in page leads to the
// provider's login form, and signing in there comes back to gapmap's
// dashboard as a new member whose role follows the groups claim. A person
// of a domain outside the organization's list comes back refused, with no
// session.
func TestSSOLoginInBrowser(t *testing.T) {
	srv := btStartServer(t)
	b := btStartBrowser(t)
	ctx := context.Background()
	const clientID, secret = "gapmap-acme", "acme-secret"
	op := ssotest.Start(t, ssotest.Client{ID: clientID, Secret: secret, RedirectURIs: []string{srv.URL + "/sso/callback"}})
	op.AddUser("alice", "alice@acme.example", true, "gm-leaders")
	op.AddUser("mallory", "mallory@elsewhere.example", true, "gm-leaders")
	org, _, err := srv.Store.SignUp(ctx, "Acme", "owner@acme.example", svPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Store.SaveSSOConfig(ctx, org.ID, store.SSOInput{Slug: "acme", Issuer: op.Issuer, ClientID: clientID, ClientSecret: secret,
		Domains: []string{"acme.example"}, RoleClaim: ssotest.RoleClaim, LeaderValues: []string{"gm-leaders"}}); err != nil {
		t.Fatal(err)
	}

	signIn := func(who, username string) {
		t.Helper()
		b.navigate(srv.URL + "/login?next=/dashboard")
		b.run("start SSO as "+who,
			chromedp.SendKeys(css(`#sso-org`), who),
			chromedp.Click(css(`form[action="/sso/start"] button[type=submit]`)),
		)
		b.run("wait for the provider's login form", chromedp.WaitVisible(css(`#username`)))
		if loc := btGet(b, "read the provider's address", chromedp.Location()); !strings.HasPrefix(loc, op.Issuer+"/login/username") {
			t.Fatalf("SSO led to %s, not the provider's login page", loc)
		}
		b.run("fill the provider's login form as "+username,
			chromedp.SendKeys(css(`#username`), username),
			chromedp.SendKeys(css(`#password`), ssotest.Password),
		)
		if _, err := btWithin(b.ctx, btStepLimit, func(ctx context.Context) (*network.Response, error) {
			return chromedp.RunResponse(ctx, chromedp.Click(css(`button[type=submit]`)))
		}); err != nil {
			b.fail("log in at the provider as "+username, err)
		}
		if loc := btGet(b, "read the page after the provider", chromedp.Location()); !strings.HasPrefix(loc, srv.URL+"/") {
			t.Fatalf("the provider's login ended at %s, not back at gapmap", loc)
		}
	}

	signIn("alice@acme.example", "alice")
	if loc := btGet(b, "read the page after sign-in", chromedp.Location()); loc != srv.URL+"/dashboard" {
		t.Errorf("signed in at %s, want the dashboard", loc)
	}
	me := btEval[map[string]any](b, `fetch('/api/v1/me').then(r => r.json())`)
	user, _ := me["user"].(map[string]any)
	orgOf, _ := me["org"].(map[string]any)
	if user["email"] != "alice@acme.example" || orgOf["name"] != "Acme" || me["role"] != "leader" {
		t.Errorf("signed in as %v", me)
	}
	b.screenshot("sso-signed-in")

	if _, err := btWithin(b.ctx, btStepLimit, func(ctx context.Context) (cdp.Empty, error) {
		return chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
	}); err != nil {
		b.fail("forget gapmap's session", err)
	}
	signIn("acme", "mallory")
	msg := btGet(b, "read the refusal", chromedp.Text(css(`main`)))
	if !strings.Contains(msg, "mallory@elsewhere.example may not sign in to Acme") {
		t.Errorf("a foreign domain's sign-in shows %q", msg)
	}
	if status := btEval[float64](b, `fetch('/api/v1/me').then(r => r.status)`); status != 401 {
		t.Errorf("after the refused sign-in /api/v1/me answers %v, want 401", status)
	}
	b.screenshot("sso-refused")
}
