package store

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"
)

// SurveyTokenPrefix starts every survey link token.
const SurveyTokenPrefix = "s_"

// Invitation limits.
const (
	MaxLabelLength       = 200 // characters of an invitation label
	MaxInvitationsAtOnce = 200 // invitations created by one request
)

// Invitation statuses as shown to admins.
const (
	InvitationNotStarted = "not_started"
	InvitationInProgress = "in_progress"
	InvitationSubmitted  = "submitted"
	InvitationRevoked    = "revoked"
)

// NewInvitation asks for one respondent link for a team.
type NewInvitation struct {
	TeamID int64
	Label  string
	Email  string // optional: the link is emailed to this address
}

// CreatedInvitation is a new invitation with its plain token, which exists
// only at this moment: the database keeps its hash.
type CreatedInvitation struct {
	models.Invitation
	TeamName string
	Token    string
}

// InvitationStatus is an invitation with the progress of its response.
type InvitationStatus struct {
	ID           int64
	AssessmentID int64
	TeamID       int64
	TeamName     string
	Label        string
	CreatedAt    time.Time
	RevokedAt    *time.Time
	ResponseID   int64
	Status       string // InvitationNotStarted, ...
	Answered     int
	Total        int
	SubmittedAt  *time.Time
	Email        string // the address the link was last emailed to, if any
	EmailStatus  string // its outbox status (models.EmailQueued, ...), empty without email
	EmailError   string // the last error of sending it
}

// CleanLabel trims an invitation label; it may be empty.
func CleanLabel(label string) (string, error) {
	l := strings.TrimSpace(label)
	if utf8.RuneCountInString(l) > MaxLabelLength {
		return "", apperr.Field("label", "A label must be at most %d characters.", MaxLabelLength)
	}
	if !utf8.ValidString(l) || strings.ContainsRune(l, 0) {
		return "", apperr.Field("label", "The label contains invalid characters.")
	}
	return l, nil
}

// CreateInvitations creates respondent links for teams of an open
// assessment, each with an empty draft response, in one transaction.
func (s *Store) CreateInvitations(ctx context.Context, orgID, assessmentID int64, createdBy *int64, reqs []NewInvitation) ([]CreatedInvitation, error) {
	return s.CreateInvitationsMailed(ctx, orgID, assessmentID, createdBy, reqs, nil)
}

// InvitationMail writes the email that carries a new invitation's link to
// its address (subject, text and HTML; the store fills in the rest).
type InvitationMail func(inv CreatedInvitation) NewEmail

