package export

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gapmap/app/recommend"

	"github.com/xuri/excelize/v2"
)

// Limits on planning text read back from a workbook, in characters.
const (
	MaxOwner = 200
	MaxNotes = 4000
)

// maxProblems caps the problems reported for one file.
const maxProblems = 200

// Problem is one reason a workbook cannot be applied, at a sheet, row and
// column (letters) when it has one. Row 0 and an empty column mean the
// whole sheet or file.
type Problem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// Problems is the error ReadPlan and Check return for a workbook that must
// not be applied.
type Problems []Problem

func (ps Problems) Error() string {
	if len(ps) == 0 {
		return "no problems"
	}
	msgs := make([]string, 0, len(ps))
	for _, p := range ps {
		msgs = append(msgs, p.String())
	}
	return strings.Join(msgs, "; ")
}

// String renders a problem as "Roadmap O5: message".
func (p Problem) String() string {
	switch {
	case p.Sheet == "":
		return p.Message
	case p.Row == 0:
		return p.Sheet + ": " + p.Message
	}
	return p.Sheet + " " + p.Column + strconv.Itoa(p.Row) + ": " + p.Message
}

// ReadLimits bound what reading an uploaded workbook may cost; zero fields
// take the defaults.
type ReadLimits struct {
	// MaxUnzipped caps the total unpacked size of all parts (default 64 MiB).
	MaxUnzipped int64
	// MaxPart caps each part other than worksheets and shared strings, and
	// is the size above which those are unpacked to temporary files
	// instead of memory (default 4 MiB).
	MaxPart int64
	// MaxRows caps the rows of the Roadmap sheet (default 5,000).
	MaxRows int
}

func (l ReadLimits) withDefaults() ReadLimits {
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = 64 << 20
	}
	if l.MaxPart <= 0 {
		l.MaxPart = 4 << 20
	}
	if l.MaxPart > l.MaxUnzipped {
		l.MaxPart = l.MaxUnzipped
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 5000
	}
	return l
}

// PlanFile is the plan read from a workbook, before it is checked against
// an assessment.
type PlanFile struct {
	AssessmentID int64
	TeamID       int64 // 0: the organization's workbook
	ExportedAt   time.Time
	Rows         []PlanRow

	cols     map[string]string // header -> column letters
	problems Problems          // found while reading, whatever the assessment
}

// PlanRow is one keyed row of the Roadmap sheet with its planning values;
// Status is already a Status constant (or empty) and Quarter upper-cased.
type PlanRow struct {
	Row  int
	Key  recommend.PlanKey
	Plan recommend.Plan
}

// PlanEntry is one recommendation's plan to store.
type PlanEntry struct {
	Key  recommend.PlanKey
	Plan recommend.Plan
}

// ReadPlan reads the marker and the Roadmap sheet of an uploaded workbook.
// Before excelize unpacks anything, the zip directory is checked against
// limits, so a small upload that unpacks to gigabytes is refused without
// being inflated. Any reason not to apply the file is returned as Problems.
func ReadPlan(data []byte, limits ReadLimits) (*PlanFile, error) {
	lim := limits.withDefaults()
	if err := checkZip(data, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnzipped, UnzipXMLSizeLimit: lim.MaxPart, RawCellValue: true,
	})
	if err != nil {
		return nil, Problems{{Message: "The file could not be read as an Excel workbook (.xlsx): " + readError(err)}}
	}
	defer f.Close()

	pf := &PlanFile{cols: map[string]string{}}
	if err := pf.readMarker(f); err != nil {
		return nil, err
	}
	if err := pf.readRoadmap(f, lim); err != nil {
		return nil, err
	}
	return pf, nil
}

func readError(err error) string {
	if errors.Is(err, excelize.ErrOptionsUnzipSizeLimit) || strings.Contains(err.Error(), "unzip size") {
		return "it is too large once unpacked."
	}
	return "it is damaged or not an .xlsx file."
}

// checkZip refuses what is not a zip, and zips whose declared sizes pass the
// limits. archive/zip refuses to inflate an entry past its declared size,
// so the declared sizes bound what opening the file can unpack.
func checkZip(data []byte, lim ReadLimits) error {
	notWorkbook := Problems{{Message: "The file is not an Excel workbook (.xlsx). Upload the workbook exported from gapmap, saved as .xlsx."}}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return notWorkbook
	}
	var total uint64
	hasWorkbook := false
	for _, zf := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))
		if name == "xl/workbook.xml" {
			hasWorkbook = true
		}
		size := zf.UncompressedSize64
		total += size
		if total > uint64(lim.MaxUnzipped) || size > uint64(lim.MaxUnzipped) {
			return Problems{{Message: fmt.Sprintf("The workbook is too large once unpacked (more than %d MiB). Delete the Responses sheet and other sheets you added, then upload it again.", lim.MaxUnzipped>>20)}}
		}
		spills := strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml"
		if !spills && size > uint64(lim.MaxPart) {
			return Problems{{Message: fmt.Sprintf("The workbook part %s is too large (more than %d MiB once unpacked).", zf.Name, lim.MaxPart>>20)}}
		}
	}
	if !hasWorkbook {
		return notWorkbook
	}
	return nil
}

