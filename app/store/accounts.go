package store

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"
)

// MaxNameLength is the longest name (organization, team, token, ...) accepted.
const MaxNameLength = 100

// Membership is a user's role in one organization, with its name.
type Membership struct {
	OrgID   int64       `json:"org_id"`
	OrgName string      `json:"org_name"`
	Role    models.Role `json:"role"`
}

// NormalizeEmail lowercases and trims an email address and checks its form.
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if e == "" {
		return "", apperr.Field("email", "Enter an email address.")
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 {
		return "", apperr.Field("email", "Enter a valid email address, such as name@example.com.")
	}
	return e, nil
}

// CleanName trims a display name and checks it is present and not too long.
func CleanName(field, label, name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", apperr.Field(field, "%s is required.", label)
	}
	if utf8.RuneCountInString(n) > MaxNameLength {
		return "", apperr.Field(field, "%s must be at most %d characters.", label, MaxNameLength)
	}
	if !utf8.ValidString(n) || strings.ContainsRune(n, 0) {
		return "", apperr.Field(field, "%s contains invalid characters.", label)
	}
	// Names reach email subjects and bodies: a line break could add a header.
	if strings.ContainsAny(n, "\r\n") {
		return "", apperr.Field(field, "%s must be on one line.", label)
	}
	return n, nil
}

// SignUp creates an organization and its owner. The email must be new.
func (s *Store) SignUp(ctx context.Context, orgName, email, password string) (*models.Org, *models.User, error) {
	orgName, err := CleanName("org_name", "Organization name", orgName)
	if err != nil {
		return nil, nil, err
	}
	email, err = NormalizeEmail(email)
	if err != nil {
		return nil, nil, err
	}
	if err := secret.CheckPasswordRules(password); err != nil {
		return nil, nil, apperr.Field("password", "Password %s.", err)
	}
	hash, err := secret.HashPassword(password, s.PasswordCost)
	if err != nil {
		return nil, nil, err
	}
	org := &models.Org{Name: orgName}
	user := &models.User{Email: email, PasswordHash: hash}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(user).Error; err != nil {
			if isDuplicate(err) {
				return apperr.Field("email", "An account with this email already exists. Log in instead.")
			}
			return err
		}
		if err := tx.Create(org).Error; err != nil {
			return err
		}
		return tx.Create(&models.Membership{OrgID: org.ID, UserID: user.ID, Role: models.RoleOwner}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("sign up: %w", err)
	}
	return org, user, nil
}

// CreateOrg creates an organization owned by the user with this email. A new
// user is created with the password; an existing user's password must match.
func (s *Store) CreateOrg(ctx context.Context, orgName, email, password string) (*models.Org, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	u, err := s.UserByEmail(ctx, email)
	if apperr.Code(err) == apperr.ENotFound {
		org, _, err := s.SignUp(ctx, orgName, email, password)
		return org, err
	}
	if err != nil {
		return nil, err
	}
	if err := secret.CheckPassword(u.PasswordHash, password); err != nil {
		return nil, apperr.Field("password", "A user with this email exists and the password does not match.")
	}
	orgName, err = CleanName("org_name", "Organization name", orgName)
	if err != nil {
		return nil, err
	}
	org := &models.Org{Name: orgName}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(org).Error; err != nil {
			return err
		}
		return tx.Create(&models.Membership{OrgID: org.ID, UserID: u.ID, Role: models.RoleOwner}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create organization: %w", err)
	}
	return org, nil
}

// UserByEmail finds a user by (normalized) email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*models.User, error) {
	var u models.User
	if err := s.conn(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&u).Error; err != nil {
		return nil, notFound(err, "user")
	}
	return &u, nil
}

// User finds a user by id.
func (s *Store) User(ctx context.Context, id int64) (*models.User, error) {
	var u models.User
	if err := s.conn(ctx).Take(&u, id).Error; err != nil {
		return nil, notFound(err, "user")
	}
	return &u, nil
}

