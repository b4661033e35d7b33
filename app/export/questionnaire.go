package export

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"gapmap/questionnaires"
)

// writeQuestionnaire writes, for each questionnaire of the round, its
// identity, its levels, and one row per option of every question (one row
// per statement on a likert scale).
func writeQuestionnaire(f *excelize.File, st *styles, wb *Workbook) error {
	s := st.sheet(f, SheetQuestionnaire)
	s.widths(22, 22, 24, 50, 50, 8, 8, 10, 8, 50)
	row := 1
	for _, q := range wb.Questionnaires {
		if q == nil {
			continue
		}
		s.str(1, row, q.Title, st.subtitle)
		row++
		for _, kv := range append([][2]string{
			{"Key", q.Key}, {"Version", q.Version}, {"Content hash (SHA-256)", q.Hash},
			{"Framework", q.Framework}, {"Scale", q.Scale},
		}, provenance(q)...) {
			s.str(1, row, kv[0], st.label)
			s.str(2, row, kv[1], st.text)
			row++
		}
		s.str(1, row, "Pass ratio", st.label)
		s.float(2, row, q.PassRatio, st.decimal)
		row += 2

		s.header(row, st.header, 1, "Level", "Name", "Description")
		row++
		for _, l := range q.Levels {
			s.int(1, row, l.Level, st.integer)
			s.str(2, row, l.Name, st.text)
			s.str(3, row, l.Description, st.wrap)
			row++
		}
		row++

		s.header(row, st.header, 1, "Dimension", "Dimension key", "Question key", "Question", "Help", "Question weight", "Reverse", "Option key", "Level", "Option")
		// Imported models' fields, in columns of their own after the
		// usual ten, only for a questionnaire that uses them.
		groups, levels, values := usesImportedFields(q)
		extra := 11
		col := map[string]int{}
		for _, c := range []struct {
			name string
			on   bool
		}{{"Group", groups}, {"Question level", levels}, {"Option value", values}} {
			if c.on {
				col[c.name] = extra
				s.header(row, st.header, extra, c.name)
				extra++
			}
		}
		row++
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				base := func() {
					s.str(1, row, d.Title, st.wrap)
					s.str(2, row, d.Key, st.text)
					s.str(3, row, qu.Key, st.text)
					s.str(4, row, qu.Text, st.wrap)
					s.str(5, row, qu.Help, st.wrap)
					s.float(6, row, qu.Weight, st.decimal)
					s.str(7, row, yesNo(qu.Reverse), st.text)
					if c, ok := col["Group"]; ok && qu.Group != "" {
						s.str(c, row, groupTitle(d, qu.Group), st.text)
					}
					if c, ok := col["Question level"]; ok && qu.Level != nil {
						s.int(c, row, *qu.Level, st.integer)
					}
				}
				if q.Scale == questionnaires.ScaleLikert || len(qu.Options) == 0 {
					base()
					s.str(10, row, likertScale(), st.wrap)
					row++
					continue
				}
				for _, o := range qu.Options {
					base()
					s.str(8, row, o.Key, st.text)
					s.int(9, row, o.Level, st.integer)
					s.str(10, row, o.Label, st.wrap)
					if c, ok := col["Option value"]; ok && o.Value != nil {
						s.float(c, row, *o.Value, st.decimal)
					}
					row++
				}
			}
		}
		row += 2
	}
	if s.err != nil {
		return s.err
	}
	return nil
}

func likertScale() string {
	parts := make([]string, 0, 5)
	for v := 1; v <= 5; v++ {
		parts = append(parts, fmt.Sprintf("%d %s", v, questionnaires.LikertLabel(v)))
	}
	return "Answered on a scale: " + strings.Join(parts, ", ")
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// provenance is the scoring method (when not the default) and the origin,
// source, license and attribution a questionnaire gives, as label-value
// rows; none for a questionnaire that gives none.
func provenance(q *questionnaires.Questionnaire) [][2]string {
	var out [][2]string
	for _, kv := range [][2]string{
		{"Scoring", q.Scoring}, {"Origin", q.Origin}, {"Source", q.Source}, {"License", q.License}, {"Attribution", q.Attribution},
	} {
		if kv[1] != "" && (kv[0] != "Scoring" || kv[1] != questionnaires.ScoringGated) {
			out = append(out, kv)
		}
	}
	return out
}

// usesImportedFields reports whether any question of q has a group or a
// level, and whether any option has a value.
func usesImportedFields(q *questionnaires.Questionnaire) (groups, levels, values bool) {
	for _, d := range q.Dimensions {
		for _, qu := range d.Questions {
			groups = groups || qu.Group != ""
			levels = levels || qu.Level != nil
			for _, o := range qu.Options {
				values = values || o.Value != nil
			}
		}
	}
	return groups, levels, values
}

// groupTitle is the title of a dimension's group, or its key.
func groupTitle(d questionnaires.Dimension, key string) string {
	for _, g := range d.Groups {
		if g.Key == key && g.Title != "" {
			return g.Title
		}
	}
	return key
}
