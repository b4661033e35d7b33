package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
)

// Audited actions. Each is recorded in the transaction of the change it
// describes, so an entry exists exactly when the change was committed.
const (
	AuditSignIn          = "auth.sign_in"
	AuditSignInFailed    = "auth.sign_in_failed"
	AuditSignOut         = "auth.sign_out"
	AuditPasswordReset   = "auth.password_reset"
	AuditOrgRenamed      = "org.renamed"
	AuditOrgDeleted      = "org.deleted"
	AuditMemberInvited   = "member.invited"
	AuditInviteRevoked   = "member.invite_revoked"
	AuditMemberJoined    = "member.joined"
	AuditRoleChanged     = "member.role_changed"
	AuditMemberRemoved   = "member.removed"
	AuditTeamMembers     = "team.members_changed"
	AuditTokenCreated    = "token.created"
	AuditTokenRevoked    = "token.revoked"
	AuditRoundCreated    = "round.created"
	AuditRoundEdited     = "round.edited"
	AuditRoundDup        = "round.duplicated"
	AuditRoundClosed     = "round.closed"
	AuditRoundReopened   = "round.reopened"
	AuditRoundDeleted    = "round.deleted"
	AuditLinkCreated     = "invitation.created"
	AuditLinkRevoked     = "invitation.revoked"
	AuditLinkRegen       = "invitation.regenerated"
	AuditLinkReopened    = "invitation.reopened"
	AuditOpenLinkCreated = "open_link.created"
	AuditOpenLinkRevoked = "open_link.revoked"
	AuditQuestUpload     = "questionnaire.uploaded"
	AuditRoadmapImport   = "roadmap.imported"
	AuditSSOConfigured   = "sso.configured"
	AuditSSORemoved      = "sso.removed"
)

// auditActions lists every audited action, for filters and documentation.
var auditActions = []string{
	AuditSignIn, AuditSignInFailed, AuditSignOut, AuditPasswordReset, AuditOrgRenamed, AuditOrgDeleted,
	AuditMemberInvited, AuditInviteRevoked, AuditMemberJoined, AuditRoleChanged,
	AuditMemberRemoved, AuditTeamMembers, AuditTokenCreated, AuditTokenRevoked,
	AuditRoundCreated, AuditRoundEdited, AuditRoundDup, AuditRoundClosed,
	AuditRoundReopened, AuditRoundDeleted, AuditLinkCreated, AuditLinkRevoked,
	AuditLinkRegen, AuditLinkReopened, AuditOpenLinkCreated, AuditOpenLinkRevoked, AuditQuestUpload, AuditRoadmapImport,
	AuditWebhookCreated, AuditWebhookDeleted,
	AuditSSOConfigured, AuditSSORemoved,
}

// AuditActions returns every audited action name.
func AuditActions() []string { return append([]string(nil), auditActions...) }

