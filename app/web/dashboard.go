package web

import (
	"context"
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/charts"
	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/models"
)

// trendRounds is how many rounds the trend chart shows at most.
const trendRounds = 8

// dashboardRound is one line of the organization home: a round with the
// headline of each questionnaire.
type dashboardRound struct {
	store.AssessmentSummary
	Headlines []charts.Headline
	Pct       int // percent of invitations submitted
}

// HasResults reports whether any questionnaire of the round has a level.
func (r dashboardRound) HasResults() bool {
	for _, h := range r.Headlines {
		if h.Level != nil {
			return true
		}
	}
	return false
}

// dashboardHome shows the organization's rounds, newest first, each with its
// overall level per questionnaire, percent to target, response progress and
// the change since the previous round. It reads stored results only.
func (s *Server) dashboardHome(c *fiber.Ctx) error {
	p := principalOf(c)
	ctx := c.UserContext()
	list, err := s.store.Assessments(ctx, p.OrgID)
	if err != nil {
		return err
	}
	rows := make([]dashboardRound, len(list))
	prev := map[string]charts.RoundResult{}
	for i := len(list) - 1; i >= 0; i-- {
		a := list[i]
		row := dashboardRound{AssessmentSummary: a, Pct: models.Percent(a.Progress.Submitted, a.Progress.Invitations)}
		round, err := results.Load(ctx, s.store, p.OrgID, a.ID)
		if err != nil {
			return err
		}
		for qi, q := range round.Questionnaires {
			r := round.Results[qi]
			before := prev[q.Key]
			row.Headlines = append(row.Headlines, charts.NewHeadline(q, r, before.Result, before.Name))
			if r != nil {
				prev[q.Key] = charts.RoundResult{Name: a.Name, Result: r}
			}
		}
		rows[i] = row
	}
	var latest *dashboardRound
	for i := range rows {
		if rows[i].HasResults() {
			latest = &rows[i]
			break
		}
	}
	return s.render(c, "dashboard/home", fiber.Map{
		"Title": "Dashboard", "Rounds": rows, "Latest": latest, "CanAdmin": p.Role.AtLeast(models.RoleAdmin),
	})
}

// assessmentDashboard shows one round's charts for each questionnaire.
func (s *Server) assessmentDashboard(c *fiber.Ctx) error {
	p := principalOf(c)
	ctx := c.UserContext()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.store.Assessment(ctx, p.OrgID, id)
	if err != nil {
		return err
	}
	round, err := s.loadRound(ctx, p.OrgID, id)
	if err != nil {
		return err
	}
	history, err := s.roundHistory(ctx, p.OrgID, a.ID, round)
	if err != nil {
		return err
	}
	var boards []charts.Dashboard
	for qi, q := range round.Questionnaires {
		r := round.Results[qi]
		if r == nil {
			continue
		}
		if d := charts.NewDashboard(fmt.Sprintf("q%d", qi), q, r, history[q.Key]); d.Headline.Respondents > 0 {
			boards = append(boards, d)
		}
	}
	items, err := s.recommendations(ctx, p.OrgID, &a.Assessment, round, 0)
	if err != nil {
		return err
	}
	plan, err := s.planStatus(ctx, p.OrgID, a.ID, 0, items)
	if err != nil {
		return err
	}
	fresh, err := s.freshnessView(ctx, p.OrgID, a.ID)
	if err != nil {
		return err
	}
	return s.render(c, "dashboard/assessment", fiber.Map{
		"Title": "Dashboard · " + a.Name, "Assessment": a, "Boards": boards, "Teams": a.Teams,
		"Plan": plan, "PlanItems": len(items), "Freshness": fresh,
	})
}

