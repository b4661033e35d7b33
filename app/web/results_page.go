package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// resultTable is one questionnaire's results shaped for the tables page.
type resultTable struct {
	Q      *questionnaires.Questionnaire
	R      *scoring.Result
	Likert bool
	Dims   []resultDim
	Teams  []resultTeam
	// OrgNote says what an anonymous round's organization figures leave out.
	OrgNote string
}

type resultDim struct {
	scoring.DimensionResult
	Spread *int
}

type resultTeam struct {
	scoring.TeamResult
	Cells []scoring.TeamDimension // in the questionnaire's dimension order
	Note  string                  // a withheld team's "not enough responses (n of m)"
}

func buildResultTables(qs []*questionnaires.Questionnaire, rs []*scoring.Result) []resultTable {
	out := make([]resultTable, 0, len(rs))
	for i, r := range rs {
		if r == nil {
			continue
		}
		t := resultTable{Q: qs[i], R: r, Likert: qs[i].Scale == questionnaires.ScaleLikert, OrgNote: orgNote(r)}
		for _, d := range r.Dimensions {
			row := resultDim{DimensionResult: d}
			if d.Distribution.Min != nil && d.Distribution.Max != nil {
				spread := *d.Distribution.Max - *d.Distribution.Min
				row.Spread = &spread
			}
			t.Dims = append(t.Dims, row)
		}
		for _, tr := range r.Teams {
			byKey := make(map[string]scoring.TeamDimension, len(tr.Dimensions))
			for _, td := range tr.Dimensions {
				byKey[td.Key] = td
			}
			row := resultTeam{TeamResult: tr, Note: withheldText(r, &tr)}
			for _, d := range r.Dimensions {
				row.Cells = append(row.Cells, byKey[d.Key])
			}
			t.Teams = append(t.Teams, row)
		}
		out = append(out, t)
	}
	return out
}

// resultsPage shows an assessment's results as tables (?team_id=ID: one team).
func (s *Server) resultsPage(c *fiber.Ctx) error {
	sc, err := s.roundScopeOf(c)
	if err != nil {
		return err
	}
	round, err := s.scopedRound(c, principalOf(c), sc)
	if err != nil {
		return err
	}
	title := "Results · " + sc.a.Name
	if sc.teamID != 0 {
		title = "Results of " + sc.teamName + " · " + sc.a.Name
	}
	fresh, err := s.freshnessView(c.UserContext(), principalOf(c).OrgID, sc.a.ID)
	if err != nil {
		return err
	}
	langs := s.readingPicker(c, principalOf(c).OrgID, sc.a.ID)
	for i := range langs {
		if sc.teamID != 0 {
			langs[i].Href += "&team_id=" + strconv.FormatInt(sc.teamID, 10)
		}
	}
	return s.render(c, "results/index", fiber.Map{
		"Title": title, "Assessment": sc.a, "TeamID": sc.teamID, "TeamName": sc.teamName,
		"Tables": buildResultTables(round.Questionnaires, round.Results), "Freshness": fresh, "Languages": langs,
	})
}
