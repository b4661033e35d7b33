package web

import (
	"github.com/gofiber/fiber/v2"

	"context"

	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/questionnaires"
)

// roundFlags holds a round's contradiction flags by questionnaire key and
// team id.
type roundFlags map[string]map[int64][]scoring.Contradiction

// measureRefs lists the questions of qs tied to a delivery metric.
func measureRefs(qs []*questionnaires.Questionnaire) []store.QuestionRef {
	var refs []store.QuestionRef
	for _, q := range qs {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				if qu.Measure != nil {
					refs = append(refs, store.QuestionRef{Questionnaire: q.Key, Question: qu.Key})
				}
			}
		}
	}
	return refs
}

// contradictionsOf compares the answers of the teams in teamIDs to the
// round's questions tied to delivery metrics with what measuredFor says of
// each team. It reads no answers when no question carries a measure or no
// team has measured data.
func (s *Server) contradictionsOf(ctx context.Context, orgID, assessmentID int64, qs []*questionnaires.Questionnaire, teamIDs []int64) (roundFlags, error) {
	refs := measureRefs(qs)
	if len(refs) == 0 || len(teamIDs) == 0 {
		return nil, nil
	}
	measured, err := s.measuredFor(ctx, orgID, teamIDs)
	if err != nil {
		return nil, err
	}
	var withData []int64
	for _, id := range teamIDs {
		if len(measured[id]) > 0 {
			withData = append(withData, id)
		}
	}
	if len(withData) == 0 {
		return nil, nil
	}
	rows, err := s.store.AnsweredLevels(ctx, orgID, assessmentID, withData, refs)
	if err != nil {
		return nil, err
	}
	levels := map[int64]map[string]map[string][]int{} // team -> questionnaire -> question -> levels
	for _, r := range rows {
		byQ := levels[r.TeamID]
		if byQ == nil {
			byQ = map[string]map[string][]int{}
			levels[r.TeamID] = byQ
		}
		if byQ[r.QuestionnaireKey] == nil {
			byQ[r.QuestionnaireKey] = map[string][]int{}
		}
		byQ[r.QuestionnaireKey][r.QuestionKey] = append(byQ[r.QuestionnaireKey][r.QuestionKey], r.Level)
	}
	out := roundFlags{}
	for _, id := range withData {
		for _, q := range qs {
			flags := scoring.Contradictions(q, levels[id][q.Key], measured[id])
			if len(flags) == 0 {
				continue
			}
			if out[q.Key] == nil {
				out[q.Key] = map[int64][]scoring.Contradiction{}
			}
			out[q.Key][id] = flags
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// roundTeamIDs lists the teams of a round's results that are shown: not
// withheld, in the order of the results.
func roundTeamIDs(round *results.Round) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, r := range round.Results {
		if r == nil {
			continue
		}
		for _, t := range r.Teams {
			if !t.Withheld && !seen[t.ID] {
				seen[t.ID] = true
				ids = append(ids, t.ID)
			}
		}
	}
	return ids
}

// attach sets the flags on the teams of round, on copies of its team
// lists (loaded results are shared), and never on a withheld team.
func (f roundFlags) attach(round *results.Round) {
	if len(f) == 0 {
		return
	}
	for i, r := range round.Results {
		byTeam := f[round.Questionnaires[i].Key]
		if r == nil || len(byTeam) == 0 {
			continue
		}
		c := *r
		c.Teams = append([]scoring.TeamResult(nil), r.Teams...)
		for j := range c.Teams {
			if t := &c.Teams[j]; !t.Withheld {
				t.Contradictions = byTeam[t.ID]
			}
		}
		round.Results[i] = &c
	}
}

// contradictionLine is one flag as pages show it.
type contradictionLine struct {
	Team     string
	Question string // the question's text
	Text     string
}

// contradictionLines lists the flags of a round for pages, by
// questionnaire and team in the order of the results.
func contradictionLines(round *results.Round, f roundFlags) []contradictionLine {
	var out []contradictionLine
	for i, q := range round.Questionnaires {
		r := round.Results[i]
		if r == nil {
			continue
		}
		for _, t := range r.Teams {
			if t.Withheld {
				continue
			}
			out = append(out, questionLines(q, t.Name, f[q.Key][t.ID])...)
		}
	}
	return out
}

// resultFlags are the contradiction flags of a round's teams that the
// caller may see (teamID: that team only). Results carry them on each team
// ("contradictions"); the stored results are served as they are only
// when there is none.
func (s *Server) resultFlags(c *fiber.Ctx, a *store.AssessmentInfo, teamID int64) (roundFlags, error) {
	ctx := c.UserContext()
	var ids []int64
	if teamID != 0 {
		ids = []int64{teamID}
	} else {
		acc, err := s.accessOf(c)
		if err != nil {
			return nil, err
		}
		for _, t := range a.Teams {
			if acc.CanSee(t.ID) {
				ids = append(ids, t.ID)
			}
		}
	}
	qs, err := s.pinnedQuestionnaires(ctx, a.Questionnaires)
	if err != nil {
		return nil, err
	}
	return s.contradictionsOf(ctx, a.OrgID, a.ID, qs, ids)
}

// contradictionsCard is what views/partials/contradictions.html shows: the
// flags, with their team's name when ShowTeam, under a heading with ID.
type contradictionsCard struct {
	ID       string
	ShowTeam bool
	Lines    []contradictionLine
}

// questionLines turns one team's flags into lines with the questions' texts.
func questionLines(q *questionnaires.Questionnaire, team string, flags []scoring.Contradiction) []contradictionLine {
	var out []contradictionLine
	for _, c := range flags {
		text := c.Question
		if _, qu, ok := q.Question(c.Question); ok {
			text = qu.Text
		}
		out = append(out, contradictionLine{Team: team, Question: text, Text: c.Text})
	}
	return out
}

// hasMeasured reports whether any team of the round has measured delivery
// data and a questionnaire of the round ties a question to it: then pages
// that show flags cannot be cached by the snapshots' versions alone. A
// failure to ask counts as yes (nothing cached, the page reports it).
func (s *Server) hasMeasured(ctx context.Context, orgID int64, a *store.AssessmentInfo) bool {
	qs, err := s.pinnedQuestionnaires(ctx, a.Questionnaires)
	if err != nil {
		return true
	}
	if len(measureRefs(qs)) == 0 {
		return false
	}
	ids := make([]int64, len(a.Teams))
	for i, t := range a.Teams {
		ids[i] = t.ID
	}
	m, err := s.measuredFor(ctx, orgID, ids)
	return err != nil || len(m) > 0
}
