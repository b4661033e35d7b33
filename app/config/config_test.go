package config_test

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"gapmap/app/config"
)

// load parses args with env as the environment, the way cmd/gapmap does.
func load(args []string, env map[string]string) (*config.Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := config.Flags(fs, func(name string) string { return env[name] })
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Finish()
}

func TestDefaults(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	want := config.Config{
		Addr:        "127.0.0.1:8080",
		Database:    "gapmap.db",
		BaseURL:     "http://127.0.0.1:8080",
		SessionIdle: 2 * time.Hour,
		SessionMax:  24 * time.Hour,
		BodyLimit:   4 << 20,
		LogLevel:    "info",
		Limits:      config.DefaultLimits(),
	}
	if c.Addr != want.Addr || c.Database != want.Database || c.BaseURL != want.BaseURL ||
		c.SessionIdle != want.SessionIdle || c.SessionMax != want.SessionMax || c.BodyLimit != want.BodyLimit ||
		c.LogLevel != want.LogLevel || c.Limits != want.Limits || len(c.TrustedProxies) != 0 || c.Demo || c.MetricsAddr != "" ||
		c.AuditRetention != 400*24*time.Hour {
		t.Fatalf("defaults = %+v, want %+v", *c, want)
	}
	if c.Postgres() || c.Secure() {
		t.Fatalf("defaults: Postgres()=%v Secure()=%v, want false", c.Postgres(), c.Secure())
	}
	if c.Limits.LoginFailures != 10 {
		t.Fatalf("login failures per minute = %d, want 10", c.Limits.LoginFailures)
	}
}

