package export_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/export/exporttest"
	"gapmap/app/recommend"
)

// knownKeys accepts the recommendation keys of the fixture's questionnaires.
func knownKeys(fx *fixture) func(recommend.PlanKey) bool {
	known := map[recommend.PlanKey]bool{}
	for _, q := range fx.wb.Questionnaires {
		for _, r := range q.Recommendations {
			known[recommend.PlanKey{Questionnaire: q.Key, Recommendation: r.Key}] = true
		}
	}
	return func(k recommend.PlanKey) bool { return known[k] }
}

func TestRoundTrip(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	data := writeBook(t, fx.wb)
	edited := exporttest.Edit(t, data, func(f *excelize.File) {
		exporttest.SetRoadmap(t, f, "N3", "Kim Lee")
		exporttest.SetRoadmap(t, f, "O3", "2027-q3")
		exporttest.SetRoadmap(t, f, "P3", "Done")
		exporttest.SetRoadmap(t, f, "Q3", "Waiting for budget;\nsee ticket =42")
		exporttest.SetRoadmap(t, f, "P4", "Won’t do")
		exporttest.SetRoadmap(t, f, "N2", "")
	})
	pf, err := export.ReadPlan(edited, export.ReadLimits{})
	if err != nil {
		t.Fatalf("ReadPlan: %v", err)
	}
	if pf.AssessmentID != 42 || pf.TeamID != 0 || !pf.ExportedAt.Equal(exportedAt) {
		t.Errorf("marker = %d/%d/%v", pf.AssessmentID, pf.TeamID, pf.ExportedAt)
	}
	entries, err := pf.Check(42, knownKeys(fx), fx.wb.Plan)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(entries) != len(fx.wb.Roadmap) {
		t.Fatalf("%d entries, want one per roadmap row (%d)", len(entries), len(fx.wb.Roadmap))
	}
	got := map[recommend.PlanKey]recommend.Plan{}
	for _, e := range entries {
		got[e.Key] = e.Plan
	}
	key := func(i int) recommend.PlanKey {
		return recommend.PlanKey{Questionnaire: fx.wb.Roadmap[i].Questionnaire, Recommendation: fx.wb.Roadmap[i].Key}
	}
	want := map[recommend.PlanKey]recommend.Plan{
		key(0): {Quarter: "2027-Q2", Status: recommend.StatusInProgress, Notes: "=cmd|' /C calc'!A0"},
		key(1): {Owner: "Kim Lee", Quarter: "2027-Q3", Status: recommend.StatusDone, Notes: "Waiting for budget;\nsee ticket =42"},
		key(2): {Status: recommend.StatusWontDo},
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("plan of %v = %+v, want %+v", k, got[k], w)
		}
	}
	for i := 3; i < len(fx.wb.Roadmap); i++ {
		if !got[key(i)].IsZero() {
			t.Errorf("untouched row %d has plan %+v", i+2, got[key(i)])
		}
	}

	// The next export carries the plan; reading it back gives the same plan.
	fx.wb.Plan = got
	again, err := export.ReadPlan(writeBook(t, fx.wb), export.ReadLimits{})
	if err != nil {
		t.Fatal(err)
	}
	entries2, err := again.Check(42, knownKeys(fx), got)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries2 {
		if got[e.Key] != e.Plan {
			t.Errorf("re-exported plan of %v = %+v, want %+v", e.Key, e.Plan, got[e.Key])
		}
	}
}

