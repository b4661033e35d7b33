package store

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gapmap/app/apperr"
	"gapmap/models"
	"gapmap/questionnaires"
)

// ScoredQuestionnaire is one questionnaire pinned to an assessment, with
// its parsed definition.
type ScoredQuestionnaire struct {
	Key                  string
	Position             int
	VersionID            int64
	PreviousAssessmentID *int64
	Q                    *questionnaires.Questionnaire
}

// ScoredAnswer is the part of an answer that scoring reads.
type ScoredAnswer struct {
	QuestionnaireKey string
	QuestionKey      string
	Level            int
	Value            int
	NA               bool
}

// SubmittedResponse is one submitted response with its answers.
type SubmittedResponse struct {
	ID      int64
	TeamID  int64
	Answers []ScoredAnswer
}

// ScoringData is everything needed to score an assessment.
type ScoringData struct {
	Assessment     models.Assessment
	Questionnaires []ScoredQuestionnaire
	Teams          []models.Team // participating teams by name
	Responses      []SubmittedResponse
	// Previous holds the stored result snapshot (JSON) of each questionnaire's
	// previous round, by questionnaire key, when there is one.
	Previous map[string][]byte
}

// RecomputeSnapshots loads an assessment's scoring data, lets compute turn it
// into one JSON snapshot per questionnaire key, and stores them, all in one
// transaction that holds the write lock, so concurrent recomputations cannot
// store a result older than the answers.
func (s *Store) RecomputeSnapshots(ctx context.Context, orgID, assessmentID int64, compute func(*ScoringData) (map[string][]byte, error)) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		q := tx.Where("org_id = ? AND id = ?", orgID, assessmentID)
		if s.postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var a models.Assessment
		if err := q.Take(&a).Error; err != nil {
			return notFound(err, "assessment")
		}
		data, err := s.scoringData(ctx, tx, a)
		if err != nil {
			return err
		}
		snaps, err := compute(data)
		if err != nil {
			return err
		}
		at := now()
		for key, js := range snaps {
			row := models.ResultSnapshot{AssessmentID: a.ID, QuestionnaireKey: key, OrgID: a.OrgID, Data: string(js), ComputedAt: at}
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "assessment_id"}, {Name: "questionnaire_key"}},
				DoUpdates: clause.AssignmentColumns([]string{"data", "computed_at"}),
			}).Create(&row).Error
			if err != nil {
				return fmt.Errorf("store result snapshot: %w", err)
			}
		}
		return nil
	})
}

// PinnedQuestionnaires lists the questionnaires pinned to an assessment in
// order, with their definitions.
func (s *Store) PinnedQuestionnaires(ctx context.Context, orgID, assessmentID int64) ([]ScoredQuestionnaire, error) {
	var a models.Assessment
	if err := s.conn(ctx).Select("id").Where("org_id = ? AND id = ?", orgID, assessmentID).Take(&a).Error; err != nil {
		return nil, notFound(err, "assessment")
	}
	return s.pinnedDefinitions(s.conn(ctx), assessmentID)
}

func (s *Store) pinnedDefinitions(tx *gorm.DB, assessmentID int64) ([]ScoredQuestionnaire, error) {
	var rows []struct {
		QuestionnaireKey     string
		Position             int
		VersionID            int64
		PreviousAssessmentID *int64
	}
	err := tx.Table("assessment_questionnaires aq").
		Select("aq.questionnaire_key, aq.position, aq.version_id, aq.previous_assessment_id").
		Where("aq.assessment_id = ?", assessmentID).Order("aq.position").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load round questionnaires: %w", err)
	}
	out := make([]ScoredQuestionnaire, 0, len(rows))
	for _, r := range rows {
		q, err := s.definition(tx, r.VersionID)
		if err != nil {
			return nil, err
		}
		out = append(out, ScoredQuestionnaire{Key: r.QuestionnaireKey, Position: r.Position, VersionID: r.VersionID, PreviousAssessmentID: r.PreviousAssessmentID, Q: q})
	}
	return out, nil
}

