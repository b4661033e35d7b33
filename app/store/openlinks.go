package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"
)

// OpenLinkTokenPrefix starts every open link token.
const OpenLinkTokenPrefix = "j_"

// MaxOpenLinkResponses is the largest max_responses accepted.
const MaxOpenLinkResponses = 100000

// CreatedOpenLink is a new open link with its plain token, which exists only
// at this moment: the database keeps its hash.
type CreatedOpenLink struct {
	models.OpenLink
	Token string
}

// OpenLinkStatus is an open link with its team and the responses started
// and submitted from it.
type OpenLinkStatus struct {
	ID           int64
	AssessmentID int64
	TeamID       int64
	TeamName     string
	MaxResponses *int
	Joined       int
	Submitted    int
	CreatedAt    time.Time
	RevokedAt    *time.Time
}

// Joined is the respondent's own survey link, made from an open link.
type Joined struct {
	OrgID        int64
	AssessmentID int64
	LinkID       int64
	Token        string
}

func errBadOpenLink() error {
	return apperr.Errorf(apperr.ENotFound, "This survey link is not valid. It may have been revoked; ask the person who shared it for a new one.")
}

// CreateOpenLink creates a team's open link into an open round; max, when
// set, caps the responses it may start.
func (s *Store) CreateOpenLink(ctx context.Context, orgID, assessmentID, teamID int64, createdBy *int64, max *int) (*CreatedOpenLink, error) {
	if max != nil && (*max < 1 || *max > MaxOpenLinkResponses) {
		return nil, apperr.Field("max_responses", "max_responses must be a whole number from 1 to %d, or left out for no limit.", MaxOpenLinkResponses)
	}
	a, err := s.Assessment(ctx, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	if !a.HasTeam(teamID) {
		return nil, apperr.Field("team_id", "The team does not take part in this assessment.")
	}
	plain, hash, err := secret.NewToken(OpenLinkTokenPrefix)
	if err != nil {
		return nil, err
	}
	link := models.OpenLink{OrgID: orgID, AssessmentID: assessmentID, TeamID: teamID, TokenHash: hash, MaxResponses: max, CreatedBy: createdBy, CreatedAt: now()}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var status string
		if err := tx.Model(&models.Assessment{}).Select("status").Where("org_id = ? AND id = ?", orgID, assessmentID).Scan(&status).Error; err != nil {
			return fmt.Errorf("check assessment: %w", err)
		}
		if status != models.AssessmentOpen {
			return errClosed()
		}
		if err := tx.Create(&link).Error; err != nil {
			return err
		}
		return auditOpenLink(ctx, tx, &link, AuditOpenLinkCreated)
	})
	if err != nil {
		return nil, fmt.Errorf("create open link: %w", err)
	}
	return &CreatedOpenLink{OpenLink: link, Token: plain}, nil
}

func (s *Store) openLinkRows(ctx context.Context, orgID, assessmentID int64) *gorm.DB {
	return s.conn(ctx).Table("open_links l").
		Select("l.id, l.assessment_id, l.team_id, t.name AS team_name, l.max_responses, l.joined, l.created_at, l.revoked_at, "+
			"(SELECT COUNT(*) FROM invitations i JOIN responses r ON r.invitation_id = i.id "+
			"WHERE i.open_link_id = l.id AND i.revoked_at IS NULL AND r.status = 'submitted') AS submitted").
		Joins("JOIN teams t ON t.id = l.team_id").
		Where("l.org_id = ? AND l.assessment_id = ?", orgID, assessmentID)
}

// OpenLinks lists a round's open links by team name; teamIDs, when not nil,
// keeps only those teams.
func (s *Store) OpenLinks(ctx context.Context, orgID, assessmentID int64, teamIDs []int64) ([]OpenLinkStatus, error) {
	if _, err := s.Assessment(ctx, orgID, assessmentID); err != nil {
		return nil, err
	}
	q := s.openLinkRows(ctx, orgID, assessmentID)
	if teamIDs != nil {
		q = q.Where("l.team_id IN ?", append([]int64{0}, teamIDs...))
	}
	var out []OpenLinkStatus
	if err := q.Order("t.name, l.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("list open links: %w", err)
	}
	return out, nil
}

// OpenLink loads one open link of a round of the organization.
func (s *Store) OpenLink(ctx context.Context, orgID, assessmentID, id int64) (*OpenLinkStatus, error) {
	var out []OpenLinkStatus
	if err := s.openLinkRows(ctx, orgID, assessmentID).Where("l.id = ?", id).Limit(1).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("load open link: %w", err)
	}
	if len(out) == 0 {
		return nil, apperr.NotFound("open link")
	}
	return &out[0], nil
}

// RevokeOpenLink stops an open link from starting responses. Responses
// already started keep their own links and still count.
func (s *Store) RevokeOpenLink(ctx context.Context, orgID, assessmentID, id int64) error {
	var link models.OpenLink
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("org_id = ? AND assessment_id = ? AND id = ?", orgID, assessmentID, id).Take(&link).Error; err != nil {
			return notFound(err, "open link")
		}
		if link.RevokedAt != nil {
			return nil // revoking twice changes nothing
		}
		if err := tx.Model(&link).Update("revoked_at", now()).Error; err != nil {
			return fmt.Errorf("revoke open link: %w", err)
		}
		return auditOpenLink(ctx, tx, &link, AuditOpenLinkRevoked)
	})
	if err == nil {
		s.openLinks.forget(link.TokenHash)
	}
	return err
}

