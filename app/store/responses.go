package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"
)

// MaxCommentBytes is the largest comment stored with an answer.
const MaxCommentBytes = 4096

// Survey is what a survey link opens: the invitation, its round, its team
// and its response. It carries no answers; see Answers.
type Survey struct {
	InvitationID     int64
	OrgID            int64
	AssessmentID     int64
	AssessmentName   string
	AssessmentStatus string
	Due              *time.Time
	TeamID           int64
	TeamName         string
	ResponseID       int64
	Status           string // models.ResponseDraft or models.ResponseSubmitted
	Revision         int64
	Page             string
	SubmittedAt      *time.Time
	Anonymity        string // the round's mode (models.AnonymityNamed, ...)
	MinGroup         int
	Questionnaires   []RoundQuestionnaire `gorm:"-"` // the pinned versions, in order; PreviousAssessmentID is not set
	AssessmentMade   time.Time            // when the round was created
}

// Anonymous reports whether the round is anonymous.
func (sv *Survey) Anonymous() bool { return sv.Anonymity == models.AnonymityAnonymous }

// Editable reports whether answers may still change.
func (sv *Survey) Editable() bool {
	return sv.AssessmentStatus == models.AssessmentOpen && sv.Status == models.ResponseDraft
}

// errBadLink is the answer to unknown and revoked survey tokens alike.
func errBadLink() error {
	return apperr.Errorf(apperr.ENotFound, "This survey link is not valid. It may have been revoked; ask the person who sent it for a new one.")
}

func errSubmitted() error {
	return apperr.Errorf(apperr.EConflict, "This response has been submitted and can no longer be changed.")
}

// SurveyByToken resolves a survey link. Unknown and revoked tokens are not
// found, with the same message.
func (s *Store) SurveyByToken(ctx context.Context, plain string) (*Survey, error) {
	if plain == "" || len(plain) > 200 {
		return nil, errBadLink()
	}
	sv, err := s.surveyByTokenRow(ctx, plain)
	if err != nil {
		return nil, err
	}
	if sv.Questionnaires, err = s.pinnedOf(ctx, sv.AssessmentID, sv.AssessmentMade); err != nil {
		return nil, err
	}
	s.links.put(secret.HashToken(plain), linkIdentity{responseID: sv.ResponseID, pins: pinsKey{sv.AssessmentID, sv.AssessmentMade.UnixNano()}})
	return sv, nil
}

type pinsKey struct {
	assessmentID int64
	created      int64
}

// pinnedOf returns a round's pinned questionnaires without their links to
// earlier rounds (which change when those rounds are deleted), read once
// per round: the pins themselves never change.
func (s *Store) pinnedOf(ctx context.Context, assessmentID int64, created time.Time) ([]RoundQuestionnaire, error) {
	key := pinsKey{assessmentID, created.UnixNano()}
	if v, ok := s.pins.Load(key); ok {
		return slices.Clone(v.([]RoundQuestionnaire)), nil
	}
	qs, err := roundQuestionnaires(s.conn(ctx), assessmentID)
	if err != nil {
		return nil, err
	}
	for i := range qs {
		qs[i].PreviousAssessmentID = nil
	}
	s.pins.Store(key, slices.Clone(qs))
	return qs, nil
}

// Answers lists a response's answers in questionnaire and question order of
// storage (callers order them by the questionnaire).
func (s *Store) Answers(ctx context.Context, responseID int64) ([]models.Answer, error) {
	var out []models.Answer
	if err := s.conn(ctx).Where("response_id = ?", responseID).Order("questionnaire_key, question_key").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("load answers: %w", err)
	}
	return out, nil
}

// AnswersOf lists a response's answers to the named questions of one
// questionnaire (a page of the survey), whatever else the response holds.
func (s *Store) AnswersOf(ctx context.Context, responseID int64, questionnaire string, questions []string) ([]models.Answer, error) {
	var out []models.Answer
	if len(questions) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Where("response_id = ? AND questionnaire_key = ? AND question_key IN ?", responseID, questionnaire, questions).
		Order("question_key").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("load answers: %w", err)
	}
	return out, nil
}

// AnswerWrite is one validated answer to store. Exactly one of Option (with
// its Level), Value, Number, Text or NA is set, or Clear: the stored answer
// (an optional question's) is removed. A nil Comment keeps the stored comment.
// Revision, when set, is the response revision at which the writer last saw
// this question: a stored answer written after it is a conflict.
type AnswerWrite struct {
	Questionnaire string
	Question      string
	Option        *string
	Level         *int
	Value         *int
	NA            bool
	Number        *float64
	Text          *string
	Clear         bool
	Comment       *string
	Evidence      *Evidence // nil keeps the stored evidence
	Revision      *int64
}

// SaveResult is the outcome of SaveAnswers: the response revision after the
// writes, and the stored answers of the writes refused as stale.
type SaveResult struct {
	Revision  int64
	Conflicts []models.Answer
}

