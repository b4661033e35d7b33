package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
)

// ExportRow is one answer of a submitted response, with what the export
// shows next to it. Level and Value are 0 when unset.
type ExportRow struct {
	ResponseID       int64
	TeamName         string
	Respondent       string // the invitation's label
	SubmittedAt      time.Time
	QuestionnaireKey string
	QuestionKey      string
	OptionKey        string
	Level            int
	Value            int
	NA               bool
	Number           *float64 // nps and number questions
	Text             string   // text questions
	Comment          string
	EvidenceURL      string
	EvidenceNote     string
}

// StreamResponses calls fn for every answer of the submitted responses of
// an assessment (of one team when teamID is not 0), ordered by team name,
// response, questionnaire position and question order in the pinned
// questionnaire. Rows are read one at a time from the database; only the
// answers of one response are held at once (to put them in question
// order). The row passed to fn is reused after fn returns. fn's first
// error stops the stream and is returned.
func (s *Store) StreamResponses(ctx context.Context, orgID, assessmentID, teamID int64, fn func(*ExportRow) error) error {
	return s.StreamResponsesShuffled(ctx, orgID, assessmentID, teamID, nil, fn)
}

// Shuffle orders the responses of each team by a keyed permutation of
// their ids, (id·Mul + Add) mod 2³¹−1, instead of by id: with random keys
// (1 ≤ Mul, Add < 2³¹−1) the order says nothing about when a response was
// started or submitted.
type Shuffle struct{ Mul, Add int64 }

// ShufflePrime is the modulus of Shuffle.
const ShufflePrime = 1<<31 - 1

// StreamResponsesShuffled is StreamResponses with the responses of each
// team in the order of sh (nil: by id).
func (s *Store) StreamResponsesShuffled(ctx context.Context, orgID, assessmentID, teamID int64, sh *Shuffle, fn func(*ExportRow) error) error {
	pinned, err := s.PinnedQuestionnaires(ctx, orgID, assessmentID)
	if err != nil {
		return err
	}
	order := map[string]map[string]int{}
	position := map[string]int{}
	for _, p := range pinned {
		position[p.Key] = p.Position
		idx := map[string]int{}
		for _, d := range p.Q.Dimensions {
			for _, q := range d.Questions {
				idx[q.Key] = len(idx)
			}
		}
		order[p.Key] = idx
	}

	// The CROSS JOIN keeps teams as SQLite's outer loop: it walks the
	// teams by the (org_id, name) index, then each team's responses by the
	// (assessment_id, status, team_id) index in id order, so rows come out
	// already sorted, without a temporary B-tree over every answer.
	// PostgreSQL plans it like any inner join.
	query := `SELECT r.id, t.name, i.label, r.submitted_at, a.questionnaire_key, a.question_key, a.option_key, a.level, a.value, a.na, a.number, a.text, a.comment, a.evidence_url, a.evidence_note
		FROM teams t
		CROSS JOIN responses r
		JOIN invitations i ON i.id = r.invitation_id
		JOIN answers a ON a.response_id = r.id
		WHERE r.team_id = t.id AND t.org_id = ? AND r.org_id = ? AND r.assessment_id = ? AND r.status = ? AND i.revoked_at IS NULL`
	args := []any{orgID, orgID, assessmentID, models.ResponseSubmitted}
	if teamID != 0 {
		query += ` AND r.team_id = ?`
		args = append(args, teamID)
	}
	if sh != nil {
		query += ` ORDER BY t.name, t.id, (r.id * ? + ?) % ?`
		args = append(args, sh.Mul, sh.Add, int64(ShufflePrime))
	} else {
		query += ` ORDER BY t.name, t.id, r.id`
	}
	return s.scan(ctx, func(db *gorm.DB) error {
		rows, err := db.Raw(query, args...).Rows()
		if err != nil {
			return fmt.Errorf("export responses: %w", err)
		}
		defer rows.Close()

		var batch []ExportRow
		flush := func() error {
			sort.SliceStable(batch, func(i, j int) bool {
				a, b := &batch[i], &batch[j]
				if pa, pb := position[a.QuestionnaireKey], position[b.QuestionnaireKey]; pa != pb {
					return pa < pb
				}
				if a.QuestionnaireKey != b.QuestionnaireKey {
					return a.QuestionnaireKey < b.QuestionnaireKey
				}
				qa, oka := order[a.QuestionnaireKey][a.QuestionKey]
				qb, okb := order[b.QuestionnaireKey][b.QuestionKey]
				if oka != okb {
					return oka
				}
				if qa != qb {
					return qa < qb
				}
				return a.QuestionKey < b.QuestionKey
			})
			for i := range batch {
				if err := fn(&batch[i]); err != nil {
					return err
				}
			}
			batch = batch[:0]
			return nil
		}
		for rows.Next() {
			var (
				r         ExportRow
				submitted sql.NullTime
				option    sql.NullString
				level     sql.NullInt64
				value     sql.NullInt64
				number    sql.NullFloat64
				text      sql.NullString
			)
			if err := rows.Scan(&r.ResponseID, &r.TeamName, &r.Respondent, &submitted, &r.QuestionnaireKey, &r.QuestionKey,
				&option, &level, &value, &r.NA, &number, &text, &r.Comment, &r.EvidenceURL, &r.EvidenceNote); err != nil {
				return fmt.Errorf("export responses: read answer: %w", err)
			}
			if len(batch) > 0 && batch[0].ResponseID != r.ResponseID {
				if err := flush(); err != nil {
					return err
				}
			}
			if submitted.Valid {
				r.SubmittedAt = submitted.Time.UTC()
			}
			r.OptionKey = option.String
			r.Level, r.Value = int(level.Int64), int(value.Int64)
			if number.Valid {
				n := number.Float64
				r.Number = &n
			}
			r.Text = text.String
			batch = append(batch, r)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("export responses: %w", err)
		}
		return flush()
	})
}

