package export

import (
	"net/url"
	"slices"

	"github.com/xuri/excelize/v2"
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
func writeCommentsSheet(f *excelize.File, st *styles, wb *Workbook) error {
	s := st.sheet(f, SheetComments)
	s.widths(20, 26, 26, 50, 30, 60, 40, 40)
	s.header(1, st.header, 1, "Team", "Questionnaire", "Dimension", "Question", "Answer", "Comment", "Evidence", "Evidence note")
	if s.err != nil {
		return s.err
	}
	if err := f.SetPanes(SheetComments, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	if wb.Responses == nil {
		return nil
	}
	qPos := map[string]int{}
	qOrder := map[string]map[string]int{}
	for i, q := range wb.Questionnaires {
		if q == nil {
			continue
		}
		qPos[q.Key] = i
		idx := map[string]int{}
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				idx[qu.Key] = len(idx)
			}
		}
		qOrder[q.Key] = idx
	}
	cat := newCatalog(wb.Questionnaires)
	var lines []commentLine
	err := wb.Responses(func(r *ResponseRow) error {
		if (r.Comment == "" && r.Text == "" && r.EvidenceURL == "") || r.Withheld != "" {
			return nil
		}
		l := commentLine{
			qPos: qPos[r.Questionnaire], question: qOrder[r.Questionnaire][r.Question],
			team: r.TeamName, text: cat.lookup(r), comment: r.Comment, evidence: [2]string{r.EvidenceURL, r.EvidenceNote},
		}
		if r.Text != "" {
			l.text.answer, l.comment = WrittenAnswer, r.Text
		}
		lines = append(lines, l)
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(lines, func(a, b commentLine) int {
		if a.qPos != b.qPos {
			return a.qPos - b.qPos
		}
		return a.question - b.question
	})
	for i, l := range lines {
		row := i + 2
		s.str(1, row, l.team, st.text)
		s.str(2, row, l.text.questionnaire, st.text)
		s.str(3, row, l.text.dimension, st.wrap)
		s.str(4, row, l.text.question, st.wrap)
		s.str(5, row, l.text.answer, st.wrap)
		s.str(6, row, l.comment, st.wrap)
		s.evidence(7, row, l.evidence[0], i, st.wrap)
		s.str(8, row, l.evidence[1], st.wrap)
	}
	return s.err
}

// maxHyperlinks is how many links one sheet may hold (Excel's limit is
// 65,530); evidence beyond it is written as plain text.
const maxHyperlinks = 65000

// evidence writes an evidence link as text and, for http and https
// addresses, as a hyperlink (the nth of the sheet).
func (s *sheet) evidence(col, row int, link string, n int, style int) {
	s.str(col, row, link, style)
	if link == "" || n >= maxHyperlinks || s.err != nil {
		return
	}
	if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		s.keep(err)
		return
	}
	s.keep(s.f.SetCellHyperLink(s.name, cell, link, "External"))
}
