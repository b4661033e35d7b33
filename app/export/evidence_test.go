package export_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"gapmap/app/export"
)

// TestCommentsSheetEvidence: an answer with evidence is on the Comments
// sheet even without a comment, its link a hyperlink when it is http or
// https, its note beside it as text.
func TestCommentsSheetEvidence(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 1)
	const link, note = "https://grafana.example.com/d/deploys?from=now-90d", "=HYPERLINK(\"http://evil\",\"x\")"
	fx.rows[0].Comment, fx.rows[0].EvidenceURL, fx.rows[0].EvidenceNote = "", link, note
	fx.rows[1].Comment, fx.rows[1].EvidenceURL = "", "javascript:alert(1)"
	f := openBook(t, writeBook(t, fx.wb))
	rs := rows(t, f, export.SheetComments)
	find := func(url string) int {
		return slices.IndexFunc(rs, func(r []string) bool { return len(r) > 6 && r[6] == url })
	}
	i := find(link)
	if i < 0 {
		t.Fatalf("the evidence %s is not on the Comments sheet: %q", link, rs)
	}
	if got := rs[i][7]; got != note {
		t.Errorf("evidence note %q, want %q", got, note)
	}
	if formula, _ := f.GetCellFormula(export.SheetComments, ref(8, i+1)); formula != "" {
		t.Errorf("the note became formula %q", formula)
	}
	if ok, target, err := f.GetCellHyperLink(export.SheetComments, ref(7, i+1)); err != nil || !ok || target != link {
		t.Errorf("hyperlink of the evidence: %v %q %v, want %q", ok, target, err, link)
	}
	j := find("javascript:alert(1)")
	if j < 0 {
		t.Fatal("the second evidence row is missing")
	}
	if ok, target, _ := f.GetCellHyperLink(export.SheetComments, ref(7, j+1)); ok {
		t.Errorf("a javascript: address became a hyperlink to %q", target)
	}
}

// TestResponsesEvidence: the Responses sheet and the responses CSV carry
// each answer's evidence link and note in the columns Evidence and
// Evidence note; the sheet keeps a formula-like note as text, the CSV
// defuses it.
func TestResponsesEvidence(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 1)
	const link, note = "https://grafana.example.com/d/deploys", "=HYPERLINK(\"http://evil\",\"x\")"
	fx.rows[0].EvidenceURL, fx.rows[0].EvidenceNote = link, note
	fx.rows[1].EvidenceURL, fx.rows[1].EvidenceNote = "", ""

	f := openBook(t, writeBook(t, fx.wb))
	rs := rows(t, f, export.SheetResponses)
	var csvBuf bytes.Buffer
	if err := export.WriteResponsesCSV(&csvBuf, fx.wb.Questionnaires, fx.source()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&csvBuf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		rows       [][]string
		head, want [2]string
	}{
		{"sheet", rs, [2]string{"Evidence", "Evidence note"}, [2]string{link, note}},
		{"csv", recs, [2]string{"Evidence", "Evidence note"}, [2]string{link, "'" + note}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.rows) < 3 || len(tc.rows[0]) < 14 {
				t.Fatalf("rows %q", tc.rows)
			}
			if got := [2]string{tc.rows[0][12], tc.rows[0][13]}; got != tc.head {
				t.Errorf("header %q, want %q", got, tc.head)
			}
			if got := [2]string{tc.rows[1][12], tc.rows[1][13]}; got != tc.want {
				t.Errorf("first answer's evidence %q, want %q", got, tc.want)
			}
			if len(tc.rows[2]) > 12 && (tc.rows[2][12] != "" || (len(tc.rows[2]) > 13 && tc.rows[2][13] != "")) {
				t.Errorf("an answer without evidence shows %q", tc.rows[2][12:])
			}
		})
	}
	if formula, _ := f.GetCellFormula(export.SheetResponses, ref(14, 2)); formula != "" {
		t.Errorf("the note became formula %q on the Responses sheet", formula)
	}
}
