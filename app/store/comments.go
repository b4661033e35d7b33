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
	Value            *int
	NA               bool
	Text             *string // the answer to a text question
	Comment          string
	EvidenceURL      string // "" when the answer has no evidence
	EvidenceNote     string
}

// Comments lists the non-empty comments, the answers with evidence, and
// the answers to text questions, of the submitted responses of a round's
// active links, by team name. visible limits the teams (nil: all);
// teamID, when not 0, keeps one team.
func (s *Store) Comments(ctx context.Context, orgID, assessmentID int64, visible []int64, teamID int64) ([]CommentRow, error) {
	var out []CommentRow
	err := s.submittedAnswers(ctx, submittedAnswersQuery{
		orgID: orgID, assessmentID: assessmentID, visible: visible, teamID: teamID,
		columns: "a.option_key, a.value, a.na, a.text, a.comment, a.evidence_url, a.evidence_note",
		where:   "a.comment <> '' OR a.text <> '' OR a.evidence_url <> ''",
	}, &out)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	return out, nil
}

// submittedAnswersQuery selects answers of the submitted responses of a
// round's active links.
type submittedAnswersQuery struct {
	orgID, assessmentID int64
	visible             []int64 // the teams to keep (nil: all)
	teamID              int64   // one team when not 0
	columns             string  // answer columns after team, questionnaire and question
	where               string  // the answers to keep
}

// submittedAnswers scans the answers q selects into dest (a pointer to a
// slice of rows with some of TeamID, TeamName, QuestionnaireKey,
// QuestionKey and q's columns), ordered by team name, team and response. It leaves dest
// alone when visible is empty.
func (s *Store) submittedAnswers(ctx context.Context, q submittedAnswersQuery, dest any) error {
	if q.visible != nil && len(q.visible) == 0 {
		return nil
	}
	db := s.conn(ctx).Table("answers a").
		Select("r.team_id, t.name AS team_name, a.questionnaire_key, a.question_key, "+q.columns).
		Joins("JOIN responses r ON r.id = a.response_id").
		Joins("JOIN invitations i ON i.id = r.invitation_id").
		Joins("JOIN teams t ON t.id = r.team_id").
		Where("r.org_id = ? AND r.assessment_id = ? AND r.status = ? AND i.revoked_at IS NULL AND ("+q.where+")",
			q.orgID, q.assessmentID, models.ResponseSubmitted)
	if q.visible != nil {
		db = db.Where("r.team_id IN ?", q.visible)
	}
	if q.teamID != 0 {
		db = db.Where("r.team_id = ?", q.teamID)
	}
	return db.Order("t.name, r.team_id, r.id").Scan(dest).Error
}
