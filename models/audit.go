package models

import "time"

// AuditEntry records who did what, when, from where, in an organization.
// OrgID is nil for events that belong to no organization. Detail is a small
// JSON object of non-secret facts (a new role, a changed field's name).
type AuditEntry struct {
	ID           int64 `gorm:"primaryKey"`
	OrgID        *int64
	At           time.Time
	ActorUserID  *int64
	ActorTokenID *int64
	Actor        string
	Action       string
	TargetType   string
	TargetID     *int64
	Target       string
	Detail       string
	IP           string
}

// TableName is the audit log's table.
func (AuditEntry) TableName() string { return "audit_log" }
