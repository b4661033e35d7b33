package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
)

// Limits of an SSO configuration.
const (
	maxSSODomains = 50
	maxSSOValues  = 50
	maxSSOText    = 255
)

var (
	ssoSlugRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)
	ssoDomainRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// SSOInput is what an owner sets for the organization's single sign-on.
// An empty ClientSecret keeps the stored one.
type SSOInput struct {
	Slug             string
	Issuer           string
	ClientID         string
	ClientSecret     string
	Domains          []string
	RoleClaim        string
	AdminValues      []string
	LeaderValues     []string
	PasswordLoginOff bool
}

// SSOConfig is an organization's single sign-on configuration as the
// application uses it. ClientSecret is for the token request only: never
// shown, returned or logged.
type SSOConfig struct {
	OrgID            int64
	OrgName          string
	Slug             string
	Issuer           string
	ClientID         string
	ClientSecret     string
	SecretSet        bool
	Domains          []string
	RoleClaim        string
	AdminValues      []string
	LeaderValues     []string
	PasswordLoginOff bool
}

// AllowsDomain reports whether an email domain is on the allowed list.
func (c *SSOConfig) AllowsDomain(domain string) bool {
	return slices.Contains(c.Domains, strings.ToLower(domain))
}

// SaveSSOConfig creates or replaces the organization's configuration and
// records it in the audit log (without the secret).
func (s *Store) SaveSSOConfig(ctx context.Context, orgID int64, in SSOInput) (*SSOConfig, error) {
	row, domains, err := cleanSSOInput(in)
	if err != nil {
		return nil, err
	}
	row.OrgID = orgID
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var cur models.SSOConfig
		err := tx.Where("org_id = ?", orgID).Take(&cur).Error
		exists := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		secretChanged := row.ClientSecret != ""
		if !secretChanged {
			if !exists || cur.ClientSecret == "" {
				return apperr.Field("client_secret", "Enter the client secret that the identity provider gave for gapmap.")
			}
			row.ClientSecret = cur.ClientSecret
		}
		t := now()
		row.UpdatedAt = t
		if exists {
			row.ID, row.CreatedAt = cur.ID, cur.CreatedAt
			err = tx.Save(row).Error
		} else {
			row.CreatedAt = t
			err = tx.Create(row).Error
		}
		if err != nil {
			if isDuplicate(err) {
				return apperr.Field("slug", "Another organization uses this sign-in name: choose another.")
			}
			return err
		}
		if err := tx.Where("org_id = ?", orgID).Delete(&models.SSODomain{}).Error; err != nil {
			return err
		}
		for _, d := range domains {
			if err := tx.Create(&models.SSODomain{OrgID: orgID, Domain: d}).Error; err != nil {
				return err
			}
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditSSOConfigured, TargetType: "org", TargetID: orgID, Target: row.Slug, Detail: map[string]any{
			"issuer": row.Issuer, "client_id": row.ClientID, "domains": domains, "role_claim": row.RoleClaim,
			"password_login_off": row.PasswordLoginOff, "secret_changed": secretChanged,
		}})
	})
	if err != nil {
		return nil, fmt.Errorf("save SSO configuration: %w", err)
	}
	return s.SSOConfigOf(ctx, orgID)
}

// DeleteSSOConfig removes the organization's configuration and its
// domains, and records it in the audit log. Password login, which only a
// configuration can switch off, is on again for every member. Accounts
// created through SSO have no password and stay members: they set one
// through password reset. Their links to the provider are kept, so that
// configuring the same provider again finds the same accounts.
func (s *Store) DeleteSSOConfig(ctx context.Context, orgID int64) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var cur models.SSOConfig
		if err := tx.Where("org_id = ?", orgID).Take(&cur).Error; err != nil {
			return notFound(err, "single sign-on configuration")
		}
		if err := tx.Where("org_id = ?", orgID).Delete(&models.SSODomain{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&cur).Error; err != nil {
			return err
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditSSORemoved, TargetType: "org", TargetID: orgID, Target: cur.Slug, Detail: map[string]any{
			"issuer": cur.Issuer, "client_id": cur.ClientID, "password_login_off_was": cur.PasswordLoginOff,
		}})
	})
	if err != nil {
		return fmt.Errorf("delete SSO configuration: %w", err)
	}
	return nil
}

