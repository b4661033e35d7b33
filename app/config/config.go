// Package config reads gapmap's configuration from flags and GAPMAP_*
// environment variables and validates it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration.
type Config struct {
	Addr           string        // listen address
	Database       string        // SQLite file path, or a postgres:// URL
	BaseURL        string        // public URL used in links
	SessionIdle    time.Duration // a session ends after this long unused
	SessionMax     time.Duration // and at the latest this long after login
	BodyLimit      int           // largest request body in bytes
	TrustedProxies []string      // proxies whose X-Forwarded-For is believed
	Demo           bool          // seed the demo organization before serving
	LogLevel       string        // debug, info, warn, error
	Limits         Limits        // rate limits per client IP
	MetricsAddr    string        // listen address of /metrics; empty: no metrics
	AuditRetention time.Duration // audit entries older than this are deleted
	SMTPURL        string        // smtp:// or smtps:// URL of the mail relay; empty: email is off
	MailFrom       string        // From address of every email
	MailMaxAge     time.Duration // a queued email not delivered after this long is given up
	// WebhookAllowPrivate lets webhooks target loopback, private and
	// link-local addresses (tests and closed networks only).
	WebhookAllowPrivate bool

	envErr error
}

// Limits are the abuse limits, per client IP.
type Limits struct {
	LoginFailures int // failed logins per minute
	Signups       int // sign-ups per hour
	TokenFailures int // failed bearer-token requests per minute
	SurveyMisses  int // unknown survey tokens per minute
	Uploads       int // questionnaire and workbook uploads per minute
	OpenJoins     int // responses started per hour through one open link from one client IP
}

// DefaultLimits are the limits gapmap runs with.
func DefaultLimits() Limits {
	return Limits{LoginFailures: 10, Signups: 10, TokenFailures: 30, SurveyMisses: 30, Uploads: 20, OpenJoins: 300}
}

// Postgres reports whether the database is a PostgreSQL URL.
func (c Config) Postgres() bool { return IsPostgres(c.Database) }

// IsPostgres reports whether dsn selects PostgreSQL (a postgres:// or
// postgresql:// URL); anything else is an SQLite file. It is the one place
// that decides the dialect from a DSN: the store opens its driver by it.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Secure reports whether the public URL is https (cookies get Secure, HSTS is sent).
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Flags registers the configuration flags on fs with defaults taken from the
// environment (getenv, normally os.Getenv) and returns the Config they fill.
// Call Finish after fs.Parse.
func Flags(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := &Config{}
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("GAPMAP_ADDR", "127.0.0.1:8080"), "listen address (GAPMAP_ADDR)")
	fs.StringVar(&c.Database, "db", env("GAPMAP_DATABASE", "gapmap.db"), "SQLite file, or a postgres:// URL (GAPMAP_DATABASE)")
	fs.StringVar(&c.BaseURL, "base-url", env("GAPMAP_BASE_URL", ""), "public URL used in links; default http://<addr> (GAPMAP_BASE_URL)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("GAPMAP_METRICS_ADDR", ""), "listen address of the Prometheus /metrics endpoint, e.g. 127.0.0.1:9090; empty: off (GAPMAP_METRICS_ADDR)")
	fs.StringVar(&c.LogLevel, "log-level", env("GAPMAP_LOG_LEVEL", "info"), "debug, info, warn or error (GAPMAP_LOG_LEVEL)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("GAPMAP_SMTP_URL", ""), "mail relay, smtp://user:pass@host:port or smtps://…; empty: email is off (GAPMAP_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env("GAPMAP_MAIL_FROM", ""), "From address of the emails gapmap sends (GAPMAP_MAIL_FROM)")
	fs.Func("mail-max-age", "how long a queued email is retried before it is given up, e.g. 48h (GAPMAP_MAIL_MAX_AGE; default 48h)", durationFlag(&c.MailMaxAge))
	fs.BoolVar(&c.WebhookAllowPrivate, "webhook-allow-private", getenv("GAPMAP_WEBHOOK_ALLOW_PRIVATE") == "1", "let webhooks target loopback, private and link-local addresses; for tests and closed networks only (GAPMAP_WEBHOOK_ALLOW_PRIVATE=1)")
	fs.Func("session-idle", "session idle timeout, e.g. 2h (GAPMAP_SESSION_IDLE; default 2h)", durationFlag(&c.SessionIdle))
	fs.Func("session-max", "session absolute timeout, e.g. 24h (GAPMAP_SESSION_MAX; default 24h)", durationFlag(&c.SessionMax))
	fs.Func("audit-retention", "how long audit entries are kept, in days (400d) or as a duration (GAPMAP_AUDIT_RETENTION; default 400d)", daysFlag(&c.AuditRetention))
	fs.Func("body-limit", "largest request body in bytes (GAPMAP_BODY_LIMIT; default 4194304)", intFlag(&c.BodyLimit))
	fs.Func("trusted-proxies", "comma-separated proxy IPs or CIDRs whose X-Forwarded-For is trusted (GAPMAP_TRUSTED_PROXIES)", func(s string) error {
		c.TrustedProxies = splitList(s)
		return nil
	})
	c.SessionIdle, c.SessionMax, c.BodyLimit = 2*time.Hour, 24*time.Hour, 4<<20
	c.AuditRetention = DefaultAuditRetention
	c.MailMaxAge = DefaultMailMaxAge
	c.Limits = DefaultLimits()
	c.TrustedProxies = splitList(getenv("GAPMAP_TRUSTED_PROXIES"))
	for _, e := range []struct {
		name string
		set  func(string) error
	}{
		{"GAPMAP_SESSION_IDLE", durationFlag(&c.SessionIdle)},
		{"GAPMAP_SESSION_MAX", durationFlag(&c.SessionMax)},
		{"GAPMAP_BODY_LIMIT", intFlag(&c.BodyLimit)},
		{"GAPMAP_AUDIT_RETENTION", daysFlag(&c.AuditRetention)},
		{"GAPMAP_MAIL_MAX_AGE", durationFlag(&c.MailMaxAge)},
	} {
		if v := getenv(e.name); v != "" && c.envErr == nil {
			if err := e.set(v); err != nil {
				c.envErr = fmt.Errorf("invalid %s: %w", e.name, err)
			}
		}
	}
	return c
}

// Finish fills derived defaults and validates the configuration.
func (c *Config) Finish() error {
	if c.envErr != nil {
		return c.envErr
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c.Validate()
}

// Validate reports the first problem of the configuration in one line.
func (c *Config) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("invalid --addr %q: want host:port", c.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("invalid --addr %q: port must be a number from 0 to 65535", c.Addr)
	}
	_ = host
	if strings.TrimSpace(c.Database) == "" {
		return errors.New("invalid --db: empty; give an SQLite file path or a postgres:// URL")
	}
	if c.Postgres() {
		if _, err := url.Parse(c.Database); err != nil {
			return errors.New("invalid --db: not a valid postgres:// URL")
		}
	} else if strings.Contains(c.Database, "://") {
		return fmt.Errorf("invalid --db: unsupported scheme in %q; use an SQLite file path or a postgres:// URL", redact(c.Database))
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("invalid --base-url %q: want an absolute http:// or https:// URL", c.BaseURL)
	}
	if c.SessionIdle <= 0 || c.SessionMax <= 0 || c.SessionIdle > c.SessionMax {
		return errors.New("invalid session timeouts: both must be positive and --session-idle at most --session-max")
	}
	if c.AuditRetention < 24*time.Hour {
		return errors.New("invalid --audit-retention: keep audit entries at least one day (1d)")
	}
	if c.BodyLimit < 64<<10 {
		return errors.New("invalid --body-limit: at least 65536 bytes")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("invalid --log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.MetricsAddr != "" {
		_, mport, err := net.SplitHostPort(c.MetricsAddr)
		if p, perr := strconv.Atoi(mport); err != nil || perr != nil || p < 0 || p > 65535 {
			return fmt.Errorf("invalid --metrics-addr %q: want host:port", c.MetricsAddr)
		}
		if c.MetricsAddr == c.Addr && port != "0" {
			return fmt.Errorf("invalid --metrics-addr %q: the metrics need a listener of their own, not --addr", c.MetricsAddr)
		}
	}
	if err := c.validateMail(); err != nil {
		return err
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("invalid --trusted-proxies entry %q: want an IP or CIDR", p)
			}
		}
	}
	return nil
}

