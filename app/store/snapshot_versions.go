package store

import (
	"context"
	"fmt"
	"time"

	"gapmap/models"
)

// SnapshotVersions returns when each stored result snapshot of the given
// rounds of an organization was computed (round id -> questionnaire key ->
// computed_at): the version of a snapshot, which changes with every write,
// read without reading the snapshots themselves.
func (s *Store) SnapshotVersions(ctx context.Context, orgID int64, assessmentIDs []int64) (map[int64]map[string]time.Time, error) {
	out := map[int64]map[string]time.Time{}
	if len(assessmentIDs) == 0 {
		return out, nil
	}
	var rows []models.ResultSnapshot
	err := s.conn(ctx).Select("assessment_id, questionnaire_key, computed_at").
		Where("org_id = ? AND assessment_id IN ?", orgID, assessmentIDs).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read snapshot versions: %w", err)
	}
	for _, r := range rows {
		if out[r.AssessmentID] == nil {
			out[r.AssessmentID] = map[string]time.Time{}
		}
		out[r.AssessmentID][r.QuestionnaireKey] = r.ComputedAt.UTC()
	}
	return out, nil
}