type responseState struct {
	OrgID            int64
	AssessmentID     int64
	TeamID           int64
	Status           string
	Revision         int64
	Page             string
	AssessmentStatus string
	Anonymity        string
	RevokedAt        *time.Time
}

// stamp is the time to store with the response's data (see stamp).
func (st *responseState) stamp() time.Time {
	return stamp(&models.Assessment{Anonymity: st.Anonymity}, now())
}

// lockResponse reads the state of a response and its round, holding the
// response row until the transaction ends (SQLite transactions are
// IMMEDIATE, so they already run one at a time).
func (s *Store) lockResponse(tx *gorm.DB, responseID int64) (*responseState, error) {
	q := "SELECT r.org_id, r.assessment_id, r.team_id, r.status, r.revision, r.page, a.status AS assessment_status, a.anonymity, i.revoked_at " +
		"FROM responses r JOIN invitations i ON i.id = r.invitation_id JOIN assessments a ON a.id = r.assessment_id " +
		"WHERE r.id = ?"
	if s.postgres {
		q += " FOR UPDATE OF r"
	}
	var rows []responseState
	if err := tx.Raw(q, responseID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("lock response: %w", err)
	}
	if len(rows) == 0 || rows[0].RevokedAt != nil {
		return nil, errBadLink()
	}
	return &rows[0], nil
}

type answerKey struct{ questionnaire, question string }

