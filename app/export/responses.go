package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"gapmap/questionnaires"
)

// ResponseRow is one answer of a submitted response. Level is set for a
// level-scale answer, Value for a likert answer, Number (with HasNumber) for
// an nps or number question, Text for a text question; none for N/A.
type ResponseRow struct {
	TeamName      string
	Respondent    string // the invitation's label; may be empty
	ResponseID    int64
	SubmittedAt   time.Time
	Questionnaire string // questionnaire key
	Question      string // question key
	Option        string // option key (level scale)
	Level         int
	Value         int
	NA            bool
	Number        float64
	HasNumber     bool
	Text          string
	Comment       string
	EvidenceURL   string // an http or https link backing the answer up; "" when none
	EvidenceNote  string
	// DayOnly writes SubmittedAt as a date (anonymous rounds keep days only).
	DayOnly bool
	// Withheld, when set, makes the row a withheld team's line: only
	// TeamName and this note ("not enough responses (3 of 5)") are written.
	Withheld string
}

// ResponseSource calls emit once per row, in the order the rows should
// appear (by team, response, questionnaire, question), and returns emit's
// first error. The row passed to emit may be reused after emit returns.
type ResponseSource func(emit func(*ResponseRow) error) error

func responseHeaders() []string {
	return []string{
		"Team", "Respondent", "Response ID", "Submitted at (UTC)", "Questionnaire", "Dimension",
		"Question key", "Question", "Answer", "Level or value", "N/A", "Comment",
		"Evidence", "Evidence note",
	}
}

// answerText is the looked-up text of one answer.
type answerText struct {
	questionnaire, dimension, question, answer string
	number                                     int // level or value; 0 for none
	measure                                    *float64
}

// catalog resolves the keys of a response row to the texts of the pinned
// questionnaires.
type catalog struct {
	qs map[string]*catalogQ
}

type catalogQ struct {
	q     *questionnaires.Questionnaire
	dims  map[string]string // question key -> dimension title
	texts map[string]*questionnaires.Question
}

func newCatalog(qs []*questionnaires.Questionnaire) *catalog {
	c := &catalog{qs: make(map[string]*catalogQ, len(qs))}
	for _, q := range qs {
		if q == nil {
			continue
		}
		cq := &catalogQ{q: q, dims: map[string]string{}, texts: map[string]*questionnaires.Question{}}
		for i := range q.Dimensions {
			d := &q.Dimensions[i]
			for j := range d.Questions {
				cq.dims[d.Questions[j].Key] = d.Title
				cq.texts[d.Questions[j].Key] = &d.Questions[j]
			}
		}
		c.qs[q.Key] = cq
	}
	return c
}

func (c *catalog) lookup(r *ResponseRow) answerText {
	out := answerText{questionnaire: r.Questionnaire, question: r.Question}
	cq := c.qs[r.Questionnaire]
	var qu *questionnaires.Question
	if cq != nil {
		out.questionnaire = cq.q.Title
		out.dimension = cq.dims[r.Question]
		qu = cq.texts[r.Question]
	}
	if qu != nil {
		out.question = qu.Text
	}
	switch {
	case r.NA:
		out.answer = "N/A"
	case r.Level > 0:
		out.number = r.Level
		if qu != nil {
			for _, o := range qu.Options {
				if (r.Option != "" && o.Key == r.Option) || (r.Option == "" && o.Level == r.Level) {
					out.answer = o.Label
					break
				}
			}
		}
	case r.HasNumber:
		n := r.Number
		out.measure = &n
		out.answer = strconv.FormatFloat(n, 'f', -1, 64)
		if qu != nil && qu.Type == questionnaires.TypeNPS {
			out.answer += " of 10"
		} else if qu != nil && qu.Unit != "" {
			out.answer += " " + qu.Unit
		}
	case r.Text != "":
		out.answer = r.Text
	case r.Value > 0:
		out.number = r.Value
		out.answer = questionnaires.LikertLabel(r.Value)
	}
	return out
}

// excelRows is the most rows a worksheet holds.
const excelRows = 1_048_576

// streamedSheets writes rows with excelize's stream writer into a sheet,
// and on into "<name> 2", "<name> 3", … when a sheet is full: a round of a
// million answers does not fit one worksheet. Memory stays flat: rows past
// 16 MiB go through a temporary file.
type streamedSheets struct {
	f      *excelize.File
	st     *styles
	name   string    // the first sheet's name
	table  string    // the name of each sheet's table; "" for none
	widths []float64 // column widths, in characters
	heads  []string
	max    int // rows per sheet, the header included
	n      int // sheets started
	sw     *excelize.StreamWriter
	row    int // the last row written in the current sheet
	links  int // hyperlinks in the current sheet
}

func (w *streamedSheets) sheetName() string {
	if w.n == 1 {
		return w.name
	}
	return w.name + " " + strconv.Itoa(w.n)
}