// Authenticate checks an email and password and returns the user. Unknown
// emails and wrong passwords give the same error after the same work.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*models.User, error) {
	bad := apperr.Errorf(apperr.EUnauthorized, "The email or password is not correct.")
	u, err := s.UserByEmail(ctx, email)
	if apperr.Code(err) == apperr.ENotFound {
		secret.DummyCheck(password)
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if err := secret.CheckPassword(u.PasswordHash, password); err != nil {
		return nil, bad
	}
	return u, nil
}

// Memberships lists the organizations of a user, by name.
func (s *Store) Memberships(ctx context.Context, userID int64) ([]Membership, error) {
	var out []Membership
	err := s.conn(ctx).Table("memberships m").
		Select("m.org_id, o.name AS org_name, m.role").
		Joins("JOIN orgs o ON o.id = m.org_id").
		Where("m.user_id = ?", userID).Order("o.name, m.org_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	return out, nil
}

// Membership returns a user's membership of one org (not found when none).
func (s *Store) Membership(ctx context.Context, userID, orgID int64) (*Membership, error) {
	var out []Membership
	err := s.conn(ctx).Table("memberships m").
		Select("m.org_id, o.name AS org_name, m.role").
		Joins("JOIN orgs o ON o.id = m.org_id").
		Where("m.user_id = ? AND m.org_id = ?", userID, orgID).Limit(1).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("membership: %w", err)
	}
	if len(out) == 0 {
		return nil, apperr.NotFound("organization")
	}
	return &out[0], nil
}

// Org returns an organization by id.
func (s *Store) Org(ctx context.Context, id int64) (*models.Org, error) {
	var o models.Org
	if err := s.conn(ctx).Take(&o, id).Error; err != nil {
		return nil, notFound(err, "organization")
	}
	return &o, nil
}

// RenameOrg changes an organization's name.
func (s *Store) RenameOrg(ctx context.Context, orgID int64, name string) error {
	name, err := CleanName("name", "Organization name", name)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&models.Org{}).Where("id = ?", orgID).
			Updates(map[string]any{"name": name, "updated_at": now()}).Error; err != nil {
			return fmt.Errorf("rename organization: %w", err)
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditOrgRenamed, TargetType: "org", TargetID: orgID, Target: name})
	})
}

// Member is one person of an organization with their role.
type Member struct {
	UserID int64       `json:"id"`
	Email  string      `json:"email"`
	Name   string      `json:"name"`
	Role   models.Role `json:"role"`
}

// Members lists an organization's people.
func (s *Store) Members(ctx context.Context, orgID int64) ([]Member, error) {
	var out []Member
	err := s.conn(ctx).Table("memberships m").
		Select("u.id AS user_id, u.email, u.name, m.role").
		Joins("JOIN users u ON u.id = m.user_id").
		Where("m.org_id = ?", orgID).Order("u.email").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return out, nil
}

// SetRole changes a member's role; the last owner cannot be demoted.
func (s *Store) SetRole(ctx context.Context, orgID, userID int64, role models.Role) error {
	if !role.Valid() {
		return apperr.Field("role", "Choose one of owner, admin, leader or member.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var m models.Membership
		if err := tx.Where("org_id = ? AND user_id = ?", orgID, userID).Take(&m).Error; err != nil {
			return notFound(err, "member")
		}
		if m.Role == models.RoleOwner && role != models.RoleOwner {
			if err := lastOwnerCheck(tx, orgID); err != nil {
				return err
			}
		}
		if err := tx.Model(&m).Update("role", role).Error; err != nil {
			return err
		}
		return auditMember(ctx, tx, orgID, userID, AuditRoleChanged, map[string]any{"from": m.Role, "to": role})
	})
}

