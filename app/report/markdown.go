package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// Markdown writes the report as CommonMark with GitHub-flavoured tables (no
// charts), for wikis and pull requests. Every piece of text that comes from
// users or questionnaires is escaped, so it can neither add structure (a
// heading, a list, a table cell, a link) nor raw HTML.
func Markdown(w io.Writer, r *Report) error {
	var m md
	m.report(r)
	if _, err := w.Write(m.buf.Bytes()); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

type md struct {
	buf bytes.Buffer
}

func (m *md) line(parts ...string) {
	for _, p := range parts {
		m.buf.WriteString(p)
	}
	m.buf.WriteByte('\n')
}

func (m *md) blank() { m.buf.WriteByte('\n') }

func (m *md) heading(level int, text string) {
	m.line(strings.Repeat("#", level), " ", Escape(text))
	m.blank()
}

// para writes one paragraph of plain text.
func (m *md) para(text string) {
	if text == "" {
		return
	}
	m.line(Escape(text))
	m.blank()
}

// table writes a GFM table; right marks the columns to align right. Cells
// are plain text and escaped here.
func (m *md) table(header []string, right []bool, rows [][]string) {
	m.row(header)
	delims := make([]string, len(header))
	for i := range header {
		delims[i] = "---"
		if i < len(right) && right[i] {
			delims[i] = "---:"
		}
	}
	m.line("| ", strings.Join(delims, " | "), " |")
	for _, r := range rows {
		m.row(r)
	}
	m.blank()
}

func (m *md) row(cells []string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = Escape(c)
		if esc[i] == "" {
			esc[i] = "—"
		}
	}
	m.line("| ", strings.Join(esc, " | "), " |")
}

// strong is text in bold; it is never empty, so the delimiters always pair.
func strong(text string) string {
	e := Escape(text)
	if e == "" {
		e = "—"
	}
	return "**" + e + "**"
}

func (m *md) report(r *Report) {
	m.heading(1, r.Title)
	meta := []string{}
	if r.OrgName != "" {
		meta = append(meta, r.OrgName)
	}
	if r.Team != nil {
		meta = append(meta, "team "+r.Team.Name)
	}
	round := "round " + r.AssessmentName + " (" + r.Status
	if d := DateText(r.Started); d != "" {
		round += ", started " + d
	}
	if r.Closed != nil {
		round += ", closed " + DateText(*r.Closed)
	}
	meta = append(meta, round+")")
	if d := DateText(r.Generated); d != "" {
		meta = append(meta, "generated "+d)
	}
	m.para(strings.Join(meta, " · "))
	if r.Withheld != "" {
		m.para("This team's results are withheld: " + r.Withheld + ".")
		return
	}

	m.summary(r)
	m.delivery(r)
	m.roadmap(r)
	for _, q := range r.Questionnaires {
		m.questionnaire(r, q)
	}
	m.breakdown(r)
	m.method(r)
}

func (m *md) summary(r *Report) {
	s := r.Summary
	m.heading(2, "Executive summary")
	change := "Change"
	if s.PreviousName != "" {
		change = "Change since " + s.PreviousName
	}
	rows := make([][]string, 0, len(s.Overall))
	for _, o := range s.Overall {
		rows = append(rows, []string{o.Title, o.LevelText(), o.ScoreText(), o.PercentText(), o.ChangeText()})
	}
	m.table([]string{"Questionnaire", "Overall level", "Score", "To target", change}, []bool{false, false, true, true, false}, rows)
	for _, o := range s.Overall {
		switch {
		case !o.Computed:
			m.line(strong(o.Title), " has no results yet.")
		case o.Level == nil:
			m.line(strong(o.Title), " has no level yet: no team answered it.")
		default:
			m.line(strong(o.Title), " — ", Escape(fmt.Sprintf("overall level %d%s. %s", *o.Level, nameSuffix(o.LevelName), o.Meaning)))
		}
		m.blank()
	}

	m.heading(3, "Largest gaps")
	if len(s.Gaps) == 0 {
		m.para("No dimension is below its target.")
	} else {
		rows = rows[:0]
		for i, g := range s.Gaps {
			rows = append(rows, []string{strconv.Itoa(i + 1), g.DimensionTitle, g.QuestionnaireTitle, g.LevelText(),
				strconv.Itoa(g.Target), strconv.Itoa(g.Gap), g.WeightText(), g.WeightedText()})
		}
		m.table([]string{"#", "Dimension", "Questionnaire", "Level", "Target", "Gap", "Weight", "Gap × weight"},
			[]bool{true, false, false, false, true, true, true, true}, rows)
	}

	m.heading(3, "First steps")
	if len(s.FirstSteps) == 0 {
		m.para("Nothing to recommend: every measured dimension is at or above its target.")
	} else {
		for i, it := range s.FirstSteps {
			m.line(strconv.Itoa(i+1), ". ", strong(it.Title), " — ", Escape(it.DimensionName()+" "+it.Levels()+" · "+it.Facts()))
			m.line("   Why: ", Escape(it.Why))
		}
		m.blank()
	}
	m.para(s.Plan)

	m.heading(3, "Confidence")
	m.para(s.Confidence.Paragraph)
}

