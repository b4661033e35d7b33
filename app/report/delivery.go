package report

import (
	"net/url"
	"strings"
)

// Facts beside opinions: the answers a team's measured delivery
// contradicts, and the evidence respondents linked to their answers.

// ContradictionLine is an answer that a team's measured delivery
// contradicts (see scoring.Contradictions); Text states both facts.
type ContradictionLine struct {
	Team          string
	Questionnaire string // title
	Question      string // text
	Text          string
}

// Evidence is a link a respondent gave to back an answer up.
type Evidence struct {
	Team             string
	QuestionnaireKey string
	QuestionKey      string
	URL              string // http or https, checked when it was saved
	Note             string
}

// EvidenceLine is one piece of evidence in the report, with the
// question's text.
type EvidenceLine struct {
	Team     string
	Question string
	URL      string
	Note     string
}

// LinkText is what the link shows: the note, else the address.
func (e EvidenceLine) LinkText() string {
	if e.Note != "" {
		return e.Note
	}
	return e.URL
}

// contradictions lists the flags that the web layer set on the results'
// teams (the report's team only, in a team report), by questionnaire and
// team in the order of the results.
func (b *builder) contradictions() []ContradictionLine {
	var out []ContradictionLine
	for i, res := range b.in.Results {
		if res == nil {
			continue
		}
		q := b.in.Questionnaires[i]
		for _, t := range res.Teams {
			if t.Withheld || (b.in.Team != nil && t.ID != b.in.Team.ID) {
				continue
			}
			for _, c := range t.Contradictions {
				out = append(out, ContradictionLine{Team: t.Name, Questionnaire: q.Title, Question: questionText(q, c.Question), Text: c.Text})
			}
		}
	}
	return out
}

// evidence lists the evidence of the input in questionnaire and question
// order, then by team.
func (b *builder) evidence() []EvidenceLine {
	var out []EvidenceLine
	for _, q := range b.in.Questionnaires {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				for _, e := range b.in.Evidence {
					if e.QuestionnaireKey == q.Key && e.QuestionKey == qu.Key {
						out = append(out, EvidenceLine{Team: e.Team, Question: qu.Text, URL: e.URL, Note: e.Note})
					}
				}
			}
		}
	}
	return out
}

func (m *md) delivery(r *Report) {
	if len(r.Contradictions) > 0 {
		m.heading(2, "Answers the delivery data contradicts")
		m.para("These answers are two or more levels away from the level that the team's measured delivery stands for.")
		rows := make([][]string, len(r.Contradictions))
		for i, c := range r.Contradictions {
			rows[i] = []string{c.Team, c.Question, c.Text}
		}
		m.table([]string{"Team", "Question", "Answer and measurement"}, nil, rows)
	}
	if len(r.Evidence) > 0 {
		m.heading(2, "Evidence")
		m.para("Links that respondents gave to back their answers up.")
		for _, e := range r.Evidence {
			m.line("- ", Escape(e.Team), ", ", Escape(e.Question), ": [", Escape(e.LinkText()), "](<", markdownURL(e.URL), ">)")
		}
		m.blank()
	}
}

// markdownURL writes a saved evidence address as a Markdown link
// destination: its characters that could end the destination or open
// markup are percent-encoded, and anything that is not http or https (never
// saved, but the report does not rely on that) becomes "#".
func markdownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "#"
	}
	return strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "(", "%28", ")", "%29", "[", "%5B", "]", "%5D", "`", "%60", "\\", "%5C", "\n", "", "\r", "").Replace(raw)
}
