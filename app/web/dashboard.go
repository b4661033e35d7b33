package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/charts"
	"gapmap/app/recommend"
	"gapmap/app/report"
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
	fullKey, err := s.dashboardPageKey(c, p, id)
	if err != nil {
		return err
	}
	if fullKey != "" {
		if page, ok := s.dashPages.get(fullKey); ok {
			return s.sendDashboardPage(c, page)
		}
	}
	a, err := s.store.Assessment(ctx, p.OrgID, id)
	if err != nil {
		return err
	}
	// The versions are read before the results, so that what is built from
	// the results is never older than the key it is cached under.
	list, err := s.store.RoundList(ctx, p.OrgID) // newest first
	if err != nil {
		return err
	}
	plan, err := historyPlan(list, a.ID)
	if err != nil {
		return err
	}
	versions, err := s.store.SnapshotVersions(ctx, p.OrgID, plan.roundIDs())
	if err != nil {
		return err
	}
	fresh, err := s.freshnessView(ctx, p.OrgID, a.ID)
	if err != nil {
		return err
	}
	planItems, err := s.store.PlanItems(ctx, p.OrgID, a.ID, 0)
	if err != nil {
		return err
	}
	title := "Dashboard · " + a.Name
	langs := s.roundReadingPicker(c, a)
	pageKey, pageCacheable := dashboardKey(p.OrgID, a, plan, versions, fresh, planItems, currentLang(langs))
	if pageCacheable && s.hasMeasured(ctx, p.OrgID, a) {
		pageCacheable = false // flags depend on measured data, not only on the snapshots
	}
	if pageCacheable {
		if content, ok := s.bodies.get(pageKey); ok {
			return s.renderDashboardContent(c, title, content, fullKey)
		}
	}
	round, err := s.loadRound(ctx, p.OrgID, id)
	if err != nil {
		return err
	}
	key, cacheable := plan.cacheKey(p.OrgID, a.ID, round, versions)
	boards, hit := []charts.Dashboard(nil), false
	if cacheable {
		boards, hit = s.charts.get(key)
	}
	if !hit {
		history, err := s.loadHistory(ctx, p.OrgID, a.ID, round, plan)
		if err != nil {
			return err
		}
		boards = buildBoards(round, history)
		s.charts.builds.Add(1)
		if cacheable {
			s.charts.put(key, boards)
		}
	}
	items, err := s.recommendations(ctx, p.OrgID, &a.Assessment, round, 0)
	if err != nil {
		return err
	}
	teams, err := s.dashboardTeams(ctx, a, round)
	if err != nil {
		return err
	}
	flags, err := s.contradictionsOf(ctx, p.OrgID, a.ID, round.Questionnaires, roundTeamIDs(round))
	if err != nil {
		return err
	}
	data := fiber.Map{
		"Title": title, "Assessment": a, "Boards": boards, "Teams": teams,
		"Contradictions": contradictionsCard{ID: "contradictions", ShowTeam: true, Lines: contradictionLines(round, flags)},
		"Plan":           recommend.Progress(items, planMapOf(planItems)), "PlanItems": len(items), "Freshness": fresh,
		"Languages": langs, "ReadLang": currentLang(langs),
	}
	if !pageCacheable {
		return s.render(c, "dashboard/assessment", data)
	}
	content, err := s.cacheContent(pageKey, "dashboard/assessment", data)
	if err != nil {
		return err
	}
	return s.renderDashboardContent(c, title, content, fullKey)
}

// buildBoards builds the dashboard of each questionnaire of a round that
// has respondents.
func buildBoards(round *results.Round, history map[string][]charts.RoundResult) []charts.Dashboard {
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
	return boards
}

// roundPlan says which of the organization's rounds, from a round back,
// feed each questionnaire's trend: rounds[i] with the keys it feeds, newest
// first, at most trendRounds per key.
type roundPlan struct {
	rounds []store.AssessmentSummary
	keys   [][]string
}

