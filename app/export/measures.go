package export

import (
	"github.com/xuri/excelize/v2"

	"gapmap/app/measures"
)

// SheetMeasures lists the statistics of the nps and number questions; the
// workbook has it only when a questionnaire of the round has such questions.
const SheetMeasures = "Measures"

// measuresFirstRow is the first data row, under the header of row 4.
const measuresFirstRow = 5

// writeMeasures writes one row per measured question and scope: the
// organization (in its workbook) and each team, with the figures of the
// results API's "measures". A withheld team's row says only that it has
// not enough responses; the organization's figures are those of the
// results, which leave withheld teams out when the round says so (row 2
// says it).
func writeMeasures(f *excelize.File, st *styles, wb *Workbook) error {
	if !hasMeasures(wb) {
		return nil
	}
	s := st.sheet(f, SheetMeasures)
	s.str(1, 1, "Measures", st.title)
	intro := "Answers to the NPS and number questions. They are not scored into levels."
	if note := orgWithheldNote(wb); note != "" && wb.Round.TeamID == 0 {
		intro += " " + note
	}
	s.str(1, 2, intro, st.text)
	s.header(4, st.header, 1, "Questionnaire", "Question", "Type", "Unit", "Team", "Answers",
		"NPS", "Promoters", "Passives", "Detractors", "Minimum", "25th percentile", "Median", "75th percentile", "Maximum")
	row := measuresFirstRow
	for i, r := range wb.Results {
		if r == nil || r.Measures == nil || i >= len(wb.Questionnaires) {
			continue
		}
		title := wb.Questionnaires[i].Title
		for _, q := range r.Measures.Questions {
			lead := func() {
				s.str(1, row, title, st.text)
				s.str(2, row, q.Text, st.text)
				s.str(3, row, q.Type, st.text)
				s.str(4, row, q.Unit, st.text)
			}
			if wb.Round.TeamID == 0 {
				lead()
				s.str(5, row, "Organization", st.bold)
				writeMeasure(s, st, row, find(r.Measures.Organization, q))
				row++
			}
			for _, t := range r.Teams {
				lead()
				s.str(5, row, t.Name, st.text)
				if t.Withheld {
					s.str(6, row, withheldNote(wb, t), st.text)
				} else {
					writeMeasure(s, st, row, find(t.Measures, q))
				}
				row++
			}
		}
	}
	return s.err
}

func hasMeasures(wb *Workbook) bool {
	for _, r := range wb.Results {
		if r != nil && r.Measures != nil && len(r.Measures.Questions) > 0 {
			return true
		}
	}
	return false
}

// find returns the measure of question q among got, or one without answers.
func find(got []measures.Measure, q measures.Question) measures.Measure {
	for _, m := range got {
		if m.Question == q.Key {
			return m
		}
	}
	return measures.Measure{Question: q.Key, Type: q.Type}
}

// writeMeasure writes the answers' count and statistics from column 6.
func writeMeasure(s *sheet, st *styles, row int, m measures.Measure) {
	s.int(6, row, m.N, st.integer)
	if n := m.NPS; n != nil {
		s.floatp(7, row, n.Score, st.decimal)
		s.int(8, row, n.Promoters, st.integer)
		s.int(9, row, n.Passives, st.integer)
		s.int(10, row, n.Detractors, st.integer)
	}
	if x := m.Number; x != nil {
		for i, v := range []*float64{x.Min, x.P25, x.Median, x.P75, x.Max} {
			s.floatp(11+i, row, v, st.decimal)
		}
	}
}