func TestOverrides(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, c *config.Config)
	}{
		{
			name: "environment",
			env: map[string]string{
				"GAPMAP_ADDR": "0.0.0.0:9000", "GAPMAP_DATABASE": "postgres://gm:s3cret@db:5432/gapmap",
				"GAPMAP_BASE_URL": "https://gapmap.example.com/", "GAPMAP_LOG_LEVEL": "debug",
				"GAPMAP_SESSION_IDLE": "30m", "GAPMAP_SESSION_MAX": "8h", "GAPMAP_BODY_LIMIT": "1048576",
				"GAPMAP_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16", "GAPMAP_AUDIT_RETENTION": "90d",
			},
			check: func(t *testing.T, c *config.Config) {
				if c.Addr != "0.0.0.0:9000" || c.Database != "postgres://gm:s3cret@db:5432/gapmap" || c.LogLevel != "debug" {
					t.Errorf("config = %+v", *c)
				}
				if c.BaseURL != "https://gapmap.example.com" {
					t.Errorf("base URL = %q, want the trailing slash trimmed", c.BaseURL)
				}
				if c.SessionIdle != 30*time.Minute || c.SessionMax != 8*time.Hour || c.BodyLimit != 1<<20 {
					t.Errorf("idle %v max %v body %d", c.SessionIdle, c.SessionMax, c.BodyLimit)
				}
				if c.AuditRetention != 90*24*time.Hour {
					t.Errorf("audit retention = %v, want 90 days", c.AuditRetention)
				}
				if !slices.Equal(c.TrustedProxies, []string{"10.0.0.1", "192.168.0.0/16"}) {
					t.Errorf("trusted proxies = %q", c.TrustedProxies)
				}
				if !c.Postgres() || !c.Secure() {
					t.Errorf("Postgres()=%v Secure()=%v, want true", c.Postgres(), c.Secure())
				}
				if r := c.Redacted(); strings.Contains(r, "s3cret") || !strings.Contains(r, "db:5432/gapmap") {
					t.Errorf("Redacted() = %q", r)
				}
			},
		},
		{
			name: "flags win over the environment",
			args: []string{"--addr", "127.0.0.1:7000", "--db", "/tmp/x.db", "--session-idle", "1h", "--body-limit", "70000", "--trusted-proxies", "::1"},
			env:  map[string]string{"GAPMAP_ADDR": "0.0.0.0:9000", "GAPMAP_DATABASE": "other.db", "GAPMAP_SESSION_IDLE": "30m", "GAPMAP_BODY_LIMIT": "1048576", "GAPMAP_TRUSTED_PROXIES": "10.0.0.1"},
			check: func(t *testing.T, c *config.Config) {
				if c.Addr != "127.0.0.1:7000" || c.Database != "/tmp/x.db" || c.SessionIdle != time.Hour || c.BodyLimit != 70000 {
					t.Errorf("config = %+v", *c)
				}
				if c.BaseURL != "http://127.0.0.1:7000" {
					t.Errorf("base URL = %q, want it derived from --addr", c.BaseURL)
				}
				if !slices.Equal(c.TrustedProxies, []string{"::1"}) {
					t.Errorf("trusted proxies = %q", c.TrustedProxies)
				}
			},
		},
		{
			name: "metrics address from the environment, and off by default elsewhere",
			env:  map[string]string{"GAPMAP_METRICS_ADDR": "127.0.0.1:9090"},
			check: func(t *testing.T, c *config.Config) {
				if c.MetricsAddr != "127.0.0.1:9090" {
					t.Errorf("metrics addr = %q", c.MetricsAddr)
				}
			},
		},
		{
			name: "metrics address flag",
			args: []string{"--metrics-addr", ":9100"},
			check: func(t *testing.T, c *config.Config) {
				if c.MetricsAddr != ":9100" {
					t.Errorf("metrics addr = %q", c.MetricsAddr)
				}
			},
		},
		{
			name: "postgresql scheme",
			args: []string{"--db", "postgresql://u@h/d"},
			check: func(t *testing.T, c *config.Config) {
				if !c.Postgres() {
					t.Error("postgresql:// not recognised")
				}
			},
		},
		{
			name: "redacted leaves a password-less URL and a path alone",
			args: []string{"--db", "postgres://u@h/d"},
			check: func(t *testing.T, c *config.Config) {
				if c.Redacted() != "postgres://u@h/d" {
					t.Errorf("Redacted() = %q", c.Redacted())
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(tc.args, tc.env)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			tc.check(t, c)
		})
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // a fragment of the one-line message
	}{
		{name: "addr without port", args: []string{"--addr", "localhost"}, want: "--addr"},
		{name: "addr with a word for a port", args: []string{"--addr", "localhost:http"}, want: "port"},
		{name: "addr port too large", args: []string{"--addr", "127.0.0.1:70000"}, want: "port"},
		{name: "empty db", args: []string{"--db", " "}, want: "--db"},
		{name: "unsupported db scheme", args: []string{"--db", "mysql://u:pw@h/d"}, want: "unsupported scheme"},
		{name: "relative base url", args: []string{"--base-url", "gapmap.example.com"}, want: "--base-url"},
		{name: "ftp base url", args: []string{"--base-url", "ftp://gapmap.example.com"}, want: "--base-url"},
		{name: "idle over max", args: []string{"--session-idle", "48h"}, want: "session"},
		{name: "zero idle", args: []string{"--session-idle", "0s"}, want: "session"},
		{name: "small body limit", args: []string{"--body-limit", "1000"}, want: "--body-limit"},
		{name: "log level", args: []string{"--log-level", "loud"}, want: "--log-level"},
		{name: "trusted proxy", args: []string{"--trusted-proxies", "10.0.0.1,proxy.local"}, want: "proxy.local"},
		{name: "duration flag", args: []string{"--session-max", "forever"}, want: "duration"},
		{name: "integer flag", args: []string{"--body-limit", "lots"}, want: "whole number"},
		{name: "unknown flag", args: []string{"--colour", "blue"}, want: "colour"},
		{name: "duration env", env: map[string]string{"GAPMAP_SESSION_IDLE": "soon"}, want: "GAPMAP_SESSION_IDLE"},
		{name: "integer env", env: map[string]string{"GAPMAP_BODY_LIMIT": "4MB"}, want: "GAPMAP_BODY_LIMIT"},
		{name: "two bad env values", env: map[string]string{"GAPMAP_SESSION_IDLE": "soon", "GAPMAP_BODY_LIMIT": "4MB"}, want: "invalid GAPMAP_SESSION_IDLE"},
		{name: "addr env", env: map[string]string{"GAPMAP_ADDR": "nope"}, want: "--addr"},
		{name: "log level env", env: map[string]string{"GAPMAP_LOG_LEVEL": "verbose"}, want: "--log-level"},
		{name: "metrics addr without port", args: []string{"--metrics-addr", "localhost"}, want: "--metrics-addr"},
		{name: "metrics addr env", env: map[string]string{"GAPMAP_METRICS_ADDR": "127.0.0.1:metrics"}, want: "--metrics-addr"},
		{name: "audit retention words", args: []string{"--audit-retention", "a year"}, want: "400d"},
		{name: "audit retention too short", env: map[string]string{"GAPMAP_AUDIT_RETENTION": "1h"}, want: "--audit-retention"},
		{name: "metrics addr same as addr", args: []string{"--addr", "127.0.0.1:8080", "--metrics-addr", "127.0.0.1:8080"}, want: "listener of their own"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(tc.args, tc.env)
			if err == nil {
				t.Fatal("invalid configuration accepted")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("message spans several lines: %q", msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message %q does not mention %q", msg, tc.want)
			}
		})
	}
}

