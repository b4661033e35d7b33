package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

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
	OptionKey        string // the chosen option, "" on likert and measures
	Level            int
	Value            int
	NA               bool
	Number           *float64 // nps and number questions
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
	// PreviousDefinitions holds the questionnaire version each previous
	// result was computed from, by questionnaire key.
	PreviousDefinitions map[string]*questionnaires.Questionnaire
}

// RecomputeKind names the job that recomputes a round's stored results.
const RecomputeKind = "results.recompute"

// RecomputePayload is the payload of a RecomputeKind job.
type RecomputePayload struct {
	OrgID        int64 `json:"org_id"`
	AssessmentID int64 `json:"assessment_id"`
}

// recomputeKey is the dedupe key of a round's recompute job: one waiting
// job absorbs every change that arrives before it runs.
func recomputeKey(assessmentID int64) string { return "round:" + strconv.FormatInt(assessmentID, 10) }

// markStale records, inside the transaction of a change to a round's
// results (a submission, a reopened or revoked response, a closed or
// reopened round), that its stored results are stale: it bumps the round's
// results revision and enqueues its recompute job. The job row is the
// stored stale mark, so a crash before the recompute loses nothing.
func markStale(tx *gorm.DB, orgID, assessmentID int64) error {
	err := tx.Exec("UPDATE assessments SET results_revision = results_revision + 1 WHERE id = ? AND org_id = ?", assessmentID, orgID).Error
	if err != nil {
		return fmt.Errorf("mark results stale: %w", err)
	}
	return enqueueRecompute(tx, orgID, assessmentID)
}

func enqueueRecompute(tx *gorm.DB, orgID, assessmentID int64) error {
	payload, err := json.Marshal(RecomputePayload{OrgID: orgID, AssessmentID: assessmentID})
	if err != nil {
		return fmt.Errorf("encode recompute job: %w", err)
	}
	return enqueueJob(tx, NewJob{Kind: RecomputeKind, DedupeKey: recomputeKey(assessmentID), Payload: payload})
}

// MarkResultsStale marks a round's results stale in its own transaction
// (see markStale).
func (s *Store) MarkResultsStale(ctx context.Context, orgID, assessmentID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error { return markStale(tx, orgID, assessmentID) })
}

// ReadScoringData reads everything needed to score a round, with the
// round's results revision read before it: a change committed during the
// read bumps the revision, so WriteSnapshots refuses what was computed from
// it. It opens no write transaction.
func (s *Store) ReadScoringData(ctx context.Context, orgID, assessmentID int64) (*ScoringData, int64, error) {
	rev, err := s.resultsRevision(s.conn(ctx), orgID, assessmentID, false)
	if err != nil {
		return nil, 0, err
	}
	d, err := s.LoadScoringData(ctx, orgID, assessmentID)
	if err != nil {
		return nil, 0, err
	}
	return d, rev, nil
}

func (s *Store) resultsRevision(tx *gorm.DB, orgID, assessmentID int64, lock bool) (int64, error) {
	q := "SELECT results_revision FROM assessments WHERE id = ? AND org_id = ?"
	if lock && s.postgres {
		q += " FOR UPDATE"
	}
	var revs []int64
	if err := tx.Raw(q, assessmentID, orgID).Scan(&revs).Error; err != nil {
		return 0, fmt.Errorf("read results revision: %w", err)
	}
	if len(revs) == 0 {
		return 0, apperr.NotFound("assessment")
	}
	return revs[0], nil
}

// Outdated reports whether a change has raised the round's results
// revision since rev was read (ReadScoringData), so that a recompute can
// stop before it encodes results that WriteSnapshots would refuse. When
// it has, it makes sure the round's recompute job runs again, as
// WriteSnapshots does. A current revision costs one indexed read.
func (s *Store) Outdated(ctx context.Context, orgID, assessmentID, rev int64) (bool, error) {
	cur, err := s.resultsRevision(s.conn(ctx), orgID, assessmentID, false)
	if err != nil || cur == rev {
		return false, err
	}
	return true, s.tx(ctx, func(tx *gorm.DB) error { return enqueueRecompute(tx, orgID, assessmentID) })
}

// SnapshotWrite is a computed set of result snapshots of one round.
type SnapshotWrite struct {
	OrgID, AssessmentID int64
	Revision            int64             // the results revision the data was read at (ReadScoringData)
	ScoringVersion      int               // scoring.Version of the computation
	Snapshots           map[string][]byte // JSON by questionnaire key
	// RefreshLater marks the rounds that compare themselves with this one
	// stale in the same transaction, so their recompute jobs refresh them.
	RefreshLater bool
}

// snapshotRow is a result_snapshots row with its scoring version.
type snapshotRow struct {
	AssessmentID     int64  `gorm:"primaryKey"`
	QuestionnaireKey string `gorm:"primaryKey"`
	OrgID            int64
	Data             string
	ComputedAt       time.Time
	ScoringVersion   int
}

func (snapshotRow) TableName() string { return "result_snapshots" }