// CreateInvitationsMailed is CreateInvitations that also queues, in the same
// transaction, an email to every invitation that names an address. compose
// nil means email is off: an address is then refused.
func (s *Store) CreateInvitationsMailed(ctx context.Context, orgID, assessmentID int64, createdBy *int64, reqs []NewInvitation, compose InvitationMail) ([]CreatedInvitation, error) {
	if len(reqs) == 0 {
		return nil, apperr.Field("count", "Ask for at least one invitation.")
	}
	if len(reqs) > MaxInvitationsAtOnce {
		return nil, apperr.Field("count", "At most %d invitations can be created at once.", MaxInvitationsAtOnce)
	}
	for i := range reqs {
		l, err := CleanLabel(reqs[i].Label)
		if err != nil {
			return nil, err
		}
		reqs[i].Label = l
		if reqs[i].Email, err = CleanEmail(reqs[i].Email); err != nil {
			return nil, err
		}
		if reqs[i].Email != "" && compose == nil {
			return nil, apperr.Field("email", "Email is off on this server (no SMTP relay is configured): send the link yourself.")
		}
	}
	a, err := s.Assessment(ctx, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(a.Teams))
	for _, t := range a.Teams {
		names[t.ID] = t.Name
	}
	out := make([]CreatedInvitation, 0, len(reqs))
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var round models.Assessment
		if err := tx.Select("status, anonymity").Where("org_id = ? AND id = ?", orgID, assessmentID).Take(&round).Error; err != nil {
			return fmt.Errorf("check assessment: %w", err)
		}
		if round.Status != models.AssessmentOpen {
			return errClosed()
		}
		t := stamp(&round, now())
		for _, r := range reqs {
			if round.Anonymous() && r.Label != "" {
				return apperr.Field("label", "This round is anonymous: its links carry no labels, so that no response can be told apart by one.")
			}
			if round.Anonymous() && r.Email != "" {
				return apperr.Field("email", "This round is anonymous: gapmap keeps no address with a link, since the address would identify the respondent. Send anonymous links yourself.")
			}
			if _, ok := names[r.TeamID]; !ok {
				return apperr.Field("team_id", "The team does not take part in this round.")
			}
			plain, hash, err := secret.NewToken(SurveyTokenPrefix)
			if err != nil {
				return err
			}
			inv := models.Invitation{OrgID: orgID, AssessmentID: assessmentID, TeamID: r.TeamID, Label: r.Label, TokenHash: hash, CreatedBy: createdBy, CreatedAt: t}
			if err := tx.Create(&inv).Error; err != nil {
				return fmt.Errorf("store invitation: %w", err)
			}
			resp := models.Response{OrgID: orgID, AssessmentID: assessmentID, InvitationID: inv.ID, TeamID: r.TeamID, Status: models.ResponseDraft, CreatedAt: t, UpdatedAt: t}
			if err := tx.Create(&resp).Error; err != nil {
				return fmt.Errorf("store response: %w", err)
			}
			if err := auditLink(ctx, tx, &inv, AuditLinkCreated); err != nil {
				return err
			}
			created := CreatedInvitation{Invitation: inv, TeamName: names[r.TeamID], Token: plain}
			if r.Email != "" {
				e := compose(created)
				e.OrgID, e.InvitationID, e.Purpose, e.To = &orgID, &inv.ID, "invitation", r.Email
				if _, err := queueEmail(tx, e); err != nil {
					return err
				}
				if err := rememberAddress(tx, &inv, r.Email, plain); err != nil {
					return err
				}
			}
			out = append(out, created)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create invitations: %w", err)
	}
	return out, nil
}

// auditLink records an action on a respondent link, naming it by its team
// and label (never by its token).
func auditLink(ctx context.Context, tx *gorm.DB, inv *models.Invitation, action string) error {
	var team string
	if err := tx.Model(&models.Team{}).Where("id = ?", inv.TeamID).Pluck("name", &team).Error; err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	target := team
	if inv.Label != "" {
		target += " · " + inv.Label
	}
	return audit(ctx, tx, inv.OrgID, auditEvent{Action: action, TargetType: "invitation", TargetID: inv.ID, Target: target,
		Detail: map[string]any{"round_id": inv.AssessmentID, "team_id": inv.TeamID}})
}

// stamp is the time to store with a respondent's data: now, or its day in
// an anonymous round.
func stamp(round *models.Assessment, t time.Time) time.Time {
	if round.Anonymous() {
		return models.Day(t)
	}
	return t
}

// invitationRows selects invitations with their response and team.
func (s *Store) invitationRows(ctx context.Context, orgID, assessmentID int64) *gorm.DB {
	return s.conn(ctx).Table("invitations i").
		Select("i.id, i.assessment_id, i.team_id, t.name AS team_name, i.label, i.created_at, i.revoked_at, "+
			"r.id AS response_id, r.status, r.submitted_at, "+
			"(SELECT COUNT(*) FROM answers an WHERE an.response_id = r.id) AS answered, "+
			lastEmail("to_addr")+" AS email, "+lastEmail("status")+" AS email_status, "+lastEmail("last_error")+" AS email_error").
		Joins("JOIN teams t ON t.id = i.team_id").
		Joins("JOIN responses r ON r.invitation_id = i.id").
		Where("i.org_id = ? AND i.assessment_id = ?", orgID, assessmentID)
}

