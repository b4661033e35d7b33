package export

import (
	"strings"

	"github.com/xuri/excelize/v2"

	"gapmap/app/scoring"
	"gapmap/app/wording"
	"gapmap/questionnaires"
)

// dimRow is one dimension as the workbook shows it: the organization's
// values, or the team's in a team workbook.
type dimRow struct {
	Key, Title string
	Weight     float64
	Level      *int
	Score      *float64
	Target     int
	Gap        *int
}

// qView is one questionnaire of the round with the values in scope.
type qView struct {
	Q       *questionnaires.Questionnaire
	R       *scoring.Result // nil: not scored
	Overall scoring.Overall
	Dims    []dimRow
	Areas   []scoring.AreaResult // the organization's, or the team's in a team workbook
}

// views pairs questionnaires and results and picks the team's values in a
// team workbook.
func views(wb *Workbook) []qView {
	out := make([]qView, 0, len(wb.Questionnaires))
	for i, q := range wb.Questionnaires {
		if q == nil {
			continue
		}
		v := qView{Q: q}
		if i < len(wb.Results) {
			v.R = wb.Results[i]
		}
		if v.R == nil {
			for _, d := range q.Dimensions {
				v.Dims = append(v.Dims, dimRow{Key: d.Key, Title: d.Title, Weight: d.Weight})
			}
			out = append(out, v)
			continue
		}
		var team *scoring.TeamResult
		if wb.Round.TeamID != 0 {
			team = v.R.Team(wb.Round.TeamID)
		}
		v.Overall, v.Areas = v.R.Overall, v.R.Areas
		if wb.Round.TeamID != 0 {
			v.Overall, v.Areas = scoring.Overall{}, nil
			if team != nil {
				v.Overall, v.Areas = team.Overall, team.Areas
			}
		}
		for _, d := range v.R.Dimensions {
			row := dimRow{Key: d.Key, Title: d.Title, Weight: d.Weight, Level: d.Level, Score: d.Score, Target: d.Target, Gap: d.Gap}
			if wb.Round.TeamID != 0 {
				row.Level, row.Score, row.Gap = nil, nil, nil
				if td := team.Dimension(d.Key); td != nil {
					row.Level, row.Score, row.Target, row.Gap = td.Level, td.Score, td.Target, td.Gap
				}
			}
			v.Dims = append(v.Dims, row)
		}
		out = append(out, v)
	}
	return out
}

// withheldNote is what the workbook shows of a withheld team.
func withheldNote(wb *Workbook, t scoring.TeamResult) string {
	for _, r := range wb.Results {
		if r != nil && r.Withholding != nil {
			return wording.NotEnough(t.Respondents, r.MinGroup())
		}
	}
	return wording.NotEnough(t.Respondents, 0)
}

// orgWithheldNote says what an anonymous round's organization figures
// leave out or merge, or "".
func orgWithheldNote(wb *Workbook) string {
	for _, r := range wb.Results {
		if r != nil && r.Withholding != nil {
			w := r.Withholding
			return wording.OrgWithout(w.Teams, w.Respondents, w.MinGroup, w.Excluded)
		}
	}
	return ""
}

// roundTeams returns the participating teams in display order, from the
// first scored questionnaire.
func roundTeams(wb *Workbook) []scoring.TeamResult {
	for _, r := range wb.Results {
		if r != nil {
			return r.Teams
		}
	}
	return nil
}

func levelName(q *questionnaires.Questionnaire, level *int) string {
	if level == nil {
		return ""
	}
	return q.LevelName(*level)
}

