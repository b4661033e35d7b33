package web

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/charts"
	"gapmap/app/export"
	"gapmap/app/report"
	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// reportData is a built report with what its page needs beside the model.
type reportData struct {
	Assessment *store.AssessmentInfo
	Report     *report.Report
	Charts     []reportCharts
}

// reportCharts are the dashboard charts of one questionnaire, as printed in
// the report.
type reportCharts struct {
	Title  string
	Charts []charts.Chart
}

// buildReport assembles the report of an assessment for the organization
// (teamID 0) or one team, from the stored results of the round and of the
// organization's earlier rounds (the dashboard's roundHistory: the change
// since the previous round and the trend). It checks that the principal may
// see the team.
func (s *Server) buildReport(c *fiber.Ctx, p *store.Principal, sc *roundScope, withCharts bool) (*reportData, error) {
	ctx := c.UserContext()
	a, id, teamID := sc.a, sc.a.ID, sc.teamID
	var team *scoring.Team
	if teamID != 0 {
		team = &scoring.Team{ID: teamID, Name: sc.teamName}
	}
	full, err := s.loadRound(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	round := full.ForTeam(teamID)
	flags, err := s.contradictionsOf(ctx, p.OrgID, id, round.Questionnaires, roundTeamIDs(round))
	if err != nil {
		return nil, err
	}
	flags.attach(round)
	evidence, err := s.roundEvidence(ctx, a, nil, teamID)
	if err != nil {
		return nil, err
	}
	items, err := s.recommendations(ctx, p.OrgID, &a.Assessment, round, teamID)
	if err != nil {
		return nil, err
	}
	byKey, err := s.roundHistory(ctx, p.OrgID, id, round)
	if err != nil {
		return nil, err
	}
	hist := make([][]charts.RoundResult, len(round.Questionnaires))
	for i, q := range round.Questionnaires {
		hist[i] = byKey[q.Key]
	}
	counts, err := s.reportAnswerCounts(ctx, p.OrgID, id, teamID, round.Questionnaires)
	if err != nil {
		return nil, err
	}
	stored, err := s.planMap(ctx, p.OrgID, id, teamID)
	if err != nil {
		return nil, err
	}
	in := report.Input{
		OrgName:         p.OrgName,
		Assessment:      a.Assessment,
		Team:            team,
		Questionnaires:  round.Questionnaires,
		Results:         round.Results,
		Previous:        make([]*scoring.Result, len(round.Questionnaires)),
		Recommendations: items,
		Capacity:        a.Capacity,
		Answers:         counts,
		Plan:            stored,
		Evidence:        evidence,
		Generated:       time.Now().UTC(),
	}
	for i, h := range hist {
		if n := len(h); n >= 2 {
			in.Previous[i] = h[n-2].Result
			if in.PreviousName == "" {
				in.PreviousName = h[n-2].Name
			}
		}
	}
	r, err := report.Build(in)
	if err != nil {
		return nil, err
	}
	d := &reportData{Assessment: a, Report: r}
	if withCharts {
		d.Charts = reportChartSet(round, team, hist)
	}
	return d, nil
}

// reportAnswerCounts counts the submitted answers and the N/A ones per
// questionnaire, for one team or all.
func (s *Server) reportAnswerCounts(ctx context.Context, orgID, id, teamID int64, qs []*questionnaires.Questionnaire) ([]report.AnswerCount, error) {
	d, err := s.store.LoadScoringData(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	pos := make(map[string]int, len(qs))
	for i, q := range qs {
		pos[q.Key] = i
	}
	out := make([]report.AnswerCount, len(qs))
	for _, r := range d.Responses {
		if teamID != 0 && r.TeamID != teamID {
			continue
		}
		for _, ans := range r.Answers {
			i, ok := pos[ans.QuestionnaireKey]
			if !ok {
				continue
			}
			out[i].Total++
			if ans.NA {
				out[i].NA++
			}
		}
	}
	return out, nil
}

// reportChartSet builds the dashboard's charts for the report: per
// questionnaire the radar, gap bars, heatmap, spread and trend of the
// organization, or a team's radar against the organization and its gaps.
func reportChartSet(round *results.Round, team *scoring.Team, hist [][]charts.RoundResult) []reportCharts {
	var out []reportCharts
	for i, q := range round.Questionnaires {
		res := round.Results[i]
		if res == nil {
			continue
		}
		p := charts.CleanID("report_" + strconv.Itoa(i))
		rc := reportCharts{Title: q.Title}
		if team != nil {
			tr := res.Team(team.ID)
			if tr == nil || tr.Withheld {
				continue
			}
			rc.Charts = []charts.Chart{charts.TeamRadar(p+"_radar", q, res, tr), charts.GapBars(p+"_gaps", q, res, tr)}
		} else {
			rc.Charts = []charts.Chart{
				charts.Radar(p+"_radar", q, res),
				charts.GapBars(p+"_gaps", q, res, nil),
				charts.Heatmap(p+"_heatmap", q, res),
				charts.SpreadChart(p+"_spread", q, res),
			}
			if len(hist[i]) >= 2 {
				rc.Charts = append(rc.Charts, charts.Trend(p+"_trend", q, hist[i]))
			}
		}
		out = append(out, rc)
	}
	return out
}

// reportPage answers GET /assessments/:id/report (leaders) and
// GET /assessments/:id/teams/:team_id/report (members of the team).
func (s *Server) reportPage(c *fiber.Ctx) error {
	p := principalOf(c)
	sc, err := s.roundScopeOf(c)
	if err != nil {
		return err
	}
	id, teamID := sc.a.ID, sc.teamID
	d, err := s.buildReport(c, p, sc, true)
	if err != nil {
		return err
	}
	base := "/assessments/" + strconv.FormatInt(id, 10)
	mdURL := base + "/report.md"
	if teamID != 0 {
		mdURL = base + "/teams/" + strconv.FormatInt(teamID, 10) + "/report.md"
	}
	return s.render(c, "report/show", fiber.Map{
		"Title":         d.Report.Title,
		"Layout":        "layouts/print",
		"R":             d.Report,
		"ChartSets":     d.Charts,
		"HasCharts":     len(d.Charts) > 0,
		"AssessmentURL": base,
		"MarkdownURL":   withReadingLang(c, mdURL),
		"DownloadURL":   withReadingLang(c, mdURL+"?download=1"),
		"ExportURL":     withReadingLang(c, exportURL(id, teamID)),
		"CanImport":     p.Role.AtLeast(models.RoleAdmin),
		"Languages":     s.readingPicker(c, p.OrgID, id),
	})
}

// reportMarkdown answers GET /assessments/:id/report.md and the team's
// report.md: the report as Markdown, shown inline, or as a download with
// ?download=1.
func (s *Server) reportMarkdown(c *fiber.Ctx) error {
	sc, err := s.roundScopeOf(c)
	if err != nil {
		return err
	}
	d, err := s.buildReport(c, principalOf(c), sc, false)
	if err != nil {
		return err
	}
	disposition := inline
	if v := c.Query("download"); v != "" && v != "0" && v != "false" {
		disposition = attachment
	}
	r := d.Report
	team := ""
	if r.Team != nil {
		team = r.Team.Name
	}
	name := export.FileName(r.AssessmentName, team, export.KindReport, r.Generated, ".md")
	return sendFile(c, disposition, name, mimeMarkdown, func(w io.Writer) error { return report.Markdown(w, r) })
}

// exportURL is the workbook download of a round, or of one team.
func exportURL(id, teamID int64) string {
	u := "/assessments/" + strconv.FormatInt(id, 10) + "/export.xlsx"
	if teamID != 0 {
		u += "?team_id=" + strconv.FormatInt(teamID, 10)
	}
	return u
}