func (m *md) roadmap(r *Report) {
	m.heading(2, "Roadmap")
	m.para(fmt.Sprintf("Each phase is filled in rank order up to an effort of %d. A recommendation never comes before one it requires, "+
		"nor before an earlier step of its own dimension; what does not fit waits for the next phase.", r.Method.Capacity))
	for _, p := range r.Roadmap {
		m.heading(3, p.Title+" ("+p.EffortText()+")")
		if len(p.Items) == 0 {
			m.para("Nothing in this phase.")
			continue
		}
		if r.Planned {
			m.para("Plan: " + p.ProgressText() + ".")
		}
		header := []string{"Rank", "Recommendation", "Dimension", "Levels", "Impact", "Effort", "Priority", "Quick win"}
		right := []bool{true, false, false, false, true, true, true, false}
		if r.Planned {
			header = append(header, "Status", "Owner", "Quarter")
			right = append(right, false, false, false)
		}
		rows := make([][]string, 0, len(p.Items))
		for _, it := range p.Items {
			qw := ""
			if it.QuickWin {
				qw = "yes"
			}
			row := []string{strconv.Itoa(it.Rank), it.Title, it.DimensionName(), it.Levels(),
				strconv.Itoa(it.Impact), strconv.Itoa(it.Effort), it.PriorityText(), qw}
			if r.Planned {
				row = append(row, it.StatusText(), it.Plan.Owner, it.Plan.Quarter)
			}
			rows = append(rows, row)
		}
		m.table(header, right, rows)
	}
}

func (m *md) questionnaire(r *Report, q QuestionnaireSection) {
	m.heading(2, q.Title+": dimensions")
	if !q.Computed {
		m.para("This questionnaire has no results yet.")
		return
	}
	if len(q.Areas) > 0 {
		m.heading(3, "Areas")
		rows := make([][]string, len(q.Areas))
		for i, a := range q.Areas {
			rows[i] = []string{a.Title, a.Dimensions, a.Level, a.Score}
		}
		m.table([]string{"Area", "Dimensions", "Level", "Score"}, []bool{false, false, false, true}, rows)
	}
	for _, d := range q.Dimensions {
		m.heading(3, d.Title)
		if d.Description != "" {
			m.para(d.Description)
		}
		m.table([]string{"Level", "Score", "Target", "Gap", "Weight"}, []bool{false, true, true, true, true},
			[][]string{{d.LevelText(), d.ScoreText(), strconv.Itoa(d.Target), d.GapText(), d.WeightText()}})
		label := "Where the organization is: "
		if r.Team != nil {
			label = "Where the team is: "
		}
		m.line(strong(strings.TrimSuffix(label, " ")), " ", Escape(d.Where))
		m.blank()
		if d.NextText != "" {
			m.line(strong("What the next level looks like:"), " ", Escape(d.NextText))
			m.blank()
		}
		if len(d.Blocking) > 0 {
			m.line(strong("Blocking questions."), " ", Escape(d.BlockingText))
			m.blank()
			for _, bq := range d.Blocking {
				m.line("- ", Escape(bq.Text), " (", Escape(bq.Label()), ")")
			}
			m.blank()
		} else if d.BlockingText != "" {
			m.line(strong("Blocking questions."), " ", Escape(d.BlockingText))
			m.blank()
		}
		spread := "Spread across teams:"
		if r.Team != nil {
			spread = "Spread within the team:"
		}
		m.line(strong(spread), " ", Escape(d.Spread.Text))
		m.blank()
		if len(d.Recommendations) == 0 {
			if d.Gap != nil && *d.Gap > 0 {
				m.line(strong("Recommendations:"), " none in the questionnaire for this gap.")
			} else {
				m.line(strong("Recommendations:"), " none, the dimension is at or above its target.")
			}
			m.blank()
			continue
		}
		m.line(strong("Recommendations:"))
		m.blank()
		for _, it := range d.Recommendations {
			m.line("- ", strong(it.Title), " (", Escape(fmt.Sprintf("rank %d · level %s · %s", it.Rank, it.Levels(), it.Facts())), ")")
			m.blank()
			m.line("  ", Escape(it.Detail))
			m.blank()
			m.line("  Why: ", Escape(it.Why))
			m.blank()
			if pt := it.PlanText(); pt != "" {
				m.line("  Plan: ", Escape(pt))
				m.blank()
			}
		}
	}
	if len(q.Measures) > 0 {
		m.heading(3, "Measured answers")
		m.para(measuresNote)
		rows := make([][]string, len(q.Measures))
		for i, l := range q.Measures {
			rows[i] = []string{l.Question, l.Result}
		}
		m.table([]string{"Question", "Result"}, []bool{false, false}, rows)
	}
}