// lastEmail selects a column of the latest email of invitation i, or an
// empty string.
func lastEmail(col string) string {
	return "COALESCE((SELECT o." + col + " FROM outbox o WHERE o.invitation_id = i.id ORDER BY o.id DESC LIMIT 1), '')"
}

// MaxEmailLength is the longest email address accepted (RFC 5321).
const MaxEmailLength = 254

// CleanEmail checks an optional email address: empty, or one plain address
// (no display name, no line breaks).
func CleanEmail(addr string) (string, error) {
	a := strings.TrimSpace(addr)
	if a == "" {
		return "", nil
	}
	p, err := mail.ParseAddress(a)
	if err != nil || p.Address != a || len(a) > MaxEmailLength || strings.ContainsAny(a, "\r\n") {
		return "", apperr.Field("email", "Give one email address such as name@example.com.")
	}
	return a, nil
}

// Invitations lists an assessment's invitations with their progress, by
// team name; teamIDs, when not nil, keeps only those teams.
func (s *Store) Invitations(ctx context.Context, orgID, assessmentID int64, teamIDs []int64) ([]InvitationStatus, error) {
	a, err := s.Assessment(ctx, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	total, err := s.questionTotal(ctx, a)
	if err != nil {
		return nil, err
	}
	q := s.invitationRows(ctx, orgID, assessmentID)
	if teamIDs != nil {
		q = q.Where("i.team_id IN ?", append([]int64{0}, teamIDs...))
	}
	var out []InvitationStatus
	if err := q.Order("t.name, i.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	for i := range out {
		finishStatus(&out[i], total)
	}
	return out, nil
}

// Invitation loads one invitation of an assessment of the organization.
func (s *Store) Invitation(ctx context.Context, orgID, assessmentID, id int64) (*InvitationStatus, error) {
	a, err := s.Assessment(ctx, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	var out []InvitationStatus
	if err := s.invitationRows(ctx, orgID, assessmentID).Where("i.id = ?", id).Limit(1).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("load invitation: %w", err)
	}
	if len(out) == 0 {
		return nil, apperr.NotFound("invitation")
	}
	total, err := s.questionTotal(ctx, a)
	if err != nil {
		return nil, err
	}
	finishStatus(&out[0], total)
	return &out[0], nil
}

// InvitationsByTokens returns the active invitations of an assessment whose
// plain tokens are given, in the order given; unknown tokens are skipped.
func (s *Store) InvitationsByTokens(ctx context.Context, orgID, assessmentID int64, tokens []string) ([]InvitationStatus, []string, error) {
	hashes := make([]string, 0, len(tokens))
	for _, t := range tokens {
		hashes = append(hashes, secret.HashToken(t))
	}
	if len(hashes) == 0 {
		return nil, nil, nil
	}
	var rows []struct {
		InvitationStatus
		TokenHash string
	}
	err := s.conn(ctx).Table("invitations i").Select("i.id, i.assessment_id, i.team_id, t.name AS team_name, i.label, i.created_at, i.token_hash").
		Joins("JOIN teams t ON t.id = i.team_id").
		Where("i.org_id = ? AND i.assessment_id = ? AND i.token_hash IN ? AND i.revoked_at IS NULL", orgID, assessmentID, hashes).Scan(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("find invitations: %w", err)
	}
	byHash := make(map[string]InvitationStatus, len(rows))
	for _, r := range rows {
		byHash[r.TokenHash] = r.InvitationStatus
	}
	var out []InvitationStatus
	var plain []string
	for i, h := range hashes {
		if inv, ok := byHash[h]; ok {
			out = append(out, inv)
			plain = append(plain, tokens[i])
			delete(byHash, h)
		}
	}
	return out, plain, nil
}

func finishStatus(inv *InvitationStatus, total int) {
	inv.Total = total
	switch {
	case inv.RevokedAt != nil:
		inv.Status = InvitationRevoked
	case inv.Status == models.ResponseSubmitted:
		inv.Status = InvitationSubmitted
	case inv.Answered > 0:
		inv.Status = InvitationInProgress
	default:
		inv.Status = InvitationNotStarted
	}
}

// questionTotal counts the questions of every questionnaire of a round.
func (s *Store) questionTotal(ctx context.Context, a *AssessmentInfo) (int, error) {
	total := 0
	for _, rq := range a.Questionnaires {
		p, err := s.QuestionnaireVersion(ctx, a.OrgID, rq.VersionID)
		if err != nil {
			return 0, err
		}
		total += p.Q.QuestionCount()
	}
	return total, nil
}

// RevokeInvitation revokes a link: it no longer opens the survey, and its
// response no longer counts. It reports whether that response had been
// submitted (results then change).
func (s *Store) RevokeInvitation(ctx context.Context, orgID, assessmentID, id int64) (bool, error) {
	var submitted bool
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.Invitation{}).
			Where("org_id = ? AND assessment_id = ? AND id = ? AND revoked_at IS NULL", orgID, assessmentID, id).
			Update("revoked_at", now())
		if res.Error != nil {
			return fmt.Errorf("revoke invitation: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&models.Invitation{}).Where("org_id = ? AND assessment_id = ? AND id = ?", orgID, assessmentID, id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return apperr.NotFound("invitation")
			}
			return nil
		}
		var inv models.Invitation
		if err := tx.Where("id = ?", id).Take(&inv).Error; err != nil {
			return fmt.Errorf("read invitation: %w", err)
		}
		if err := auditLink(ctx, tx, &inv, AuditLinkRevoked); err != nil {
			return err
		}
		var status string
		if err := tx.Model(&models.Response{}).Select("status").Where("invitation_id = ?", id).Scan(&status).Error; err != nil {
			return err
		}
		submitted = status == models.ResponseSubmitted
		if !submitted {
			return nil
		}
		return markStale(tx, orgID, assessmentID)
	})
	return submitted, err
}

