package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"
)

// PasswordResetPrefix starts every password reset token.
const PasswordResetPrefix = "pr_"

// PasswordResetValid is how long a password reset link works.
const PasswordResetValid = time.Hour

// passwordReset is a row of password_resets.
type passwordReset struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (passwordReset) TableName() string { return "password_resets" }

// ResetMail writes the email that carries a password reset link with the
// given plain token.
type ResetMail func(token string) NewEmail

// RequestPasswordReset queues, in one transaction, a single-use reset link
// for the account with this email and the email that carries it. An unknown
// or invalid address does nothing and is not an error: the caller answers
// the same either way, so that nobody learns which accounts exist.
func (s *Store) RequestPasswordReset(ctx context.Context, email string, compose ResetMail) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil
	}
	u, err := s.UserByEmail(ctx, email)
	if apperr.Code(err) == apperr.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	plain, hash, err := secret.NewToken(PasswordResetPrefix)
	if err != nil {
		return err
	}
	t := now()
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&passwordReset{UserID: u.ID, TokenHash: hash, ExpiresAt: t.Add(PasswordResetValid), CreatedAt: t}).Error; err != nil {
			return fmt.Errorf("store reset link: %w", err)
		}
		e := compose(plain)
		e.Purpose, e.To = "password_reset", u.Email
		_, err := queueEmail(tx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("request password reset: %w", err)
	}
	return nil
}

// errResetLink is the answer to an unknown, used or expired reset link.
func errResetLink() error {
	return apperr.Errorf(apperr.EInvalid, "This password reset link is not valid: it was used already, or it is older than one hour. Ask for a new one.")
}

// CheckPasswordReset reports whether a reset link can still be used.
func (s *Store) CheckPasswordReset(ctx context.Context, token string) error {
	var n int64
	err := s.conn(ctx).Model(&passwordReset{}).
		Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", secret.HashToken(token), now()).Count(&n).Error
	if err != nil {
		return fmt.Errorf("check reset link: %w", err)
	}
	if n == 0 {
		return errResetLink()
	}
	return nil
}

// ResetPassword sets a new password with a reset link, in one transaction:
// the link is used up (with every other open link of the account), every
// session of the account ends, and the reset is audited in each of the
// account's organizations.
func (s *Store) ResetPassword(ctx context.Context, token, password string) error {
	if err := secret.CheckPasswordRules(password); err != nil {
		return apperr.Field("password", "Password %s.", err)
	}
	hash, err := secret.HashPassword(password, s.PasswordCost)
	if err != nil {
		return err
	}
	t := now()
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var r passwordReset
		err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", secret.HashToken(token), t).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errResetLink()
		}
		if err != nil {
			return fmt.Errorf("find reset link: %w", err)
		}
		if err := tx.Model(&passwordReset{}).Where("user_id = ? AND used_at IS NULL", r.UserID).Update("used_at", t).Error; err != nil {
			return fmt.Errorf("use reset link: %w", err)
		}
		var u models.User
		if err := tx.Where("id = ?", r.UserID).Take(&u).Error; err != nil {
			return fmt.Errorf("load account: %w", err)
		}
		err = tx.Model(&models.User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"password_hash": hash, "sessions_after": t.Unix(), "updated_at": t}).Error
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		var orgs []int64
		if err := tx.Model(&models.Membership{}).Where("user_id = ?", u.ID).Pluck("org_id", &orgs).Error; err != nil {
			return fmt.Errorf("find organizations: %w", err)
		}
		for _, o := range orgs {
			if err := audit(ctx, tx, o, auditEvent{Action: AuditPasswordReset, TargetType: "user", TargetID: u.ID, Target: u.Email}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	return nil
}
