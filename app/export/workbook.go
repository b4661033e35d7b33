// Package export writes the planning workbook of an assessment round and
// reads the plan back from it.
//
// The workbook (Write) holds five sheets: Summary (the round, the levels per
// questionnaire and dimension, and Excel's own radar and bar charts drawn
// from those cells), Heatmap (teams × dimensions, each level in the web's
// level colour, streamed: a row per team),
// Roadmap (the ranked recommendations with Owner, Quarter, Status and Notes
// to plan in), Responses (every submitted answer, written with excelize's
// stream writer so its memory stays flat whatever the number of rows) and
// Questionnaire (the pinned questions, options and levels), and, when the
// round has nps or number questions, Measures (their statistics per team
// and for the organization, as the results API's "measures"). A very hidden
// sheet named "gapmap" records the assessment, the team and the export time,
// so that ReadPlan can tell whether an uploaded workbook belongs to the
// assessment it is uploaded to. WriteResponsesCSV writes the Responses sheet
// as RFC 4180 CSV.
//
// Text is always written as text (never as a formula), numbers as numbers
// and dates as dates. Sheet names are fixed: no name of a team, dimension or
// questionnaire becomes a sheet name or part of a reference, so references
// stay valid whatever those names hold. The package knows nothing of HTTP or storage: the
// caller passes results, roadmap, stored plan and a source of response rows.
package export

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gapmap/app/recommend"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// Sheet names of the workbook.
const (
	SheetSummary       = "Summary"
	SheetHeatmap       = "Heatmap"
	SheetRoadmap       = "Roadmap"
	SheetResponses     = "Responses"
	SheetQuestionnaire = "Questionnaire"
	// SheetMarker is the very hidden sheet that identifies the workbook.
	SheetMarker = "gapmap"
)

// markerFormat is the first value of the marker sheet; ReadPlan refuses
// workbooks with another one.
const markerFormat = "gapmap-workbook/1"

// Round describes the exported assessment round.
type Round struct {
	AssessmentID int64
	Name         string
	Status       string // "open" or "closed"
	CreatedAt    time.Time
	Due          *time.Time
	ClosedAt     *time.Time
	// TeamID and TeamName name the team of a team workbook; TeamID 0 is the
	// organization's workbook.
	TeamID   int64
	TeamName string
}

// Workbook is everything the workbook shows.
type Workbook struct {
	Round          Round
	ExportedAt     time.Time
	Questionnaires []*questionnaires.Questionnaire
	// Results are in the order of Questionnaires; a nil entry has not been
	// scored. A team workbook passes results holding that team only.
	Results []*scoring.Result
	// Roadmap is the prioritized roadmap in rank order.
	Roadmap []recommend.Item
	// Plan is the stored plan of the organization or of the team.
	Plan map[recommend.PlanKey]recommend.Plan
	// Responses streams the answer rows; nil writes a Responses sheet with
	// its header only.
	Responses ResponseSource
	// MaxSheetRows is the most rows of a Responses sheet, its header
	// included, before the rows go on in "Responses 2" and so on; 0 means
	// Excel's limit of 1,048,576.
	MaxSheetRows int
	// Delivery, when set, adds the Delivery sheet of the teams' DORA
	// metrics after the others.
	Delivery *Delivery
}