// ReopenResponse turns the submitted response of an invitation back into a
// draft so the respondent can change it. The round must be open.
func (s *Store) ReopenResponse(ctx context.Context, orgID, assessmentID, invitationID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var rows []struct {
			Status           string
			AssessmentStatus string
			Anonymity        string
			RevokedAt        *time.Time
		}
		err := tx.Table("responses r").Select("r.status, a.status AS assessment_status, a.anonymity, i.revoked_at").
			Joins("JOIN invitations i ON i.id = r.invitation_id").Joins("JOIN assessments a ON a.id = r.assessment_id").
			Where("r.org_id = ? AND r.assessment_id = ? AND r.invitation_id = ?", orgID, assessmentID, invitationID).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("load response: %w", err)
		}
		switch {
		case len(rows) == 0:
			return apperr.NotFound("invitation")
		case rows[0].RevokedAt != nil:
			return apperr.Errorf(apperr.EConflict, "This invitation is revoked; its response cannot be reopened.")
		case rows[0].AssessmentStatus != models.AssessmentOpen:
			return apperr.Errorf(apperr.EConflict, "Reopen the round before reopening a response.")
		case rows[0].Status != models.ResponseSubmitted:
			return apperr.Errorf(apperr.EConflict, "This response is not submitted, so there is nothing to reopen.")
		}
		err = tx.Model(&models.Response{}).Where("org_id = ? AND invitation_id = ? AND status = ?", orgID, invitationID, models.ResponseSubmitted).
			Updates(map[string]any{"status": models.ResponseDraft, "submitted_at": nil, "updated_at": stamp(&models.Assessment{Anonymity: rows[0].Anonymity}, now())}).Error
		if err != nil {
			return err
		}
		var inv models.Invitation
		if err := tx.Where("id = ?", invitationID).Take(&inv).Error; err != nil {
			return fmt.Errorf("read invitation: %w", err)
		}
		if err := auditLink(ctx, tx, &inv, AuditLinkReopened); err != nil {
			return err
		}
		return markStale(tx, orgID, assessmentID)
	})
}
