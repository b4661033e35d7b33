package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"
)

// seedBatch is the number of rows of one INSERT of a bulk seed: 1,000 answers
// bind 10,000 values, well below the limits of SQLite (32,766) and
// PostgreSQL (65,535).
const seedBatch = 1000

// SeedTeams creates teams with the given names in one transaction of batched
// inserts and returns them in the order given. It is the bulk counterpart of
// CreateTeam, for loading generated data.
func (s *Store) SeedTeams(ctx context.Context, orgID int64, names []string) ([]models.Team, error) {
	t := now()
	teams := make([]models.Team, len(names))
	for i, n := range names {
		name, err := CleanName("name", "Team name", n)
		if err != nil {
			return nil, err
		}
		teams[i] = models.Team{OrgID: orgID, Name: name, CreatedAt: t, UpdatedAt: t}
	}
	if len(teams) == 0 {
		return teams, nil
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		return tx.CreateInBatches(&teams, seedBatch).Error
	})
	if err != nil {
		return nil, fmt.Errorf("seed teams: %w", duplicateTeam(err))
	}
	return teams, nil
}

// SeedAnswer is one answer of a seeded response: an Option with its Level
// (level scale), a Value 1..5 (likert), a Number (nps and number
// questions), a Text (text questions) or NA.
type SeedAnswer struct {
	Questionnaire string
	Question      string
	Option        *string
	Level         *int
	Value         *int
	Number        *float64
	Text          *string
	NA            bool
	Comment       string
}

// SeedResponse is one respondent of a team and the answers they gave. A
// submitted response gets SubmittedAt, or the time of the seed when that is
// zero; a draft keeps its answers unsubmitted.
type SeedResponse struct {
	TeamID      int64
	Label       string
	Submitted   bool
	SubmittedAt time.Time
	Answers     []SeedAnswer
}

// SeedResponses stores, in an assessment of the organization, one invitation
// with its response and answers per entry, in one transaction of batched
// inserts, and returns the plain survey tokens in the order given.
//
// It is for loading generated data (benchmarks, demonstrations): it checks
// that the round is the organization's and that every team takes part in
// it, but trusts the answers to fit the pinned questionnaires, and it does
// not recompute results.
func (s *Store) SeedResponses(ctx context.Context, orgID, assessmentID int64, rs []SeedResponse) ([]string, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	tokens := make([]string, len(rs))
	invs := make([]models.Invitation, len(rs))
	t := now()
	for i, r := range rs {
		plain, hash, err := secret.NewToken(SurveyTokenPrefix)
		if err != nil {
			return nil, err
		}
		label, err := CleanLabel(r.Label)
		if err != nil {
			return nil, err
		}
		tokens[i] = plain
		invs[i] = models.Invitation{OrgID: orgID, AssessmentID: assessmentID, TeamID: r.TeamID, Label: label, TokenHash: hash, CreatedAt: t}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := seedCheckTeams(tx, orgID, assessmentID, rs); err != nil {
			return err
		}
		if err := tx.CreateInBatches(&invs, seedBatch).Error; err != nil {
			return fmt.Errorf("store invitations: %w", err)
		}
		resps := make([]models.Response, len(rs))
		for i, r := range rs {
			resp := models.Response{OrgID: orgID, AssessmentID: assessmentID, InvitationID: invs[i].ID, TeamID: r.TeamID,
				Status: models.ResponseDraft, CreatedAt: t, UpdatedAt: t}
			if len(r.Answers) > 0 {
				resp.Revision = 1
			}
			if r.Submitted {
				at := r.SubmittedAt.UTC()
				if r.SubmittedAt.IsZero() {
					at = t
				}
				resp.Status, resp.SubmittedAt, resp.UpdatedAt = models.ResponseSubmitted, &at, at
			}
			resps[i] = resp
		}
		if err := tx.CreateInBatches(&resps, seedBatch).Error; err != nil {
			return fmt.Errorf("store responses: %w", err)
		}
		batch := make([]models.Answer, 0, seedBatch)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			if err := tx.Create(&batch).Error; err != nil {
				return fmt.Errorf("store answers: %w", err)
			}
			batch = batch[:0]
			return nil
		}
		for i, r := range rs {
			for _, a := range r.Answers {
				batch = append(batch, models.Answer{
					ResponseID: resps[i].ID, QuestionnaireKey: a.Questionnaire, QuestionKey: a.Question,
					OptionKey: a.Option, Level: a.Level, Value: a.Value, NA: a.NA, Number: a.Number, Text: a.Text, Comment: a.Comment,
					Revision: 1, UpdatedAt: t,
				})
				if len(batch) == seedBatch {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		return flush()
	})
	if err != nil {
		return nil, fmt.Errorf("seed responses: %w", err)
	}
	return tokens, nil
}

// seedCheckTeams checks that the assessment belongs to the organization and
// that every team of rs takes part in it.
func seedCheckTeams(tx *gorm.DB, orgID, assessmentID int64, rs []SeedResponse) error {
	var found int64
	if err := tx.Model(&models.Assessment{}).Where("org_id = ? AND id = ?", orgID, assessmentID).Count(&found).Error; err != nil {
		return fmt.Errorf("check assessment: %w", err)
	}
	if found == 0 {
		return apperr.NotFound("assessment")
	}
	var ids []int64
	if err := tx.Model(&models.AssessmentTeam{}).Where("assessment_id = ?", assessmentID).Pluck("team_id", &ids).Error; err != nil {
		return fmt.Errorf("check teams: %w", err)
	}
	in := make(map[int64]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	for _, r := range rs {
		if !in[r.TeamID] {
			return apperr.Field("team_id", "Team %d does not take part in this assessment.", r.TeamID)
		}
	}
	return nil
}
