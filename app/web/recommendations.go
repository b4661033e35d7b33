package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/recommend"
	"gapmap/app/results"
	"gapmap/models"
)

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
	return c.JSON(items)
}