// start begins the next sheet with its widths, frozen header and header.
func (w *streamedSheets) start() error {
	w.n++
	name := w.sheetName()
	if w.n > 1 {
		if _, err := w.f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	w.sw, w.row, w.links = sw, 1, 0
	for i, width := range w.widths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	head := make([]any, len(w.heads))
	for i, h := range w.heads {
		head[i] = excelize.Cell{StyleID: w.st.header, Value: h}
	}
	return sw.SetRow("A1", head)
}

// add writes one row, starting the next sheet when this one is full.
func (w *streamedSheets) add(vals []any) error {
	if w.row >= w.max {
		if err := w.finish(); err != nil {
			return err
		}
		if err := w.start(); err != nil {
			return err
		}
	}
	w.row++
	return w.sw.SetRow("A"+strconv.Itoa(w.row), vals)
}

// link makes the cell in column col of the row just added a hyperlink to
// an http or https address; other addresses, and links past the
// maxHyperlinks of a sheet, stay plain text. The stream writer cannot
// write hyperlinks itself, but excelize keeps the streamed sheet's
// worksheet until Flush, which writes the links set on it.
func (w *streamedSheets) link(col int, link string) error {
	if link == "" || w.links >= maxHyperlinks {
		return nil
	}
	if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil
	}
	w.links++
	return w.f.SetCellHyperLink(w.sheetName(), cell(col, w.row), link, "External")
}

// finish makes the current sheet's rows a table, when the sheets have
// one, and flushes it.
func (w *streamedSheets) finish() error {
	if w.row > 1 && w.table != "" {
		stripes := true
		name := w.table
		if w.n > 1 {
			name += strconv.Itoa(w.n)
		}
		if err := w.sw.AddTable(&excelize.Table{
			Range: "A1:" + cell(len(w.heads), w.row), Name: name, StyleName: "TableStyleLight1", ShowRowStripes: &stripes,
		}); err != nil {
			return err
		}
	}
	return w.sw.Flush()
}

// sheetRows is the most rows per sheet of a workbook: wb.MaxSheetRows, or
// Excel's limit.
func sheetRows(wb *Workbook) int {
	if wb.MaxSheetRows <= 1 || wb.MaxSheetRows > excelRows {
		return excelRows
	}
	return wb.MaxSheetRows
}

// writeResponsesSheet streams the answer rows into the Responses sheet(s),
// handing each to comments on the way.
func writeResponsesSheet(f *excelize.File, st *styles, wb *Workbook, comments *commentCollector) error {
	w := &streamedSheets{f: f, st: st, name: SheetResponses, table: "Responses", heads: responseHeaders(), max: sheetRows(wb),
		widths: []float64{24, 18, 11, 17, 24, 24, 22, 50, 36, 9, 6, 40, 40, 40}}
	if err := w.start(); err != nil {
		return err
	}
	cat := newCatalog(wb.Questionnaires)
	vals := make([]any, len(w.heads))
	date := excelize.Cell{StyleID: st.datetime}
	if wb.Responses != nil {
		err := wb.Responses(func(r *ResponseRow) error {
			if r.Withheld != "" {
				clear(vals)
				vals[0], vals[1] = r.TeamName, r.Withheld
				return w.add(vals)
			}
			t := cat.lookup(r)
			comments.keep(r, t)
			vals[0] = r.TeamName
			vals[1] = r.Respondent
			vals[2] = r.ResponseID
			if r.SubmittedAt.IsZero() {
				vals[3] = nil
			} else {
				date.Value, date.StyleID = r.SubmittedAt.UTC(), st.datetime
				if r.DayOnly {
					date.StyleID = st.date
				}
				vals[3] = date
			}
			vals[4] = t.questionnaire
			vals[5] = t.dimension
			vals[6] = r.Question
			vals[7] = t.question
			vals[8] = t.answer
			switch {
			case t.number > 0:
				vals[9] = t.number
			case t.measure != nil:
				vals[9] = *t.measure
			default:
				vals[9] = nil
			}
			vals[10] = r.NA
			vals[11] = r.Comment
			vals[12] = r.EvidenceURL
			vals[13] = r.EvidenceNote
			return w.add(vals)
		})
		if err != nil {
			return fmt.Errorf("write responses: %w", err)
		}
	}
	return w.finish()
}

// WriteResponsesCSV writes the Responses sheet as RFC 4180 CSV with a
// header line. Text that a spreadsheet could take for a formula (starting
// with =, +, -, @, a tab or a carriage return) is prefixed with an
// apostrophe.
func WriteResponsesCSV(w io.Writer, qs []*questionnaires.Questionnaire, src ResponseSource) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(responseHeaders()); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cat := newCatalog(qs)
	rec := make([]string, len(responseHeaders()))
	if src != nil {
		err := src(func(r *ResponseRow) error {
			if r.Withheld != "" {
				clear(rec)
				rec[0], rec[1] = CSVText(r.TeamName), CSVText(r.Withheld)
				return cw.Write(rec)
			}
			t := cat.lookup(r)
			rec[0] = CSVText(r.TeamName)
			rec[1] = CSVText(r.Respondent)
			rec[2] = strconv.FormatInt(r.ResponseID, 10)
			rec[3] = ""
			if !r.SubmittedAt.IsZero() {
				rec[3] = r.SubmittedAt.UTC().Format(time.RFC3339)
				if r.DayOnly {
					rec[3] = r.SubmittedAt.UTC().Format(time.DateOnly)
				}
			}
			rec[4] = CSVText(t.questionnaire)
			rec[5] = CSVText(t.dimension)
			rec[6] = CSVText(r.Question)
			rec[7] = CSVText(t.question)
			rec[8] = CSVText(t.answer)
			rec[9] = ""
			switch {
			case t.number > 0:
				rec[9] = strconv.Itoa(t.number)
			case t.measure != nil:
				rec[9] = strconv.FormatFloat(*t.measure, 'f', -1, 64)
			}
			rec[10] = strconv.FormatBool(r.NA)
			rec[11] = CSVText(r.Comment)
			rec[12] = CSVText(r.EvidenceURL)
			rec[13] = CSVText(r.EvidenceNote)
			return cw.Write(rec)
		})
		if err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
