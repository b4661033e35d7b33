package web

import (
	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/export"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// commentLine is one comment as the comments page shows it.
type commentLine struct {
	Team, Answer, Comment string
	Evidence              *evidenceLine // nil: none
}

type commentQuestion struct {
	Text  string
	Lines []commentLine
}

type commentDimension struct {
	Title     string
	Questions []commentQuestion
}

type commentQuestionnaire struct {
	Title      string
	Dimensions []commentDimension
}

// groupComments orders comments by questionnaire, dimension and question of
// the pinned definitions, leaving out questions without comments.
func groupComments(qs []*questionnaires.Questionnaire, rows []store.CommentRow) []commentQuestionnaire {
	byQuestion := map[[2]string][]store.CommentRow{}
	for _, r := range rows {
		k := [2]string{r.QuestionnaireKey, r.QuestionKey}
		byQuestion[k] = append(byQuestion[k], r)
	}
	var out []commentQuestionnaire
	for _, q := range qs {
		cq := commentQuestionnaire{Title: q.Title}
		for _, d := range q.Dimensions {
			cd := commentDimension{Title: d.Title}
			for _, qu := range d.Questions {
				rs := byQuestion[[2]string{q.Key, qu.Key}]
				if len(rs) == 0 {
					continue
				}
				cqu := commentQuestion{Text: qu.Text}
				for _, r := range rs {
					line := commentLine{Team: r.TeamName, Answer: answerLabel(qu, r), Comment: r.Comment, Evidence: commentEvidence(r)}
					if r.Text != nil && *r.Text != "" {
						line.Answer, line.Comment = export.WrittenAnswer, *r.Text
					}
					cqu.Lines = append(cqu.Lines, line)
				}
				cd.Questions = append(cd.Questions, cqu)
			}
			if len(cd.Questions) > 0 {
				cq.Dimensions = append(cq.Dimensions, cd)
			}
		}
		if len(cq.Dimensions) > 0 {
			out = append(out, cq)
		}
	}
	return out
}

// answerLabel is the text of one answer: the option's label, the agreement
// label, or N/A.
func answerLabel(qu questionnaires.Question, r store.CommentRow) string {
	switch {
	case r.NA:
		return "N/A"
	case r.OptionKey != nil:
		for _, o := range qu.Options {
			if o.Key == *r.OptionKey {
				return o.Label
			}
		}
		return *r.OptionKey
	case r.Value != nil:
		return questionnaires.LikertLabel(*r.Value)
	}
	return "—"
}

// commentsPage lists the respondents' comments of a round by dimension and
// question, for the teams the principal may see (?team_id= keeps one).
func (s *Server) commentsPage(c *fiber.Ctx) error {
	p := principalOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.store.Assessment(c.UserContext(), p.OrgID, id)
	if err != nil {
		return err
	}
	teamID, err := queryID(c, "team_id")
	if err != nil {
		return err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return err
	}
	if teamID != 0 {
		if !a.HasTeam(teamID) {
			return apperr.Errorf(apperr.ENotFound, "This team does not take part in the round.")
		}
		if err := acc.checkSee(teamID); err != nil {
			return err
		}
	}
	var teams []models.Team
	for _, t := range a.Teams {
		if acc.CanSee(t.ID) {
			teams = append(teams, t)
		}
	}
	rows, err := s.store.Comments(c.UserContext(), p.OrgID, a.ID, acc.Visible(), teamID)
	if err != nil {
		return err
	}
	qs, err := s.pinnedQuestionnaires(c.UserContext(), a.Questionnaires)
	if err != nil {
		return err
	}
	var withheld []string
	if a.Anonymous() {
		d, err := s.rawDecision(c.UserContext(), a)
		if err != nil {
			return err
		}
		rows, withheld = anonymousComments(teams, a.MinGroup, teamID, d, rows)
	}
	return s.render(c, "comments/index", fiber.Map{
		"Title": "Comments · " + a.Name, "A": a, "Teams": teams, "TeamID": teamID,
		"Groups": groupComments(qs, rows), "Count": len(rows), "Withheld": withheld, "Anonymous": a.Anonymous(),
	})
}
