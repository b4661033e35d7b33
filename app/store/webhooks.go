package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
)

// DeliverWebhookKind is the kind of the job that sends one webhook delivery
// (registered by app/webhooks).
const DeliverWebhookKind = "webhook.deliver"

// DeliverWebhookPayload is the payload of a DeliverWebhookKind job.
type DeliverWebhookPayload struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Audited webhook changes.
const (
	AuditWebhookCreated = "webhook.created"
	AuditWebhookDeleted = "webhook.deleted"
)

// MaxWebhooks is how many webhooks one organization may have.
const MaxWebhooks = 20

// WebhookInput is a webhook to create. The caller has checked the URL's
// target (app/webhooks.CheckURL); the store checks the rest.
type WebhookInput struct {
	URL    string
	Events []string
	Secret string
}

// CreateWebhook stores a webhook of an organization.
func (s *Store) CreateWebhook(ctx context.Context, orgID int64, in WebhookInput) (*models.Webhook, error) {
	events, err := checkWebhookEvents(in.Events)
	if err != nil {
		return nil, err
	}
	if n := len([]rune(in.Secret)); n < 16 || n > 256 {
		return nil, apperr.Field("secret", "The secret must be 16 to 256 characters long; use a random string and keep it to check signatures.")
	}
	w := models.Webhook{OrgID: orgID, URL: in.URL, Events: strings.Join(events, ","), Secret: in.Secret, CreatedAt: now()}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Webhook{}).Where("org_id = ?", orgID).Count(&n).Error; err != nil {
			return fmt.Errorf("count webhooks: %w", err)
		}
		if n >= MaxWebhooks {
			return apperr.Errorf(apperr.EConflict, "An organization may have at most %d webhooks; delete one first.", MaxWebhooks)
		}
		if err := tx.Create(&w).Error; err != nil {
			return fmt.Errorf("store webhook: %w", err)
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditWebhookCreated, TargetType: "webhook", TargetID: w.ID, Target: w.URL,
			Detail: map[string]any{"events": events}})
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// checkWebhookEvents returns the events in the order of
// models.WebhookEvents, once each, or an error naming an unknown one.
func checkWebhookEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return nil, apperr.Field("events", "Choose at least one event: %s.", strings.Join(models.WebhookEvents(), ", "))
	}
	for _, e := range events {
		if !slices.Contains(models.WebhookEvents(), e) {
			return nil, apperr.Field("events", "%q is not an event; the events are %s.", e, strings.Join(models.WebhookEvents(), ", "))
		}
	}
	var out []string
	for _, e := range models.WebhookEvents() {
		if slices.Contains(events, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Webhooks lists an organization's webhooks, oldest first.
func (s *Store) Webhooks(ctx context.Context, orgID int64) ([]models.Webhook, error) {
	var out []models.Webhook
	if err := s.conn(ctx).Where("org_id = ?", orgID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return out, nil
}

// Webhook returns one webhook of an organization.
func (s *Store) Webhook(ctx context.Context, orgID, id int64) (*models.Webhook, error) {
	var w models.Webhook
	err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&w).Error
	if err != nil {
		return nil, notFound(err, "webhook")
	}
	return &w, nil
}

// DeleteWebhook removes a webhook with its deliveries and their pending jobs.
func (s *Store) DeleteWebhook(ctx context.Context, orgID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var w models.Webhook
		if err := tx.Where("org_id = ? AND id = ?", orgID, id).Take(&w).Error; err != nil {
			return notFound(err, "webhook")
		}
		err := tx.Where("kind = ? AND dedupe_key IN (SELECT 'webhook:' || id FROM webhook_deliveries WHERE webhook_id = ?)", DeliverWebhookKind, id).Delete(&models.Job{}).Error
		if err != nil {
			return fmt.Errorf("delete webhook jobs: %w", err)
		}
		if err := tx.Where("webhook_id = ?", id).Delete(&models.WebhookDelivery{}).Error; err != nil {
			return fmt.Errorf("delete webhook deliveries: %w", err)
		}
		if err := tx.Delete(&w).Error; err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditWebhookDeleted, TargetType: "webhook", TargetID: w.ID, Target: w.URL})
	})
}

// MaxDeliveryLog is how many deliveries WebhookDeliveries returns at most.
const MaxDeliveryLog = 100

