package models

import "time"

// Job is one unit of work done off the request path (see app/jobs). A job
// with a dedupe key absorbs every later request for the same work while it
// waits; one requested while it runs makes it run once more (Rerun).
type Job struct {
	ID         int64 `gorm:"primaryKey"`
	Kind       string
	DedupeKey  *string
	Payload    string
	RunAt      time.Time
	Attempts   int        // runs started, this one included while leased
	LeaseUntil *time.Time // set while a worker runs it; expired leases are taken again
	Rerun      bool       // requested again while running: run once more after this run
	FailedAt   *time.Time // gave up after the kind's last attempt; kept with LastError
	LastError  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}
