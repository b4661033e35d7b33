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
	qPos, question int32
	team, text     int32 // indexes into the collector's teams and texts
	comment        string
	evidence       *[2]string // link and note; nil when none
}

// writeCommentsSheet lists every answer of wb.Responses that has a comment
// or evidence (a link, written as a hyperlink, and its note), and every
// answer to a text question (its text in the Comment column): in
// questionnaire and question order, teams in the order of the source.
func writeCommentsSheet(f *excelize.File, st *styles, wb *Workbook, c *commentCollector) error {
	lines := c.sorted()
	// Widths before the rows (the stream writer takes them first): Team
	// and Questionnaire fit their widest content, the others wrap.
	widths := []float64{20, 26, 26, 50, 30, 60, 40, 40}
	for _, team := range c.teams {
		widths[0] = max(widths[0], min(textWidth(team)+colPadding, colMaxWidth))
	}
	for _, t := range c.texts {
		widths[1] = max(widths[1], min(textWidth(t.questionnaire)+colPadding, colMaxWidth))
	}
	w := &streamedSheets{f: f, st: st, name: SheetComments, widths: widths, max: sheetRows(wb),
		heads: []string{"Team", "Questionnaire", "Dimension", "Question", "Answer", "Comment", "Evidence", "Evidence note"}}
	if err := w.start(); err != nil {
		return err
	}
	text := func(v string, style int) excelize.Cell { return excelize.Cell{StyleID: style, Value: v} }
	vals := make([]any, len(w.heads))
	for _, l := range lines {
		t, ev := c.texts[l.text], [2]string{}
		if l.evidence != nil {
			ev = *l.evidence
		}
		vals[0], vals[1] = text(c.teams[l.team], st.text), text(t.questionnaire, st.text)
		vals[2], vals[3], vals[4] = text(t.dimension, st.wrap), text(t.question, st.wrap), text(t.answer, st.wrap)
		vals[5], vals[6], vals[7] = text(l.comment, st.wrap), text(ev[0], st.wrap), text(ev[1], st.wrap)
		if err := w.add(vals); err != nil {
			return err
		}
		if err := w.link(7, ev[0]); err != nil {
			return err
		}
	}
	return w.finish()
}

// commentCollector keeps, from the rows the Responses sheet writes, every
// answer that has a comment, evidence or a written answer, so that the
// Comments sheet needs no second pass over the responses. A line holds
// its team and looked-up texts as indexes into tables kept once (a round
// of 20,000 respondents has tens of thousands of lines and a few thousand
// distinct texts), so that it costs 40 bytes and its comment.
type commentCollector struct {
	qPos    map[string]int32            // questionnaire key -> position
	qOrder  map[string]map[string]int32 // questionnaire key -> question key -> position
	lines   []commentLine
	teams   []string
	teamIdx map[string]int32
	texts   []commentText
	textIdx map[commentText]int32
}

// commentText is what the Comments sheet shows of an answer's looked-up
// texts.
type commentText struct{ questionnaire, dimension, question, answer string }

func newCommentCollector(qs []*questionnaires.Questionnaire) *commentCollector {
	c := &commentCollector{qPos: map[string]int32{}, qOrder: map[string]map[string]int32{},
		teamIdx: map[string]int32{}, textIdx: map[commentText]int32{}}
	for i, q := range qs {
		if q == nil {
			continue
		}
		c.qPos[q.Key] = int32(i)
		idx := map[string]int32{}
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				idx[qu.Key] = int32(len(idx))
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
	ct := commentText{t.questionnaire, t.dimension, t.question, t.answer}
	l := commentLine{qPos: c.qPos[r.Questionnaire], question: c.qOrder[r.Questionnaire][r.Question], comment: r.Comment}
	if r.Text != "" {
		ct.answer, l.comment = WrittenAnswer, r.Text
	}
	if r.EvidenceURL != "" || r.EvidenceNote != "" {
		l.evidence = &[2]string{r.EvidenceURL, r.EvidenceNote}
	}
	l.team, l.text = intern(c.teamIdx, &c.teams, r.TeamName), intern(c.textIdx, &c.texts, ct)
	c.lines = append(c.lines, l)
}

// intern returns v's index in table, adding it when new.
func intern[T comparable](idx map[T]int32, table *[]T, v T) int32 {
	i, ok := idx[v]
	if !ok {
		i = int32(len(*table))
		idx[v] = i
		*table = append(*table, v)
	}
	return i
}

// sorted returns the kept lines in questionnaire and question order, teams
// in the order of the source.
func (c *commentCollector) sorted() []commentLine {
	slices.SortStableFunc(c.lines, func(a, b commentLine) int {
		if a.qPos != b.qPos {
			return int(a.qPos - b.qPos)
		}
		return int(a.question - b.question)
	})
	return c.lines
}

// maxHyperlinks is how many links one sheet may hold (Excel's limit is
// 65,530); evidence beyond it is written as plain text.
const maxHyperlinks = 65000
