package store

import (
	"context"
	"fmt"

	"gapmap/models"
)

// CommentRow is one respondent's comment on one answer.
type CommentRow struct {
	TeamID           int64
	TeamName         string
	QuestionnaireKey string
	QuestionKey      string
	OptionKey        *string
	Level            *int
	Value            *int
	NA               bool
	Text             *string // the answer to a text question
	Comment          string
	EvidenceURL      string // "" when the answer has no evidence
	EvidenceNote     string
}

// Comments lists the non-empty comments, the answers with evidence, and
// the answers to text questions, of the submitted responses of a round's active links, by team name. visible limits the teams (nil: all);
// teamID, when not 0, keeps one team.
func (s *Store) Comments(ctx context.Context, orgID, assessmentID int64, visible []int64, teamID int64) ([]CommentRow, error) {
	q := s.conn(ctx).Table("answers a").
		Select("r.team_id, t.name AS team_name, a.questionnaire_key, a.question_key, a.option_key, a.level, a.value, a.na, a.text, a.comment, a.evidence_url, a.evidence_note").
		Joins("JOIN responses r ON r.id = a.response_id").
		Joins("JOIN invitations i ON i.id = r.invitation_id").
		Joins("JOIN teams t ON t.id = r.team_id").
		Where("r.org_id = ? AND r.assessment_id = ? AND r.status = ? AND i.revoked_at IS NULL AND (a.comment <> '' OR a.text <> '' OR a.evidence_url <> '')",
			orgID, assessmentID, models.ResponseSubmitted)
	if visible != nil {
		if len(visible) == 0 {
			return nil, nil
		}
		q = q.Where("r.team_id IN ?", visible)
	}
	if teamID != 0 {
		q = q.Where("r.team_id = ?", teamID)
	}
	var out []CommentRow
	if err := q.Order("t.name, r.team_id, r.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	return out, nil
}