// Write writes the workbook as .xlsx to w. The zip goes straight to w
// (excelize would otherwise assemble the whole file in a buffer first), and
// the Responses rows go through a temporary file once they pass 16 MiB, so
// memory does not grow with the round. Write takes wb over: it sets
// wb.Results to nil once the sheets that show them are written.
func Write(w io.Writer, wb *Workbook) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	names := []string{SheetHeatmap, SheetRoadmap, SheetResponses, SheetComments, SheetQuestionnaire}
	if wb.Delivery != nil {
		names = append(names, SheetDelivery)
	}
	if hasMeasures(wb) {
		names = append(names, SheetMeasures)
	}
	for _, name := range append(names, SheetMarker) {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("export: sheet %s: %w", name, err)
		}
	}
	// The marker sheet and the active sheet are set first: both make
	// excelize re-read every worksheet, which after the streamed Responses
	// sheet would parse its whole buffer again.
	f.SetActiveSheet(0)
	// The sheets that show results come first. Then wb.Results is let go,
	// so that a big round's results are not held while its responses
	// stream.
	if err := writeSheets(f, st, wb, []sheetWriter{
		{SheetMarker, writeMarker},
		{SheetSummary, writeSummary},
		{SheetHeatmap, writeHeatmap},
		{SheetRoadmap, writeRoadmap},
		{SheetDelivery, writeDelivery},
		{SheetMeasures, writeMeasures},
	}); err != nil {
		return err
	}
	wb.Results = nil
	comments := newCommentCollector(wb.Questionnaires)
	if err := writeSheets(f, st, wb, []sheetWriter{
		{SheetResponses, func(f *excelize.File, st *styles, wb *Workbook) error {
			return writeResponsesSheet(f, st, wb, comments)
		}},
		{SheetQuestionnaire, writeQuestionnaire},
		{SheetComments, func(f *excelize.File, st *styles, wb *Workbook) error {
			return writeCommentsSheet(f, st, wb, comments)
		}},
	}); err != nil {
		return err
	}
	for _, s := range st.sheets {
		if err := s.fitColumns(); err != nil {
			return fmt.Errorf("export: %s sheet: column widths: %w", s.name, err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "gapmap", Title: wb.Round.Name, Created: wb.ExportedAt.UTC().Format(time.RFC3339),
	}); err != nil {
		return fmt.Errorf("export: properties: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("export: write workbook: %w", err)
	}
	return nil
}

// sheetWriter writes one sheet of the workbook.
type sheetWriter struct {
	name  string
	write func(*excelize.File, *styles, *Workbook) error
}

func writeSheets(f *excelize.File, st *styles, wb *Workbook, writers []sheetWriter) error {
	for _, s := range writers {
		if err := s.write(f, st, wb); err != nil {
			return fmt.Errorf("export: %s sheet: %w", s.name, err)
		}
	}
	return nil
}

// styles are the cell styles of the workbook, created once per file.
type styles struct {
	title, subtitle, header, planHeader, label int
	text, wrap, date, datetime                 int
	sheets                                     []*sheet // the normal sheets, fitted to their content when written
	integer, decimal, priority, percent        int
	bold, boldInt, disagree                    int
	// level and levelDisagree colour a heatmap cell by its level step
	// (questionnaires.LevelStep), in the web's palette.
	level, levelDisagree [questionnaires.LevelSteps]int
}

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{{Type: "bottom", Color: "8A94A6", Style: 1}}
	top := excelize.Alignment{Vertical: "top"}
	wrapTop := excelize.Alignment{Vertical: "top", WrapText: true}
	dateFmt, datetimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	decimalFmt, priorityFmt, disagreeFmt := "0.00", "0.000", `0" !"`
	type def struct {
		dst *int
		s   excelize.Style
	}
	var defs []def
	add := func(dst *int, s excelize.Style) { defs = append(defs, def{dst, s}) }
	st := &styles{}
	add(&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 16, Color: "1F2A44"}})
	add(&st.subtitle, excelize.Style{Font: &excelize.Font{Bold: true, Size: 12, Color: "1F2A44"}})
	add(&st.header, excelize.Style{
		Font: &excelize.Font{Bold: true, Color: "1F2A44"}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E3E8F0"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	add(&st.planHeader, excelize.Style{
		Font: &excelize.Font{Bold: true, Color: "1F2A44"}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	add(&st.label, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &top})
	add(&st.text, excelize.Style{Alignment: &top})
	add(&st.wrap, excelize.Style{Alignment: &wrapTop})
	add(&st.date, excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	add(&st.datetime, excelize.Style{CustomNumFmt: &datetimeFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	add(&st.integer, excelize.Style{NumFmt: 1, Alignment: &top})
	add(&st.decimal, excelize.Style{CustomNumFmt: &decimalFmt, Alignment: &top})
	add(&st.priority, excelize.Style{CustomNumFmt: &priorityFmt, Alignment: &top})
	add(&st.percent, excelize.Style{NumFmt: 10, Alignment: &top})
	add(&st.bold, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &top})
	add(&st.boldInt, excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 1, Alignment: &excelize.Alignment{Horizontal: "center"}})
	disagreeBorder := []excelize.Border{
		{Type: "left", Color: "7F1D1D", Style: 3}, {Type: "right", Color: "7F1D1D", Style: 3},
		{Type: "top", Color: "7F1D1D", Style: 3}, {Type: "bottom", Color: "7F1D1D", Style: 3},
	}
	add(&st.disagree, excelize.Style{
		Font: &excelize.Font{Bold: true, Italic: true}, CustomNumFmt: &disagreeFmt,
		Alignment: &excelize.Alignment{Horizontal: "center"}, Border: disagreeBorder,
	})
	for i := range questionnaires.LevelSteps {
		fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{excelColour(questionnaires.LevelFill(i))}}
		ink := excelColour(questionnaires.LevelInk(i))
		add(&st.level[i], excelize.Style{
			Font: &excelize.Font{Bold: true, Color: ink}, NumFmt: 1, Fill: fill,
			Alignment: &excelize.Alignment{Horizontal: "center"},
		})
		add(&st.levelDisagree[i], excelize.Style{
			Font: &excelize.Font{Bold: true, Italic: true, Color: ink}, CustomNumFmt: &disagreeFmt, Fill: fill,
			Alignment: &excelize.Alignment{Horizontal: "center"}, Border: disagreeBorder,
		})
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return nil, fmt.Errorf("export: style: %w", err)
		}
		*d.dst = id
	}
	return st, nil
}

// excelColour turns "#rrggbb" into the "RRGGBB" excelize expects.
func excelColour(hex string) string { return strings.ToUpper(strings.TrimPrefix(hex, "#")) }

// sheet writes cells of one normal (not streamed) worksheet and keeps the
// first error, so that layout code reads as a list of cells.
type sheet struct {
	f    *excelize.File
	name string
	err  error

	// Column fitting: the widest content of each column, in characters,
	// among cells whose style neither wraps nor lets the text spill into
	// empty neighbours (loose). A number or date wider than its column
	// shows as "###", so columns grow to their content (fitColumns).
	widest map[int]float64
	loose  map[int]bool
}

