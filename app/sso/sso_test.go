package sso_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"gapmap/app/sso"
	"gapmap/app/sso/ssotest"
	"gapmap/models"
)

const redirect = "http://127.0.0.1:1/sso/callback" // never reached: the test stops at the redirect

var errStop = errors.New("stop at the application's callback")

// signIn runs one sign-in against the provider as username and returns
// what Finish says.
func signIn(t *testing.T, op *ssotest.Provider, c *sso.Client, s sso.Settings, username string) (*sso.Identity, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	authURL, pend, err := c.Begin(ctx, s)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") != pend.Nonce || q.Get("state") != pend.State {
		t.Fatalf("authorization URL lacks PKCE, nonce or state: %s", authURL)
	}
	jar, _ := cookiejar.New(nil)
	var callback *url.URL
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirect) {
			callback = r.URL
			return errStop
		}
		return nil
	}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	resp.Body.Close()
	if _, err := op.LogIn(ctx, browser, resp.Request.URL, username); !errors.Is(err, errStop) || callback == nil {
		t.Fatalf("the provider did not send the browser back: %v", err)
	}
	if callback.Query().Get("state") != pend.State {
		t.Fatalf("state %q, want %q", callback.Query().Get("state"), pend.State)
	}
	return c.Finish(ctx, s, pend, callback.Query().Get("code"))
}

func TestSignInAgainstARealProvider(t *testing.T) {
	op := ssotest.Start(t, ssotest.Client{ID: "gapmap", Secret: "s3cret", RedirectURIs: []string{redirect}})
	op.AddUser("ana", "ana@acme.example", true, "platform-admins")
	c := sso.New(&http.Client{Timeout: 10 * time.Second})
	s := sso.Settings{Issuer: op.Issuer, ClientID: "gapmap", ClientSecret: "s3cret", RedirectURL: redirect}

	tests := []struct {
		name   string
		tamper ssotest.Tampering
		reason string // "" : accepted
	}{
		{"honest", ssotest.Honest, ""},
		{"wrong audience", ssotest.WrongAudience, "audience"},
		{"wrong nonce", ssotest.WrongNonce, "nonce"},
		{"expired", ssotest.Expired, "expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op.Tamper(tc.tamper)
			defer op.Tamper(ssotest.Honest)
			id, err := signIn(t, op, c, s, "ana")
			if tc.reason != "" {
				if err == nil || sso.Reason(err) != tc.reason {
					t.Fatalf("got %v (reason %q), want refusal %q", err, sso.Reason(err), tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id.Email != "ana@acme.example" || id.Subject != "ana" || id.Issuer != op.Issuer || id.EmailVerified == nil || !*id.EmailVerified {
				t.Errorf("identity %+v", id)
			}
			if r := sso.RoleFor(id.Claims, ssotest.RoleClaim, []string{"platform-admins"}, nil); r == nil || *r != models.RoleAdmin {
				t.Errorf("role %v from claims %v", r, id.Claims)
			}
		})
	}
	t.Run("wrong client secret", func(t *testing.T) {
		bad := s
		bad.ClientSecret = "guess"
		if _, err := signIn(t, op, c, bad, "ana"); sso.Reason(err) != "code" {
			t.Fatalf("got %v, want the code refused", err)
		}
	})
}

func TestProviderUnreachable(t *testing.T) {
	c := sso.New(&http.Client{Timeout: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, err := c.Begin(ctx, sso.Settings{Issuer: "http://127.0.0.1:1", ClientID: "x"})
	if sso.Reason(err) != "discovery" {
		t.Fatalf("got %v", err)
	}
}

func TestRoleFor(t *testing.T) {
	admins, leaders := []string{"gm-admins"}, []string{"gm-leaders", "execs"}
	tests := []struct {
		name   string
		claims map[string]any
		claim  string
		want   models.Role // "" : nil
	}{
		{"no claim configured", map[string]any{"groups": []any{"gm-admins"}}, "", ""},
		{"admin in a list", map[string]any{"groups": []any{"x", "gm-admins", "execs"}}, "groups", models.RoleAdmin},
		{"leader as a string", map[string]any{"role": "execs"}, "role", models.RoleLeader},
		{"no value matches", map[string]any{"groups": []any{"staff"}}, "groups", models.RoleMember},
		{"claim absent", map[string]any{}, "groups", models.RoleMember},
		{"nested path", map[string]any{"realm_access": map[string]any{"roles": []any{"gm-leaders"}}}, "realm_access.roles", models.RoleLeader},
		{"owner is never mapped", map[string]any{"groups": []any{"owner"}}, "groups", models.RoleMember},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := sso.RoleFor(tc.claims, tc.claim, admins, leaders)
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("got %v, want none", *got)
			case tc.want != "" && (got == nil || *got != tc.want):
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEmailDomain(t *testing.T) {
	for in, want := range map[string]string{"a@Acme.Example": "acme.example", "a@b@c.io": "c.io", "nobody": "", "@x.io": "", "a@": ""} {
		if got := sso.EmailDomain(in); got != want {
			t.Errorf("EmailDomain(%q) = %q, want %q", in, got, want)
		}
	}
}
