package export

import (
	"github.com/xuri/excelize/v2"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// heatmapFirstRow is the first team row: rows 1 and 2 hold the questionnaire
// and dimension headers.
const heatmapFirstRow = 3

// writeHeatmap writes teams × dimensions levels: one block of columns per
// questionnaire, each team's level filled with the colour of its level step
// (questionnaires.LevelStep and LevelFill), the palette of the web's
// heatmap, so one level has one colour on every screen and in the workbook;
// a team whose respondents disagree (levels two or more apart) shows its
// level italic with a border and a "!".
func writeHeatmap(f *excelize.File, st *styles, wb *Workbook) error {
	s := &sheet{f: f, name: SheetHeatmap}
	teams := roundTeams(wb)
	vs := views(wb)
	s.str(1, 1, "Team", st.header)
	s.str(1, 2, "", st.header)
	s.str(2, 1, "Respondents", st.header)
	s.str(2, 2, "", st.header)
	s.keep(f.MergeCell(SheetHeatmap, "A1", "A2"))
	s.keep(f.MergeCell(SheetHeatmap, "B1", "B2"))
	s.keep(f.SetColWidth(SheetHeatmap, "A", "A", 30))
	s.keep(f.SetColWidth(SheetHeatmap, "B", "B", 12))

	lastTeam := heatmapFirstRow + len(teams) - 1
	orgRow, targetRow := lastTeam+2, lastTeam+3
	for i, t := range teams {
		s.str(1, heatmapFirstRow+i, t.Name, st.text)
		if t.Withheld {
			s.str(2, heatmapFirstRow+i, withheldNote(wb, t), st.text)
			continue
		}
		s.int(2, heatmapFirstRow+i, t.Respondents, st.integer)
	}
	if wb.Round.TeamID == 0 {
		s.str(1, orgRow, "Organization", st.bold)
	}
	s.str(1, targetRow, "Target", st.bold)

	col := 3
	for _, v := range vs {
		firstCol := col
		s.str(col, 1, v.Q.Title, st.header)
		for _, d := range v.Dims {
			s.str(col, 2, d.Title, st.header)
			s.keep(f.SetColWidth(SheetHeatmap, colName(col), colName(col), 14))
			if wb.Round.TeamID == 0 {
				s.intp(col, orgRow, d.Level, st.boldInt)
			}
			if d.Target > 0 {
				s.int(col, targetRow, d.Target, st.boldInt)
			}
			col++
		}
		lastCol := col - 1
		if lastCol < firstCol {
			continue
		}
		if lastCol > firstCol {
			s.styleRange(firstCol, 1, lastCol, 1, st.header)
			s.keep(f.MergeCell(SheetHeatmap, cell(firstCol, 1), cell(lastCol, 1)))
		}
		if v.R != nil {
			for i, t := range teams {
				row := heatmapFirstRow + i
				tr := findTeam(v, t.ID)
				if tr == nil || tr.Withheld {
					continue
				}
				for j, d := range v.Dims {
					td := tr.Dimension(d.Key)
					if td == nil {
						s.style(firstCol+j, row, st.boldInt)
						continue
					}
					s.intp(firstCol+j, row, td.Level, heatStyle(st, td, len(v.Q.Levels)))
				}
			}
		}
	}
	note := targetRow + 2
	s.str(1, note, "Levels per team and dimension, in the dashboard's level colours: from yellow at level 1 through green, teal and blue to purple.", 0)
	s.str(1, note+1, "A level shown as \"2 !\" with a border: the team's respondents disagree (their levels are two or more apart).", 0)
	s.keep(f.SetPanes(SheetHeatmap, &excelize.Panes{
		Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: "C3", ActiveCell: "C3", Pane: "bottomRight"}},
	}))
	return s.err
}

// heatStyle is the style of a team's level: its level colour, with the
// disagreement mark when the team's respondents disagree.
func heatStyle(st *styles, td *scoring.TeamDimension, levels int) int {
	disagree := td.Disagreement != nil && *td.Disagreement
	if td.Level == nil {
		if disagree {
			return st.disagree
		}
		return st.boldInt
	}
	step := questionnaires.LevelStep(*td.Level, levels)
	if disagree {
		return st.levelDisagree[step]
	}
	return st.level[step]
}

func findTeam(v qView, id int64) *scoring.TeamResult {
	if v.R == nil {
		return nil
	}
	for i := range v.R.Teams {
		if v.R.Teams[i].ID == id {
			return &v.R.Teams[i]
		}
	}
	return nil
}
