package export_test

import (
	"slices"
	"testing"

	"gapmap/app/export"
)

func TestCommentsSheet(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 2)
	f := openBook(t, writeBook(t, fx.wb))
	rs := rows(t, f, export.SheetComments)
	wantHead := []string{"Team", "Questionnaire", "Dimension", "Question", "Answer", "Comment", "Evidence", "Evidence note"}
	if len(rs) == 0 || !slices.Equal(rs[0], wantHead) {
		t.Fatalf("header %q, want %q", rs[0], wantHead)
	}
	// Expected lines: the commented rows, in questionnaire and question
	// order, teams in source order within a question.
	type key struct{ q, question string }
	qOrder := map[string]int{}
	questionOrder := map[key]int{}
	texts := map[key]string{}
	for i, q := range fx.wb.Questionnaires {
		qOrder[q.Key] = i
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				questionOrder[key{q.Key, qu.Key}] = len(questionOrder)
				texts[key{q.Key, qu.Key}] = qu.Text
			}
		}
	}
	var want []export.ResponseRow
	for _, r := range fx.rows {
		if r.Comment != "" {
			want = append(want, r)
		}
	}
	if len(want) == 0 {
		t.Fatal("the fixture has no comments")
	}
	slices.SortStableFunc(want, func(a, b export.ResponseRow) int {
		return questionOrder[key{a.Questionnaire, a.Question}] - questionOrder[key{b.Questionnaire, b.Question}]
	})
	if got := len(rs) - 1; got != len(want) {
		t.Fatalf("%d comment rows, want %d", got, len(want))
	}
	for i, w := range want {
		got := rs[i+1]
		for len(got) < 6 {
			got = append(got, "")
		}
		if got[0] != w.TeamName || got[3] != texts[key{w.Questionnaire, w.Question}] || got[5] != w.Comment {
			t.Fatalf("row %d = %q, want team %q question %q comment %q", i+2, got, w.TeamName, texts[key{w.Questionnaire, w.Question}], w.Comment)
		}
		if formula, err := f.GetCellFormula(export.SheetComments, ref(6, i+2)); err != nil || formula != "" {
			t.Errorf("row %d: comment %q became formula %q (%v)", i+2, w.Comment, formula, err)
		}
	}
}

func TestCommentsSheetWithoutResponses(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 1)
	fx.wb.Responses = nil
	f := openBook(t, writeBook(t, fx.wb))
	if rs := rows(t, f, export.SheetComments); len(rs) != 1 {
		t.Fatalf("comments sheet of a workbook without responses has %d rows, want the header only", len(rs))
	}
}
