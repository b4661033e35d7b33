package export

import (
	"slices"

	"github.com/xuri/excelize/v2"

	"gapmap/questionnaires"
)

// SheetComments lists the respondents' comments by questionnaire,
// dimension and question.
const SheetComments = "Comments"

// WrittenAnswer stands in the Answer column of the Comments sheet for an
// answer to a text question, whose words fill the Comment column.
const WrittenAnswer = "Written answer"

// commentLine is one comment of the Comments sheet with its sort keys.
type commentLine struct {
	qPos, question int
	team           string
	text           answerText
	comment        string
	evidence       [2]string // link and note
}

// writeCommentsSheet lists every answer of wb.Responses that has a comment
// or evidence (a link, written as a hyperlink, and its note), and every
// answer to a text question (its text in the Comment column): in
// questionnaire and question order, teams in the order of the source.
func writeCommentsSheet(f *excelize.File, st *styles, wb *Workbook, lines []commentLine) error {
	// Widths before the rows (the stream writer takes them first): Team
	// and Questionnaire fit their widest content, the others wrap.
	widths := []float64{20, 26, 26, 50, 30, 60, 40, 40}
	for _, l := range lines {
		widths[0] = max(widths[0], min(textWidth(l.team)+colPadding, colMaxWidth))
		widths[1] = max(widths[1], min(textWidth(l.text.questionnaire)+colPadding, colMaxWidth))
	}
	w := &streamedSheets{f: f, st: st, name: SheetComments, widths: widths, max: sheetRows(wb),
		heads: []string{"Team", "Questionnaire", "Dimension", "Question", "Answer", "Comment", "Evidence", "Evidence note"}}
	if err := w.start(); err != nil {
		return err
	}
	text := func(v string, style int) excelize.Cell { return excelize.Cell{StyleID: style, Value: v} }
	vals := make([]any, len(w.heads))
	for _, l := range lines {
		vals[0], vals[1] = text(l.team, st.text), text(l.text.questionnaire, st.text)
		vals[2], vals[3], vals[4] = text(l.text.dimension, st.wrap), text(l.text.question, st.wrap), text(l.text.answer, st.wrap)
		vals[5], vals[6], vals[7] = text(l.comment, st.wrap), text(l.evidence[0], st.wrap), text(l.evidence[1], st.wrap)
		if err := w.add(vals); err != nil {
			return err
		}
		if err := w.link(7, l.evidence[0]); err != nil {
			return err
		}
	}
	return w.finish()
}

// commentCollector keeps, from the rows the Responses sheet writes, every
// answer that has a comment, evidence or a written answer, so that the
// Comments sheet needs no second pass over the responses.
type commentCollector struct {
	qPos   map[string]int            // questionnaire key -> position
	qOrder map[string]map[string]int // questionnaire key -> question key -> position
	lines  []commentLine
}

func newCommentCollector(qs []*questionnaires.Questionnaire) *commentCollector {
	c := &commentCollector{qPos: map[string]int{}, qOrder: map[string]map[string]int{}}
	for i, q := range qs {
		if q == nil {
			continue
		}
		c.qPos[q.Key] = i
		idx := map[string]int{}
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				idx[qu.Key] = len(idx)
			}
		}
		c.qOrder[q.Key] = idx
	}
	return c
}

// keep notes row r, whose looked-up texts are t, when it belongs on the
// Comments sheet.
func (c *commentCollector) keep(r *ResponseRow, t answerText) {
	if (r.Comment == "" && r.Text == "" && r.EvidenceURL == "") || r.Withheld != "" {
		return
	}
	l := commentLine{
		qPos: c.qPos[r.Questionnaire], question: c.qOrder[r.Questionnaire][r.Question],
		team: r.TeamName, text: t, comment: r.Comment, evidence: [2]string{r.EvidenceURL, r.EvidenceNote},
	}
	if r.Text != "" {
		l.text.answer, l.comment = WrittenAnswer, r.Text
	}
	c.lines = append(c.lines, l)
}

// sorted returns the kept lines in questionnaire and question order, teams
// in the order of the source.
func (c *commentCollector) sorted() []commentLine {
	slices.SortStableFunc(c.lines, func(a, b commentLine) int {
		if a.qPos != b.qPos {
			return a.qPos - b.qPos
		}
		return a.question - b.question
	})
	return c.lines
}

// maxHyperlinks is how many links one sheet may hold (Excel's limit is
// 65,530); evidence beyond it is written as plain text.
const maxHyperlinks = 65000
