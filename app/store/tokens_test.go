package store_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

func TestCreateToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, ann, other, bob := twoOrgs(t, s)
		tests := []struct {
			name        string
			org, user   int64
			tokenName   string
			code, field string
		}{
			{name: "ok", org: org.ID, user: ann.ID, tokenName: "ci"},
			{name: "same name twice is fine", org: org.ID, user: ann.ID, tokenName: "ci"},
			{name: "empty name", org: org.ID, user: ann.ID, tokenName: " ", code: apperr.EInvalid, field: "name"},
			{name: "long name", org: org.ID, user: ann.ID, tokenName: strings.Repeat("n", 101), code: apperr.EInvalid, field: "name"},
			{name: "not a member of the org", org: other.ID, user: ann.ID, tokenName: "sneaky", code: apperr.ENotFound},
			{name: "bob in his org", org: other.ID, user: bob.ID, tokenName: "bob"},
		}
		seen := map[string]bool{}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				plain, tok, err := s.CreateToken(ctx, tc.org, tc.user, tc.tokenName)
				if tc.code != "" {
					wantCode(t, err, tc.code, tc.field)
					if plain != "" || tok != nil {
						t.Fatalf("refused CreateToken returned %q, %+v", plain, tok)
					}
					return
				}
				if err != nil {
					t.Fatalf("CreateToken: %v", err)
				}
				if !strings.HasPrefix(plain, store.TokenPrefix) {
					t.Fatalf("token %q lacks prefix %q", plain, store.TokenPrefix)
				}
				raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(plain, store.TokenPrefix))
				if err != nil || len(raw)*8 < 128 {
					t.Fatalf("token carries %d random bits (%v), want at least 128", len(raw)*8, err)
				}
				if seen[plain] {
					t.Fatal("the same token was issued twice")
				}
				seen[plain] = true
				list, err := s.Tokens(ctx, tc.org, tc.user)
				if err != nil {
					t.Fatal(err)
				}
				var stored *models.APIToken
				for i := range list {
					if list[i].ID == tok.ID {
						stored = &list[i]
					}
				}
				if stored == nil {
					t.Fatalf("token %d not listed in %+v", tok.ID, list)
				}
				if stored.TokenHash != secret.HashToken(plain) || strings.Contains(stored.TokenHash, plain[len(store.TokenPrefix):]) {
					t.Fatalf("stored token_hash %q, want the SHA-256 of the token and never the token", stored.TokenHash)
				}
				if !strings.HasPrefix(plain, stored.Prefix) || len(stored.Prefix) >= len(plain)/2 {
					t.Fatalf("stored prefix %q reveals too much of the token or is not its start", stored.Prefix)
				}
				if stored.Name != strings.TrimSpace(tc.tokenName) || stored.LastUsedAt != nil || stored.RevokedAt != nil {
					t.Fatalf("stored token = %+v", stored)
				}
			})
		}
	})
}

func TestTokenUseAndRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, ann, other, bob := twoOrgs(t, s)
		plain, tok, err := s.CreateToken(ctx, org.ID, ann.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}
		bobPlain, bobTok, err := s.CreateToken(ctx, other.ID, bob.ID, "bob")
		if err != nil {
			t.Fatal(err)
		}

		before := time.Now().UTC().Add(-time.Second)
		p, err := s.PrincipalByToken(ctx, plain)
		if err != nil {
			t.Fatalf("PrincipalByToken: %v", err)
		}
		want := store.Principal{UserID: ann.ID, TokenID: tok.ID, Token: "ci", Email: "ann@example.com", OrgID: org.ID, OrgName: "Acme", Role: models.RoleOwner}
		if *p != want {
			t.Fatalf("principal = %+v, want %+v", *p, want)
		}
		list, err := s.Tokens(ctx, org.ID, ann.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("Tokens = %+v, %v", list, err)
		}
		if lu := list[0].LastUsedAt; lu == nil || lu.Before(before) || lu.After(time.Now().Add(time.Minute)) {
			t.Fatalf("last_used_at = %v after use, want about now", lu)
		}

		unauthorized := []struct{ name, token string }{
			{"empty", ""},
			{"garbage", "gmp_nonsense"},
			{"hash instead of token", list[0].TokenHash},
			{"token with a trailing character", plain + "x"},
			{"prefix only", list[0].Prefix},
		}
		for _, tc := range unauthorized {
			t.Run(tc.name, func(t *testing.T) {
				p, err := s.PrincipalByToken(ctx, tc.token)
				wantCode(t, err, apperr.EUnauthorized, "")
				if p != nil {
					t.Fatalf("principal %+v for a bad token", p)
				}
			})
		}

		// Only the owner of a token, in its organization, can revoke it.
		revokes := []struct {
			name           string
			org, user, tok int64
			code           string
		}{
			{"someone else's token", org.ID, ann.ID, bobTok.ID, apperr.ENotFound},
			{"own token through another org", other.ID, ann.ID, tok.ID, apperr.ENotFound},
			{"another user's id", org.ID, bob.ID, tok.ID, apperr.ENotFound},
			{"no such token", org.ID, ann.ID, bobTok.ID + 100, apperr.ENotFound},
			{"own token", org.ID, ann.ID, tok.ID, ""},
			{"again", org.ID, ann.ID, tok.ID, apperr.ENotFound},
		}
		for _, tc := range revokes {
			t.Run("revoke "+tc.name, func(t *testing.T) {
				err := s.RevokeToken(ctx, tc.org, tc.user, tc.tok)
				if tc.code != "" {
					wantCode(t, err, tc.code, "")
					return
				}
				if err != nil {
					t.Fatalf("RevokeToken: %v", err)
				}
			})
		}
		if _, err := s.PrincipalByToken(ctx, plain); apperr.Code(err) != apperr.EUnauthorized {
			t.Fatalf("revoked token: %v, want unauthorized", err)
		}
		if _, err := s.PrincipalByToken(ctx, bobPlain); err != nil {
			t.Fatalf("bob's token stopped working after ann's revocations: %v", err)
		}
		list, err = s.Tokens(ctx, org.ID, ann.ID)
		if err != nil || len(list) != 1 || list[0].RevokedAt == nil {
			t.Fatalf("Tokens after revoke = %+v, %v; want revoked_at set", list, err)
		}
	})
}
