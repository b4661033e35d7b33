package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/recommend"
	"gapmap/app/results"
	"gapmap/models"
)

// recommendationJSON is one item of GET /api/v1/assessments/{id}/recommendations.
type recommendationJSON struct {
	Rank          int     `json:"rank"`
	Questionnaire string  `json:"questionnaire"`
	Dimension     string  `json:"dimension"`
	Key           string  `json:"key"`
	FromLevel     int     `json:"from_level"`
	ToLevel       int     `json:"to_level"`
	Title         string  `json:"title"`
	Detail        string  `json:"detail"`
	Impact        int     `json:"impact"`
	Effort        int     `json:"effort"`
	Priority      float64 `json:"priority"`
	Phase         string  `json:"phase"`
	QuickWin      bool    `json:"quick_win"`
	Why           string  `json:"why"`
}

// recommendations builds the prioritized, phased roadmap of an assessment
// from its stored results: the organization's levels per dimension, or with
// teamID the team's. The target comes from the result, the weight from the
// result's dimension weight and the capacity per phase from the assessment.
// A nil round is loaded here (all teams); callers that show the roadmap to
// a member pass the round scoped by scopedRound.
func (s *Server) recommendations(ctx context.Context, orgID int64, a *models.Assessment, round *results.Round, teamID int64) ([]recommend.Item, error) {
	if round == nil {
		r, err := s.loadRound(ctx, orgID, a.ID)
		if err != nil {
			return nil, err
		}
		round = r
	}
	return recommend.Build(a.Capacity, recommend.Inputs(round.Questionnaires, round.Results, teamID)), nil
}

// apiRecommendations answers GET /api/v1/assessments/:id/recommendations[?team_id=ID].
func (s *Server) apiRecommendations(c *fiber.Ctx) error {
	p := principalOf(c)
	sc, err := s.roundScopeOf(c)
	if err != nil {
		return err
	}
	round, err := s.scopedRound(c, p, sc)
	if err != nil {
		return err
	}
	items, err := s.recommendations(c.UserContext(), p.OrgID, &sc.a.Assessment, round, sc.teamID)
	if err != nil {
		return err
	}
	out := make([]recommendationJSON, len(items))
	for i, it := range items {
		out[i] = recommendationJSON{
			Rank: it.Rank, Questionnaire: it.Questionnaire, Dimension: it.Dimension, Key: it.Key,
			FromLevel: it.FromLevel, ToLevel: it.ToLevel, Title: it.Title, Detail: it.Detail,
			Impact: it.Impact, Effort: it.Effort, Priority: it.Priority, Phase: it.Phase,
			QuickWin: it.QuickWin, Why: it.Why,
		}
	}
	return c.JSON(out)
}
