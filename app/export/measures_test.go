package export_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"gapmap/app/export"
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
