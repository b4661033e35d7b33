package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/models"
)

// withActor makes the store name who acts in the audit entries of this
// request: the client's address always, and the user or API token once the
// request is authenticated.
func withActor(c *fiber.Ctx, p *store.Principal) {
	a := store.Actor{IP: c.IP()}
	if p != nil {
		a.UserID, a.TokenID, a.Label = p.UserID, p.TokenID, p.Email
		if p.TokenID != 0 {
			a.Label += " (API token " + p.Token + ")"
		}
	}
	c.SetUserContext(store.WithActor(c.UserContext(), a))
}

// auditEntryJSON is one entry of the audit API.
type auditEntryJSON struct {
	ID           int64           `json:"id"`
	At           time.Time       `json:"at"`
	Actor        string          `json:"actor"`
	ActorUserID  *int64          `json:"actor_user_id"`
	ActorTokenID *int64          `json:"actor_token_id"`
	Action       string          `json:"action"`
	TargetType   string          `json:"target_type"`
	TargetID     *int64          `json:"target_id"`
	Target       string          `json:"target"`
	Detail       json.RawMessage `json:"detail"`
	IP           string          `json:"ip"`
}

func auditEntryOf(e models.AuditEntry) auditEntryJSON {
	detail := json.RawMessage(e.Detail)
	if len(detail) == 0 {
		detail = json.RawMessage("{}")
	}
	return auditEntryJSON{
		ID: e.ID, At: e.At.UTC(), Actor: e.Actor, ActorUserID: e.ActorUserID, ActorTokenID: e.ActorTokenID,
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Target: e.Target, Detail: detail, IP: e.IP,
	}
}

// auditQuery reads the audit filters shared by the API and the page.
func auditQuery(c *fiber.Ctx) (store.AuditQuery, error) {
	var q store.AuditQuery
	before, err := queryID(c, "before")
	if err != nil {
		return q, err
	}
	q.Before = before
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxAuditPage {
			return q, apperr.Field("limit", "limit must be a whole number from 1 to %d.", store.MaxAuditPage)
		}
		q.Limit = n
	}
	q.Action = strings.TrimSpace(c.Query("action"))
	q.Actor = strings.TrimSpace(c.Query("actor"))
	for _, f := range []struct {
		name string
		dst  **time.Time
		add  time.Duration
	}{{"from", &q.From, 0}, {"to", &q.To, 24 * time.Hour}} {
		v := strings.TrimSpace(c.Query(f.name))
		if v == "" {
			continue
		}
		t, err := parseAuditTime(v, f.add)
		if err != nil {
			return q, apperr.Field(f.name, "%s must be a date (2026-12-31) or an RFC 3339 time.", f.name)
		}
		*f.dst = &t
	}
	return q, nil
}

// parseAuditTime reads an RFC 3339 time, or a date meaning the start of
// that day plus add (so that "to" includes its whole day).
func parseAuditTime(v string, add time.Duration) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, err
	}
	return d.Add(add), nil
}

// apiAudit serves GET /api/v1/audit: the organization's audit log, newest
// first, a page at a time; next_before is the cursor of the next page.
func (s *Server) apiAudit(c *fiber.Ctx) error {
	q, err := auditQuery(c)
	if err != nil {
		return err
	}
	entries, next, err := s.store.AuditLog(c.UserContext(), principalOf(c).OrgID, q)
	if err != nil {
		return err
	}
	out := make([]auditEntryJSON, len(entries))
	for i, e := range entries {
		out[i] = auditEntryOf(e)
	}
	var cursor *int64
	if next != 0 {
		cursor = &next
	}
	return c.JSON(fiber.Map{"entries": out, "next_before": cursor})
}

// auditPage serves /audit: the same log with filters, for admins.
func (s *Server) auditPage(c *fiber.Ctx) error {
	data := fiber.Map{
		"Title": "Audit log", "Actions": store.AuditActions(),
		"Action": c.Query("action"), "Actor": c.Query("actor"), "From": c.Query("from"), "To": c.Query("to"),
	}
	q, err := auditQuery(c)
	if err != nil {
		return s.formError(c, "members/audit", data, err)
	}
	entries, next, err := s.store.AuditLog(c.UserContext(), principalOf(c).OrgID, q)
	if err != nil {
		return s.formError(c, "members/audit", data, err)
	}
	data["Entries"] = entries
	if next != 0 {
		v := url.Values{}
		for _, k := range []string{"action", "actor", "from", "to"} {
			if x := c.Query(k); x != "" {
				v.Set(k, x)
			}
		}
		v.Set("before", strconv.FormatInt(next, 10))
		data["Older"] = "/audit?" + v.Encode()
	}
	return s.render(c, "members/audit", data)
}

// purgeAudit deletes audit entries older than the configured retention.
func (s *Server) purgeAudit(ctx context.Context) (int64, error) {
	keep := s.cfg.AuditRetention
	if keep <= 0 {
		keep = config.DefaultAuditRetention
	}
	return s.store.PurgeAudit(ctx, time.Now().Add(-keep))
}