func writeSummary(f *excelize.File, st *styles, wb *Workbook) error {
	s := st.sheet(f, SheetSummary)
	s.widths(34, 12, 18, 12, 10, 10, 10, 16)
	rd := wb.Round
	s.str(1, 1, rd.Name, st.title)
	s.str(1, 2, "Maturity assessment: planning workbook exported by gapmap", 0)

	teams := roundTeams(wb)
	respondents := 0
	var withheld []string
	for _, t := range teams {
		respondents += t.Respondents
		if t.Withheld && (rd.TeamID == 0 || rd.TeamID == t.ID) {
			withheld = append(withheld, t.Name+": "+withheldNote(wb, t))
		}
	}
	row := 4
	info := func(label string, write func(col, row int)) {
		s.str(1, row, label, st.label)
		write(2, row)
		row++
	}
	info("Round", func(c, r int) { s.str(c, r, rd.Name, st.text) })
	info("Round ID", func(c, r int) { s.int(c, r, int(rd.AssessmentID), st.integer) })
	if rd.TeamID != 0 {
		info("Team", func(c, r int) { s.str(c, r, rd.TeamName, st.text) })
	} else {
		info("Scope", func(c, r int) { s.str(c, r, "Organization", st.text) })
	}
	info("Status", func(c, r int) { s.str(c, r, statusText(rd.Status), st.text) })
	info("Created", func(c, r int) { s.time(c, r, rd.CreatedAt, st.date) })
	info("Due", func(c, r int) { s.timep(c, r, rd.Due, st.date) })
	info("Closed", func(c, r int) { s.timep(c, r, rd.ClosedAt, st.date) })
	info("Exported (UTC)", func(c, r int) { s.time(c, r, wb.ExportedAt, st.datetime) })
	info("Teams", func(c, r int) { s.int(c, r, len(teams), st.integer) })
	info("Respondents", func(c, r int) { s.int(c, r, respondents, st.integer) })
	if len(withheld) > 0 {
		info("Withheld teams", func(c, r int) { s.str(c, r, strings.Join(withheld, "; "), st.text) })
	}
	if note := orgWithheldNote(wb); note != "" && rd.TeamID == 0 {
		info("Organization figures", func(c, r int) { s.str(c, r, note, st.text) })
	}

	vs := views(wb)
	row++
	s.str(1, row, "Questionnaires", st.subtitle)
	row++
	s.header(row, st.header, 1, "Questionnaire", "Version", "Overall level", "Level name", "Score", "Percent to target", "Key", "Content hash")
	row++
	for _, v := range vs {
		s.str(1, row, v.Q.Title, st.wrap)
		s.str(2, row, v.Q.Version, st.text)
		s.intp(3, row, v.Overall.Level, st.integer)
		s.str(4, row, levelName(v.Q, v.Overall.Level), st.text)
		s.floatp(5, row, v.Overall.Score, st.decimal)
		if p := v.Overall.PercentToTarget; p != nil {
			s.float(6, row, *p/100, st.percent)
		}
		s.str(7, row, v.Q.Key, st.text)
		s.str(8, row, shortHash(v.Q.Hash), st.text)
		row++
	}

	for _, v := range vs {
		if len(v.Areas) == 0 {
			continue
		}
		row++
		s.str(1, row, v.Q.Title+": areas", st.subtitle)
		row++
		s.header(row, st.header, 1, "Area", "Level", "Level name", "Score", "Dimensions")
		row++
		for _, a := range v.Areas {
			s.str(1, row, a.Title, st.wrap)
			s.intp(2, row, a.Level, st.integer)
			if a.LevelName != nil {
				s.str(3, row, *a.LevelName, st.text)
			}
			s.floatp(4, row, a.Score, st.decimal)
			s.str(5, row, strings.Join(a.Dimensions, ", "), st.wrap)
			row++
		}
	}

	for _, v := range vs {
		row++
		top := row
		s.str(1, row, v.Q.Title+": dimensions", st.subtitle)
		row++
		head := row
		s.header(row, st.header, 1, "Dimension", "Level", "Level name", "Score", "Target", "Gap", "Weight")
		row++
		first := row
		for _, d := range v.Dims {
			s.str(1, row, d.Title, st.wrap)
			s.intp(2, row, d.Level, st.integer)
			s.str(3, row, levelName(v.Q, d.Level), st.text)
			s.floatp(4, row, d.Score, st.decimal)
			if d.Target > 0 {
				s.int(5, row, d.Target, st.integer)
			}
			s.intp(6, row, d.Gap, st.integer)
			s.float(7, row, d.Weight, st.decimal)
			row++
		}
		last := row - 1
		if s.err != nil {
			return s.err
		}
		if last >= first {
			if err := addDimensionCharts(f, v, top, head, first, last); err != nil {
				return err
			}
		}
		row = max(row, top+chartRows+1)
	}
	return s.err
}

// chartRows is the height of a chart in rows of the default height.
const chartRows = 16

// addDimensionCharts draws, from the dimension table of one questionnaire,
// a radar of the current level against the target and a bar chart of gaps.
func addDimensionCharts(f *excelize.File, v qView, top, head, first, last int) error {
	cats := absRange(SheetSummary, 1, first, 1, last)
	series := func(col int) excelize.ChartSeries {
		return excelize.ChartSeries{
			Name:       quoteSheet(SheetSummary) + "!" + absCell(col, head),
			Categories: cats,
			Values:     absRange(SheetSummary, col, first, col, last),
			Marker:     excelize.ChartMarker{Symbol: "circle", Size: 6},
		}
	}
	zero, levels := 0.0, float64(len(v.Q.Levels))
	noVary := false
	size := excelize.ChartDimension{Width: 480, Height: chartRows * 20}
	radar := &excelize.Chart{
		Type:       excelize.Radar,
		Series:     []excelize.ChartSeries{series(2), series(5)},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Level and target: " + v.Q.Title}}},
		Legend:     excelize.ChartLegend{Position: "bottom"},
		Dimension:  size,
		YAxis:      excelize.ChartAxis{Minimum: &zero, Maximum: &levels, MajorUnit: 1, MajorGridLines: true},
		VaryColors: &noVary,
		Format:     excelize.GraphicOptions{OffsetX: 4, OffsetY: 4},
	}
	if err := f.AddChart(SheetSummary, cell(9, top), radar); err != nil {
		return err
	}
	gaps := series(6)
	gaps.Marker = excelize.ChartMarker{}
	gaps.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C0504D"}}
	bar := &excelize.Chart{
		Type:       excelize.Bar,
		Series:     []excelize.ChartSeries{gaps},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Gap to target: " + v.Q.Title}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		Dimension:  size,
		XAxis:      excelize.ChartAxis{ReverseOrder: true},
		YAxis:      excelize.ChartAxis{Minimum: &zero, MajorUnit: 1, MajorGridLines: true},
		VaryColors: &noVary,
		Format:     excelize.GraphicOptions{OffsetX: 4, OffsetY: 4},
	}
	return f.AddChart(SheetSummary, cell(17, top), bar)
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func statusText(s string) string {
	switch s {
	case "open":
		return "Open"
	case "closed":
		return "Closed"
	}
	return s
}