// Definition returns the parsed content of a questionnaire version pinned
// to a round the caller has already resolved (the id comes from the
// round's own rows), parsed once per process.
func (s *Store) Definition(ctx context.Context, versionID int64) (*questionnaires.Questionnaire, error) {
	return s.definition(s.conn(ctx), versionID)
}

// definition returns the parsed content of a questionnaire version, from
// the cache when it was parsed before.
func (s *Store) definition(tx *gorm.DB, versionID int64) (*questionnaires.Questionnaire, error) {
	if q, ok := s.definitions.Load(versionID); ok {
		return q.(*questionnaires.Questionnaire), nil
	}
	var v models.QuestionnaireVersion
	if err := tx.Select("id, definition").Where("id = ?", versionID).Take(&v).Error; err != nil {
		return nil, fmt.Errorf("load questionnaire version %d: %w", versionID, err)
	}
	q, err := questionnaires.ParseJSON([]byte(v.Definition))
	if err != nil {
		return nil, apperr.Errorf(apperr.EInternal, "pinned questionnaire %d is unreadable: %v", versionID, err)
	}
	s.definitions.Store(versionID, q)
	return q, nil
}

func (s *Store) scoringData(ctx context.Context, tx *gorm.DB, a models.Assessment) (*ScoringData, error) {
	d := &ScoringData{Assessment: a, Previous: map[string][]byte{}}
	var err error
	if d.Questionnaires, err = s.pinnedDefinitions(tx, a.ID); err != nil {
		return nil, err
	}
	err = tx.Table("teams t").Select("t.*").
		Joins("JOIN assessment_teams at ON at.team_id = t.id").
		Where("at.assessment_id = ? AND t.org_id = ?", a.ID, a.OrgID).Order("t.name, t.id").Scan(&d.Teams).Error
	if err != nil {
		return nil, fmt.Errorf("load round teams: %w", err)
	}
	if d.Responses, err = submittedResponses(ctx, tx, a.ID); err != nil {
		return nil, err
	}
	for _, rq := range d.Questionnaires {
		if rq.PreviousAssessmentID == nil {
			continue
		}
		var snap models.ResultSnapshot
		err := tx.Where("assessment_id = ? AND questionnaire_key = ? AND org_id = ?", *rq.PreviousAssessmentID, rq.Key, a.OrgID).Limit(1).Find(&snap).Error
		if err != nil {
			return nil, fmt.Errorf("load previous result: %w", err)
		}
		if snap.Data != "" {
			d.Previous[rq.Key] = []byte(snap.Data)
		}
	}
	return d, nil
}