func TestInvalidDatabaseMessageHidesPassword(t *testing.T) {
	_, err := load([]string{"--db", "mysql://u:hunter22@h/d"}, nil)
	if err == nil || strings.Contains(err.Error(), "hunter22") {
		t.Fatalf("error %v shows the database password", err)
	}
}

func TestIsPostgres(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://u@h/db":   true,
		"postgresql://u@h/db": true,
		"gapmap.db":           false,
		"/var/lib/postgres":   false,
		"file:postgres://x":   false,
		"":                    false,
	} {
		if got := config.IsPostgres(dsn); got != want {
			t.Errorf("IsPostgres(%q) = %v, want %v", dsn, got, want)
		}
	}
}

func TestMail(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		enabled bool
		wantErr string
	}{
		{name: "off by default"},
		{name: "env", env: map[string]string{"GAPMAP_SMTP_URL": "smtp://u:s3cret@mail.example:587", "GAPMAP_MAIL_FROM": "gapmap@example.com"}, enabled: true},
		{name: "flags, implicit TLS", args: []string{"--smtp-url", "smtps://mail.example:465", "--mail-from", "Gapmap <gapmap@example.com>"}, enabled: true},
		{name: "insecure for tests", args: []string{"--smtp-url", "smtp://127.0.0.1:2525?insecure=1", "--mail-from", "a@b.example"}, enabled: true},
		{name: "max age", args: []string{"--smtp-url", "smtp://h:25", "--mail-from", "a@b.example", "--mail-max-age", "2h"}, enabled: true},
		{name: "no from", args: []string{"--smtp-url", "smtp://u:s3cret@h:25"}, wantErr: "--mail-from: required"},
		{name: "bad scheme", args: []string{"--smtp-url", "http://u:s3cret@h:25", "--mail-from", "a@b.example"}, wantErr: "scheme must be smtp or smtps"},
		{name: "no host", args: []string{"--smtp-url", "smtp://:25", "--mail-from", "a@b.example"}, wantErr: "no host"},
		{name: "bad port", args: []string{"--smtp-url", "smtp://h:99999", "--mail-from", "a@b.example"}, wantErr: "port must be"},
		{name: "unknown parameter", args: []string{"--smtp-url", "smtp://u:s3cret@h:25?tls=no", "--mail-from", "a@b.example"}, wantErr: "unknown parameter"},
		{name: "bad from", args: []string{"--smtp-url", "smtp://h:25", "--mail-from", "not an address"}, wantErr: "--mail-from"},
		{name: "max age too short", args: []string{"--smtp-url", "smtp://h:25", "--mail-from", "a@b.example", "--mail-max-age", "1s"}, wantErr: "--mail-max-age"},
		{name: "bad max age env", env: map[string]string{"GAPMAP_MAIL_MAX_AGE": "soon"}, wantErr: "GAPMAP_MAIL_MAX_AGE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(tt.args, tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.MailEnabled() != tt.enabled {
				t.Fatalf("MailEnabled() = %v, want %v", c.MailEnabled(), tt.enabled)
			}
			if strings.Contains(c.RedactedSMTP(), "s3cret") {
				t.Fatalf("RedactedSMTP() = %q shows the password", c.RedactedSMTP())
			}
			if c.MailMaxAge < time.Minute {
				t.Fatalf("MailMaxAge = %v", c.MailMaxAge)
			}
		})
	}
}
