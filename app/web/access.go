package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/results"
	"gapmap/models"
)

// teamAccess is the one team-visibility policy: what a principal may do with
// the teams of their organization. Leaders and above see every team; admins
// and owners manage (invite, revoke) every team; a principal sees and
// manages the teams assigned to them besides. It is loaded once per request
// by accessOf.
type teamAccess struct {
	role models.Role
	own  []int64 // the principal's own teams, sorted
}

func newTeamAccess(role models.Role, own []int64) teamAccess {
	own = slices.Clone(own)
	slices.Sort(own)
	return teamAccess{role: role, own: slices.Compact(own)}
}

// SeesAll reports whether every team is visible.
func (a teamAccess) SeesAll() bool { return a.role.AtLeast(models.RoleLeader) }

// ManagesAll reports whether every team can be managed.
func (a teamAccess) ManagesAll() bool { return a.role.AtLeast(models.RoleAdmin) }

// CanSee reports whether the team's results and invitations are visible.
func (a teamAccess) CanSee(teamID int64) bool {
	return a.SeesAll() || a.owns(teamID)
}

// CanManage reports whether invitations of the team may be created and revoked.
func (a teamAccess) CanManage(teamID int64) bool {
	return a.ManagesAll() || a.owns(teamID)
}

// Teams returns the principal's own teams.
func (a teamAccess) Teams() []int64 { return nonNil(slices.Clone(a.own)) }

// Visible returns the visible teams: nil for every team, else the own ones.
func (a teamAccess) Visible() []int64 {
	if a.SeesAll() {
		return nil
	}
	return a.Teams()
}

// Managed returns the manageable teams: nil for every team, else the own ones.
func (a teamAccess) Managed() []int64 {
	if a.ManagesAll() {
		return nil
	}
	return a.Teams()
}

// checkSee refuses a team that is not visible.
func (a teamAccess) checkSee(teamID int64) error {
	if a.CanSee(teamID) {
		return nil
	}
	return apperr.Errorf(apperr.EForbidden, "You can see the results of your own teams only.")
}

// keepVisible drops the teams that are not visible from a round's results.
func (a teamAccess) keepVisible(round *results.Round) {
	if a.SeesAll() {
		return
	}
	for _, res := range round.Results {
		if res == nil {
			continue
		}
		kept := res.Teams[:0:0]
		for _, t := range res.Teams {
			if a.owns(t.ID) {
				kept = append(kept, t)
			}
		}
		res.Teams = kept
	}
}

func (a teamAccess) owns(teamID int64) bool {
	_, ok := slices.BinarySearch(a.own, teamID)
	return ok
}

// accessOf returns the team policy of the request's principal, loading the
// principal's teams on the first call of the request.
func (s *Server) accessOf(c *fiber.Ctx) (teamAccess, error) {
	if a, ok := c.Locals(keyAccess).(teamAccess); ok {
		return a, nil
	}
	p := principalOf(c)
	if p == nil {
		return teamAccess{}, apperr.Errorf(apperr.EUnauthorized, "Sign in first.")
	}
	var own []int64
	if !p.Role.AtLeast(models.RoleAdmin) {
		ids, err := s.store.TeamIDsOfUser(c.UserContext(), p.OrgID, p.UserID)
		if err != nil {
			return teamAccess{}, err
		}
		own = ids
	}
	a := newTeamAccess(p.Role, own)
	c.Locals(keyAccess, a)
	return a, nil
}
