package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"

	"gorm.io/gorm"
)

// TokenPrefix starts every personal API token.
const TokenPrefix = "gmp_"

// tokenTouchInterval limits how often last_used_at is written.
const tokenTouchInterval = time.Minute

// CreateToken creates a personal API token and returns its plain text
// (shown once) and its record.
func (s *Store) CreateToken(ctx context.Context, orgID, userID int64, name string) (string, *models.APIToken, error) {
	return s.CreateScopedToken(ctx, orgID, userID, name, nil)
}

// CreateScopedToken creates a personal API token limited to scopes (see
// TokenScopes); none keeps every right of its owner.
func (s *Store) CreateScopedToken(ctx context.Context, orgID, userID int64, name string, scopes []string) (string, *models.APIToken, error) {
	name, err := CleanName("name", "Token name", name)
	if err != nil {
		return "", nil, err
	}
	scope, err := cleanScopes(scopes)
	if err != nil {
		return "", nil, err
	}
	if _, err := s.Membership(ctx, userID, orgID); err != nil {
		return "", nil, err
	}
	plain, hash, err := secret.NewToken(TokenPrefix)
	if err != nil {
		return "", nil, err
	}
	t := &models.APIToken{OrgID: orgID, UserID: userID, Name: name, TokenHash: hash, Prefix: plain[:len(TokenPrefix)+6], Scopes: scope}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return err
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditTokenCreated, TargetType: "token", TargetID: t.ID, Target: name, Detail: tokenDetail(t)})
	})
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	return plain, t, nil
}

// Tokens lists a user's tokens in an organization, newest first.
func (s *Store) Tokens(ctx context.Context, orgID, userID int64) ([]models.APIToken, error) {
	var out []models.APIToken
	err := s.conn(ctx).Where("org_id = ? AND user_id = ?", orgID, userID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, err
}

// RevokeToken revokes one of the user's tokens.
func (s *Store) RevokeToken(ctx context.Context, orgID, userID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var t models.APIToken
		if err := tx.Where("id = ? AND org_id = ? AND user_id = ? AND revoked_at IS NULL", id, orgID, userID).Take(&t).Error; err != nil {
			return notFound(err, "token")
		}
		if err := tx.Model(&t).Update("revoked_at", now()).Error; err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditTokenRevoked, TargetType: "token", TargetID: id, Target: t.Name, Detail: map[string]any{"prefix": t.Prefix}})
	})
}

// Principal is who a request acts as: a user in an organization with a role.
type Principal struct {
	UserID  int64
	TokenID int64  // the API token the request authenticated with; 0 for a session
	Token   string // that token's name
	// Scopes limit what the token may do; empty for every right of the role.
	Scopes  string `gorm:"-"` // space-separated
	Email   string
	OrgID   int64
	OrgName string
	Role    models.Role
	// SessionsAfter ends the sessions that logged in at or before this Unix
	// second (the last password reset).
	SessionsAfter int64
}

// PrincipalByToken resolves a bearer token. Unknown and revoked tokens, and
// tokens of people no longer in the organization, are unauthorized.
func (s *Store) PrincipalByToken(ctx context.Context, plain string) (*Principal, error) {
	var t models.APIToken
	if err := s.conn(ctx).Where("token_hash = ? AND revoked_at IS NULL", secret.HashToken(plain)).Take(&t).Error; err != nil {
		if apperr.Code(notFound(err, "token")) == apperr.ENotFound {
			return nil, apperr.Errorf(apperr.EUnauthorized, "The API token is not valid.")
		}
		return nil, err
	}
	p, err := s.Principal(ctx, t.UserID, t.OrgID)
	if err != nil {
		if apperr.Code(err) == apperr.ENotFound {
			return nil, apperr.Errorf(apperr.EUnauthorized, "The API token is not valid.")
		}
		return nil, err
	}
	p.TokenID, p.Token, p.Scopes = t.ID, t.Name, t.Scopes
	if t.LastUsedAt == nil || time.Since(*t.LastUsedAt) > tokenTouchInterval {
		if err := s.conn(ctx).Model(&models.APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now()).Error; err != nil {
			return nil, fmt.Errorf("touch token: %w", err)
		}
	}
	return p, nil
}

// Principal loads a user's identity in an organization.
func (s *Store) Principal(ctx context.Context, userID, orgID int64) (*Principal, error) {
	var out []Principal
	err := s.conn(ctx).Table("memberships m").
		Select("u.id AS user_id, u.email, o.id AS org_id, o.name AS org_name, m.role, u.sessions_after").
		Joins("JOIN users u ON u.id = m.user_id").Joins("JOIN orgs o ON o.id = m.org_id").
		Where("m.user_id = ? AND m.org_id = ?", userID, orgID).Limit(1).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("load principal: %w", err)
	}
	if len(out) == 0 {
		return nil, apperr.NotFound("membership")
	}
	return &out[0], nil
}

// ScopeEventsWrite limits a token to sending deployment and incident events.
const ScopeEventsWrite = "events:write"

// TokenScopes are the scopes a token may be limited to.
func TokenScopes() []string { return []string{ScopeEventsWrite} }

// cleanScopes checks scopes and joins them, sorted and without repeats.
func cleanScopes(scopes []string) (string, error) {
	var out []string
	for _, sc := range scopes {
		sc = strings.TrimSpace(sc)
		if !slices.Contains(TokenScopes(), sc) {
			return "", apperr.Field("scopes", "Unknown scope %q: the scopes are %s.", sc, strings.Join(TokenScopes(), ", "))
		}
		out = append(out, sc)
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), " "), nil
}

func tokenDetail(t *models.APIToken) map[string]any {
	d := map[string]any{"prefix": t.Prefix}
	if t.Scopes != "" {
		d["scopes"] = t.Scopes
	}
	return d
}
