// Package models holds gapmap's persistent records as GORM structs, with small
// pure methods. It runs no queries.
package models

import "time"

// Role is a person's role inside one organization.
type Role string

// Roles, from most to least privileged.
const (
	RoleOwner  Role = "owner"  // everything, including the organization itself
	RoleAdmin  Role = "admin"  // runs assessments, manages teams and members
	RoleLeader Role = "leader" // reads dashboards, reports and exports
	RoleMember Role = "member" // a team lead: sees and answers for assigned teams
)

// Roles lists every role, most privileged first.
func Roles() []Role { return []Role{RoleOwner, RoleAdmin, RoleLeader, RoleMember} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleOwner, RoleAdmin, RoleLeader, RoleMember:
		return true
	}
	return false
}

func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 4
	case RoleAdmin:
		return 3
	case RoleLeader:
		return 2
	case RoleMember:
		return 1
	}
	return 0
}

// AtLeast reports whether r grants at least the rights of min.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

// Org is a tenant: an organization and everything it owns.
type Org struct {
	ID        int64 `gorm:"primaryKey"`
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// User is a person who can log in; one user may belong to several orgs.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Membership gives a user a role in an org.
type Membership struct {
	ID        int64 `gorm:"primaryKey"`
	OrgID     int64
	UserID    int64
	Role      Role
	CreatedAt time.Time
}

// Team is a group of engineers whose platform practice is assessed together.
type Team struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	OrgID     int64     `json:"-"`
	Name      string    `json:"name"`
	Size      *int      `json:"size,omitempty"` // headcount, when known
	CreatedAt time.Time `json:"-"`
	UpdatedAt time.Time `json:"-"`
}

// TeamMember assigns a user (usually a team lead) to a team.
type TeamMember struct {
	TeamID int64 `gorm:"primaryKey"`
	UserID int64 `gorm:"primaryKey"`
	OrgID  int64
}

// APIToken is a personal API token; only its hash is stored.
type APIToken struct {
	ID         int64 `gorm:"primaryKey"`
	OrgID      int64
	UserID     int64
	Name       string
	TokenHash  string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	Scopes     string // space-separated; "" keeps every right of the owner
}

// OrgInvite invites a person by link to join an org with a role.
type OrgInvite struct {
	ID         int64 `gorm:"primaryKey"`
	OrgID      int64
	Email      string
	Role       Role
	TokenHash  string
	InvitedBy  *int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	RevokedAt  *time.Time
}

// KV is one entry of the shared key-value storage behind sessions and CSRF tokens.
type KV struct {
	K         string `gorm:"primaryKey;column:k"`
	V         []byte `gorm:"column:v"`
	ExpiresAt int64
}

// TableName keeps the table name short.
func (KV) TableName() string { return "kv" }
