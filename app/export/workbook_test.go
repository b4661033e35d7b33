package export_test

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/recommend"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestWorkbookSheets(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	f := openBook(t, writeBook(t, fx.wb))
	want := []string{export.SheetSummary, export.SheetHeatmap, export.SheetRoadmap, export.SheetResponses, export.SheetComments, export.SheetQuestionnaire, export.SheetMarker}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	for _, s := range want {
		visible, err := f.GetSheetVisible(s)
		if err != nil {
			t.Fatal(err)
		}
		if visible != (s != export.SheetMarker) {
			t.Errorf("sheet %s visible = %v", s, visible)
		}
	}
	if got := f.GetActiveSheetIndex(); got != 0 {
		t.Errorf("active sheet = %d, want the Summary", got)
	}
}

// TestGolden compares a text dump of the Summary, Heatmap and Questionnaire
// sheets with testdata/workbook.golden (go test -update rewrites it).
func TestGolden(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	f := openBook(t, writeBook(t, fx.wb))
	var b strings.Builder
	for _, s := range []string{export.SheetSummary, export.SheetHeatmap, export.SheetQuestionnaire, export.SheetMarker} {
		fmt.Fprintf(&b, "== %s\n", s)
		for i, r := range rows(t, f, s) {
			if len(r) == 0 {
				continue
			}
			fmt.Fprintf(&b, "%d: %s\n", i+1, strconv.Quote(strings.Join(r, " | ")))
		}
	}
	path := filepath.Join("testdata", "workbook.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if b.String() != string(want) {
		t.Errorf("workbook differs from %s (go test -update rewrites it):\n%s", path, b.String())
	}
}

func TestSummary(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	f := openBook(t, writeBook(t, fx.wb))
	s := export.SheetSummary
	rs := rows(t, f, s)
	if got := value(t, f, s, "A1"); got != fx.wb.Round.Name {
		t.Errorf("A1 = %q, want the assessment name", got)
	}
	info := map[string]int{}
	for i, r := range rs {
		if len(r) > 1 {
			info[r[0]] = i + 1
		}
	}
	checks := []struct {
		label, raw, shown string
	}{
		{"Round ID", "42", "42"},
		{"Created", "46392.333333333336", "2027-01-05"},
		{"Due", "46477", "2027-03-31"},
		{"Exported (UTC)", "46428.395833333336", "2027-02-10 09:30"},
		{"Teams", "5", "5"},
		{"Respondents", "15", "15"},
	}
	for _, c := range checks {
		row := info[c.label]
		if row == 0 {
			t.Errorf("no %q row", c.label)
			continue
		}
		if got := rawValue(t, f, s, ref(2, row)); got != c.raw {
			t.Errorf("%s raw = %q, want %q (a number)", c.label, got, c.raw)
		}
		if got := value(t, f, s, ref(2, row)); got != c.shown {
			t.Errorf("%s shown = %q, want %q", c.label, got, c.shown)
		}
	}

	qrow := findRow(rs, "Questionnaire") + 1
	for i, q := range fx.wb.Questionnaires {
		res := fx.wb.Results[i]
		r := rs[qrow-1+i]
		if r[0] != q.Title || r[1] != q.Version || r[6] != q.Key {
			t.Errorf("questionnaire row %d = %q", qrow+i, r)
		}
		if got := rawValue(t, f, s, ref(3, qrow+i)); got != strconv.Itoa(*res.Overall.Level) {
			t.Errorf("%s overall level = %q, want %d", q.Key, got, *res.Overall.Level)
		}
		wantPct := strconv.FormatFloat(*res.Overall.PercentToTarget/100, 'f', -1, 64)
		if got := rawValue(t, f, s, ref(6, qrow+i)); got != wantPct {
			t.Errorf("%s percent to target = %q, want %s (a fraction shown as percent)", q.Key, got, wantPct)
		}
	}

	for i, q := range fx.wb.Questionnaires {
		top := findRow(rs, q.Title+": dimensions")
		if top == 0 {
			t.Fatalf("no dimension table for %s", q.Key)
		}
		if got := rs[top]; !slices.Equal(got, []string{"Dimension", "Level", "Level name", "Score", "Target", "Gap", "Weight"}) {
			t.Errorf("dimension header = %q", got)
		}
		for j, d := range fx.wb.Results[i].Dimensions {
			row := top + 2 + j
			if got := value(t, f, s, ref(1, row)); got != d.Title {
				t.Errorf("dimension %d title = %q, want %q", j, got, d.Title)
			}
			if got := rawValue(t, f, s, ref(2, row)); got != strconv.Itoa(*d.Level) {
				t.Errorf("%s level = %q, want %d", d.Key, got, *d.Level)
			}
			if got := value(t, f, s, ref(3, row)); got != q.LevelName(*d.Level) {
				t.Errorf("%s level name = %q", d.Key, got)
			}
			if got := rawValue(t, f, s, ref(5, row)); got != strconv.Itoa(d.Target) {
				t.Errorf("%s target = %q, want %d", d.Key, got, d.Target)
			}
			if got := rawValue(t, f, s, ref(6, row)); got != strconv.Itoa(*d.Gap) {
				t.Errorf("%s gap = %q, want %d", d.Key, got, *d.Gap)
			}
		}
	}
}