// RemoveMember removes a person from an organization (not its last owner).
func (s *Store) RemoveMember(ctx context.Context, orgID, userID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var m models.Membership
		if err := tx.Where("org_id = ? AND user_id = ?", orgID, userID).Take(&m).Error; err != nil {
			return notFound(err, "member")
		}
		if m.Role == models.RoleOwner {
			if err := lastOwnerCheck(tx, orgID); err != nil {
				return err
			}
		}
		if err := tx.Where("org_id = ? AND user_id = ?", orgID, userID).Delete(&models.TeamMember{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&models.APIToken{}).Where("org_id = ? AND user_id = ? AND revoked_at IS NULL", orgID, userID).Update("revoked_at", now()).Error; err != nil {
			return err
		}
		if err := auditMember(ctx, tx, orgID, userID, AuditMemberRemoved, map[string]any{"role": m.Role}); err != nil {
			return err
		}
		return tx.Delete(&m).Error
	})
}

// auditMember records a change to a member, naming them by email.
func auditMember(ctx context.Context, tx *gorm.DB, orgID, userID int64, action string, detail map[string]any) error {
	var email string
	if err := tx.Model(&models.User{}).Where("id = ?", userID).Pluck("email", &email).Error; err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return audit(ctx, tx, orgID, auditEvent{Action: action, TargetType: "user", TargetID: userID, Target: email, Detail: detail})
}

// lastOwnerCheck refuses a change that would leave the org without an owner.
// It locks the org row first so that two owners stepping down at once on
// PostgreSQL queue behind each other (SQLite's immediate transactions
// already do).
func lastOwnerCheck(tx *gorm.DB, orgID int64) error {
	var org models.Org
	if err := tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"}).Select("id").Where("id = ?", orgID).Take(&org).Error; err != nil {
		return notFound(err, "organization")
	}
	var owners int64
	if err := tx.Model(&models.Membership{}).Where("org_id = ? AND role = ?", orgID, models.RoleOwner).Count(&owners).Error; err != nil {
		return err
	}
	if owners <= 1 {
		return apperr.Errorf(apperr.EConflict, "An organization needs at least one owner.")
	}
	return nil
}

// InviteTTL is how long an invitation to join an organization stays valid.
const InviteTTL = 7 * 24 * time.Hour

// CreateInvite invites an email to an org with a role and returns the
// plain token for the link (shown once).
func (s *Store) CreateInvite(ctx context.Context, orgID, by int64, email string, role models.Role) (string, *models.OrgInvite, error) {
	return s.CreateInviteMailed(ctx, orgID, by, email, role, nil)
}

// InviteMail writes the email that carries a new member invitation's link
// (subject, text and HTML; the store fills in the rest).
type InviteMail func(plain string, inv *models.OrgInvite) NewEmail

// CreateInviteMailed is CreateInvite that also queues, in the same
// transaction, the invitation email to the address (compose nil: email is
// off, and nothing is sent).
func (s *Store) CreateInviteMailed(ctx context.Context, orgID, by int64, email string, role models.Role, compose InviteMail) (string, *models.OrgInvite, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return "", nil, err
	}
	if !role.Valid() {
		return "", nil, apperr.Field("role", "Choose one of owner, admin, leader or member.")
	}
	plain, hash, err := secret.NewToken("inv_")
	if err != nil {
		return "", nil, err
	}
	inv := &models.OrgInvite{OrgID: orgID, Email: email, Role: role, TokenHash: hash, InvitedBy: &by, ExpiresAt: now().Add(InviteTTL)}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(inv).Error; err != nil {
			return err
		}
		if compose != nil {
			e := compose(plain, inv)
			e.OrgID, e.Purpose, e.To = &orgID, "member_invitation", email
			if _, err := queueEmail(tx, e); err != nil {
				return err
			}
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditMemberInvited, TargetType: "invite", TargetID: inv.ID, Target: email, Detail: map[string]any{"role": role}})
	})
	if err != nil {
		return "", nil, fmt.Errorf("create invite: %w", err)
	}
	return plain, inv, nil
}