// TestQuarterKeptFromStore: a quarter that is no longer offered (the plan
// was made in an older export) is accepted while it is unchanged.
func TestQuarterKeptFromStore(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	k := recommend.PlanKey{Questionnaire: fx.wb.Roadmap[0].Questionnaire, Recommendation: fx.wb.Roadmap[0].Key}
	fx.wb.Plan[k] = recommend.Plan{Quarter: "2026-Q3"}
	pf, err := export.ReadPlan(writeBook(t, fx.wb), export.ReadLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pf.Check(42, knownKeys(fx), fx.wb.Plan); err != nil {
		t.Errorf("an unchanged stored quarter is refused: %v", err)
	}
	if _, err := pf.Check(42, knownKeys(fx), nil); err == nil {
		t.Error("a quarter outside the drop-down is accepted although nothing stored it")
	}
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bomb is a valid zip whose one part unpacks to size bytes of spaces.
func bomb(t *testing.T, part string, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("xl/workbook.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<workbook/>"))
	w, err = zw.Create(part)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for n := 0; n < size; n += len(chunk) {
		w.Write(chunk[:min(len(chunk), size-n)])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadPlanProblems(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 3)
	good := writeBook(t, fx.wb)
	other := *fx.wb
	other.Round.AssessmentID = 7
	foreign := writeBook(t, &other)
	plain := func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		var buf bytes.Buffer
		f.Write(&buf)
		return buf.Bytes()
	}()
	tests := []struct {
		name   string
		data   []byte
		limits export.ReadLimits
		want   []export.Problem // Message is a substring to find
	}{
		{"empty body", nil, export.ReadLimits{}, []export.Problem{{Message: "not an Excel workbook"}}},
		{"text", []byte("Team,Owner\nA,B\n"), export.ReadLimits{}, []export.Problem{{Message: "not an Excel workbook"}}},
		{"zip without a workbook", zipOf(t, map[string]string{"hello.txt": "hi"}), export.ReadLimits{}, []export.Problem{{Message: "not an Excel workbook"}}},
		{"truncated workbook", good[:len(good)/2], export.ReadLimits{}, []export.Problem{{Message: "not an Excel workbook"}}},
		{"workbook not from gapmap", plain, export.ReadLimits{}, []export.Problem{{Sheet: "gapmap", Message: "not exported by gapmap"}}},
		{"zip bomb in a small part", bomb(t, "xl/styles.xml", 5<<20), export.ReadLimits{}, []export.Problem{{Message: "too large"}}},
		{"zip bomb in a worksheet", bomb(t, "xl/worksheets/sheet1.xml", 9<<20), export.ReadLimits{MaxUnzipped: 8 << 20}, []export.Problem{{Message: "too large once unpacked"}}},
		{"over a lower limit", good, export.ReadLimits{MaxUnzipped: 64 << 10}, []export.Problem{{Message: "too large once unpacked"}}},
		{"missing Roadmap sheet", exporttest.Edit(t, good, func(f *excelize.File) {
			if err := f.DeleteSheet(export.SheetRoadmap); err != nil {
				t.Fatal(err)
			}
		}), export.ReadLimits{}, []export.Problem{{Sheet: "Roadmap", Message: "no Roadmap sheet"}}},
		{"key columns deleted", exporttest.Edit(t, good, func(f *excelize.File) {
			if err := f.RemoveCol(export.SheetRoadmap, "S"); err != nil {
				t.Fatal(err)
			}
		}), export.ReadLimits{}, []export.Problem{{Sheet: "Roadmap", Row: 1, Message: `"Recommendation key" is missing`}}},
		{"bad status", exporttest.Edit(t, good, func(f *excelize.File) { exporttest.SetRoadmap(t, f, "P3", "Blocked") }), export.ReadLimits{},
			[]export.Problem{{Sheet: "Roadmap", Row: 3, Column: "P", Message: `Status "Blocked" is not one of`}}},
		{"too many rows", exporttest.Edit(t, good, func(f *excelize.File) { exporttest.SetRoadmap(t, f, "A40", "x") }), export.ReadLimits{MaxRows: 20},
			[]export.Problem{{Sheet: "Roadmap", Row: 22, Message: "more than 20 rows"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pf, err := export.ReadPlan(tt.data, tt.limits)
			if err == nil {
				_, err = pf.Check(42, knownKeys(fx), fx.wb.Plan)
			}
			matchProblems(t, err, tt.want)
		})
	}

	// Problems that need the assessment.
	checks := []struct {
		name string
		data []byte
		want []export.Problem
	}{
		{"another assessment", foreign, []export.Problem{{Sheet: "gapmap", Row: 2, Column: "B", Message: "exported for round 7, not for round 42"}}},
		{"bad quarter and unknown key", exporttest.Edit(t, good, func(f *excelize.File) {
			exporttest.SetRoadmap(t, f, "O2", "2031-Q9")
			exporttest.SetRoadmap(t, f, "S4", "no-such-thing")
			exporttest.SetRoadmap(t, f, "O5", "next year")
		}), []export.Problem{
			{Sheet: "Roadmap", Row: 2, Column: "O", Message: `Quarter "2031-Q9" is not one of 2027-Q1, 2027-Q2`},
			{Sheet: "Roadmap", Row: 4, Column: "S", Message: `Unknown recommendation "no-such-thing"`},
			{Sheet: "Roadmap", Row: 5, Column: "O", Message: `Quarter "NEXTYEAR" is not one of`},
		}},
		{"duplicate row and keyless plan", exporttest.Edit(t, good, func(f *excelize.File) {
			for c := 'A'; c <= 'S'; c++ {
				v, _ := f.GetCellValue(export.SheetRoadmap, fmt.Sprintf("%c2", c))
				exporttest.SetRoadmap(t, f, fmt.Sprintf("%c20", c), v)
			}
			exporttest.SetRoadmap(t, f, "N22", "Somebody")
			exporttest.SetRoadmap(t, f, "N3", strings.Repeat("o", export.MaxOwner+1))
		}), []export.Problem{
			{Sheet: "Roadmap", Row: 3, Column: "N", Message: "Owner is 201 characters long"},
			{Sheet: "Roadmap", Row: 20, Column: "S", Message: "appears again (first on row 2)"},
			{Sheet: "Roadmap", Row: 22, Column: "S", Message: "no recommendation key"},
		}},
	}
	for _, tt := range checks {
		t.Run(tt.name, func(t *testing.T) {
			pf, err := export.ReadPlan(tt.data, export.ReadLimits{})
			if err != nil {
				t.Fatalf("ReadPlan: %v", err)
			}
			entries, err := pf.Check(42, knownKeys(fx), fx.wb.Plan)
			if entries != nil {
				t.Errorf("Check returned %d entries with problems; nothing may be applied", len(entries))
			}
			matchProblems(t, err, tt.want)
		})
	}
}

func matchProblems(t *testing.T, err error, want []export.Problem) {
	t.Helper()
	var ps export.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error = %v, want Problems", err)
	}
	if len(ps) != len(want) {
		t.Fatalf("problems = %+v, want %d like %+v", ps, len(want), want)
	}
	for i, w := range want {
		p := ps[i]
		if p.Sheet != w.Sheet || p.Row != w.Row || p.Column != w.Column || !strings.Contains(p.Message, w.Message) {
			t.Errorf("problem %d = %+v, want %+v", i, p, w)
		}
	}
}
