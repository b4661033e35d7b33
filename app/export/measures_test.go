package export_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gapmap/app/export"
	"gapmap/app/measures"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

func TestResponsesCSVWithMeasures(t *testing.T) {
	shipped, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	var dx *questionnaires.Questionnaire
	for _, q := range shipped {
		if q.Key == "developer-experience" {
			dx = q
		}
	}
	rows := []export.ResponseRow{
		{TeamName: "Blue", ResponseID: 1, Questionnaire: dx.Key, Question: "gp-recommend", Number: 9, HasNumber: true},
		{TeamName: "Blue", ResponseID: 1, Questionnaire: dx.Key, Question: "cl-hours-lost", Number: 2.5, HasNumber: true},
		{TeamName: "Blue", ResponseID: 1, Questionnaire: dx.Key, Question: "ff-one-change", Text: "=faster builds"},
		{TeamName: "Blue", ResponseID: 1, Questionnaire: dx.Key, Question: "od-days-first-deploy", NA: true},
	}
	src := func(emit func(*export.ResponseRow) error) error {
		for i := range rows {
			if err := emit(&rows[i]); err != nil {
				return err
			}
		}
		return nil
	}
	var buf bytes.Buffer
	if err := export.WriteResponsesCSV(&buf, []*questionnaires.Questionnaire{dx}, src); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Answer (column 9) and "Level or value" (column 10) of each row.
	want := [][2]string{{"9 of 10", "9"}, {"2.5 hours", "2.5"}, {"'=faster builds", ""}, {"N/A", ""}}
	if len(recs) != len(want)+1 {
		t.Fatalf("%d records, want %d", len(recs), len(want)+1)
	}
	for i, w := range want {
		if got := [2]string{recs[i+1][8], recs[i+1][9]}; got != w {
			t.Errorf("row %d answer/value = %q, want %q", i+1, got, w)
		}
	}
}

func TestCommentsSheetShowsTextAnswers(t *testing.T) {
	fx := newFixture(t, []string{"Payments"}, 1)
	first := fx.rows[0]
	fx.rows = append(fx.rows, export.ResponseRow{
		TeamName: "Payments", ResponseID: first.ResponseID, Questionnaire: first.Questionnaire, Question: first.Question,
		Text: "=A written answer, kept as text",
	})
	f := openBook(t, writeBook(t, fx.wb))
	i := slices.IndexFunc(rows(t, f, export.SheetComments), func(r []string) bool {
		return len(r) >= 6 && r[5] == "=A written answer, kept as text"
	})
	if i < 0 {
		t.Fatal("the text answer is not on the Comments sheet")
	}
	if got := rows(t, f, export.SheetComments)[i][4]; got != export.WrittenAnswer {
		t.Errorf("answer column = %q, want %q", got, export.WrittenAnswer)
	}
	if formula, _ := f.GetCellFormula(export.SheetComments, ref(6, i+1)); formula != "" {
		t.Errorf("the text answer became formula %q", formula)
	}
}

// TestMeasuresSheet checks the Measures sheet against hand-computed values:
// Blue's NPS answers 10, 9, 8 and 3 are 2 promoters, 1 passive and 1
// detractor (NPS +25); its days 1, 2, 3, 4 and 10 have quartiles 2, 3 and 4.
// Tiny is withheld: its row says so, and none of its figures (set on
// purpose on its result) appear; the organization's figures are Blue's.
func TestMeasuresSheet(t *testing.T) {
	fx := newFixture(t, []string{"Blue", "Tiny"}, 1)
	res := fx.wb.Results[1]
	nps := measures.Question{Key: "recommend", Type: questionnaires.TypeNPS, Text: "Would you recommend the platform?"}
	days := measures.Question{Key: "days", Type: questionnaires.TypeNumber, Text: "Days to the first deploy", Unit: "days"}
	blue := []measures.Measure{measures.Of(nps, []float64{10, 9, 8, 3}), measures.Of(days, []float64{10, 1, 4, 2, 3})}
	res.Measures = &measures.Summary{Questions: []measures.Question{nps, days}, Organization: blue}
	res.Withholding = &scoring.Withholding{MinGroup: 5, Teams: 1, Respondents: 3, Excluded: true}
	res.Teams[0].Measures = blue
	res.Teams[1].Withheld, res.Teams[1].Respondents = true, 3
	res.Teams[1].Measures = []measures.Measure{measures.Of(nps, []float64{0, 0, 1}), measures.Of(days, []float64{77, 88, 99})}

	f := openBook(t, writeBook(t, fx.wb))
	rs := rows(t, f, export.SheetMeasures)
	want := map[string][]string{
		"recommend Organization": {"4", "25.00", "2", "1", "1"},
		"recommend Blue":         {"4", "25.00", "2", "1", "1"},
		"recommend Tiny":         {"not enough responses (3 of 5)"},
		"days Organization":      {"5", "", "", "", "", "1.00", "2.00", "3.00", "4.00", "10.00"},
		"days Blue":              {"5", "", "", "", "", "1.00", "2.00", "3.00", "4.00", "10.00"},
		"days Tiny":              {"not enough responses (3 of 5)"},
	}
	got := map[string][]string{}
	for _, r := range rs[4:] {
		if len(r) < 6 {
			t.Fatalf("short row %q", r)
		}
		key := map[string]string{nps.Text: "recommend", days.Text: "days"}[r[1]] + " " + r[4]
		got[key] = r[5:]
		for _, cell := range r {
			for _, leak := range []string{"-100.00", "77.00", "88.00", "99.00", "77", "88", "99"} {
				if cell == leak {
					t.Errorf("row %q shows the withheld team's %s", r, leak)
				}
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Measures rows:\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(rs[1][0], "leave out 1 team") {
		t.Errorf("the note does not say the organization leaves Tiny out: %q", rs[1][0])
	}
	if _, err := f.GetSheetIndex(export.SheetMeasures); err != nil {
		t.Fatal(err)
	}
	plain := newFixture(t, []string{"Blue"}, 1)
	if idx, _ := openBook(t, writeBook(t, plain.wb)).GetSheetIndex(export.SheetMeasures); idx != -1 {
		t.Error("a round without measured questions has a Measures sheet")
	}
}