// Invites lists an organization's pending invitations.
func (s *Store) Invites(ctx context.Context, orgID int64) ([]models.OrgInvite, error) {
	var out []models.OrgInvite
	err := s.conn(ctx).Where("org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", orgID, now()).
		Order("created_at DESC").Find(&out).Error
	return out, err
}

// RevokeInvite cancels a pending invitation of the org.
func (s *Store) RevokeInvite(ctx context.Context, orgID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var inv models.OrgInvite
		if err := tx.Where("id = ? AND org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id, orgID).Take(&inv).Error; err != nil {
			return notFound(err, "invitation")
		}
		if err := tx.Model(&inv).Update("revoked_at", now()).Error; err != nil {
			return fmt.Errorf("revoke invite: %w", err)
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditInviteRevoked, TargetType: "invite", TargetID: id, Target: inv.Email})
	})
}

// InviteInfo describes a pending invitation for its acceptance page.
type InviteInfo struct {
	Invite     models.OrgInvite
	OrgName    string
	UserExists bool
}

// InviteByToken returns a usable invitation by its plain token.
func (s *Store) InviteByToken(ctx context.Context, plain string) (*InviteInfo, error) {
	var inv models.OrgInvite
	err := s.conn(ctx).Where("token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", secret.HashToken(plain), now()).Take(&inv).Error
	if err != nil {
		return nil, notFound(err, "invitation")
	}
	org, err := s.Org(ctx, inv.OrgID)
	if err != nil {
		return nil, err
	}
	_, uerr := s.UserByEmail(ctx, inv.Email)
	return &InviteInfo{Invite: inv, OrgName: org.Name, UserExists: uerr == nil}, nil
}

// AcceptInvite joins the invited email to the organization. A new user sets
// a password; an existing user proves theirs. It returns the user.
func (s *Store) AcceptInvite(ctx context.Context, plain, password string) (*models.User, int64, error) {
	info, err := s.InviteByToken(ctx, plain)
	if err != nil {
		return nil, 0, err
	}
	var user *models.User
	if info.UserExists {
		user, err = s.Authenticate(ctx, info.Invite.Email, password)
		if err != nil {
			return nil, 0, apperr.Field("password", "This password does not match the existing account of %s.", info.Invite.Email)
		}
	} else {
		if err := secret.CheckPasswordRules(password); err != nil {
			return nil, 0, apperr.Field("password", "Password %s.", err)
		}
		hash, err := secret.HashPassword(password, s.PasswordCost)
		if err != nil {
			return nil, 0, err
		}
		user = &models.User{Email: info.Invite.Email, PasswordHash: hash}
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.OrgInvite{}).Where("id = ? AND accepted_at IS NULL", info.Invite.ID).Update("accepted_at", now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.NotFound("invitation")
		}
		if user.ID == 0 {
			if err := tx.Create(user).Error; err != nil {
				if isDuplicate(err) {
					return apperr.Errorf(apperr.EConflict, "An account with this email was just created; try again.")
				}
				return err
			}
		}
		var existing models.Membership
		err := tx.Where("org_id = ? AND user_id = ?", info.Invite.OrgID, user.ID).Take(&existing).Error
		if err == nil {
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if err := tx.Create(&models.Membership{OrgID: info.Invite.OrgID, UserID: user.ID, Role: info.Invite.Role}).Error; err != nil {
			return err
		}
		a := ActorOf(ctx)
		a.UserID, a.Label = user.ID, user.Email
		return audit(WithActor(ctx, a), tx, info.Invite.OrgID, auditEvent{Action: AuditMemberJoined, TargetType: "user", TargetID: user.ID, Target: user.Email, Detail: map[string]any{"role": info.Invite.Role}})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("accept invitation: %w", err)
	}
	return user, info.Invite.OrgID, nil
}