func cleanSSOInput(in SSOInput) (*models.SSOConfig, []string, error) {
	slug := strings.ToLower(strings.TrimSpace(in.Slug))
	if !ssoSlugRE.MatchString(slug) {
		return nil, nil, apperr.Field("slug", "The sign-in name takes 2 to 40 lowercase letters, digits and hyphens, such as acme.")
	}
	issuer, err := cleanIssuer(in.Issuer)
	if err != nil {
		return nil, nil, err
	}
	clientID := strings.TrimSpace(in.ClientID)
	if err := ssoText("client_id", "The client id", clientID, true); err != nil {
		return nil, nil, err
	}
	if err := ssoText("client_secret", "The client secret", in.ClientSecret, false); err != nil {
		return nil, nil, err
	}
	var domains []string
	for _, d := range in.Domains {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
		if d == "" {
			continue
		}
		if len(d) > 253 || !ssoDomainRE.MatchString(d) {
			return nil, nil, apperr.Field("domains", "%q is not a domain name such as example.com.", d)
		}
		if !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	if len(domains) == 0 {
		return nil, nil, apperr.Field("domains", "List at least one email domain whose people may sign in.")
	}
	if len(domains) > maxSSODomains {
		return nil, nil, apperr.Field("domains", "List at most %d domains.", maxSSODomains)
	}
	claim := strings.TrimSpace(in.RoleClaim)
	if err := ssoText("role_claim", "The role claim", claim, false); err != nil {
		return nil, nil, err
	}
	admins, err := ssoValues("admin_values", in.AdminValues)
	if err != nil {
		return nil, nil, err
	}
	leaders, err := ssoValues("leader_values", in.LeaderValues)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range leaders {
		if slices.Contains(admins, v) {
			return nil, nil, apperr.Field("leader_values", "%q maps to admin already: a value maps to one role.", v)
		}
	}
	if claim == "" && len(admins)+len(leaders) > 0 {
		return nil, nil, apperr.Field("role_claim", "Name the claim that carries the admin and leader values.")
	}
	return &models.SSOConfig{
		Slug: slug, Issuer: issuer, ClientID: clientID, ClientSecret: in.ClientSecret, RoleClaim: claim,
		AdminValues: strings.Join(admins, "\n"), LeaderValues: strings.Join(leaders, "\n"), PasswordLoginOff: in.PasswordLoginOff,
	}, domains, nil
}

// cleanIssuer accepts an https URL, or http on a loopback address (a
// provider on the same machine, as in tests).
func cleanIssuer(raw string) (string, error) {
	issuer := strings.TrimSpace(raw)
	bad := apperr.Field("issuer", "The issuer is the provider's https URL, such as https://login.example.com/realms/acme.")
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || len(issuer) > maxSSOText {
		return "", bad
	}
	switch u.Scheme {
	case "https":
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "", bad
		}
	default:
		return "", bad
	}
	return issuer, nil
}

func ssoText(field, label, v string, required bool) error {
	switch {
	case required && v == "":
		return apperr.Field(field, "%s is required.", label)
	case len(v) > maxSSOText:
		return apperr.Field(field, "%s must be at most %d bytes.", label, maxSSOText)
	case !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n"):
		return apperr.Field(field, "%s contains invalid characters.", label)
	}
	return nil
}

func ssoValues(field string, in []string) ([]string, error) {
	var out []string
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" || slices.Contains(out, v) {
			continue
		}
		if err := ssoText(field, "A claim value", v, false); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) > maxSSOValues {
		return nil, apperr.Field(field, "List at most %d values.", maxSSOValues)
	}
	return out, nil
}

// SSOConfigOf returns the organization's configuration (not found: none).
func (s *Store) SSOConfigOf(ctx context.Context, orgID int64) (*SSOConfig, error) {
	var row models.SSOConfig
	if err := s.conn(ctx).Where("org_id = ?", orgID).Take(&row).Error; err != nil {
		return nil, notFound(err, "single sign-on configuration")
	}
	return s.ssoConfig(ctx, &row)
}

// SSOConfigBySlug returns the configuration with this sign-in name.
func (s *Store) SSOConfigBySlug(ctx context.Context, slug string) (*SSOConfig, error) {
	var row models.SSOConfig
	if err := s.conn(ctx).Where("slug = ?", strings.ToLower(strings.TrimSpace(slug))).Take(&row).Error; err != nil {
		return nil, notFound(err, "single sign-on configuration")
	}
	return s.ssoConfig(ctx, &row)
}

// SSOOrgsForDomain lists the organizations whose SSO accepts an email domain.
func (s *Store) SSOOrgsForDomain(ctx context.Context, domain string) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.SSODomain{}).Where("domain = ?", strings.ToLower(strings.TrimSpace(domain))).
		Order("org_id").Pluck("org_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("SSO domains: %w", err)
	}
	return ids, nil
}

func (s *Store) ssoConfig(ctx context.Context, row *models.SSOConfig) (*SSOConfig, error) {
	org, err := s.Org(ctx, row.OrgID)
	if err != nil {
		return nil, err
	}
	var domains []string
	if err := s.conn(ctx).Model(&models.SSODomain{}).Where("org_id = ?", row.OrgID).Order("id").Pluck("domain", &domains).Error; err != nil {
		return nil, fmt.Errorf("SSO domains: %w", err)
	}
	return &SSOConfig{
		OrgID: row.OrgID, OrgName: org.Name, Slug: row.Slug, Issuer: row.Issuer, ClientID: row.ClientID,
		ClientSecret: row.ClientSecret, SecretSet: row.ClientSecret != "", Domains: domains, RoleClaim: row.RoleClaim,
		AdminValues: lines(row.AdminValues), LeaderValues: lines(row.LeaderValues), PasswordLoginOff: row.PasswordLoginOff,
	}, nil
}

func lines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

