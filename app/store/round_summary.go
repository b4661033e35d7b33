package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"gapmap/models"
)

// RoundSummary is what the email sent to owners and admins when a round
// closes says.
type RoundSummary struct {
	OrgName, RoundName string
	RoundID            int64
	Links              int // links not revoked
	Submitted          int
	InProgress         int // answered in part
	NotStarted         int
}

// RoundSummaryMail writes the summary of a closed round (subject, text and
// HTML; the store fills in the rest).
type RoundSummaryMail func(RoundSummary) NewEmail

// CloseAssessmentMailed is CloseAssessment that also queues, in the same
// transaction, a summary of the round to every owner and admin of the
// organization (compose nil: email is off, and nothing is sent). Closing a
// closed round sends nothing.
func (s *Store) CloseAssessmentMailed(ctx context.Context, orgID, id int64, compose RoundSummaryMail) (*AssessmentInfo, error) {
	return s.setAssessmentStatus(ctx, orgID, id, models.AssessmentClosed, compose)
}

// queueRoundSummary counts a round's responses and queues the summary to
// the organization's owners and admins, inside the closing transaction.
func queueRoundSummary(tx *gorm.DB, a *models.Assessment, compose RoundSummaryMail) error {
	sum := RoundSummary{RoundName: a.Name, RoundID: a.ID}
	if err := tx.Model(&models.Org{}).Where("id = ?", a.OrgID).Pluck("name", &sum.OrgName).Error; err != nil {
		return fmt.Errorf("round summary: %w", err)
	}
	var rows []struct {
		Status   string
		Answered bool
	}
	err := tx.Table("invitations i").
		Select("r.status, EXISTS (SELECT 1 FROM answers an WHERE an.response_id = r.id) AS answered").
		Joins("JOIN responses r ON r.invitation_id = i.id").
		Where("i.org_id = ? AND i.assessment_id = ? AND i.revoked_at IS NULL", a.OrgID, a.ID).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("round summary: %w", err)
	}
	for _, r := range rows {
		sum.Links++
		switch {
		case r.Status == models.ResponseSubmitted:
			sum.Submitted++
		case r.Answered:
			sum.InProgress++
		default:
			sum.NotStarted++
		}
	}
	var to []string
	err = tx.Table("users u").Joins("JOIN memberships m ON m.user_id = u.id").
		Where("m.org_id = ? AND m.role IN ?", a.OrgID, []models.Role{models.RoleOwner, models.RoleAdmin}).
		Order("u.id").Pluck("u.email", &to).Error
	if err != nil {
		return fmt.Errorf("round summary: %w", err)
	}
	for _, addr := range to {
		e := compose(sum)
		e.OrgID, e.Purpose, e.To = &a.OrgID, "round_summary", addr
		if _, err := queueEmail(tx, e); err != nil {
			return err
		}
	}
	return nil
}