// WriteSnapshots stores computed snapshots in one short transaction, if the
// round's results revision is still the one they were computed from. When
// it is not (a newer change arrived), it stores nothing, makes sure the
// round's recompute job runs again, and reports false.
func (s *Store) WriteSnapshots(ctx context.Context, w SnapshotWrite) (bool, error) {
	stored := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		rev, err := s.resultsRevision(tx, w.OrgID, w.AssessmentID, true)
		if err != nil {
			return err
		}
		if rev != w.Revision {
			return enqueueRecompute(tx, w.OrgID, w.AssessmentID)
		}
		at := now()
		for key, js := range w.Snapshots {
			row := snapshotRow{AssessmentID: w.AssessmentID, QuestionnaireKey: key, OrgID: w.OrgID, Data: string(js), ComputedAt: at, ScoringVersion: w.ScoringVersion}
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "assessment_id"}, {Name: "questionnaire_key"}},
				DoUpdates: clause.AssignmentColumns([]string{"data", "computed_at", "scoring_version"}),
			}).Create(&row).Error
			if err != nil {
				return fmt.Errorf("store result snapshot: %w", err)
			}
		}
		stored = true
		err = queueWebhookEvent(tx, w.OrgID, models.EventResultsUpdated, map[string]any{"round_id": w.AssessmentID, "computed_at": at.UTC()})
		if err != nil {
			return err
		}
		// Stored at the current revision: a waiting recompute of the round
		// has nothing left to do (a running one finishes by itself).
		err = tx.Where("kind = ? AND dedupe_key = ? AND lease_until IS NULL", RecomputeKind, recomputeKey(w.AssessmentID)).Delete(&models.Job{}).Error
		if err != nil {
			return fmt.Errorf("clear recompute job: %w", err)
		}
		if !w.RefreshLater {
			return nil
		}
		later, err := laterRounds(tx, w.OrgID, w.AssessmentID)
		if err != nil {
			return err
		}
		for _, id := range later {
			if id == w.AssessmentID {
				continue
			}
			if err := markStale(tx, w.OrgID, id); err != nil {
				return err
			}
		}
		return nil
	})
	return stored, err
}

// Freshness tells how current a round's stored results are.
type Freshness struct {
	ComputedAt *time.Time // when the oldest stored snapshot was computed; nil: never
	Pending    bool       // a recompute is due (waiting or running)
}

// ResultsFreshness reports when a round's results were computed and
// whether a recompute is due.
func (s *Store) ResultsFreshness(ctx context.Context, orgID, assessmentID int64) (Freshness, error) {
	// Two small reads without GORM's reflection: every results and
	// dashboard request asks.
	var f Freshness
	var at time.Time
	err := s.conn(ctx).Raw("SELECT computed_at FROM result_snapshots WHERE assessment_id = ? AND org_id = ? ORDER BY computed_at LIMIT 1",
		assessmentID, orgID).Row().Scan(&at)
	switch {
	case err == nil:
		at = at.UTC()
		f.ComputedAt = &at
	case !errors.Is(err, sql.ErrNoRows):
		return f, fmt.Errorf("read results freshness: %w", err)
	}
	var n int64
	err = s.conn(ctx).Raw("SELECT COUNT(*) FROM jobs WHERE kind = ? AND dedupe_key = ? AND failed_at IS NULL",
		RecomputeKind, recomputeKey(assessmentID)).Row().Scan(&n)
	if err != nil {
		return f, fmt.Errorf("read results freshness: %w", err)
	}
	f.Pending = n > 0
	return f, nil
}

// MarkOutdatedScoring marks stale every round with a stored snapshot
// computed under another scoring version than version, so that a change of
// the scoring rules reaches the stored results; it returns how many.
func (s *Store) MarkOutdatedScoring(ctx context.Context, version int) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var rounds []struct{ AssessmentID, OrgID int64 }
		err := tx.Model(&snapshotRow{}).Distinct("assessment_id", "org_id").Where("scoring_version <> ?", version).
			Order("assessment_id").Scan(&rounds).Error
		if err != nil {
			return fmt.Errorf("find outdated results: %w", err)
		}
		for _, r := range rounds {
			if err := markStale(tx, r.OrgID, r.AssessmentID); err != nil {
				return err
			}
		}
		n = len(rounds)
		return nil
	})
	return n, err
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
	d := &ScoringData{Assessment: a, Previous: map[string][]byte{}, PreviousDefinitions: map[string]*questionnaires.Questionnaire{}}
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
	if d.Responses, err = s.submittedResponses(ctx, tx, a.ID); err != nil {
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
		if snap.Data == "" {
			continue
		}
		d.Previous[rq.Key] = []byte(snap.Data)
		var versionIDs []int64
		err = tx.Table("assessment_questionnaires").Where("assessment_id = ? AND questionnaire_key = ?", *rq.PreviousAssessmentID, rq.Key).
			Limit(1).Pluck("version_id", &versionIDs).Error
		if err != nil {
			return nil, fmt.Errorf("load previous questionnaire version: %w", err)
		}
		if len(versionIDs) == 1 {
			if d.PreviousDefinitions[rq.Key], err = s.definition(tx, versionIDs[0]); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
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
	return laterRounds(s.conn(ctx), orgID, assessmentID)
}

func laterRounds(tx *gorm.DB, orgID, assessmentID int64) ([]int64, error) {
	var ids []int64
	err := tx.Table("assessment_questionnaires aq").Distinct("aq.assessment_id").
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
