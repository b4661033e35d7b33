package export_test

import (
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