// chartParts returns the XML of every chart part of a workbook.
func chartParts(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/charts/chart") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, html.UnescapeString(string(b)))
	}
	slices.Sort(out)
	return out
}

func TestCharts(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	data := writeBook(t, fx.wb)
	f := openBook(t, data)
	rs := rows(t, f, export.SheetSummary)
	charts := chartParts(t, data)
	if len(charts) != 2*len(fx.wb.Questionnaires) {
		t.Fatalf("%d charts, want a radar and a bar chart per questionnaire (%d)", len(charts), 2*len(fx.wb.Questionnaires))
	}
	refs := regexp.MustCompile(`<f>([^<]*)</f>`)
	all := strings.Join(charts, "\n")
	for _, q := range fx.wb.Questionnaires {
		head := findRow(rs, q.Title+": dimensions") + 1
		first, last := head+1, head+len(q.Dimensions)
		cats := fmt.Sprintf("'Summary'!$A$%d:$A$%d", first, last)
		for _, want := range []string{
			cats,
			fmt.Sprintf("'Summary'!$B$%d:$B$%d", first, last), // level
			fmt.Sprintf("'Summary'!$E$%d:$E$%d", first, last), // target
			fmt.Sprintf("'Summary'!$F$%d:$F$%d", first, last), // gap
			fmt.Sprintf("'Summary'!$B$%d", head),
		} {
			if !strings.Contains(all, "<f>"+want+"</f>") {
				t.Errorf("%s: no chart reference %s; references: %q", q.Key, want, refs.FindAllStringSubmatch(all, -1))
			}
		}
		// The categories hold the dimension titles.
		for j, d := range q.Dimensions {
			if got := value(t, f, export.SheetSummary, ref(1, first+j)); got != d.Title {
				t.Errorf("category %d = %q, want %q", j, got, d.Title)
			}
		}
	}
	// Whatever the names of teams and dimensions, every reference points
	// into the Summary sheet by its quoted, fixed name.
	for _, m := range refs.FindAllStringSubmatch(all, -1) {
		if !regexp.MustCompile(`^'Summary'!\$[A-Z]+\$\d+(:\$[A-Z]+\$\d+)?$`).MatchString(m[1]) {
			t.Errorf("chart reference %q", m[1])
		}
	}
	radars, bars := 0, 0
	for _, c := range charts {
		if strings.Contains(c, "<radarChart>") {
			radars++
			if strings.Count(c, "<ser>") != 2 {
				t.Errorf("radar chart has %d series, want current and target", strings.Count(c, "<ser>"))
			}
		}
		if strings.Contains(c, "<barChart>") {
			bars++
			if !strings.Contains(c, `<varyColors val="0"`) {
				t.Error("gap bars vary colours")
			}
		}
	}
	if radars != len(fx.wb.Questionnaires) || bars != len(fx.wb.Questionnaires) {
		t.Errorf("%d radar and %d bar charts, want %d of each", radars, bars, len(fx.wb.Questionnaires))
	}
}