// auditOpenLink records an action on an open link, naming its team.
func auditOpenLink(ctx context.Context, tx *gorm.DB, l *models.OpenLink, action string) error {
	var team string
	if err := tx.Model(&models.Team{}).Where("id = ?", l.TeamID).Pluck("name", &team).Error; err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return audit(ctx, tx, l.OrgID, auditEvent{Action: action, TargetType: "open_link", TargetID: l.ID, Target: team,
		Detail: map[string]any{"round_id": l.AssessmentID, "team_id": l.TeamID, "max_responses": l.MaxResponses}})
}

// OpenLinkRef is an active open link's id and round.
type OpenLinkRef struct {
	ID           int64
	AssessmentID int64
}

// OpenLinkByToken resolves an active open link's token, for rate limiting
// per link before any write (not found for unknown and revoked tokens
// alike). A link this process resolved before is answered from memory: a
// link revoked since (here or by another process) is refused by the join
// itself.
func (s *Store) OpenLinkByToken(ctx context.Context, plain string) (*OpenLinkRef, error) {
	if plain == "" || len(plain) > 200 {
		return nil, errBadOpenLink()
	}
	hash := secret.HashToken(plain)
	if ref, ok := s.openLinks.get(hash); ok {
		return &ref, nil
	}
	h, err := s.hot(ctx)
	if err != nil {
		return nil, err
	}
	var ref OpenLinkRef
	err = h.openLink.QueryRowContext(ctx, hash).Scan(&ref.ID, &ref.AssessmentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadOpenLink()
	}
	if err != nil {
		return nil, fmt.Errorf("resolve open link: %w", err)
	}
	s.openLinks.put(hash, ref)
	return &ref, nil
}

// JoinOpenLink starts a new response from an open link: an invitation
// without label with its own survey token, and an empty draft. Unknown and
// revoked links are not found; a link past its max_responses is gone; a
// closed round is a conflict. Concurrent joins commit together (see
// joinbatch.go); each is all or nothing.
func (s *Store) JoinOpenLink(ctx context.Context, linkID int64) (*Joined, error) {
	plain, hash, err := secret.NewToken(SurveyTokenPrefix)
	if err != nil {
		return nil, err
	}
	r := &joinReq{linkID: linkID, hash: hash, out: Joined{LinkID: linkID, Token: plain}}
	if s.joins.do(ctx, r, s.runJoins); r.err != nil {
		return nil, r.err
	}
	return &r.out, nil
}

// joinOne runs one join inside tx: no row is written when it is refused.
func joinOne(t hotTxn, r *joinReq) error {
	var (
		teamID    int64
		anonymity string
	)
	err := t.queryRow(wJoinCount, []any{r.linkID}, &r.out.OrgID, &r.out.AssessmentID, &teamID, &anonymity)
	if errors.Is(err, sql.ErrNoRows) {
		return joinRefusal(t, r.linkID)
	}
	if err != nil {
		return fmt.Errorf("count join: %w", err)
	}
	at := stamp(&models.Assessment{Anonymity: anonymity}, now())
	var invID int64
	if err := t.queryRow(wNewInvitation, []any{r.out.OrgID, r.out.AssessmentID, teamID, r.hash, r.linkID, at}, &invID); err != nil {
		return fmt.Errorf("store invitation: %w", err)
	}
	if err := t.exec(wNewResponse, r.out.OrgID, r.out.AssessmentID, invID, teamID, at, at); err != nil {
		return fmt.Errorf("store response: %w", err)
	}
	return nil
}

// joinRefusal says why a link took no join: unknown or revoked, a closed
// round, or max_responses reached.
func joinRefusal(t hotTxn, linkID int64) error {
	var (
		orgID, assessmentID, teamID int64
		status, anonymity           string
		revoked                     sql.NullTime
		maxResponses                sql.NullInt64
		joined                      int64
	)
	err := t.queryRow(wJoinLock, []any{linkID},
		&orgID, &assessmentID, &teamID, &status, &anonymity, &revoked, &maxResponses, &joined)
	switch {
	case errors.Is(err, sql.ErrNoRows) || (err == nil && revoked.Valid):
		return errBadOpenLink()
	case err != nil:
		return fmt.Errorf("load open link: %w", err)
	case status != models.AssessmentOpen:
		return apperr.Errorf(apperr.EConflict, "This round is closed, so it takes no new responses.")
	case maxResponses.Valid && joined >= maxResponses.Int64:
		return apperr.Errorf(apperr.EGone, "This survey link has reached the number of responses it was made for. Ask the person who shared it for a new one.")
	}
	return fmt.Errorf("join open link %d: refused for no known reason", linkID)
}

// SubmittedCounts counts the submitted responses of a round's active links
// per team.
func (s *Store) SubmittedCounts(ctx context.Context, orgID, assessmentID int64) (map[int64]int, error) {
	var rows []struct {
		TeamID int64
		N      int
	}
	err := s.conn(ctx).Table("responses r").Select("r.team_id, COUNT(*) AS n").
		Joins("JOIN invitations i ON i.id = r.invitation_id").
		Where("r.org_id = ? AND r.assessment_id = ? AND r.status = ? AND i.revoked_at IS NULL", orgID, assessmentID, models.ResponseSubmitted).
		Group("r.team_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count responses: %w", err)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.TeamID] = r.N
	}
	return out, nil
}
