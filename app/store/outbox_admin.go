package store

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
)

// MaxProblemEmails is the most emails ProblemEmails lists.
const MaxProblemEmails = 200

// ProblemEmails lists an organization's emails that were given up, or
// whose last attempt failed and that wait for a retry, newest first,
// without their bodies.
func (s *Store) ProblemEmails(ctx context.Context, orgID int64) ([]models.Email, error) {
	var out []models.Email
	err := s.conn(ctx).Omit("body_text", "body_html").
		Where("org_id = ? AND (status = ? OR (status = ? AND last_error <> ''))", orgID, models.EmailFailed, models.EmailQueued).
		Order("id DESC").Limit(MaxProblemEmails).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list failed emails: %w", err)
	}
	return out, nil
}

// OrgEmail returns one email of an organization's outbox, without its
// bodies.
func (s *Store) OrgEmail(ctx context.Context, orgID, id int64) (models.Email, error) {
	var e models.Email
	err := s.conn(ctx).Omit("body_text", "body_html").Where("org_id = ? AND id = ?", orgID, id).Take(&e).Error
	return e, notFound(err, "email")
}

// RetryEmail sends a given-up or failing email of an organization again, at
// once, with the same Message-ID. Its give-up age starts afresh.
func (s *Store) RetryEmail(ctx context.Context, orgID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var e models.Email
		if err := tx.Select("id, status").Where("org_id = ? AND id = ?", orgID, id).Take(&e).Error; err != nil {
			return notFound(err, "email")
		}
		if e.Status == models.EmailSent {
			return apperr.Errorf(apperr.EConflict, "This email was sent already.")
		}
		t := now()
		err := tx.Model(&models.Email{}).Where("id = ?", id).Updates(map[string]any{"status": models.EmailQueued, "created_at": t, "updated_at": t}).Error
		if err != nil {
			return fmt.Errorf("retry email: %w", err)
		}
		p, _ := json.Marshal(SendEmailPayload{EmailID: id})
		return enqueueJob(tx, NewJob{Kind: SendEmailKind, DedupeKey: emailKey(id), Payload: p, RunAt: t})
	})
}