func TestHeatmap(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	f := openBook(t, writeBook(t, fx.wb))
	s := export.SheetHeatmap
	if got := value(t, f, s, "A1"); got != "Team" {
		t.Errorf("A1 = %q", got)
	}
	col := 3
	for qi, q := range fx.wb.Questionnaires {
		if got := value(t, f, s, ref(col, 1)); got != q.Title {
			t.Errorf("questionnaire header = %q, want %q", got, q.Title)
		}
		res := fx.wb.Results[qi]
		for di, d := range res.Dimensions {
			if got := value(t, f, s, ref(col+di, 2)); got != d.Title {
				t.Errorf("dimension header = %q, want %q", got, d.Title)
			}
			for ti, team := range res.Teams {
				row := 3 + ti
				if got := value(t, f, s, ref(1, row)); got != team.Name {
					t.Errorf("team row %d = %q, want %q", row, got, team.Name)
				}
				td := team.Dimensions[di]
				want := ""
				if td.Level != nil {
					want = strconv.Itoa(*td.Level)
				}
				if got := rawValue(t, f, s, ref(col+di, row)); got != want {
					t.Errorf("%s × %s = %q, want %q", team.Name, d.Key, got, want)
				}
				styleID, err := f.GetCellStyle(s, ref(col+di, row))
				if err != nil {
					t.Fatal(err)
				}
				style, err := f.GetStyle(styleID)
				if err != nil {
					t.Fatal(err)
				}
				marked := style.CustomNumFmt != nil && strings.Contains(*style.CustomNumFmt, "!")
				disagree := td.Disagreement != nil && *td.Disagreement
				if marked != disagree {
					t.Errorf("%s × %s: marked %v, disagreement %v", team.Name, d.Key, marked, disagree)
				}
				if td.Level != nil {
					// The web's colour of the level shown, never a colour scale of its own.
					want := strings.TrimPrefix(questionnaires.LevelFill(questionnaires.LevelStep(*td.Level, len(q.Levels))), "#")
					if len(style.Fill.Color) != 1 || !strings.EqualFold(style.Fill.Color[0], want) {
						t.Errorf("%s × %s at level %d: fill %v, want %s", team.Name, d.Key, *td.Level, style.Fill.Color, want)
					}
				}
			}
		}
		col += len(res.Dimensions)
	}
	if cfs, err := f.GetConditionalFormats(s); err != nil || len(cfs) != 0 {
		t.Errorf("conditional formats = %+v (%v), want none: cells carry their level's colour", cfs, err)
	}
	disagreements := 0
	for _, team := range fx.wb.Results[0].Teams {
		for _, td := range team.Dimensions {
			if td.Disagreement != nil && *td.Disagreement {
				disagreements++
			}
		}
	}
	if disagreements == 0 {
		t.Error("the fixture has no disagreement to mark")
	}
	panes, err := f.GetPanes(s)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.XSplit != 2 || panes.YSplit != 2 {
		t.Errorf("panes = %+v, want the two header rows and two columns frozen", panes)
	}
}