// sheet starts a normal worksheet whose columns fit their content when
// the workbook is written.
func (st *styles) sheet(f *excelize.File, name string) *sheet {
	s := &sheet{f: f, name: name, widest: map[int]float64{},
		loose: map[int]bool{0: true, st.title: true, st.subtitle: true, st.header: true, st.planHeader: true, st.wrap: true}}
	st.sheets = append(st.sheets, s)
	return s
}

// Column widths, in characters of the default font.
const (
	colPadding  = 2  // beside the widest content
	colMaxWidth = 60 // content wider than this wraps or is cut in the view
)

// note records that col holds content of n characters in style.
func (s *sheet) note(col int, n float64, style int) {
	if s.widest == nil || s.loose[style] {
		return
	}
	s.widest[col] = max(s.widest[col], n)
}

// textWidth is the width of the longest line of v, in characters.
func textWidth(v string) float64 {
	w := 0
	for _, line := range strings.Split(v, "\n") {
		w = max(w, utf8.RuneCountInString(line))
	}
	return float64(w)
}

// fitColumns widens every column to its widest content, never narrowing
// the width a writer set.
func (s *sheet) fitColumns() error {
	for col, n := range s.widest {
		if s.err != nil {
			break
		}
		name := colName(col)
		cur, err := s.f.GetColWidth(s.name, name)
		s.keep(err)
		if want := min(n+colPadding, colMaxWidth); want > cur {
			s.keep(s.f.SetColWidth(s.name, name, name, want))
		}
	}
	return s.err
}

func (s *sheet) keep(err error) {
	if s.err == nil && err != nil {
		s.err = err
	}
}

// str writes text; SetCellStr never creates a formula, whatever the text.
func (s *sheet) str(col, row int, v string, style int) {
	if s.err != nil {
		return
	}
	s.keep(s.f.SetCellStr(s.name, cell(col, row), v))
	s.style(col, row, style)
	s.note(col, textWidth(v), style)
}

func (s *sheet) int(col, row int, v int, style int) {
	if s.err != nil {
		return
	}
	s.keep(s.f.SetCellInt(s.name, cell(col, row), int64(v)))
	s.style(col, row, style)
	s.note(col, float64(len(strconv.Itoa(v))), style)
}

// intp writes a number, or only the style when v is nil.
func (s *sheet) intp(col, row int, v *int, style int) {
	if v == nil {
		s.style(col, row, style)
		return
	}
	s.int(col, row, *v, style)
}

func (s *sheet) float(col, row int, v float64, style int) {
	if s.err != nil {
		return
	}
	s.keep(s.f.SetCellFloat(s.name, cell(col, row), v, -1, 64))
	s.style(col, row, style)
	s.note(col, float64(len(strconv.FormatFloat(v, 'f', 3, 64))), style)
}

func (s *sheet) floatp(col, row int, v *float64, style int) {
	if v == nil {
		s.style(col, row, style)
		return
	}
	s.float(col, row, *v, style)
}

// time writes a date (an Excel serial number) with a date style.
func (s *sheet) time(col, row int, v time.Time, style int) {
	if s.err != nil {
		return
	}
	s.keep(s.f.SetCellValue(s.name, cell(col, row), v.UTC()))
	s.style(col, row, style)
	s.note(col, float64(len("2006-01-02 15:04")), style)
}

func (s *sheet) timep(col, row int, v *time.Time, style int) {
	if v == nil {
		return
	}
	s.time(col, row, *v, style)
}

func (s *sheet) style(col, row int, style int) {
	if s.err != nil || style == 0 {
		return
	}
	ref := cell(col, row)
	s.keep(s.f.SetCellStyle(s.name, ref, ref, style))
}

func (s *sheet) header(row int, style int, col int, titles ...string) {
	for i, t := range titles {
		s.str(col+i, row, t, style)
	}
}

func (s *sheet) widths(widths ...float64) {
	for i, w := range widths {
		if s.err != nil {
			return
		}
		c := colName(i + 1)
		s.keep(s.f.SetColWidth(s.name, c, c, w))
	}
}

// writeMarker fills the very hidden sheet that identifies the workbook.
func writeMarker(f *excelize.File, st *styles, wb *Workbook) error {
	s := &sheet{f: f, name: SheetMarker} // very hidden: no fitting
	s.str(1, 1, "format", 0)
	s.str(2, 1, markerFormat, 0)
	s.str(1, 2, "assessment_id", 0)
	s.str(2, 2, strconv.FormatInt(wb.Round.AssessmentID, 10), 0)
	s.str(1, 3, "team_id", 0)
	s.str(2, 3, strconv.FormatInt(wb.Round.TeamID, 10), 0)
	s.str(1, 4, "exported_at", 0)
	s.str(2, 4, wb.ExportedAt.UTC().Format(time.RFC3339), 0)
	if s.err != nil {
		return s.err
	}
	return f.SetSheetVisible(SheetMarker, false, true)
}