// WebhookDeliveries returns a webhook's latest deliveries, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, orgID, webhookID int64, limit int) ([]models.WebhookDelivery, error) {
	if _, err := s.Webhook(ctx, orgID, webhookID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxDeliveryLog {
		limit = MaxDeliveryLog
	}
	var out []models.WebhookDelivery
	err := s.conn(ctx).Where("org_id = ? AND webhook_id = ?", orgID, webhookID).Order("id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	return out, nil
}

// PendingDelivery is a delivery to send with its webhook's target.
type PendingDelivery struct {
	models.WebhookDelivery
	URL    string
	Secret string
}

// WebhookDelivery returns one delivery with its webhook's URL and secret.
func (s *Store) WebhookDelivery(ctx context.Context, id int64) (*PendingDelivery, error) {
	var d PendingDelivery
	err := s.conn(ctx).Table("webhook_deliveries d").Select("d.*, w.url, w.secret").
		Joins("JOIN webhooks w ON w.id = d.webhook_id").Where("d.id = ?", id).Take(&d).Error
	if err != nil {
		return nil, notFound(err, "webhook delivery")
	}
	return &d, nil
}

// DeliveryAttempt is the outcome of one try to send a delivery.
type DeliveryAttempt struct {
	At     time.Time
	Status int    // the HTTP status answered; 0 when none was
	Error  string // empty when delivered
	GiveUp bool   // no more tries
}

// RecordDeliveryAttempt records one try to send a queued delivery. A
// delivery that is no longer queued is left alone.
func (s *Store) RecordDeliveryAttempt(ctx context.Context, id int64, a DeliveryAttempt) error {
	at := a.At.UTC()
	set := map[string]any{"attempts": gorm.Expr("attempts + 1"), "updated_at": at, "last_error": a.Error, "last_status": a.Status}
	switch {
	case a.Error == "":
		set["status"], set["delivered_at"] = models.DeliveryDelivered, at
	case a.GiveUp:
		set["status"] = models.DeliveryFailed
		delete(set, "attempts")
	}
	err := s.conn(ctx).Model(&models.WebhookDelivery{}).Where("id = ? AND status = ?", id, models.DeliveryQueued).Updates(set).Error
	if err != nil {
		return fmt.Errorf("record webhook delivery: %w", err)
	}
	return nil
}

// WebhookEnvelope is the body of every delivery.
type WebhookEnvelope struct {
	ID        string    `json:"id"`
	Event     string    `json:"event"`
	CreatedAt time.Time `json:"created_at"`
	OrgID     int64     `json:"organization_id"`
	Data      any       `json:"data"`
}

// queueWebhookEvent writes, inside the transaction of the change that
// causes the event, one delivery and its job for every webhook of the
// organization subscribed to it. Organizations without webhooks pay one
// indexed read.
func queueWebhookEvent(tx *gorm.DB, orgID int64, event string, data any) error {
	var hooks []models.Webhook
	if err := tx.Select("id, events").Where("org_id = ?", orgID).Find(&hooks).Error; err != nil {
		return fmt.Errorf("find webhooks: %w", err)
	}
	t := now()
	for _, h := range hooks {
		if !slices.Contains(strings.Split(h.Events, ","), event) {
			continue
		}
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return fmt.Errorf("webhook delivery id: %w", err)
		}
		env := WebhookEnvelope{ID: hex.EncodeToString(b[:]), Event: event, CreatedAt: t, OrgID: orgID, Data: data}
		body, err := json.Marshal(env)
		if err != nil {
			return fmt.Errorf("webhook payload: %w", err)
		}
		d := models.WebhookDelivery{OrgID: orgID, WebhookID: h.ID, Event: event, DeliveryID: env.ID, Payload: string(body),
			Status: models.DeliveryQueued, CreatedAt: t, UpdatedAt: t}
		if err := tx.Create(&d).Error; err != nil {
			return fmt.Errorf("store webhook delivery: %w", err)
		}
		p, _ := json.Marshal(DeliverWebhookPayload{DeliveryID: d.ID})
		if err := enqueueJob(tx, NewJob{Kind: DeliverWebhookKind, DedupeKey: deliveryKey(d.ID), Payload: p, RunAt: t}); err != nil {
			return err
		}
	}
	return nil
}

// deliveryKey is the dedupe key of a delivery's job (DeleteOrg and
// DeleteWebhook select the jobs by it).
func deliveryKey(id int64) string { return fmt.Sprintf("webhook:%d", id) }