func TestRoadmap(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	f := openBook(t, writeBook(t, fx.wb))
	s := export.SheetRoadmap
	rs := rows(t, f, s)
	if len(fx.wb.Roadmap) < 3 {
		t.Fatalf("the fixture has only %d recommendations", len(fx.wb.Roadmap))
	}
	wantHead := []string{"Rank", "Phase", "Questionnaire", "Dimension", "From level", "To level", "Recommendation", "Detail",
		"Impact", "Effort", "Priority", "Quick win", "Why", "Owner", "Quarter", "Status", "Notes", "Questionnaire key", "Recommendation key"}
	if !slices.Equal(rs[0], wantHead) {
		t.Errorf("header = %q", rs[0])
	}
	if len(rs) != 1+len(fx.wb.Roadmap) {
		t.Errorf("%d rows, want header + %d", len(rs), len(fx.wb.Roadmap))
	}
	for i, it := range fx.wb.Roadmap {
		row := i + 2
		r := rs[i+1]
		if r[0] != strconv.Itoa(it.Rank) || r[6] != it.Title || r[12] != it.Why || r[17] != it.Questionnaire || r[18] != it.Key {
			t.Errorf("row %d = %q, want item %+v", row, r, it)
		}
		if got := rawValue(t, f, s, ref(11, row)); got != strconv.FormatFloat(it.Priority, 'f', -1, 64) {
			t.Errorf("row %d priority = %q, want %v", row, got, it.Priority)
		}
		for _, c := range []int{1, 5, 6, 9, 10, 11} {
			typ, err := f.GetCellType(s, ref(c, row))
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("%s is of type %v, want a number", ref(c, row), typ)
			}
		}
		p := fx.wb.Plan[recommend.PlanKey{Questionnaire: it.Questionnaire, Recommendation: it.Key}]
		if r[13] != p.Owner || r[14] != p.Quarter || r[15] != recommend.StatusLabel(p.Status) || cellAt(r, 16) != p.Notes {
			t.Errorf("row %d plan = %q, want %+v", row, r[13:17], p)
		}
	}
	last := len(fx.wb.Roadmap) + 1
	dvs, err := f.GetDataValidations(s)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		fmt.Sprintf("O2:O%d", last): `"2027-Q1,2027-Q2,2027-Q3,2027-Q4,2028-Q1,2028-Q2"`,
		fmt.Sprintf("P2:P%d", last): `"Not started,In progress,Done,Won't do"`,
	}
	if len(dvs) != len(want) {
		t.Errorf("%d data validations, want %d", len(dvs), len(want))
	}
	for _, dv := range dvs {
		if dv.Type != "list" || want[dv.Sqref] != dv.Formula1 || !dv.ShowErrorMessage {
			t.Errorf("data validation %s = %s %q (error %v), want %q", dv.Sqref, dv.Type, dv.Formula1, dv.ShowErrorMessage, want[dv.Sqref])
		}
	}
	for _, c := range []string{"R", "S"} {
		if visible, _ := f.GetColVisible(s, c); visible {
			t.Errorf("key column %s is visible", c)
		}
	}
	if visible, _ := f.GetColVisible(s, "Q"); !visible {
		t.Error("Notes column is hidden")
	}
	panes, err := f.GetPanes(s)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	for c, min := range map[string]float64{"G": 30, "H": 50, "M": 50, "Q": 30} {
		if w, _ := f.GetColWidth(s, c); w < min {
			t.Errorf("column %s width %v, want at least %v", c, w, min)
		}
	}
	styleID, _ := f.GetCellStyle(s, "H2")
	if st, _ := f.GetStyle(styleID); st == nil || st.Alignment == nil || !st.Alignment.WrapText {
		t.Error("Detail is not wrapped")
	}
	sheetXML := partXML(t, f, s)
	if !strings.Contains(sheetXML, fmt.Sprintf(`<autoFilter ref="$A$1:$Q$%d"`, last)) {
		t.Errorf("no auto-filter over A1:Q%d", last)
	}
}

func cellAt(r []string, i int) string {
	if i < len(r) {
		return r[i]
	}
	return ""
}

