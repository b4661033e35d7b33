package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/store"
	"gapmap/models"
)

// resultsStateKey names the stored results answer of the round a request
// names by the round's stored state: the organization, the round and the
// digest of store.ResultsState (the round's name, status, revision and
// pinned versions, its snapshots' versions, its pending recompute, read in
// one statement). It is "" where the answer is built per request or kept
// only under its versions (sendStoredResults): for a member (team scopes),
// a team's results, another reading language, an organization with
// delivery rollups in the window (dora and contradiction flags), or a
// round the organization lacks (the full path answers 404).
func (s *Server) resultsStateKey(c *fiber.Ctx, p *store.Principal) (string, error) {
	if !p.Role.AtLeast(models.RoleLeader) || c.Params("team_id") != "" || c.Query("team_id") != "" ||
		readingLang(c.UserContext()) != "" || s.measured != nil {
		return "", nil
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return "", nil
	}
	st, err := s.store.ResultsState(c.UserContext(), p.OrgID, id, deliveryWindow(time.Now()))
	if err != nil || !st.Found || st.Delivery {
		return "", err
	}
	b := append([]byte("results-state|"), strconv.FormatInt(p.OrgID, 10)...)
	b = append(append(b, '|'), strconv.FormatInt(id, 10)...)
	b = append(append(b, '|'), st.Digest[:]...)
	return string(b), nil
}
