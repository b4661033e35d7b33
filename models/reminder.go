package models

import "time"

// Reminder is one reminder sent to an address for a round on a UTC day
// (YYYY-MM-DD). The table's unique key (round, address, day) allows one a
// day; UnsubscribeHash is the hash of the token of its unsubscribe link.
type Reminder struct {
	ID              int64 `gorm:"primaryKey"`
	OrgID           int64
	AssessmentID    int64
	InvitationID    *int64
	EmailID         *int64
	Address         string // lower case
	Day             string
	UnsubscribeHash string
	CreatedAt       time.Time
}