// partXML returns the saved XML of a worksheet.
func partXML(t *testing.T, f *excelize.File, sheet string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	idx, err := f.GetSheetIndex(sheet)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("xl/worksheets/sheet%d.xml", idx+1)
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

func TestRoadmapEmpty(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	fx.wb.Roadmap = nil
	f := openBook(t, writeBook(t, fx.wb))
	if got := value(t, f, export.SheetRoadmap, "A2"); !strings.HasPrefix(got, "No recommendations") {
		t.Errorf("A2 = %q", got)
	}
	dvs, _ := f.GetDataValidations(export.SheetRoadmap)
	if len(dvs) != 0 {
		t.Errorf("%d drop-downs on an empty roadmap", len(dvs))
	}
}

func TestResponses(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	f := openBook(t, writeBook(t, fx.wb))
	s := export.SheetResponses
	rs := rows(t, f, s)
	if len(rs) != 1+len(fx.rows) {
		t.Fatalf("%d rows, want header + %d answers", len(rs), len(fx.rows))
	}
	wantHead := []string{"Team", "Respondent", "Response ID", "Submitted at (UTC)", "Questionnaire", "Dimension",
		"Question key", "Question", "Answer", "Level or value", "N/A", "Comment", "Evidence", "Evidence note"}
	if !slices.Equal(rs[0], wantHead) {
		t.Errorf("header = %q", rs[0])
	}
	qs := map[string]int{}
	for i, q := range fx.wb.Questionnaires {
		qs[q.Key] = i
	}
	for i, r := range fx.rows {
		row := i + 2
		got := rs[i+1]
		q := fx.wb.Questionnaires[qs[r.Questionnaire]]
		d, qu, _ := q.Question(r.Question)
		if got[0] != r.TeamName || got[1] != r.Respondent || got[2] != strconv.FormatInt(r.ResponseID, 10) ||
			got[4] != q.Title || got[5] != d.Title || got[6] != r.Question || got[7] != qu.Text || cellAt(got, 11) != r.Comment {
			t.Fatalf("row %d = %q, want %+v", row, got, r)
		}
		if got[3] != r.SubmittedAt.Format("2006-01-02 15:04") {
			t.Errorf("row %d submitted = %q", row, got[3])
		}
		var answer, number string
		switch {
		case r.NA:
			answer = "N/A"
		case r.Level > 0:
			o, _ := qu.Option(r.Option)
			answer, number = o.Label, strconv.Itoa(r.Level)
		default:
			number = strconv.Itoa(r.Value)
		}
		if r.Value > 0 && got[8] == "" || r.Value == 0 && got[8] != answer || got[9] != number {
			t.Errorf("row %d answer = %q / %q, want %q / %q", row, got[8], got[9], answer, number)
		}
		if want := strings.ToUpper(strconv.FormatBool(r.NA)); got[10] != want {
			t.Errorf("row %d N/A = %q, want %s", row, got[10], want)
		}
		if i < 40 {
			if typ, _ := f.GetCellType(s, ref(11, row)); typ != excelize.CellTypeBool {
				t.Errorf("N/A cell type %v, want a boolean", typ)
			}
			if raw := rawValue(t, f, s, ref(4, row)); !regexp.MustCompile(`^\d+(\.\d+)?$`).MatchString(raw) {
				t.Errorf("submitted at raw = %q, want a date serial", raw)
			}
		}
	}
}

func TestFormulaInjection(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 2)
	data := writeBook(t, fx.wb)
	f := openBook(t, data)
	evil := []string{evilHyperlink, evilAt, evilSheet, "=Environments+1", "=1+1", "@me", "+cmd", "-5 is wrong", "=cmd|' /C calc'!A0"}
	found := map[string]int{}
	for _, s := range f.GetSheetList() {
		rs := rows(t, f, s)
		for ri, r := range rs {
			for ci, v := range r {
				if v == "" {
					continue
				}
				c := ref(ci+1, ri+1)
				formula, err := f.GetCellFormula(s, c)
				if err != nil {
					t.Fatal(err)
				}
				if formula != "" {
					t.Errorf("%s!%s holds the formula %q", s, c, formula)
				}
				if !slices.Contains(evil, v) {
					continue
				}
				found[v]++
				typ, _ := f.GetCellType(s, c)
				if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
					t.Errorf("%s!%s = %q has type %v, want a string", s, c, v, typ)
				}
			}
		}
	}
	for _, e := range evil {
		if found[e] == 0 {
			t.Errorf("%q is not in the workbook as text", e)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
			continue
		}
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.Contains(string(b), "<f>") || strings.Contains(string(b), "<f ") {
			t.Errorf("%s contains a formula element", zf.Name)
		}
	}
}

