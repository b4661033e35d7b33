package web

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/models"
)

// loadRound reads an assessment's stored results. A round that has no
// snapshot yet and no recompute due (no submission so far: scoring it is
// cheap) is computed once here; when a recompute is due, its results stay
// missing (nil) until the job has run.
func (s *Server) loadRound(ctx context.Context, orgID, assessmentID int64) (*results.Round, error) {
	r, err := s.loadStoredRound(ctx, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	return localizeRound(r, readingLang(ctx)), nil
}

// loadStoredRound is loadRound in the questionnaires' own language.
func (s *Server) loadStoredRound(ctx context.Context, orgID, assessmentID int64) (*results.Round, error) {
	r, err := results.Load(ctx, s.store, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	for _, res := range r.Results {
		if res == nil {
			f, err := results.Freshness(ctx, s.store, orgID, assessmentID)
			if err != nil || f.Pending {
				return r, err
			}
			if err := results.Recompute(ctx, s.store, orgID, assessmentID); err != nil {
				return nil, err
			}
			return results.Load(ctx, s.store, orgID, assessmentID)
		}
	}
	return r, nil
}

// freshness is what readers of results learn about their age:
// computed_at (RFC 3339, null before the first computation) and pending
// (a recompute is due).
func (s *Server) freshness(ctx context.Context, orgID, assessmentID int64) (computedAt *string, pending bool, err error) {
	f, err := results.Freshness(ctx, s.store, orgID, assessmentID)
	if err != nil {
		return nil, false, err
	}
	if f.ComputedAt != nil {
		t := f.ComputedAt.UTC().Format(time.RFC3339Nano)
		computedAt = &t
	}
	return computedAt, f.Pending, nil
}

// freshnessView is the age of a round's results as pages show it
// (views/partials/freshness.html).
type freshnessView struct {
	ComputedAt    string // for people, UTC
	ComputedAtISO string // RFC 3339
	Pending       bool
}

func (s *Server) freshnessView(ctx context.Context, orgID, assessmentID int64) (freshnessView, error) {
	f, err := results.Freshness(ctx, s.store, orgID, assessmentID)
	if err != nil || f.ComputedAt == nil {
		return freshnessView{Pending: f.Pending}, err
	}
	t := f.ComputedAt.UTC()
	return freshnessView{ComputedAt: t.Format("2 Jan 2006, 15:04:05 UTC"), ComputedAtISO: t.Format(time.RFC3339), Pending: f.Pending}, nil
}

// addFreshness adds computed_at and pending to a results answer.
func (s *Server) addFreshness(ctx context.Context, m fiber.Map, orgID, assessmentID int64) error {
	at, pending, err := s.freshness(ctx, orgID, assessmentID)
	if err != nil {
		return err
	}
	m["computed_at"], m["pending"] = at, pending
	return nil
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
		return nil, apperr.Errorf(apperr.ENotFound, "This team does not take part in the round.")
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
	stateKey, err := s.resultsStateKey(c, p)
	if err != nil {
		return err
	}
	if stateKey != "" {
		if body, ok := s.bodies.get(stateKey); ok {
			return body.send(c, "", s.bodies.flate)
		}
	}
	sc, err := s.roundScopeOf(c)
	if err != nil {
		return err
	}
	a := sc.a
	head := fiber.Map{"id": a.ID, "name": a.Name, "status": a.Status}
	flags, err := s.resultFlags(c, a, sc.teamID)
	if err != nil {
		return err
	}
	if sc.teamID == 0 && p.Role.AtLeast(models.RoleLeader) && len(flags) == 0 && readingLang(c.UserContext()) == "" {
		if sent, err := s.sendStoredResults(c, p.OrgID, a, head, stateKey); sent || err != nil {
			return err
		}
	}
	round, err := s.scopedRound(c, p, sc)
	if err != nil {
		return err
	}
	flags.attach(round)
	out := fiber.Map{"assessment": head, "questionnaires": nonNil(round.Results)}
	if err := s.addFreshness(c.UserContext(), out, p.OrgID, a.ID); err != nil {
		return err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return err
	}
	var teams []int64
	for _, id := range a.TeamIDs() {
		if acc.CanSee(id) && (sc.teamID == 0 || sc.teamID == id) {
			teams = append(teams, id)
		}
	}
	if d, err := s.roundDora(c.UserContext(), p.OrgID, teams, time.Now()); err != nil || d != nil {
		out["dora"] = d
		if err != nil {
			return err
		}
	}
	return c.JSON(out)
}

// sendStoredResults sends a whole round's results as stored, when every
// snapshot is: the snapshots are joined without decoding and encoding
// them again, and the answer is kept compressed in the page cache under
// the versions of the snapshots (read before them, so that what is kept
// is never older than its key), the round's name and status and the
// freshness. Only callers who may see every team come here; the key
// holds the organization. sent is false when a snapshot is missing. The
// answer is also kept under stateKey (see resultsStateKey) unless it is ""
// or the answer carries delivery metrics.
func (s *Server) sendStoredResults(c *fiber.Ctx, orgID int64, a *store.AssessmentInfo, head fiber.Map, stateKey string) (sent bool, err error) {
	ctx := c.UserContext()
	versions, err := s.store.SnapshotVersions(ctx, orgID, []int64{a.ID})
	if err != nil {
		return false, err
	}
	at, pending, err := s.freshness(ctx, orgID, a.ID)
	if err != nil {
		return false, err
	}
	delivery, err := s.roundDora(ctx, orgID, a.TeamIDs(), time.Now())
	if err != nil {
		return false, err
	}
	key := fmt.Appendf(nil, "results|%d|%d|%q|%q|%t|%s|", orgID, a.ID, a.Name, a.Status, pending, delivery)
	if at != nil {
		key = append(key, *at...)
	}
	for _, q := range a.Questionnaires {
		t, ok := versions[a.ID][q.Key]
		if !ok {
			return false, nil
		}
		key = fmt.Appendf(key, "|%s@%d", q.Key, t.UnixNano())
	}
	if stateKey == "" || delivery != nil {
		stateKey = ""
	}
	if p, ok := s.bodies.get(string(key)); ok {
		s.bodies.alias(p, stateKey)
		return true, p.send(c, "", s.bodies.flate)
	}
	snaps, complete, err := s.store.OrderedSnapshots(ctx, orgID, a.ID)
	if err != nil || !complete {
		return false, err
	}
	body := append([]byte(`{"assessment":`), mustJSON(head)...)
	body = append(body, `,"questionnaires":[`...)
	body = append(body, bytes.Join(snaps, []byte(","))...)
	body = append(body, `],"computed_at":`...)
	body = append(body, mustJSON(at)...)
	body = append(body, `,"pending":`...)
	body = append(body, mustJSON(pending)...)
	if delivery != nil {
		body = append(append(body, `,"dora":`...), delivery...)
	}
	body = append(body, '}')
	p := newCachedBody(string(key), fiber.MIMEApplicationJSONCharsetUTF8, [][]byte{body}, true)
	s.bodies.builds.Add(1)
	s.bodies.put(p)
	s.bodies.alias(p, stateKey)
	return true, p.send(c, "", s.bodies.flate)
}
