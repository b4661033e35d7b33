package models

import "time"

// Email statuses of the outbox.
const (
	EmailQueued = "queued" // waiting to be sent, or retried after a failure
	EmailSent   = "sent"   // accepted by the mail relay
	EmailFailed = "failed" // given up after the configured age; LastError says why
)

// Email is one message of the outbox (see app/mail). MessageID is the
// local part of its Message-ID, fixed when the row is written so that a
// message sent again after a crash carries the same one.
type Email struct {
	ID           int64 `gorm:"primaryKey"`
	OrgID        *int64
	InvitationID *int64
	Purpose      string
	ToAddr       string
	Subject      string
	BodyText     string
	BodyHTML     string
	MessageID    string
	Status       string
	Attempts     int
	LastError    string
	SentAt       *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// ListUnsubscribe is the one-click unsubscribe URL of a reminder ("" for none).
	ListUnsubscribe string
}

// TableName is the outbox's table.
func (Email) TableName() string { return "outbox" }
