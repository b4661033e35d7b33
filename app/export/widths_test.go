package export_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
)

// TestColumnsFitTheirContent opens every visible sheet (the Responses
// sheet is streamed with widths of its own) and checks that each number
// and date is narrower than its column, so that no cell shows "###" (the
// exported time on the summary did), and that short text is not cut.
func TestColumnsFitTheirContent(t *testing.T) {
	fx := newFixture(t, append(defaultTeams(), "A team with a rather long name indeed"), 3)
	f := openBook(t, writeBook(t, fx.wb))
	for _, s := range []string{export.SheetSummary, export.SheetHeatmap, export.SheetRoadmap, export.SheetQuestionnaire, export.SheetComments} {
		rs, err := f.GetRows(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		for r, row := range rs {
			for c, shown := range row {
				if shown == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				styleID, _ := f.GetCellStyle(s, ref)
				st, _ := f.GetStyle(styleID)
				if st != nil && st.Alignment != nil && st.Alignment.WrapText {
					continue // wrapped text grows downwards
				}
				typ, _ := f.GetCellType(s, ref)
				numeric := typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString
				long := utf8.RuneCountInString(shown) > 58
				spills := c+1 >= len(row) || row[c+1] == ""
				if !numeric && (spills || long || strings.Contains(shown, "\n") || st != nil && st.Font != nil && st.Font.Size > 11) {
					continue // text running into an empty neighbour, titles and long text are shown whole or cut by design
				}
				col, _ := excelize.ColumnNumberToName(c + 1)
				w, _ := f.GetColWidth(s, col)
				if need := float64(utf8.RuneCountInString(shown)); w < need {
					t.Errorf("%s!%s %q (%d characters) in a column %v wide", s, ref, shown, int(need), w)
				}
			}
		}
	}
}
