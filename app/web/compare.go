package web

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// compareDim is one dimension of two rounds side by side; previous values
// are null when the other round has no result for it.
type compareDim struct {
	Key           string   `json:"key"`
	Title         string   `json:"-"`
	Level         *int     `json:"level"`
	PreviousLevel *int     `json:"previous_level"`
	Score         *float64 `json:"score"`
	PreviousScore *float64 `json:"previous_score"`
}

// LevelChange is the signed change in levels for people, "—" when either
// side has no level.
func (d compareDim) LevelChange() string {
	if d.Level == nil || d.PreviousLevel == nil {
		return "—"
	}
	return signed(float64(*d.Level - *d.PreviousLevel))
}

// ScoreChange is the signed change of score, "—" when either side has none.
func (d compareDim) ScoreChange() string {
	if d.Score == nil || d.PreviousScore == nil {
		return "—"
	}
	return signed(*d.Score - *d.PreviousScore)
}

func signed(v float64) string {
	switch s := trimFloat(v); {
	case v > 0:
		return "+" + s
	case v < 0:
		return "−" + strings.TrimPrefix(s, "-")
	default:
		return s
	}
}

type compareTeam struct {
	ID         int64        `json:"id"`
	Name       string       `json:"name"`
	Dimensions []compareDim `json:"dimensions"`
	// Withheld and PreviousWithheld say, in an anonymous round, that the
	// team has too few responses in this round or in the other one: it
	// then shows nothing of that round.
	Withheld         string `json:"withheld,omitempty"`
	PreviousWithheld string `json:"previous_withheld,omitempty"`
}

type compareQuestionnaire struct {
	Key        string                        `json:"key"`
	Q          *questionnaires.Questionnaire `json:"-"`
	InBoth     bool                          `json:"-"`
	Dimensions []compareDim                  `json:"dimensions"`
	Teams      []compareTeam                 `json:"teams"`
}

// compareRounds sets the stored results of cur beside those of prev (nil:
// no other round), questionnaire by questionnaire of cur.
func compareRounds(cur, prev *results.Round) []compareQuestionnaire {
	prevByKey := map[string]*scoring.Result{}
	if prev != nil {
		for i, q := range prev.Questionnaires {
			if prev.Results[i] != nil {
				prevByKey[q.Key] = prev.Results[i]
			}
		}
	}
	out := make([]compareQuestionnaire, 0, len(cur.Questionnaires))
	for i, q := range cur.Questionnaires {
		res, old := cur.Results[i], prevByKey[q.Key]
		cq := compareQuestionnaire{Key: q.Key, Q: q, InBoth: old != nil, Dimensions: []compareDim{}, Teams: []compareTeam{}}
		for _, d := range q.Dimensions {
			cq.Dimensions = append(cq.Dimensions, compareDimension(d, orgLevelScore(res.Dimension(d.Key)), orgLevelScore(old.Dimension(d.Key))))
		}
		if res != nil {
			for j := range res.Teams {
				t := &res.Teams[j]
				ct := compareTeam{ID: t.ID, Name: t.Name, Dimensions: []compareDim{}}
				if t.Withheld {
					ct.Withheld = withheldText(res, t)
					cq.Teams = append(cq.Teams, ct)
					continue
				}
				ot := old.Team(t.ID)
				if ot != nil && ot.Withheld {
					ct.PreviousWithheld = withheldText(old, ot)
					ot = nil
				}
				for _, d := range q.Dimensions {
					ct.Dimensions = append(ct.Dimensions, compareDimension(d, teamLevelScore(t.Dimension(d.Key)), teamLevelScore(ot.Dimension(d.Key))))
				}
				cq.Teams = append(cq.Teams, ct)
			}
		}
		out = append(out, cq)
	}
	return out
}

// compareDimension sets one dimension's level and score beside its previous
// ones; a side without a result stays null.
func compareDimension(d questionnaires.Dimension, cur, prev levelScore) compareDim {
	return compareDim{Key: d.Key, Title: d.Title, Level: cur.Level, Score: cur.Score, PreviousLevel: prev.Level, PreviousScore: prev.Score}
}

// levelScore is the level and score of one result in one dimension.
type levelScore struct {
	Level *int
	Score *float64
}

func orgLevelScore(d *scoring.DimensionResult) levelScore {
	if d == nil {
		return levelScore{}
	}
	return levelScore{d.Level, d.Score}
}

func teamLevelScore(d *scoring.TeamDimension) levelScore {
	if d == nil {
		return levelScore{}
	}
	return levelScore{d.Level, d.Score}
}

// comparison is a round compared with another of the organization.
type comparison struct {
	A              *store.AssessmentInfo
	With           *store.AssessmentSummary // nil: no other round
	Rounds         []store.AssessmentSummary
	Questionnaires []compareQuestionnaire
}

// compareOf loads the round of :id and the round of ?with= (by default the
// most recent round created before it), with the teams the principal may
// see, from the stored results only.
func (s *Server) compareOf(c *fiber.Ctx) (*comparison, error) {
	p := principalOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	a, err := s.store.Assessment(c.UserContext(), p.OrgID, id)
	if err != nil {
		return nil, err
	}
	withID, err := queryID(c, "with")
	if err != nil {
		return nil, err
	}
	if withID == id {
		return nil, apperr.Field("with", "Choose another round to compare with.")
	}
	list, err := s.store.Assessments(c.UserContext(), p.OrgID)
	if err != nil {
		return nil, err
	}
	out := &comparison{A: a}
	seenSelf := false
	for i := range list {
		r := list[i]
		if r.ID == id {
			seenSelf = true
			continue
		}
		out.Rounds = append(out.Rounds, r)
		if (withID == 0 && seenSelf && out.With == nil) || r.ID == withID {
			out.With = &out.Rounds[len(out.Rounds)-1]
		}
	}
	if withID != 0 && out.With == nil {
		return nil, apperr.NotFound("assessment")
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return nil, err
	}
	cur, err := results.Load(c.UserContext(), s.store, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	cur = cur.ForTeam(0)
	acc.keepVisible(cur)
	var prev *results.Round
	if out.With != nil {
		if prev, err = results.Load(c.UserContext(), s.store, p.OrgID, out.With.ID); err != nil {
			return nil, err
		}
		prev = prev.ForTeam(0)
		acc.keepVisible(prev)
	}
	out.Questionnaires = compareRounds(cur, prev)
	return out, nil
}

func (s *Server) apiCompare(c *fiber.Ctx) error {
	cmp, err := s.compareOf(c)
	if err != nil {
		return err
	}
	var with any
	if cmp.With != nil {
		with = fiber.Map{"id": cmp.With.ID, "name": cmp.With.Name}
	}
	return c.JSON(fiber.Map{
		"assessment":     fiber.Map{"id": cmp.A.ID, "name": cmp.A.Name},
		"with":           with,
		"questionnaires": cmp.Questionnaires,
	})
}

func (s *Server) comparePage(c *fiber.Ctx) error {
	cmp, err := s.compareOf(c)
	if err != nil {
		return err
	}
	title := "Compare " + cmp.A.Name
	if cmp.With != nil {
		title = fmt.Sprintf("%s compared with %s", cmp.A.Name, cmp.With.Name)
	}
	return s.render(c, "compare/show", fiber.Map{
		"Title": title, "A": cmp.A, "With": cmp.With, "Rounds": cmp.Rounds, "Questionnaires": cmp.Questionnaires,
		"CanLead": principalOf(c).Role.AtLeast(models.RoleLeader),
	})
}