// DefaultMailMaxAge is how long a queued email is retried unless
// configured otherwise.
const DefaultMailMaxAge = 48 * time.Hour

// MailEnabled reports whether email is configured (an SMTP URL is set).
func (c Config) MailEnabled() bool { return c.SMTPURL != "" }

// RedactedSMTP returns the SMTP URL with its password hidden, for logs.
func (c Config) RedactedSMTP() string { return redact(c.SMTPURL) }

func (c *Config) validateMail() error {
	if c.SMTPURL == "" {
		return nil
	}
	u, err := url.Parse(c.SMTPURL)
	if err != nil {
		return errors.New("invalid --smtp-url: not a URL; want smtp://user:pass@host:port or smtps://…")
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return fmt.Errorf("invalid --smtp-url %q: the scheme must be smtp or smtps", redact(c.SMTPURL))
	}
	if u.Hostname() == "" {
		return fmt.Errorf("invalid --smtp-url %q: no host", redact(c.SMTPURL))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n <= 0 || n > 65535 {
			return fmt.Errorf("invalid --smtp-url %q: port must be a number from 1 to 65535", redact(c.SMTPURL))
		}
	}
	for k := range u.Query() {
		if k != "insecure" {
			return fmt.Errorf("invalid --smtp-url %q: unknown parameter %q (only insecure=1, for tests)", redact(c.SMTPURL), k)
		}
	}
	if c.MailFrom == "" {
		return errors.New("invalid --mail-from: required when --smtp-url is set, e.g. gapmap@example.com")
	}
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || strings.ContainsAny(c.MailFrom, "\r\n") {
		return fmt.Errorf("invalid --mail-from %q: want an email address such as gapmap@example.com", c.MailFrom)
	} else if !strings.Contains(a.Address, "@") {
		return fmt.Errorf("invalid --mail-from %q: want an email address such as gapmap@example.com", c.MailFrom)
	}
	if c.MailMaxAge < time.Minute {
		return errors.New("invalid --mail-max-age: at least 1m")
	}
	return nil
}

// Redacted returns the database setting with any password hidden, for logs.
func (c Config) Redacted() string { return redact(c.Database) }

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func durationFlag(d *time.Duration) func(string) error {
	return func(s string) error {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("want a duration such as 90m or 2h")
		}
		*d = v
		return nil
	}
}

// DefaultAuditRetention is how long audit entries are kept unless
// configured otherwise.
const DefaultAuditRetention = 400 * 24 * time.Hour

// daysFlag parses a number of days ("400d" or "400") or a Go duration.
func daysFlag(d *time.Duration) func(string) error {
	return func(s string) error {
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil {
			if n < 0 || n > 100*365 {
				return fmt.Errorf("want 0 to 36500 days")
			}
			*d = time.Duration(n) * 24 * time.Hour
			return nil
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("want a number of days such as 400d, or a duration such as 720h")
		}
		*d = v
		return nil
	}
}

func intFlag(n *int) func(string) error {
	return func(s string) error {
		v, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("want a whole number")
		}
		*n = v
		return nil
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