// sheetNamed finds a sheet by exact name, else ignoring case (Excel treats
// names that differ only in case as the same).
func sheetNamed(f *excelize.File, name string) (string, bool) {
	list := f.GetSheetList()
	if slices.Contains(list, name) {
		return name, true
	}
	for _, s := range list {
		if strings.EqualFold(s, name) {
			return s, true
		}
	}
	return "", false
}

func (pf *PlanFile) readMarker(f *excelize.File) error {
	foreign := Problems{{Sheet: SheetMarker, Message: "This workbook was not exported by gapmap, or its hidden gapmap sheet was removed. Export the workbook again and plan in that file."}}
	name, ok := sheetNamed(f, SheetMarker)
	if !ok {
		return foreign
	}
	rows, err := f.Rows(name)
	if err != nil {
		return foreign
	}
	defer rows.Close()
	vals := map[string]string{}
	where := map[string]int{}
	for n := 1; n <= 20 && rows.Next(); n++ {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return foreign
		}
		if len(cols) >= 2 {
			k := strings.TrimSpace(cols[0])
			vals[k] = strings.TrimSpace(cols[1])
			where[k] = n
		}
	}
	if vals["format"] != markerFormat {
		return foreign
	}
	var ps Problems
	bad := func(key, what string) {
		ps = append(ps, Problem{Sheet: SheetMarker, Row: where[key], Column: "B", Message: "The hidden gapmap sheet has an unreadable " + what + "."})
	}
	if pf.AssessmentID, err = strconv.ParseInt(vals["assessment_id"], 10, 64); err != nil || pf.AssessmentID <= 0 {
		bad("assessment_id", "assessment id")
	}
	if pf.TeamID, err = strconv.ParseInt(vals["team_id"], 10, 64); err != nil || pf.TeamID < 0 {
		bad("team_id", "team id")
	}
	if pf.ExportedAt, err = time.Parse(time.RFC3339, vals["exported_at"]); err != nil {
		bad("exported_at", "export time")
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

func (pf *PlanFile) readRoadmap(f *excelize.File, lim ReadLimits) error {
	name, ok := sheetNamed(f, SheetRoadmap)
	if !ok {
		return Problems{{Sheet: SheetRoadmap, Message: "The workbook has no Roadmap sheet. Upload the workbook exported from gapmap with its Roadmap sheet."}}
	}
	rows, err := f.Rows(name)
	if err != nil {
		return Problems{{Sheet: SheetRoadmap, Message: "The Roadmap sheet cannot be read."}}
	}
	defer rows.Close()
	if !rows.Next() {
		return Problems{{Sheet: SheetRoadmap, Row: 1, Message: "The Roadmap sheet is empty: its header row is missing."}}
	}
	head, err := rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return Problems{{Sheet: SheetRoadmap, Row: 1, Message: "The Roadmap header row cannot be read."}}
	}
	idx := map[string]int{}
	for i, h := range head {
		key := strings.ToLower(strings.TrimSpace(h))
		if _, dup := idx[key]; !dup && key != "" {
			idx[key] = i
		}
	}
	need := []string{HeaderQuestionnaireKey, HeaderRecommendationKey, HeaderOwner, HeaderQuarter, HeaderStatus, HeaderNotes}
	at := map[string]int{}
	var ps Problems
	for _, h := range need {
		i, ok := idx[strings.ToLower(h)]
		if !ok {
			ps = append(ps, Problem{Sheet: name, Row: 1, Message: fmt.Sprintf("The column %q is missing from the header row.", h)})
			continue
		}
		at[h] = i
		pf.cols[h] = colName(i + 1)
	}
	if len(ps) > 0 {
		return ps
	}
	get := func(cols []string, h string) string {
		if i := at[h]; i < len(cols) {
			return strings.TrimSpace(cols[i])
		}
		return ""
	}
	problem := func(row int, h, msg string) {
		pf.problems = append(pf.problems, Problem{Sheet: name, Row: row, Column: pf.cols[h], Message: msg})
	}
	for row := 2; rows.Next(); row++ {
		if row > lim.MaxRows+1 {
			return Problems{{Sheet: name, Row: row, Message: fmt.Sprintf("The Roadmap sheet has more than %d rows.", lim.MaxRows)}}
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return Problems{{Sheet: name, Row: row, Message: "This row cannot be read."}}
		}
		r := PlanRow{Row: row,
			Key:  recommend.PlanKey{Questionnaire: get(cols, HeaderQuestionnaireKey), Recommendation: get(cols, HeaderRecommendationKey)},
			Plan: recommend.Plan{Owner: get(cols, HeaderOwner), Quarter: normalizeQuarter(get(cols, HeaderQuarter)), Notes: get(cols, HeaderNotes)},
		}
		statusText := get(cols, HeaderStatus)
		planned := r.Plan.Owner != "" || r.Plan.Quarter != "" || statusText != "" || r.Plan.Notes != ""
		switch {
		case r.Key.Questionnaire == "" && r.Key.Recommendation == "":
			if planned {
				problem(row, HeaderRecommendationKey, "This row has no recommendation key (the hidden key columns are empty). Plan only in rows that came with the export.")
			}
			continue
		case r.Key.Questionnaire == "":
			problem(row, HeaderQuestionnaireKey, "The questionnaire key is empty.")
			continue
		case r.Key.Recommendation == "":
			problem(row, HeaderRecommendationKey, "The recommendation key is empty.")
			continue
		}
		status, ok := ParseStatus(statusText)
		if !ok {
			problem(row, HeaderStatus, fmt.Sprintf("Status %q is not one of %s, or empty.", statusText, statusList()))
		}
		r.Plan.Status = status
		if n := utf8.RuneCountInString(r.Plan.Owner); n > MaxOwner {
			problem(row, HeaderOwner, fmt.Sprintf("Owner is %d characters long; the limit is %d.", n, MaxOwner))
		}
		if n := utf8.RuneCountInString(r.Plan.Notes); n > MaxNotes {
			problem(row, HeaderNotes, fmt.Sprintf("Notes are %d characters long; the limit is %d.", n, MaxNotes))
		}
		pf.Rows = append(pf.Rows, r)
	}
	if err := rows.Error(); err != nil {
		return Problems{{Sheet: name, Message: "The Roadmap sheet cannot be read to its end."}}
	}
	return nil
}

