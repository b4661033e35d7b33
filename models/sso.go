package models

import "time"

// SSOConfig is an organization's OpenID Connect configuration. The client
// secret is stored as given (gapmap holds no key to encrypt it with) and is
// never returned by the API nor exported. AdminValues and LeaderValues are
// newline-separated values of RoleClaim.
type SSOConfig struct {
	ID               int64 `gorm:"primaryKey"`
	OrgID            int64
	Slug             string
	Issuer           string
	ClientID         string
	ClientSecret     string
	RoleClaim        string
	AdminValues      string
	LeaderValues     string
	PasswordLoginOff bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// TableName is the SSO configurations' table.
func (SSOConfig) TableName() string { return "sso_configs" }

// SSODomain is an email domain an organization's SSO accepts.
type SSODomain struct {
	ID     int64 `gorm:"primaryKey"`
	OrgID  int64
	Domain string
}

// TableName is the SSO domains' table.
func (SSODomain) TableName() string { return "sso_domains" }

// SSOIdentity links a provider's subject (issuer and sub claim) to the
// account it signs in as, through one organization's configuration.
type SSOIdentity struct {
	ID          int64 `gorm:"primaryKey"`
	OrgID       int64
	UserID      int64
	Issuer      string
	Subject     string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// TableName is the SSO identities' table.
func (SSOIdentity) TableName() string { return "sso_identities" }
