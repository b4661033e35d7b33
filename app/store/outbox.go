package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
)

// SendEmailKind is the kind of the job that sends one outbox email
// (registered by app/mail).
const SendEmailKind = "mail.send"

// SendEmailPayload is the payload of a SendEmailKind job.
type SendEmailPayload struct {
	EmailID int64 `json:"email_id"`
}

// NewEmail is an email to queue. To and Subject must not contain CR or LF
// (header injection); the store refuses them.
type NewEmail struct {
	OrgID        *int64
	InvitationID *int64
	Purpose      string // invitation, password_reset, ...
	To           string
	Subject      string
	Text         string
	HTML         string
	// ListUnsubscribe is the one-click unsubscribe URL (reminders), sent
	// as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058).
	ListUnsubscribe string
}

// QueueEmail stores one email and the job that sends it, in one transaction.
func (s *Store) QueueEmail(ctx context.Context, e NewEmail) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		id, err = queueEmail(tx, e)
		return err
	})
	return id, err
}

// queueEmail stores an email and its send job inside the transaction of the
// action that causes it, so that both or neither are kept.
func queueEmail(tx *gorm.DB, e NewEmail) (int64, error) {
	if e.To == "" || e.Purpose == "" {
		return 0, errors.New("queue email: no recipient or purpose")
	}
	if strings.ContainsAny(e.To+e.Subject+e.ListUnsubscribe, "\r\n") {
		return 0, apperr.Errorf(apperr.EInvalid, "an email address or subject may not contain line breaks")
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("queue email: %w", err)
	}
	t := now()
	row := models.Email{
		OrgID: e.OrgID, InvitationID: e.InvitationID, Purpose: e.Purpose,
		ToAddr: e.To, Subject: e.Subject, BodyText: e.Text, BodyHTML: e.HTML, ListUnsubscribe: e.ListUnsubscribe,
		MessageID: hex.EncodeToString(b[:]), Status: models.EmailQueued, CreatedAt: t, UpdatedAt: t,
	}
	if err := tx.Create(&row).Error; err != nil {
		return 0, fmt.Errorf("queue email: %w", err)
	}
	p, _ := json.Marshal(SendEmailPayload{EmailID: row.ID})
	if err := enqueueJob(tx, NewJob{Kind: SendEmailKind, DedupeKey: emailKey(row.ID), Payload: p, RunAt: t}); err != nil {
		return 0, err
	}
	return row.ID, nil
}

// OutboxEmail returns one email of the outbox.
func (s *Store) OutboxEmail(ctx context.Context, id int64) (models.Email, error) {
	var e models.Email
	err := s.conn(ctx).Where("id = ?", id).Take(&e).Error
	return e, notFound(err, "email")
}

// RecordEmailAttempt records one try to send a queued email: sent (errText
// empty), failed for now (errText), or given up (giveUp). An email that is
// no longer queued is left alone.
func (s *Store) RecordEmailAttempt(ctx context.Context, id int64, at time.Time, errText string, giveUp bool) error {
	at = at.UTC()
	set := map[string]any{"attempts": gorm.Expr("attempts + 1"), "updated_at": at, "last_error": errText}
	switch {
	case errText == "":
		set["status"], set["sent_at"] = models.EmailSent, at
	case giveUp:
		set["status"] = models.EmailFailed
		delete(set, "attempts")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		err := tx.Model(&models.Email{}).Where("id = ? AND status = ?", id, models.EmailQueued).Updates(set).Error
		if err != nil {
			return fmt.Errorf("record email attempt: %w", err)
		}
		return nil
	})
}

// OutboxPending counts the emails waiting to be sent.
func (s *Store) OutboxPending(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Email{}).Where("status = ?", models.EmailQueued).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count pending emails: %w", err)
	}
	return n, nil
}

// emailKey is the dedupe key of an email's send job (DeleteOrg selects the
// jobs of an organization's emails by it).
func emailKey(id int64) string { return fmt.Sprintf("email:%d", id) }
