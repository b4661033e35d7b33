package web

import (
	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/models"
)

// surveyTeamResults is one questionnaire's results as a respondent sees them
// after submitting: their team beside the organization, never another
// team's name.
type surveyTeamResults struct {
	Key          string              `json:"key"`
	Version      string              `json:"version"`
	Title        string              `json:"title"`
	Organization surveyOrgResults    `json:"organization"`
	Team         *scoring.TeamResult `json:"team"`
	LevelNames   map[int]string      `json:"level_names"`
	// Withheld is the team's "not enough responses (n of m)" in an
	// anonymous round, when its results are withheld.
	Withheld string `json:"withheld,omitempty"`
}

type surveyOrgResults struct {
	Overall    scoring.Overall           `json:"overall"`
	Dimensions []scoring.DimensionResult `json:"dimensions"`
}

// surveyResults builds what a submitted respondent may see of their round.
func (s *Server) surveyResults(c *fiber.Ctx, sv *store.Survey) (fiber.Map, []surveyTeamResults, error) {
	if sv.Status != models.ResponseSubmitted {
		return nil, nil, apperr.Errorf(apperr.EConflict, "Results are shown once you have submitted your answers.")
	}
	round, err := s.loadRound(c.UserContext(), sv.OrgID, sv.AssessmentID)
	if err != nil {
		return nil, nil, err
	}
	out := make([]surveyTeamResults, 0, len(round.Results))
	for i, r := range round.Results {
		if r == nil {
			continue
		}
		q := round.Questionnaires[i]
		item := surveyTeamResults{Key: r.Key, Version: r.Version, Title: r.Title,
			Organization: surveyOrgResults{Overall: r.Overall, Dimensions: r.Dimensions}, LevelNames: map[int]string{}}
		for _, l := range q.Levels {
			item.LevelNames[l.Level] = l.Name
		}
		item.Team = r.Team(sv.TeamID)
		item.Withheld = withheldText(r, item.Team)
		out = append(out, item)
	}
	head := fiber.Map{
		"assessment": fiber.Map{"id": sv.AssessmentID, "name": sv.AssessmentName, "status": sv.AssessmentStatus},
		"team":       fiber.Map{"id": sv.TeamID, "name": sv.TeamName},
	}
	return head, out, nil
}

// apiSurveyResults answers GET /api/v1/survey/:token/results.
func (s *Server) apiSurveyResults(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	head, qs, err := s.surveyResults(c, sc.sv)
	if err != nil {
		return err
	}
	head["questionnaires"] = qs
	if err := s.addFreshness(c.UserContext(), head, sc.sv.OrgID, sc.sv.AssessmentID); err != nil {
		return err
	}
	return c.JSON(head)
}