func (m *md) breakdown(r *Report) {
	m.heading(2, "Team breakdown")
	m.para("Each cell is the team's level in the dimension, with the gap to the target when there is one; " +
		"! marks respondents of the team two or more levels apart; — means no level.")
	if len(r.Breakdown) == 0 {
		m.para("No results yet.")
	}
	for _, b := range r.Breakdown {
		m.heading(3, b.Title)
		header := []string{"Team", "Respondents", "Overall"}
		right := []bool{false, true, true}
		for _, c := range b.Columns {
			header = append(header, fmt.Sprintf("%s (target %d)", c.Title, c.Target))
			right = append(right, false)
		}
		if b.Note != "" {
			m.para(b.Note)
		}
		rows := make([][]string, 0, len(b.Rows))
		for _, row := range b.Rows {
			if row.Withheld != "" {
				cells := make([]string, len(header))
				cells[0], cells[1] = row.Name, row.Withheld
				rows = append(rows, cells)
				continue
			}
			cells := []string{row.Name, row.RespondentsText(), row.OverallText()}
			for _, c := range row.Cells {
				if c.Disagreement {
					cells = append(cells, c.Text()+" !")
				} else {
					cells = append(cells, c.Text())
				}
			}
			rows = append(rows, cells)
		}
		m.table(header, right, rows)
	}
}

func (m *md) method(r *Report) {
	mt := r.Method
	m.heading(2, "Method")
	for _, p := range mt.Paragraphs {
		m.para(p)
	}
	m.heading(3, "Questionnaires")
	rows := make([][]string, 0, len(mt.Questionnaires))
	for _, q := range mt.Questionnaires {
		rows = append(rows, []string{q.Title, q.Key, q.Version, q.Hash, q.ScaleText(), q.PassRatioText()})
	}
	m.table([]string{"Questionnaire", "Key", "Version", "Content hash (SHA-256)", "Scale", "Pass ratio"},
		[]bool{false, false, false, false, false, true}, rows)
	for _, q := range mt.Questionnaires {
		m.para("Scoring of " + q.Title + ": " + q.ScoringText() + ".")
		if p := q.Provenance(); p != "" {
			m.para(p)
		}
	}
	m.heading(3, "Weights and targets")
	rows = rows[:0]
	for _, q := range mt.Questionnaires {
		for _, d := range q.Dimensions {
			rows = append(rows, []string{q.Title, d.Title, d.WeightText(), strconv.Itoa(d.Target)})
		}
	}
	m.table([]string{"Questionnaire", "Dimension", "Weight", "Target"}, []bool{false, false, true, true}, rows)
	m.para(fmt.Sprintf("Default target %d; effort per phase %d. Report generated on %s.", mt.DefaultTarget, mt.Capacity, DateText(mt.Generated)))
}

// Escape makes plain text safe to place inline in CommonMark: on one line
// (line breaks and tabs become spaces, runs of spaces shrink to one, other
// control characters are dropped), with every character that could start
// inline structure backslash-escaped (\ ` * _ [ ] < > | ~ & @, and the : of
// "://" and the . of "www." that GFM would turn into links), and a leading
// character that could start a block (a heading's #, a list's -, + or
// number, a thematic break, a setext underline) escaped too. The result reads as the same text once rendered.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	space := false
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == 0:
			r = '\uFFFD'
		case r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f' || unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '@':
			b.WriteByte('\\')
		case ':':
			if i+2 < len(rs) && rs[i+1] == '/' && rs[i+2] == '/' {
				b.WriteByte('\\')
			}
		case '.':
			if i >= 3 && strings.EqualFold(string(rs[i-3:i]), "www") {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	out := b.String()
	if out == "" {
		return out
	}
	switch c := out[0]; {
	case c == '#':
		return `\` + out
	case c == '-' || c == '+' || c == '=':
		// A list item, a thematic break or a setext underline.
		if len(out) == 1 || out[1] == ' ' || out[1] == c {
			return `\` + out
		}
	}
	// "12. text" or "3) text" would start an ordered list.
	i := 0
	for i < len(out) && i < 10 && out[i] >= '0' && out[i] <= '9' {
		i++
	}
	if i > 0 && i < len(out) && (out[i] == '.' || out[i] == ')') && (i+1 == len(out) || out[i+1] == ' ') {
		return out[:i] + `\` + out[i:]
	}
	return out
}
