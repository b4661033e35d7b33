// Package ssotest starts a real OpenID provider for tests: the example
// provider of github.com/zitadel/oidc (its op package, login page and
// in-memory storage) on a loopback httptest server. The storage is the
// example's, wrapped to add a role claim per user and to misbehave on
// request (a token for another audience, with another nonce, or already
// expired) so that tests can check that gapmap refuses such tokens.
package ssotest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Password is every test user's password at the provider.
const Password = "provider-password"

// RoleClaim is the claim that carries a user's groups.
const RoleClaim = "groups"

// Tampering makes the provider issue bad ID tokens.
type Tampering int

// Ways of tampering.
const (
	Honest        Tampering = iota
	WrongAudience           // aud names another client
	WrongNonce              // nonce is not the one of the request
	Expired                 // exp is an hour in the past
)

// Client is an application registered at the provider.
type Client struct {
	ID, Secret   string
	RedirectURIs []string
}

// Provider is a running OpenID provider.
type Provider struct {
	Issuer string

	mu      sync.Mutex
	users   map[string]*storage.User // by username (= id)
	groups  map[string][]string
	tamper  Tampering
	storage *storage.Storage
}

// Start runs a provider with the clients until the test ends.
func Start(tb testing.TB, clients ...Client) *Provider {
	tb.Helper()
	p := &Provider{users: map[string]*storage.User{}, groups: map[string][]string{}}
	registered := map[string]*storage.Client{}
	for _, c := range clients {
		registered[c.ID] = storage.WebClient(c.ID, c.Secret, c.RedirectURIs...)
	}
	p.storage = storage.NewStorageWithClients(userStore{p}, registered)
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	tb.Cleanup(srv.Close)
	p.Issuer = srv.URL
	handler = exampleop.SetupServer(p.Issuer, &opStorage{Storage: p.storage, p: p}, nil, false)
	return p
}

// AddUser registers a user (username = id) with an email and groups.
func (p *Provider) AddUser(username, email string, emailVerified bool, groups ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[username] = &storage.User{ID: username, Username: username, Password: Password, FirstName: "Test", LastName: username,
		Email: email, EmailVerified: emailVerified, PreferredLanguage: language.English}
	p.groups[username] = groups
}

// SetGroups changes a user's groups for the next tokens.
func (p *Provider) SetGroups(username string, groups ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.groups[username] = groups
}

// Tamper makes the next tokens bad in the given way (Honest: good again).
func (p *Provider) Tamper(t Tampering) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = t
}

func (p *Provider) tampering() Tampering {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tamper
}

// LogIn completes the provider's login page, reached at loginPage (its
// URL carries the authRequestID), as username, with client c (which
// follows the redirects back to the application).
func (p *Provider) LogIn(ctx context.Context, c *http.Client, loginPage *url.URL, username string) (*http.Response, error) {
	id := loginPage.Query().Get("authRequestID")
	if !strings.HasPrefix(loginPage.String(), p.Issuer+"/login/username") || id == "" {
		return nil, fmt.Errorf("not the provider's login page: %s", loginPage)
	}
	form := url.Values{"username": {username}, "password": {Password}, "id": {id}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Issuer+"/login/username", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// userStore serves the provider's users from p.
type userStore struct{ p *Provider }

func (u userStore) GetUserByID(id string) *storage.User { return u.GetUserByUsername(id) }

func (u userStore) GetUserByUsername(name string) *storage.User {
	u.p.mu.Lock()
	defer u.p.mu.Unlock()
	return u.p.users[name]
}

func (u userStore) ExampleClientID() string { return storage.ServiceUserID }

// opStorage is the example storage with the groups claim and tampering.
type opStorage struct {
	*storage.Storage
	p *Provider
}

func (s *opStorage) groupsOf(subject string) []string {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	return append([]string{}, s.p.groups[subject]...)
}

// SetUserinfoFromRequest fills the ID token's claims: the example's, and
// the groups.
func (s *opStorage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, req, scopes); err != nil {
		return err
	}
	s.extraClaims(ui, req.GetSubject())
	return nil
}

// SetUserinfoFromToken fills the userinfo endpoint's answer.
func (s *opStorage) SetUserinfoFromToken(ctx context.Context, ui *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, ui, tokenID, subject, origin); err != nil {
		return err
	}
	s.extraClaims(ui, ui.Subject)
	return nil
}

// extraClaims adds the groups, and says "email_verified": false outright
// for an unverified address (the example omits a false value, as some
// providers do; others, such as Keycloak, send it).
func (s *opStorage) extraClaims(ui *oidc.UserInfo, subject string) {
	ui.AppendClaims(RoleClaim, s.groupsOf(subject))
	if ui.Email != "" && !bool(ui.EmailVerified) {
		ui.AppendClaims("email_verified", false)
	}
}

// GetClientByClientID gives clients whose ID tokens are already expired
// while tampering with Expired, and that answer to another client id while
// tampering with WrongAudience.
func (s *opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return c, err
	}
	switch s.p.tampering() {
	case Expired:
		return expiredClient{c}, nil
	case WrongAudience:
		return otherClient{c}, nil
	}
	return c, nil
}

// AuthRequestByCode gives the token endpoint a request with another
// audience or nonce while tampering with them.
func (s *opStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil {
		return r, err
	}
	switch s.p.tampering() {
	case WrongAudience:
		return otherAudience{r}, nil
	case WrongNonce:
		return otherNonce{r}, nil
	}
	return r, nil
}

type expiredClient struct{ op.Client }

func (expiredClient) IDTokenLifetime() time.Duration { return -time.Hour }

// otherApplication is the client that WrongAudience issues tokens to: the
// token endpoint redeems the application's code (same redirect URI, same
// PKCE) but the ID token names only this client in aud and azp.
const otherApplication = "another-application"

type otherClient struct{ op.Client }

func (otherClient) GetID() string { return otherApplication }

type otherAudience struct{ op.AuthRequest }

func (otherAudience) GetAudience() []string { return []string{otherApplication} }
func (otherAudience) GetClientID() string   { return otherApplication }

type otherNonce struct{ op.AuthRequest }

func (otherNonce) GetNonce() string { return "a-nonce-of-another-sign-in" }