// PasswordLoginOff returns which of the organizations turned password
// login off for their non-owner members.
func (s *Store) PasswordLoginOff(ctx context.Context, orgIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	var ids []int64
	err := s.conn(ctx).Model(&models.SSOConfig{}).Where("org_id IN ? AND password_login_off", orgIDs).Pluck("org_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("password login settings: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// SSOLogin is a sign-in that a provider vouched for, already checked
// against the configuration: verified token, allowed domain. Role is the
// role the claim maps to, or nil when the configuration maps none.
type SSOLogin struct {
	OrgID   int64
	Issuer  string
	Subject string
	Email   string
	Role    *models.Role
}

// SSOSignIn signs a provider identity into the organization, in one
// transaction: it finds the account linked to the identity, or the account
// with the email, or creates one (without a password); makes it a member of
// the organization (never an owner) and sets the member's role to the
// mapped one (an owner stays owner); and records it in the audit log. An
// account that belongs to another organization is refused: one
// organization's provider must never open another organization's data.
func (s *Store) SSOSignIn(ctx context.Context, in SSOLogin) (*models.User, error) {
	if in.Role != nil && (*in.Role == models.RoleOwner || !in.Role.Valid()) {
		return nil, apperr.Errorf(apperr.EForbidden, "Single sign-on never grants the owner role.")
	}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return nil, apperr.Errorf(apperr.EForbidden, "The identity provider sent no valid email address.")
	}
	var user models.User
	a := ActorOf(ctx)
	a.Label = email
	err = s.tx(ctx, func(tx *gorm.DB) error {
		t := now()
		var ident models.SSOIdentity
		err := tx.Where("org_id = ? AND issuer = ? AND subject = ?", in.OrgID, in.Issuer, in.Subject).Take(&ident).Error
		switch {
		case err == nil:
			if err := tx.Take(&user, ident.UserID).Error; err != nil {
				return err
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			err := tx.Where("email = ?", email).Take(&user).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				user = models.User{Email: email}
				err = tx.Create(&user).Error
			}
			if err != nil {
				return err
			}
			ident = models.SSOIdentity{OrgID: in.OrgID, UserID: user.ID, Issuer: in.Issuer, Subject: in.Subject, CreatedAt: t}
		default:
			return err
		}
		var others int64
		if err := tx.Model(&models.Membership{}).Where("user_id = ? AND org_id <> ?", user.ID, in.OrgID).Count(&others).Error; err != nil {
			return err
		}
		if others > 0 {
			return apperr.Errorf(apperr.EForbidden, "The account %s also belongs to another organization, so this organization's single sign-on cannot open it. Log in with its password.", user.Email)
		}
		ident.LastLoginAt = t
		if err := tx.Save(&ident).Error; err != nil {
			return err
		}
		a.UserID = user.ID
		actx := WithActor(ctx, a)
		var m models.Membership
		err = tx.Where("org_id = ? AND user_id = ?", in.OrgID, user.ID).Take(&m).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			role := models.RoleMember
			if in.Role != nil {
				role = *in.Role
			}
			if err := tx.Create(&models.Membership{OrgID: in.OrgID, UserID: user.ID, Role: role, CreatedAt: t}).Error; err != nil {
				return err
			}
			if err := audit(actx, tx, in.OrgID, auditEvent{Action: AuditMemberJoined, TargetType: "user", TargetID: user.ID, Target: user.Email, Detail: map[string]any{"role": role, "via": "sso"}}); err != nil {
				return err
			}
		case err != nil:
			return err
		case in.Role != nil && m.Role != models.RoleOwner && m.Role != *in.Role:
			if err := tx.Model(&m).Update("role", *in.Role).Error; err != nil {
				return err
			}
			if err := audit(actx, tx, in.OrgID, auditEvent{Action: AuditRoleChanged, TargetType: "user", TargetID: user.ID, Target: user.Email, Detail: map[string]any{"from": m.Role, "to": *in.Role, "via": "sso"}}); err != nil {
				return err
			}
		}
		return audit(actx, tx, in.OrgID, auditEvent{Action: AuditSignIn, TargetType: "user", TargetID: user.ID, Target: user.Email, Detail: map[string]any{"via": "sso"}})
	})
	if err != nil {
		return nil, fmt.Errorf("sign in with SSO: %w", err)
	}
	return &user, nil
}

// RecordSSOFailure records a refused single sign-on in the organization
// whose configuration was used. email is kept only when it is an address.
func (s *Store) RecordSSOFailure(ctx context.Context, orgID int64, email, reason string) error {
	norm, err := NormalizeEmail(email)
	if err != nil {
		norm = ""
	}
	a := ActorOf(ctx)
	a.Label, a.UserID, a.TokenID = norm, 0, 0
	if a.Label == "" {
		a.Label = "(single sign-on)"
	}
	ctx = WithActor(ctx, a)
	return s.tx(ctx, func(tx *gorm.DB) error {
		return audit(ctx, tx, orgID, auditEvent{Action: AuditSignInFailed, TargetType: "user", Target: norm, Detail: map[string]any{"via": "sso", "reason": reason}})
	})
}