// submittedResponses reads every answer of the submitted responses of an
// assessment (revoked invitations left out) with one query, scanning rows directly (the hot path of a
// rescore).
func submittedResponses(ctx context.Context, tx *gorm.DB, assessmentID int64) ([]SubmittedResponse, error) {
	rows, err := tx.WithContext(ctx).Raw(`SELECT r.id, r.team_id, a.questionnaire_key, a.question_key, a.level, a.value, a.na
		FROM responses r JOIN invitations i ON i.id = r.invitation_id
		LEFT JOIN answers a ON a.response_id = r.id
		WHERE r.assessment_id = ? AND r.status = ? AND i.revoked_at IS NULL
		ORDER BY r.id`, assessmentID, models.ResponseSubmitted).Rows()
	if err != nil {
		return nil, fmt.Errorf("load answers: %w", err)
	}
	defer rows.Close()
	var out []SubmittedResponse
	for rows.Next() {
		var (
			id, team     int64
			qk, key      *string
			level, value *int
			na           *bool
		)
		if err := rows.Scan(&id, &team, &qk, &key, &level, &value, &na); err != nil {
			return nil, fmt.Errorf("read answer: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, SubmittedResponse{ID: id, TeamID: team})
		}
		if qk == nil {
			continue
		}
		a := ScoredAnswer{QuestionnaireKey: *qk, QuestionKey: *key, NA: na != nil && *na}
		if level != nil {
			a.Level = *level
		}
		if value != nil {
			a.Value = *value
		}
		cur := &out[len(out)-1]
		cur.Answers = append(cur.Answers, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	return out, nil
}

// Snapshots returns the stored result snapshots of an assessment by
// questionnaire key.
func (s *Store) Snapshots(ctx context.Context, orgID, assessmentID int64) (map[string][]byte, error) {
	var rows []models.ResultSnapshot
	if err := s.conn(ctx).Where("org_id = ? AND assessment_id = ?", orgID, assessmentID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load results: %w", err)
	}
	out := make(map[string][]byte, len(rows))
	for _, r := range rows {
		out[r.QuestionnaireKey] = []byte(r.Data)
	}
	return out, nil
}

// AssessmentIDs lists the ids of every assessment (all organizations when
// orgID is 0), oldest first, for rescoring.
func (s *Store) AssessmentIDs(ctx context.Context, orgID int64) ([]struct{ ID, OrgID int64 }, error) {
	var out []struct{ ID, OrgID int64 }
	q := s.conn(ctx).Model(&models.Assessment{}).Select("id, org_id").Order("created_at, id")
	if orgID != 0 {
		q = q.Where("org_id = ?", orgID)
	}
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	return out, nil
}

// DecodeTargets reads an assessment's per-dimension target overrides.
func DecodeTargets(a models.Assessment) (map[string]int, error) {
	out := map[string]int{}
	if a.Targets == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(a.Targets), &out); err != nil {
		return nil, fmt.Errorf("assessment %d targets: %w", a.ID, err)
	}
	return out, nil
}

// LaterRounds lists the assessments that use this one as the previous round
// of some questionnaire, so their trends can be refreshed after it changes.
func (s *Store) LaterRounds(ctx context.Context, orgID, assessmentID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Table("assessment_questionnaires aq").Distinct("aq.assessment_id").
		Joins("JOIN assessments a ON a.id = aq.assessment_id").
		Where("aq.previous_assessment_id = ? AND a.org_id = ?", assessmentID, orgID).
		Order("aq.assessment_id").Pluck("aq.assessment_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("list later rounds: %w", err)
	}
	return ids, nil
}

// LoadScoringData reads an assessment's scoring data without storing
// anything: a fresh computation to compare with the stored snapshots.
func (s *Store) LoadScoringData(ctx context.Context, orgID, assessmentID int64) (*ScoringData, error) {
	var a models.Assessment
	if err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, assessmentID).Take(&a).Error; err != nil {
		return nil, notFound(err, "assessment")
	}
	return s.scoringData(ctx, s.conn(ctx), a)
}

// OrderedSnapshots returns the stored snapshots of an assessment of the
// organization in the round's questionnaire order; complete is false when
// one is missing.
func (s *Store) OrderedSnapshots(ctx context.Context, orgID, assessmentID int64) (snaps [][]byte, complete bool, err error) {
	var rows []struct{ Data *string }
	err = s.conn(ctx).Table("assessment_questionnaires aq").Select("rs.data").
		Joins("JOIN assessments a ON a.id = aq.assessment_id").
		Joins("LEFT JOIN result_snapshots rs ON rs.assessment_id = aq.assessment_id AND rs.questionnaire_key = aq.questionnaire_key").
		Where("aq.assessment_id = ? AND a.org_id = ?", assessmentID, orgID).Order("aq.position").Scan(&rows).Error
	if err != nil {
		return nil, false, fmt.Errorf("load results: %w", err)
	}
	for _, r := range rows {
		if r.Data == nil {
			return nil, false, nil
		}
		snaps = append(snaps, []byte(*r.Data))
	}
	return snaps, true, nil
}