// Actor is who causes the changes made with a context: the signed-in user or
// API token, and the client's address. The web layer sets it per request;
// commands run without one and are recorded as "system".
type Actor struct {
	UserID  int64
	TokenID int64
	Label   string // the user's email, with "(API token NAME)" for tokens
	IP      string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor that audit entries name.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor carried by ctx (zero when none).
func ActorOf(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// auditEvent is one entry to record. Detail must hold no secret, token or
// answer: names of changed fields, roles, counts.
type auditEvent struct {
	Action     string
	TargetType string
	TargetID   int64
	Target     string
	Detail     map[string]any
}

// audit records ev for orgID (0: no organization) in tx.
func audit(ctx context.Context, tx *gorm.DB, orgID int64, ev auditEvent) error {
	a := ActorOf(ctx)
	e := models.AuditEntry{
		At: now(), Actor: a.Label, Action: ev.Action, TargetType: ev.TargetType,
		Target: ev.Target, IP: a.IP,
	}
	if e.Actor == "" {
		e.Actor = "system"
	}
	if orgID != 0 {
		e.OrgID = &orgID
	}
	if a.UserID != 0 {
		e.ActorUserID = &a.UserID
	}
	if a.TokenID != 0 {
		e.ActorTokenID = &a.TokenID
	}
	if ev.TargetID != 0 {
		e.TargetID = &ev.TargetID
	}
	if len(ev.Detail) > 0 {
		b, err := json.Marshal(ev.Detail)
		if err != nil {
			return fmt.Errorf("audit %s: %w", ev.Action, err)
		}
		e.Detail = string(b)
	}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s: %w", ev.Action, err)
	}
	return nil
}

// RecordSignIn records a sign-in attempt for email: on success in the
// organization signed into, on failure in every organization of the account
// (or in none when no account has that email).
func (s *Store) RecordSignIn(ctx context.Context, email string, userID, orgID int64, ok bool) error {
	// Whatever was typed into the email field is kept only when it is an
	// email address: people type passwords there by mistake.
	norm, err := NormalizeEmail(email)
	if err != nil {
		norm = "(not an email address)"
	} else if !ok && userID == 0 {
		if u, err := s.UserByEmail(ctx, norm); err == nil {
			userID = u.ID
		}
	}
	email = norm
	a := ActorOf(ctx)
	a.Label, a.UserID, a.TokenID = email, userID, 0
	ctx = WithActor(ctx, a)
	return s.tx(ctx, func(tx *gorm.DB) error {
		if ok {
			return audit(ctx, tx, orgID, auditEvent{Action: AuditSignIn, TargetType: "user", TargetID: userID, Target: email})
		}
		var orgs []int64
		if userID != 0 {
			if err := tx.Model(&models.Membership{}).Where("user_id = ?", userID).Order("org_id").Pluck("org_id", &orgs).Error; err != nil {
				return fmt.Errorf("audit sign-in: %w", err)
			}
		}
		if len(orgs) == 0 {
			orgs = []int64{0}
		}
		for _, o := range orgs {
			if err := audit(ctx, tx, o, auditEvent{Action: AuditSignInFailed, TargetType: "user", TargetID: userID, Target: email}); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecordSignOut records that the actor of ctx signed out of orgID.
func (s *Store) RecordSignOut(ctx context.Context, orgID int64) error {
	a := ActorOf(ctx)
	return s.tx(ctx, func(tx *gorm.DB) error {
		return audit(ctx, tx, orgID, auditEvent{Action: AuditSignOut, TargetType: "user", TargetID: a.UserID, Target: a.Label})
	})
}

// AuditQuery selects a page of an organization's audit log, newest first.
type AuditQuery struct {
	Before int64 // only entries with a smaller id (the cursor); 0: from the newest
	Limit  int   // 1..500; 0 means 50
	Action string
	Actor  string // substring of the actor label
	From   *time.Time
	To     *time.Time
}

// MaxAuditPage is the largest page of the audit log served at once.
const MaxAuditPage = 500

// AuditLog returns one page of orgID's audit log, newest first, and the
// cursor of the next page (0 when this is the last).
func (s *Store) AuditLog(ctx context.Context, orgID int64, q AuditQuery) ([]models.AuditEntry, int64, error) {
	switch {
	case q.Limit == 0:
		q.Limit = 50
	case q.Limit < 1 || q.Limit > MaxAuditPage:
		return nil, 0, apperr.Field("limit", "Ask for 1 to %d entries.", MaxAuditPage)
	}
	if q.Before < 0 {
		return nil, 0, apperr.Field("before", "The cursor must be a positive number.")
	}
	if q.Action != "" && !slices.Contains(auditActions, q.Action) {
		return nil, 0, apperr.Field("action", "Unknown action %q: choose one of the listed actions.", q.Action)
	}
	db := s.conn(ctx).Where("org_id = ?", orgID)
	if q.Before > 0 {
		db = db.Where("id < ?", q.Before)
	}
	if q.Action != "" {
		db = db.Where("action = ?", q.Action)
	}
	if q.Actor != "" {
		db = db.Where("LOWER(actor) LIKE ? ESCAPE '!'", "%"+escapeLike(strings.ToLower(q.Actor))+"%")
	}
	if q.From != nil {
		db = db.Where("at >= ?", q.From.UTC())
	}
	if q.To != nil {
		db = db.Where("at < ?", q.To.UTC())
	}
	var out []models.AuditEntry
	if err := db.Order("id DESC").Limit(q.Limit + 1).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("read audit log: %w", err)
	}
	var next int64
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// escapeLike escapes LIKE's wildcards with '!'.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// AuditPurgeKind is the job that deletes audit entries older than the
// retention, and schedules its next run AuditPurgeEvery later.
const (
	AuditPurgeKind  = "audit.purge"
	AuditPurgeEvery = time.Hour
)

// ScheduleAuditPurge enqueues a purge at at, coalesced per slot.
func (s *Store) ScheduleAuditPurge(ctx context.Context, at time.Time) error {
	slot := at.UTC().Truncate(AuditPurgeEvery).Unix()
	return s.EnqueueJob(ctx, NewJob{Kind: AuditPurgeKind, DedupeKey: strconv.FormatInt(slot, 10), RunAt: at})
}

// PurgeAudit deletes the entries recorded before cutoff.
func (s *Store) PurgeAudit(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.conn(ctx).Where("at < ?", cutoff.UTC()).Delete(&models.AuditEntry{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge audit log: %w", res.Error)
	}
	return res.RowsAffected, nil
}
