package report

import (
	"fmt"
	"strings"

	"gapmap/app/measures"
	"gapmap/app/scoring"
	"gapmap/app/wording"
)

// MeasureLine is one nps or number question of a questionnaire section
// with what the answers of the report's scope (the organization, or its
// team) say.
type MeasureLine struct {
	Question string // the question's text
	Result   string // one sentence: the score or the quartiles
}

// measuresNote introduces the measured answers in both renderings.
const measuresNote = "These questions are not scored into levels: they report what respondents answered."

// MeasuresNote is measuresNote for the HTML template.
func (QuestionnaireSection) MeasuresNote() string { return measuresNote }

// MeasureLines lists the measured questions of a result for the
// organization, or for team when it is set (a withheld team has none).
func MeasureLines(res *scoring.Result, team *scoring.TeamResult) []MeasureLine {
	if res.Measures == nil || (team != nil && team.Withheld) {
		return nil
	}
	got := res.Measures.Organization
	if team != nil {
		got = team.Measures
	}
	out := make([]MeasureLine, 0, len(res.Measures.Questions))
	for _, q := range res.Measures.Questions {
		m := measures.Measure{Question: q.Key, Type: q.Type}
		for _, g := range got {
			if g.Question == q.Key {
				m = g
			}
		}
		out = append(out, MeasureLine{Question: q.Text, Result: measureText(q, m)})
	}
	return out
}

// measureText says what one measure's answers come to, in a sentence.
func measureText(q measures.Question, m measures.Measure) string {
	if m.N == 0 {
		return "No answers yet."
	}
	switch {
	case m.NPS != nil && m.NPS.Score != nil:
		n := m.NPS
		return fmt.Sprintf("NPS %s: %s, %s and %s of %s.", signed(*n.Score),
			wording.CountOf(n.Promoters, "promoter", "promoters"), wording.CountOf(n.Passives, "passive", "passives"),
			wording.CountOf(n.Detractors, "detractor", "detractors"), wording.CountOf(m.N, "answer", "answers"))
	case m.Number != nil && m.Number.Median != nil:
		x := m.Number
		unit := ""
		if q.Unit != "" {
			unit = " " + q.Unit
		}
		return fmt.Sprintf("Median %s%s; half of the answers lie between %s and %s, all between %s and %s (%s).",
			num(x.Median), unit, num(x.P25), num(x.P75), num(x.Min), num(x.Max), wording.CountOf(m.N, "answer", "answers"))
	}
	return "No answers yet."
}

func signed(v float64) string {
	s := wording.Number(v)
	if v > 0 {
		s = "+" + s
	}
	return strings.Replace(s, "-", "−", 1)
}

func num(v *float64) string {
	if v == nil {
		return "—"
	}
	return wording.Number(*v)
}