// roundHistory returns, per questionnaire key, the stored results of the
// organization's rounds up to and including this one that used it, oldest
// first (at most trendRounds).
func (s *Server) roundHistory(ctx context.Context, orgID, assessmentID int64, current *results.Round) (map[string][]charts.RoundResult, error) {
	list, err := s.store.Assessments(ctx, orgID) // newest first
	if err != nil {
		return nil, err
	}
	at := slices.IndexFunc(list, func(a store.AssessmentSummary) bool { return a.ID == assessmentID })
	if at < 0 {
		return nil, apperr.NotFound("assessment")
	}
	wanted := map[string]bool{}
	for _, q := range current.Questionnaires {
		wanted[q.Key] = true
	}
	out := map[string][]charts.RoundResult{}
	for i := at; i < len(list); i++ {
		a := list[i]
		uses := false
		for _, k := range a.QuestionnaireKeys {
			if wanted[k] && len(out[k]) < trendRounds {
				uses = true
			}
		}
		if !uses {
			continue
		}
		round := current
		if a.ID != assessmentID {
			if round, err = results.Load(ctx, s.store, orgID, a.ID); err != nil {
				return nil, err
			}
		}
		for qi, q := range round.Questionnaires {
			if wanted[q.Key] && len(out[q.Key]) < trendRounds {
				out[q.Key] = append(out[q.Key], charts.RoundResult{Name: a.Name, Result: round.Results[qi]})
			}
		}
	}
	for k := range out {
		slices.Reverse(out[k])
	}
	return out, nil
}

// teamDashboard shows one team's results in a round: its radar against the
// organization median, its gaps, its blocking questions and where its
// respondents disagree.
func (s *Server) teamDashboard(c *fiber.Ctx) error {
	p := principalOf(c)
	ctx := c.UserContext()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	teamID, err := paramID(c, "team_id")
	if err != nil {
		return err
	}
	team, err := s.store.Team(ctx, p.OrgID, teamID)
	if err != nil {
		return err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return err
	}
	if err := acc.checkSee(teamID); err != nil {
		return err
	}
	a, err := s.store.Assessment(ctx, p.OrgID, id)
	if err != nil {
		return err
	}
	if !a.HasTeam(teamID) {
		return apperr.Errorf(apperr.ENotFound, "%s does not take part in %s.", team.Name, a.Name)
	}
	round, err := s.loadRound(ctx, p.OrgID, id)
	if err != nil {
		return err
	}
	prevRounds := map[int64]*results.Round{}
	var views []charts.TeamView
	for qi, q := range round.Questionnaires {
		r := round.Results[qi]
		tr := findTeam(r, teamID)
		if tr == nil || tr.Respondents == 0 {
			continue
		}
		var prev *scoring.TeamResult
		var prevName string
		if pid := previousOf(a, q.Key); pid != 0 {
			pr, ok := prevRounds[pid]
			if !ok {
				if pr, err = results.Load(ctx, s.store, p.OrgID, pid); err != nil {
					return err
				}
				prevRounds[pid] = pr
			}
			for pi, pq := range pr.Questionnaires {
				if pq.Key == q.Key {
					prev = findTeam(pr.Results[pi], teamID)
				}
			}
			if pa, err := s.store.Assessment(ctx, p.OrgID, pid); err == nil {
				prevName = pa.Name
			}
		}
		views = append(views, charts.NewTeamView(fmt.Sprintf("t%d", qi), q, r, tr, prev, prevName))
	}
	return s.render(c, "dashboard/team", fiber.Map{
		"Title": team.Name + " · " + a.Name, "Assessment": a, "Team": team, "Views": views,
		"CanSeeAll": acc.SeesAll(),
	})
}

// previousOf returns the previous round of a questionnaire of a, or 0.
func previousOf(a *store.AssessmentInfo, key string) int64 {
	for _, rq := range a.Questionnaires {
		if rq.Key == key && rq.PreviousAssessmentID != nil {
			return *rq.PreviousAssessmentID
		}
	}
	return 0
}

func findTeam(r *scoring.Result, teamID int64) *scoring.TeamResult {
	if r == nil {
		return nil
	}
	for i := range r.Teams {
		if r.Teams[i].ID == teamID {
			return &r.Teams[i]
		}
	}
	return nil
}