// historyPlan plans the trend of the round id among list (newest first).
func historyPlan(list []store.AssessmentSummary, id int64) (roundPlan, error) {
	var plan roundPlan
	at := slices.IndexFunc(list, func(a store.AssessmentSummary) bool { return a.ID == id })
	if at < 0 {
		return plan, apperr.NotFound("assessment")
	}
	count := map[string]int{}
	for _, k := range list[at].QuestionnaireKeys {
		count[k] = 0
	}
	for i := at; i < len(list); i++ {
		var keys []string
		for _, k := range list[i].QuestionnaireKeys {
			if n, wanted := count[k]; wanted && n < trendRounds {
				count[k]++
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			plan.rounds = append(plan.rounds, list[i])
			plan.keys = append(plan.keys, keys)
		}
	}
	return plan, nil
}

func (p roundPlan) roundIDs() []int64 {
	ids := make([]int64, len(p.rounds))
	for i, a := range p.rounds {
		ids[i] = a.ID
	}
	return ids
}

// cacheKey names the version of a round's dashboards: the pinned
// questionnaires, and for every round of the trend its name and the
// computed_at of each snapshot it feeds. ok is false when a result of the
// round is missing (then nothing is cached).
func (p roundPlan) cacheKey(orgID, id int64, round *results.Round, versions map[int64]map[string]time.Time) (key string, ok bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "%d/%d", orgID, id)
	for qi, q := range round.Questionnaires {
		if round.Results[qi] == nil {
			return "", false
		}
		fmt.Fprintf(&b, "|q%d:%s:%s:%s", qi, q.Key, q.Hash, q.Lang())
	}
	for i, a := range p.rounds {
		fmt.Fprintf(&b, "|r%d:%q", a.ID, a.Name)
		for _, k := range p.keys[i] {
			t, stored := versions[a.ID][k]
			if !stored && a.ID == id {
				return "", false
			}
			fmt.Fprintf(&b, ":%s@%d", k, t.UnixNano())
		}
	}
	return b.String(), true
}

// roundHistory returns, per questionnaire key, the stored results of the
// organization's rounds up to and including this one that used it, oldest
// first (at most trendRounds).
func (s *Server) roundHistory(ctx context.Context, orgID, assessmentID int64, current *results.Round) (map[string][]charts.RoundResult, error) {
	list, err := s.store.RoundList(ctx, orgID) // newest first
	if err != nil {
		return nil, err
	}
	plan, err := historyPlan(list, assessmentID)
	if err != nil {
		return nil, err
	}
	return s.loadHistory(ctx, orgID, assessmentID, current, plan)
}

// loadHistory reads the results of the planned rounds (current for the
// round itself), per questionnaire key, oldest first.
func (s *Server) loadHistory(ctx context.Context, orgID, assessmentID int64, current *results.Round, plan roundPlan) (map[string][]charts.RoundResult, error) {
	wanted := map[string]bool{}
	for _, q := range current.Questionnaires {
		wanted[q.Key] = true
	}
	out := map[string][]charts.RoundResult{}
	for i, a := range plan.rounds {
		round := current
		if a.ID != assessmentID {
			var err error
			if round, err = results.Load(ctx, s.store, orgID, a.ID); err != nil {
				return nil, err
			}
		}
		feeds := plan.keys[i]
		for qi, q := range round.Questionnaires {
			if wanted[q.Key] && slices.Contains(feeds, q.Key) && len(out[q.Key]) < trendRounds {
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
	flags, err := s.contradictionsOf(ctx, p.OrgID, a.ID, round.Questionnaires, []int64{teamID})
	if err != nil {
		return err
	}
	// teamSection is one questionnaire of the team view: its charts and
	// cards, what its nps and number questions say, and the answers its
	// measured delivery contradicts.
	type teamSection struct {
		charts.TeamView
		Measures       []report.MeasureLine
		Contradictions contradictionsCard
	}
	var views []teamSection
	withheld := ""
	for qi, q := range round.Questionnaires {
		r := round.Results[qi]
		tr := findTeam(r, teamID)
		if note := withheldText(r, tr); note != "" {
			withheld = note
			continue
		}
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
		views = append(views, teamSection{charts.NewTeamView(fmt.Sprintf("t%d", qi), q, r, tr, prev, prevName), report.MeasureLines(r, tr),
			contradictionsCard{ID: fmt.Sprintf("t%d_contradictions", qi), Lines: questionLines(q, tr.Name, flags[q.Key][teamID])}})
	}
	evidence, err := s.teamEvidence(ctx, a, round.Questionnaires, teamID)
	if err != nil {
		return err
	}
	if withheld != "" {
		evidence = nil
	}
	langs := s.roundReadingPicker(c, a)
	return s.render(c, "dashboard/team", fiber.Map{
		"Title": team.Name + " · " + a.Name, "Assessment": a, "Team": team, "Views": views, "Evidence": evidence,
		"CanSeeAll": acc.SeesAll(), "Withheld": withheld, "Languages": langs, "ReadLang": currentLang(langs),
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
