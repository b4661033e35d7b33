// Package sso signs people in through their organization's OpenID Connect
// provider: the authorization code flow with PKCE, state and nonce
// (golang.org/x/oauth2), the verification of the ID token against the
// issuer's published keys, audience, expiry and nonce
// (github.com/coreos/go-oidc), and the mapping of a claim to a role. It
// knows neither routes nor storage: app/web keeps the pending sign-in and
// app/store links the identity to an account.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"gapmap/app/apperr"
)

// Settings are what the client needs of an organization's configuration.
type Settings struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // gapmap's callback, e.g. https://HOST/sso/callback
}

// Pending is a sign-in between the redirect to the provider and its
// callback. The web layer keeps it server-side under State, bound to the
// browser by a short-lived cookie; Verifier and Nonce never leave gapmap
// except as the PKCE challenge's hash and the nonce in the request.
type Pending struct {
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	OrgID    int64     `json:"org_id"`
	Issuer   string    `json:"issuer"`
	ClientID string    `json:"client_id"`
	Next     string    `json:"next"`
	Created  time.Time `json:"created"`
}

// Identity is what a verified sign-in says about the person.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified *bool
	Claims        map[string]any // the ID token's claims, completed by the userinfo endpoint
}

// Client runs sign-ins against any number of providers. Every network call
// (discovery, keys, token, userinfo) goes through its HTTP client, whose
// timeout bounds it, and each Begin or Finish has an overall deadline.
type Client struct {
	http      *http.Client
	deadline  time.Duration
	providers sync.Map // issuer -> *cachedProvider
	now       func() time.Time
}

type cachedProvider struct {
	p       *oidc.Provider
	fetched time.Time
}

// providerTTL is how long a provider's discovery document is reused; its
// key set refreshes itself when a token names an unknown key.
const providerTTL = time.Hour

// New returns a client. httpClient nil: one with a 10-second timeout.
func New(httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{http: httpClient, deadline: 20 * time.Second, now: time.Now}
}

// provider returns the issuer's discovered configuration.
func (c *Client) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	if v, ok := c.providers.Load(issuer); ok {
		cp := v.(*cachedProvider)
		if c.now().Sub(cp.fetched) < providerTTL {
			return cp.p, nil
		}
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, c.http), issuer)
	if err != nil {
		e := &apperr.Error{Code: apperr.EUnavailable, Message: "The identity provider could not be reached or its configuration is not valid. Try again later, or ask your organization's owner to check the issuer.",
			Details: map[string]any{"reason": "discovery"}}
		return nil, fmt.Errorf("%w: %v", e, err)
	}
	c.providers.Store(issuer, &cachedProvider{p: p, fetched: c.now()})
	return p, nil
}

func (c *Client) oauth2Config(p *oidc.Provider, s Settings) *oauth2.Config {
	return &oauth2.Config{
		ClientID: s.ClientID, ClientSecret: s.ClientSecret, RedirectURL: s.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// Begin starts a sign-in: it returns the provider's authorization URL and
// the pending sign-in to keep until the callback.
func (c *Client) Begin(ctx context.Context, s Settings) (string, Pending, error) {
	ctx, cancel := context.WithTimeout(ctx, c.deadline)
	defer cancel()
	p, err := c.provider(ctx, s.Issuer)
	if err != nil {
		return "", Pending{}, err
	}
	state, err := random()
	if err != nil {
		return "", Pending{}, err
	}
	nonce, err := random()
	if err != nil {
		return "", Pending{}, err
	}
	pend := Pending{State: state, Nonce: nonce, Verifier: oauth2.GenerateVerifier(), Issuer: s.Issuer, ClientID: s.ClientID, Created: c.now().UTC()}
	u := c.oauth2Config(p, s).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(pend.Verifier))
	return u, pend, nil
}

// Finish redeems the code of the callback (with the PKCE verifier),
// verifies the ID token (signature by the issuer's keys, issuer, audience,
// expiry, nonce, access token hash) and returns who signed in. The email
// comes from the ID token, or from the userinfo endpoint when the token
// carries none (for the same subject).
func (c *Client) Finish(ctx context.Context, s Settings, pend Pending, code string) (*Identity, error) {
	ctx, cancel := context.WithTimeout(ctx, c.deadline)
	defer cancel()
	ctx = oidc.ClientContext(ctx, c.http)
	p, err := c.provider(ctx, s.Issuer)
	if err != nil {
		return nil, err
	}
	tok, err := c.oauth2Config(p, s).Exchange(ctx, code, oauth2.VerifierOption(pend.Verifier))
	if err != nil {
		return nil, refused("code", "The identity provider did not accept the sign-in code. Start again.", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, refused("no_id_token", "The identity provider sent no ID token.", nil)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: s.ClientID, Now: c.now}).Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return nil, refused("expired", "The identity provider's token has expired. Start again.", err)
		}
		if strings.Contains(err.Error(), "audience") {
			return nil, refused("audience", "The identity provider's token was issued to another application.", err)
		}
		return nil, refused("invalid_token", "The identity provider's token could not be verified.", err)
	}
	if idt.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pend.Nonce)) != 1 {
		return nil, refused("nonce", "The identity provider's token belongs to another sign-in. Start again.", nil)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, refused("at_hash", "The identity provider's tokens do not match.", err)
		}
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, refused("invalid_token", "The identity provider's token could not be read.", err)
	}
	if _, ok := claims["email"]; !ok && p.UserInfoEndpoint() != "" {
		ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return nil, refused("userinfo", "The identity provider did not say who signed in.", err)
		}
		if ui.Subject != idt.Subject {
			return nil, refused("userinfo", "The identity provider's user information is about someone else.", nil)
		}
		more := map[string]any{}
		if err := ui.Claims(&more); err != nil {
			return nil, refused("userinfo", "The identity provider's user information could not be read.", err)
		}
		for k, v := range more {
			if _, ok := claims[k]; !ok {
				claims[k] = v
			}
		}
	}
	id := &Identity{Issuer: idt.Issuer, Subject: idt.Subject, Claims: claims}
	id.Email, _ = claims["email"].(string)
	if v, ok := claims["email_verified"].(bool); ok {
		id.EmailVerified = &v
	}
	return id, nil
}

// refused is a sign-in the provider's answer does not allow; reason is a
// short code kept in the audit log, cause stays out of the message.
func refused(reason, msg string, cause error) error {
	e := &apperr.Error{Code: apperr.EUnauthorized, Message: msg, Details: map[string]any{"reason": reason}}
	if cause != nil {
		return fmt.Errorf("%w: %v", e, cause)
	}
	return e
}

// Reason returns the short reason code of a refused sign-in, or "error".
func Reason(err error) string {
	if e, ok := apperr.As(err); ok {
		if r, ok := e.Details["reason"].(string); ok {
			return r
		}
	}
	return "error"
}

func random() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
