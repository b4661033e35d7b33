package export_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/export/exporttest"
	"gapmap/app/recommend"
)

// FuzzWorkbookRoundTrip exports a workbook, applies random edits to the
// planning columns of its Roadmap sheet (owner, quarter, status, notes, as
// a person would in a spreadsheet program), and reads it back: reading
// never panics and fails only with Problems; an accepted plan has one entry
// per roadmap row, keeps untouched rows as exported, and is a fixed point:
// exporting it and reading that back gives the same plan.
func FuzzWorkbookRoundTrip(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, "Kim Lee\x002027-q3\x00Done\x00see ticket =42")
	f.Add([]byte{5, 6, 7}, "=HYPERLINK(\"http://example.invalid\")\x00Won’t do\x00\u202Eevil")
	f.Add([]byte{1, 1}, "In progress\x00")
	f.Add([]byte{2}, "1999-Q1")
	f.Add([]byte{10, 11, 12, 13, 14, 15}, strings.Repeat("x", 5000)+"\x00not a status\x00q9\x00\t\x00 \x00-")
	fx := newFixture(f, defaultTeams(), 2)
	base := writeBook(f, fx.wb)
	rows := len(fx.wb.Roadmap)
	if rows == 0 {
		f.Fatal("the fixture has no roadmap rows")
	}
	cols := []string{"N", "O", "P", "Q"} // owner, quarter, status, notes
	f.Fuzz(func(t *testing.T, ops []byte, text string) {
		values := strings.Split(text, "\x00")
		touched := map[int]bool{}
		edited := exporttest.Edit(t, base, func(xf *excelize.File) {
			for i, op := range ops {
				if i >= len(values) || i >= 16 {
					break
				}
				row := 2 + int(op>>2)%rows
				if err := xf.SetCellStr(export.SheetRoadmap, cols[op&3]+strconv.Itoa(row), values[i]); err != nil {
					continue // text excelize refuses to store is no edit
				}
				touched[row] = true
			}
		})
		pf, err := export.ReadPlan(edited, export.ReadLimits{})
		if err != nil {
			var ps export.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("ReadPlan failed without Problems: %v", err)
			}
			return
		}
		entries, err := pf.Check(fx.wb.Round.AssessmentID, knownKeys(fx), fx.wb.Plan)
		if err != nil {
			var ps export.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Check failed without Problems: %v", err)
			}
			return
		}
		if len(entries) != rows {
			t.Fatalf("%d plan entries for %d roadmap rows", len(entries), rows)
		}
		plan := map[recommend.PlanKey]recommend.Plan{}
		for _, e := range entries {
			plan[e.Key] = e.Plan
		}
		for i, item := range fx.wb.Roadmap {
			k := recommend.PlanKey{Questionnaire: item.Questionnaire, Recommendation: item.Key}
			if !touched[i+2] && plan[k] != fx.wb.Plan[k] {
				t.Fatalf("untouched row %d read back as %+v, exported %+v", i+2, plan[k], fx.wb.Plan[k])
			}
		}
		wb := *fx.wb
		wb.Plan = plan
		again, err := export.ReadPlan(writeBook(t, &wb), export.ReadLimits{})
		if err != nil {
			t.Fatalf("re-exported plan does not read back: %v", err)
		}
		entries2, err := again.Check(wb.Round.AssessmentID, knownKeys(fx), plan)
		if err != nil {
			t.Fatalf("re-exported plan does not check: %v", err)
		}
		for _, e := range entries2 {
			if plan[e.Key] != e.Plan {
				t.Fatalf("plan of %v changed on re-export: %+v -> %+v", e.Key, plan[e.Key], e.Plan)
			}
		}
	})
}