// SaveAnswers stores answers of a draft response of an open round in one
// transaction, and remembers page as the respondent's place (unless empty).
// Writes identical to the stored answer change nothing; stale writes (see
// AnswerWrite.Revision) are left out and returned as conflicts; the others
// are stored under the next revision of the response.
func (s *Store) SaveAnswers(ctx context.Context, responseID int64, writes []AnswerWrite, page string) (*SaveResult, error) {
	if len(writes) == 1 && !writes[0].Clear {
		return s.saveOne(ctx, responseID, writes[0], page, "")
	}
	res := &SaveResult{}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		st, err := s.lockResponse(tx, responseID)
		if err != nil {
			return err
		}
		var stored []models.Answer
		switch {
		case st.AssessmentStatus != models.AssessmentOpen:
			return errClosed()
		case st.Status != models.ResponseDraft:
			return errSubmitted()
		}
		for _, w := range writes {
			if err := checkEvidenceAllowed(st.Anonymity, w); err != nil {
				return err
			}
		}
		q := tx.Where("response_id = ?", responseID)
		if len(writes) == 1 {
			q = q.Where("questionnaire_key = ? AND question_key = ?", writes[0].Questionnaire, writes[0].Question)
		} else if len(writes) > 1 {
			// Only the written questions: a page's writes cost the same
			// whatever else the response holds.
			qkeys, keys := map[string]bool{}, make([]string, 0, len(writes))
			for _, w := range writes {
				qkeys[w.Questionnaire] = true
				keys = append(keys, w.Question)
			}
			q = q.Where("questionnaire_key IN ? AND question_key IN ?", slices.Sorted(maps.Keys(qkeys)), keys)
		}
		if err := q.Find(&stored).Error; err != nil {
			return fmt.Errorf("load answers: %w", err)
		}
		byKey := make(map[answerKey]models.Answer, len(stored))
		for _, a := range stored {
			byKey[answerKey{a.QuestionnaireKey, a.QuestionKey}] = a
		}
		rev := st.Revision + 1
		t := st.stamp()
		var rows []models.Answer
		var clear []answerKey // answers to remove
		for _, w := range writes {
			old, exists := byKey[answerKey{w.Questionnaire, w.Question}]
			if w.Clear {
				switch {
				case !exists:
				case w.Revision != nil && old.Revision > *w.Revision:
					res.Conflicts = append(res.Conflicts, old)
				default:
					clear = append(clear, answerKey{w.Questionnaire, w.Question})
				}
				continue
			}
			row := models.Answer{
				ResponseID: responseID, QuestionnaireKey: w.Questionnaire, QuestionKey: w.Question,
				OptionKey: w.Option, Level: w.Level, Value: w.Value, NA: w.NA, Number: w.Number, Text: w.Text,
				Revision: rev, UpdatedAt: t,
			}
			if w.Comment != nil {
				row.Comment = *w.Comment
			} else if exists {
				row.Comment = old.Comment
			}
			if w.Evidence != nil {
				w.Evidence.apply(&row)
			} else if exists {
				row.EvidenceURL, row.EvidenceNote = old.EvidenceURL, old.EvidenceNote
			}
			switch {
			case exists && sameAnswer(old, row):
				continue
			case exists && w.Revision != nil && old.Revision > *w.Revision:
				res.Conflicts = append(res.Conflicts, old)
				continue
			}
			rows = append(rows, row)
		}
		res.Revision = st.Revision
		updates := map[string]any{}
		if page != "" && page != st.Page {
			updates["page"] = page
		}
		if len(rows) > 0 || len(clear) > 0 {
			res.Revision = rev
			updates["revision"] = rev
			updates["updated_at"] = t
		}
		if len(rows) > 0 {
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "response_id"}, {Name: "questionnaire_key"}, {Name: "question_key"}},
				DoUpdates: clause.AssignmentColumns([]string{"option_key", "level", "value", "na", "number", "text", "comment", "evidence_url", "evidence_note", "revision", "updated_at"}),
			}).Create(&rows).Error
			if err != nil {
				return fmt.Errorf("store answers: %w", err)
			}
		}
		for _, k := range clear {
			err := tx.Where("response_id = ? AND questionnaire_key = ? AND question_key = ?", responseID, k.questionnaire, k.question).
				Delete(&models.Answer{}).Error
			if err != nil {
				return fmt.Errorf("clear answer: %w", err)
			}
		}
		if len(updates) == 0 {
			return nil
		}
		updates["updated_at"] = t // set here, or GORM would add the exact time
		if err := tx.Model(&models.Response{}).Where("id = ?", responseID).Updates(updates).Error; err != nil {
			return fmt.Errorf("update response: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func sameAnswer(a, b models.Answer) bool {
	return eqPtr(a.OptionKey, b.OptionKey) && eqPtr(a.Value, b.Value) && a.NA == b.NA &&
		eqPtr(a.Number, b.Number) && eqPtr(a.Text, b.Text) && a.Comment == b.Comment &&
		a.EvidenceURL == b.EvidenceURL && a.EvidenceNote == b.EvidenceNote
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// QuestionRef names one question of one questionnaire.
type QuestionRef struct {
	Questionnaire string `json:"questionnaire"`
	Question      string `json:"question"`
}

// SubmitResult tells whether this call submitted the response or found it
// submitted already, and when it was submitted.
type SubmitResult struct {
	Already     bool
	SubmittedAt time.Time
}

// Submit submits a draft response when every required question has an
// answer or N/A; the error then lists the others (Details "unanswered").
// Submitting a submitted response succeeds again without changing it, so
// retries and concurrent submits yield exactly one submission.
func (s *Store) Submit(ctx context.Context, responseID int64, required []QuestionRef) (*SubmitResult, error) {
	res := &SubmitResult{}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		st, err := s.lockResponse(tx, responseID)
		if err != nil {
			return err
		}
		if st.Status == models.ResponseSubmitted {
			var r models.Response
			if err := tx.Select("submitted_at").Where("id = ?", responseID).Take(&r).Error; err != nil {
				return fmt.Errorf("load response: %w", err)
			}
			res.Already = true
			if r.SubmittedAt != nil {
				res.SubmittedAt = *r.SubmittedAt
			}
			return nil
		}
		if st.AssessmentStatus != models.AssessmentOpen {
			return errClosed()
		}
		var have []answerKeyRow
		if err := tx.Model(&models.Answer{}).Select("questionnaire_key, question_key").Where("response_id = ?", responseID).Scan(&have).Error; err != nil {
			return fmt.Errorf("load answers: %w", err)
		}
		answered := make(map[answerKey]bool, len(have))
		for _, h := range have {
			answered[answerKey{h.QuestionnaireKey, h.QuestionKey}] = true
		}
		missing := []QuestionRef{}
		for _, q := range required {
			if !answered[answerKey{q.Questionnaire, q.Question}] {
				missing = append(missing, q)
			}
		}
		if len(missing) > 0 {
			return &apperr.Error{
				Code:    apperr.EInvalid,
				Message: fmt.Sprintf("%d of %d questions have no answer yet. Answer them or mark them “not applicable”, then submit.", len(missing), len(required)),
				Details: map[string]any{"unanswered": missing},
			}
		}
		t := st.stamp().Truncate(time.Microsecond) // what PostgreSQL keeps, so a retry reports the same instant
		upd := tx.Model(&models.Response{}).Where("id = ? AND status = ?", responseID, models.ResponseDraft).
			Updates(map[string]any{"status": models.ResponseSubmitted, "submitted_at": t, "updated_at": t})
		if upd.Error != nil {
			return fmt.Errorf("submit response: %w", upd.Error)
		}
		if upd.RowsAffected != 1 {
			return fmt.Errorf("submit response %d: %d rows changed", responseID, upd.RowsAffected)
		}
		if err := markStale(tx, st.OrgID, st.AssessmentID); err != nil {
			return err
		}
		if err := queueWebhookEvent(tx, st.OrgID, models.EventResponseSubmitted, submittedEvent(st, responseID, t)); err != nil {
			return err
		}
		res.SubmittedAt = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

type answerKeyRow struct {
	QuestionnaireKey string
	QuestionKey      string
}

// submittedEvent is the data of a response.submitted webhook event. An
// anonymous round's event names no response, and its time is the round's
// coarse stamp, so that a receiver cannot tie an answer to a person.
func submittedEvent(st *responseState, responseID int64, at time.Time) map[string]any {
	d := map[string]any{"round_id": st.AssessmentID, "team_id": st.TeamID, "submitted_at": at.UTC()}
	if st.Anonymity != models.AnonymityAnonymous {
		d["response_id"] = responseID
	}
	return d
}
