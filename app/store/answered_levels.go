package store

import (
	"context"
	"fmt"
	"slices"

	"gapmap/models"
)

// AnsweredLevel is the level one submitted response chose for one
// question of the level scale.
type AnsweredLevel struct {
	TeamID           int64
	QuestionnaireKey string
	QuestionKey      string
	Level            int
}

// AnsweredLevels lists the levels chosen for the named questions in the
// submitted responses of a round's active links (not applicable answers
// left out), for the teams in teamIDs.
func (s *Store) AnsweredLevels(ctx context.Context, orgID, assessmentID int64, teamIDs []int64, questions []QuestionRef) ([]AnsweredLevel, error) {
	if len(questions) == 0 || len(teamIDs) == 0 {
		return nil, nil
	}
	var qkeys, keys []string
	for _, q := range questions {
		qkeys, keys = append(qkeys, q.Questionnaire), append(keys, q.Question)
	}
	slices.Sort(qkeys)
	var rows []AnsweredLevel
	err := s.conn(ctx).Table("answers a").
		Select("r.team_id, a.questionnaire_key, a.question_key, a.level").
		Joins("JOIN responses r ON r.id = a.response_id").
		Joins("JOIN invitations i ON i.id = r.invitation_id").
		Where("r.org_id = ? AND r.assessment_id = ? AND r.status = ? AND i.revoked_at IS NULL AND a.na = ? AND a.level IS NOT NULL",
			orgID, assessmentID, models.ResponseSubmitted, false).
		Where("r.team_id IN ? AND a.questionnaire_key IN ? AND a.question_key IN ?", teamIDs, slices.Compact(qkeys), keys).
		Order("r.team_id, a.questionnaire_key, a.question_key, r.id").
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list answered levels: %w", err)
	}
	wanted := make(map[QuestionRef]bool, len(questions))
	for _, q := range questions {
		wanted[q] = true
	}
	return slices.DeleteFunc(rows, func(r AnsweredLevel) bool {
		return !wanted[QuestionRef{Questionnaire: r.QuestionnaireKey, Question: r.QuestionKey}]
	}), nil
}