func TestTeamWorkbook(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	team := fx.wb.Results[0].Teams[1]
	for i, r := range fx.wb.Results {
		c := *r
		c.Teams = nil
		for _, tr := range r.Teams {
			if tr.ID == team.ID {
				c.Teams = append(c.Teams, tr)
			}
		}
		fx.wb.Results[i] = &c
	}
	fx.wb.Round.TeamID, fx.wb.Round.TeamName = team.ID, team.Name
	f := openBook(t, writeBook(t, fx.wb))
	rs := rows(t, f, export.SheetSummary)
	if row := findRow(rs, "Team"); row == 0 || rs[row-1][1] != team.Name {
		t.Errorf("Summary does not name the team %q", team.Name)
	}
	top := findRow(rs, fx.wb.Questionnaires[0].Title+": dimensions")
	for j, td := range team.Dimensions {
		want := ""
		if td.Level != nil {
			want = strconv.Itoa(*td.Level)
		}
		if got := rawValue(t, f, export.SheetSummary, ref(2, top+2+j)); got != want {
			t.Errorf("dimension %s level = %q, want the team's %q", td.Key, got, want)
		}
	}
	hm := rows(t, f, export.SheetHeatmap)
	if hm[2][0] != team.Name || findRow(hm, "Organization") != 0 {
		t.Errorf("team heatmap rows = %q", hm)
	}
	if got := value(t, f, export.SheetMarker, "B3"); got != strconv.FormatInt(team.ID, 10) {
		t.Errorf("marker team id = %q", got)
	}
}

func TestNoResponsesNoResults(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 1)
	fx.wb.Responses = nil
	fx.wb.Results = make([]*scoring.Result, len(fx.wb.Questionnaires))
	fx.wb.Roadmap = nil
	f := openBook(t, writeBook(t, fx.wb))
	if rs := rows(t, f, export.SheetResponses); len(rs) != 1 {
		t.Errorf("Responses has %d rows, want the header only", len(rs))
	}
}

// TestResponsesContinueOnMoreSheets checks that rows past a sheet's limit
// go on in "Responses 2", "Responses 3", … each with its header, and that
// no row is lost or repeated (a round of a million answers passes Excel's
// 1,048,576 rows; the test lowers the limit).
func TestResponsesContinueOnMoreSheets(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	const per = 50 // rows per sheet, the header included
	fx.wb.MaxSheetRows = per
	if len(fx.rows) < 2*per {
		t.Fatalf("the fixture has %d answers: too few to fill two sheets", len(fx.rows))
	}
	f := openBook(t, writeBook(t, fx.wb))
	total := 0
	for n := 1; ; n++ {
		name := export.SheetResponses
		if n > 1 {
			name += " " + strconv.Itoa(n)
		}
		if idx, _ := f.GetSheetIndex(name); idx < 0 {
			if want := (len(fx.rows) + per - 2) / (per - 1); n-1 != want {
				t.Fatalf("%d Responses sheets, want %d", n-1, want)
			}
			break
		}
		rs := rows(t, f, name)
		if len(rs) > per || rs[0][0] != "Team" {
			t.Fatalf("%s: %d rows, header %q", name, len(rs), rs[0])
		}
		for _, r := range rs[1:] {
			if want := fx.rows[total]; r[6] != want.Question || r[2] != strconv.FormatInt(want.ResponseID, 10) {
				t.Fatalf("%s row = %q, want answer %d (%s of %d)", name, r, total, want.Question, want.ResponseID)
			}
			total++
		}
	}
	if total != len(fx.rows) {
		t.Fatalf("%d answer rows across the sheets, want %d", total, len(fx.rows))
	}
}