func statusList() string {
	labels := make([]string, 0, 4)
	for _, s := range recommend.Statuses() {
		labels = append(labels, recommend.StatusLabel(s))
	}
	return strings.Join(labels, ", ")
}

// Check validates the plan against an assessment: the workbook must have
// been exported for assessmentID, every key must be one known to the round,
// a key may appear once, and a Quarter must be one of the drop-down's
// quarters (from the workbook's export date) or the quarter already stored
// for that recommendation. It returns the entries to store, or Problems.
func (pf *PlanFile) Check(assessmentID int64, known func(recommend.PlanKey) bool, stored map[recommend.PlanKey]recommend.Plan) ([]PlanEntry, error) {
	if pf.AssessmentID != assessmentID {
		return nil, Problems{{Sheet: SheetMarker, Row: 2, Column: "B", Message: fmt.Sprintf(
			"This workbook was exported for round %d, not for round %d. Upload it to its own round, or export this one.", pf.AssessmentID, assessmentID)}}
	}
	ps := append(Problems(nil), pf.problems...)
	allowed := Quarters(pf.ExportedAt, QuarterCount)
	seen := map[recommend.PlanKey]int{}
	out := make([]PlanEntry, 0, len(pf.Rows))
	for _, r := range pf.Rows {
		if first, dup := seen[r.Key]; dup {
			ps = append(ps, Problem{Sheet: SheetRoadmap, Row: r.Row, Column: pf.cols[HeaderRecommendationKey],
				Message: fmt.Sprintf("The recommendation %q appears again (first on row %d).", r.Key.Recommendation, first)})
			continue
		}
		seen[r.Key] = r.Row
		if !known(r.Key) {
			ps = append(ps, Problem{Sheet: SheetRoadmap, Row: r.Row, Column: pf.cols[HeaderRecommendationKey],
				Message: fmt.Sprintf("Unknown recommendation %q of questionnaire %q in this round.", r.Key.Recommendation, r.Key.Questionnaire)})
			continue
		}
		if q := r.Plan.Quarter; q != "" && !slices.Contains(allowed, q) && q != stored[r.Key].Quarter {
			ps = append(ps, Problem{Sheet: SheetRoadmap, Row: r.Row, Column: pf.cols[HeaderQuarter],
				Message: fmt.Sprintf("Quarter %q is not one of %s, or empty.", q, strings.Join(allowed, ", "))})
			continue
		}
		out = append(out, PlanEntry{Key: r.Key, Plan: r.Plan})
	}
	if len(ps) > 0 {
		slices.SortStableFunc(ps, func(a, b Problem) int {
			if a.Row != b.Row {
				return a.Row - b.Row
			}
			return colNumber(a.Column) - colNumber(b.Column)
		})
		if len(ps) > maxProblems {
			more := len(ps) - maxProblems
			ps = append(ps[:maxProblems], Problem{Sheet: SheetRoadmap, Message: fmt.Sprintf("%d more problems are not listed.", more)})
		}
		return nil, ps
	}
	return out, nil
}

func colNumber(letters string) int {
	n, err := excelize.ColumnNameToNumber(letters)
	if err != nil {
		return 0
	}
	return n
}