// PlanChange is the plan of one recommendation as a workbook or form
// gives it.
type PlanChange struct {
	QuestionnaireKey  string
	RecommendationKey string
	Owner             string
	Quarter           string
	Status            string
	Notes             string
}

// PlanApplied counts what ApplyPlan did.
type PlanApplied struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// PlanItems lists the stored plan of an assessment: the organization's
// (teamID 0) or one team's.
func (s *Store) PlanItems(ctx context.Context, orgID, assessmentID, teamID int64) ([]models.PlanItem, error) {
	var out []models.PlanItem
	err := s.conn(ctx).Where("org_id = ? AND assessment_id = ? AND team_id = ?", orgID, assessmentID, teamID).
		Order("questionnaire_key, recommendation_key").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("load plan: %w", err)
	}
	return out, nil
}

// ApplyPlan stores the plan of many recommendations in one transaction:
// all of them or none. A plan equal to the stored one, or an empty plan
// where none is stored, is left alone, so applying the same changes twice
// changes nothing the second time. teamID 0 is the organization's plan;
// another team must take part in the assessment.
func (s *Store) ApplyPlan(ctx context.Context, orgID, assessmentID, teamID int64, changes []PlanChange) (*PlanApplied, error) {
	res := &PlanApplied{}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var a models.Assessment
		if err := tx.Select("id").Where("org_id = ? AND id = ?", orgID, assessmentID).Take(&a).Error; err != nil {
			return notFound(err, "assessment")
		}
		if teamID != 0 {
			var n int64
			err := tx.Table("assessment_teams at").Joins("JOIN teams t ON t.id = at.team_id").
				Where("at.assessment_id = ? AND at.team_id = ? AND t.org_id = ?", assessmentID, teamID, orgID).Count(&n).Error
			if err != nil {
				return fmt.Errorf("check plan team: %w", err)
			}
			if n == 0 {
				return apperr.Field("team_id", "The team does not take part in this round.")
			}
		}
		var stored []models.PlanItem
		if err := tx.Where("org_id = ? AND assessment_id = ? AND team_id = ?", orgID, assessmentID, teamID).Find(&stored).Error; err != nil {
			return fmt.Errorf("load plan: %w", err)
		}
		type key struct{ q, r string }
		have := make(map[key]models.PlanItem, len(stored))
		for _, p := range stored {
			have[key{p.QuestionnaireKey, p.RecommendationKey}] = p
		}
		at := now()
		for _, c := range changes {
			k := key{c.QuestionnaireKey, c.RecommendationKey}
			old, exists := have[k]
			same := old.Owner == c.Owner && old.Quarter == c.Quarter && old.Status == c.Status && old.Notes == c.Notes
			if same {
				res.Unchanged++
				continue
			}
			item := models.PlanItem{
				AssessmentID: assessmentID, TeamID: teamID, QuestionnaireKey: c.QuestionnaireKey, RecommendationKey: c.RecommendationKey,
				OrgID: orgID, Owner: c.Owner, Quarter: c.Quarter, Status: c.Status, Notes: c.Notes, UpdatedAt: at,
			}
			if exists {
				err := tx.Model(&models.PlanItem{}).
					Where("assessment_id = ? AND team_id = ? AND questionnaire_key = ? AND recommendation_key = ?", assessmentID, teamID, c.QuestionnaireKey, c.RecommendationKey).
					Updates(map[string]any{"owner": c.Owner, "quarter": c.Quarter, "status": c.Status, "notes": c.Notes, "updated_at": at}).Error
				if err != nil {
					return fmt.Errorf("update plan item: %w", err)
				}
				res.Updated++
			} else {
				if err := tx.Create(&item).Error; err != nil {
					return fmt.Errorf("store plan item: %w", err)
				}
				res.Created++
			}
			have[k] = item
		}
		var name string
		if err := tx.Model(&models.Assessment{}).Where("id = ?", assessmentID).Pluck("name", &name).Error; err != nil {
			return fmt.Errorf("read round name: %w", err)
		}
		counts := map[string]any{"team_id": teamID, "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged}
		if err := audit(ctx, tx, orgID, auditEvent{Action: AuditRoadmapImport, TargetType: "round", TargetID: assessmentID, Target: name, Detail: counts}); err != nil {
			return err
		}
		return queueWebhookEvent(tx, orgID, models.EventRoadmapImported, map[string]any{"round_id": assessmentID, "team_id": teamID,
			"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
