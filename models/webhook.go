package models

import "time"

// Webhook events: what a webhook may subscribe to.
const (
	EventResponseSubmitted = "response.submitted"
	EventRoundClosed       = "round.closed"
	EventResultsUpdated    = "results.updated"
	EventRoadmapImported   = "roadmap.imported"
)

// WebhookEvents lists every event a webhook may receive, in a stable order.
func WebhookEvents() []string {
	return []string{EventResponseSubmitted, EventRoundClosed, EventResultsUpdated, EventRoadmapImported}
}

// Webhook is an organization's HTTP endpoint for events (see app/webhooks).
// Events is a comma-separated list. Secret signs each delivery; it is
// never returned by the API.
type Webhook struct {
	ID        int64 `gorm:"primaryKey"`
	OrgID     int64
	URL       string
	Events    string
	Secret    string
	CreatedAt time.Time
}

// Delivery statuses of webhook deliveries: the outbox's (queued, sent,
// failed), so both read the same on pages.
const (
	DeliveryQueued    = EmailQueued
	DeliveryDelivered = EmailSent
	DeliveryFailed    = EmailFailed
)

// WebhookDelivery is one event sent, or to be sent, to one webhook.
// DeliveryID is the id the receiver sees in X-Gapmap-Delivery and in the
// body; it stays the same across retries.
type WebhookDelivery struct {
	ID          int64 `gorm:"primaryKey"`
	OrgID       int64
	WebhookID   int64
	Event       string
	DeliveryID  string
	Payload     string
	Status      string
	Attempts    int
	LastStatus  int
	LastError   string
	DeliveredAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
