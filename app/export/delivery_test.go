package export_test

import (
	"slices"
	"testing"
	"time"

	"gapmap/app/dora"
	"gapmap/app/export"
)

// TestDeliverySheet writes the Delivery sheet from metrics computed by
// app/dora and reads the values, bands and empty cells back; a team name
// that looks like a formula stays text.
func TestDeliverySheet(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 1)
	day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	fin := day("2026-03-02").Add(12 * time.Hour)
	lead := int64(5400)
	withData := dora.FromEvents([]dora.Deployment{{ID: "a", FinishedAt: fin, Status: dora.StatusFailure, LeadTimeSeconds: &lead}}, nil,
		dora.NewWindow(day("2026-03-01"), day("2026-03-07"))).Compute()
	fx.wb.Delivery = &export.Delivery{From: day("2026-03-01"), To: day("2026-03-07"), Teams: []export.DeliveryTeam{
		{Name: evilHyperlink, Metrics: withData},
		{Name: "Quiet", Metrics: dora.Totals{Days: 7}.Compute()},
	}}
	f := openBook(t, writeBook(t, fx.wb))
	if got := f.GetSheetList(); !slices.Contains(got, export.SheetDelivery) {
		t.Fatalf("sheets %q lack %s", got, export.SheetDelivery)
	}
	rs := rows(t, f, export.SheetDelivery)
	want := [][]string{
		{"Team", "Deployments", "Deployments per week", "Band", "Lead time (median hours)", "Band", "Change failure rate (%)", "Band", "Recovery time (median hours)", "Band", "Incidents"},
		{evilHyperlink, "1", "1.00", "high", "1.50", "elite", "100.00", "low", "", "", "0"},
		{"Quiet", "0", "", "", "", "", "", "", "", "", "0"},
	}
	for i, w := range want {
		got := rs[3+i]
		for j := range w {
			if cellAt(got, j) != w[j] {
				t.Errorf("row %d column %d = %q, want %q (row %q)", 4+i, j+1, cellAt(got, j), w[j], got)
			}
		}
	}
	if formula, err := f.GetCellFormula(export.SheetDelivery, "A5"); err != nil || formula != "" {
		t.Errorf("A5 formula %q, %v", formula, err)
	}
}
