package web

import (
	"bytes"
	"context"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/models"
)

// recompute refreshes the stored result snapshots of an assessment after a
// response is submitted or reopened, or the round closes or reopens.
func (s *Server) recompute(ctx context.Context, orgID, assessmentID int64) error {
	return results.Recompute(ctx, s.store, orgID, assessmentID)
}

// loadRound reads an assessment's stored results, computing them once when
// no snapshot exists yet (a round created before any submission).
func (s *Server) loadRound(ctx context.Context, orgID, assessmentID int64) (*results.Round, error) {
	r, err := results.Load(ctx, s.store, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	for _, res := range r.Results {
		if res == nil {
			if err := s.recompute(ctx, orgID, assessmentID); err != nil {
				return nil, err
			}
			return results.Load(ctx, s.store, orgID, assessmentID)
		}
	}
	return r, nil
}

// roundScope is the assessment a request names (:id) and, when it names a
// team (:team_id, or ?team_id), that team: one that takes part in the round
// and that the caller may see.
type roundScope struct {
	a        *store.AssessmentInfo
	teamID   int64
	teamName string
}

// roundScopeOf reads and checks the assessment and team of a request.
func (s *Server) roundScopeOf(c *fiber.Ctx) (*roundScope, error) {
	p := principalOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	var teamID int64
	if c.Params("team_id") != "" {
		teamID, err = paramID(c, "team_id")
	} else {
		teamID, err = queryID(c, "team_id")
	}
	if err != nil {
		return nil, err
	}
	a, err := s.store.Assessment(c.UserContext(), p.OrgID, id)
	if err != nil {
		return nil, err
	}
	sc := &roundScope{a: a, teamID: teamID}
	if teamID == 0 {
		return sc, nil
	}
	if !a.HasTeam(teamID) {
		return nil, apperr.Errorf(apperr.ENotFound, "This team does not take part in the assessment.")
	}
	if err := s.canSeeTeam(c, p, teamID); err != nil {
		return nil, err
	}
	for _, t := range a.Teams {
		if t.ID == teamID {
			sc.teamName = t.Name
		}
	}
	return sc, nil
}

// scopedRound loads the results of a scope that the principal may see: one
// team, or every team (members: only the teams assigned to them).
func (s *Server) scopedRound(c *fiber.Ctx, p *store.Principal, sc *roundScope) (*results.Round, error) {
	round, err := s.loadRound(c.UserContext(), p.OrgID, sc.a.ID)
	if err != nil {
		return nil, err
	}
	if sc.teamID != 0 {
		return round.ForTeam(sc.teamID), nil
	}
	scoped := round.ForTeam(0)
	acc, err := s.accessOf(c)
	if err != nil {
		return nil, err
	}
	acc.keepVisible(scoped)
	return scoped, nil
}

// canSeeTeam lets leaders and above see every team, members only theirs (a
// wrapper over accessOf).
func (s *Server) canSeeTeam(c *fiber.Ctx, _ *store.Principal, teamID int64) error {
	acc, err := s.accessOf(c)
	if err != nil {
		return err
	}
	return acc.checkSee(teamID)
}

// apiResults answers GET /api/v1/assessments/:id/results[?team_id=ID].
func (s *Server) apiResults(c *fiber.Ctx) error {
	p := principalOf(c)
	sc, err := s.roundScopeOf(c)
	if err != nil {
		return err
	}
	a := sc.a
	head := fiber.Map{"id": a.ID, "name": a.Name, "status": a.Status}
	if sc.teamID == 0 && p.Role.AtLeast(models.RoleLeader) {
		// The whole round as stored: the snapshots are sent as they are,
		// without decoding and encoding them again.
		snaps, complete, err := s.store.OrderedSnapshots(c.UserContext(), p.OrgID, a.ID)
		if err != nil {
			return err
		}
		if complete {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
			body := append([]byte(`{"assessment":`), mustJSON(head)...)
			body = append(body, `,"questionnaires":[`...)
			body = append(body, bytes.Join(snaps, []byte(","))...)
			return c.Send(append(body, "]}"...))
		}
	}
	round, err := s.scopedRound(c, p, sc)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"assessment": head, "questionnaires": nonNil(round.Results)})
}
