package export

import (
	"strconv"

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
// level italic with a border and a "!". It has a row per team, so it goes
// through the stream writer: a round of thousands of teams does not hold
// a cell object per level until the workbook is written.
func writeHeatmap(f *excelize.File, st *styles, wb *Workbook) error {
	teams := roundTeams(wb)
	vs := views(wb)
	org := wb.Round.TeamID == 0
	sw, err := f.NewStreamWriter(SheetHeatmap)
	if err != nil {
		return err
	}

	// Headers: the team and respondent columns span both header rows, a
	// questionnaire's title spans its dimensions' columns.
	head, dims := heatRow{}, heatRow{}
	head.set(1, st.header, "Team")
	head.set(2, st.header, "Respondents")
	dims.set(1, st.header, "")
	dims.set(2, st.header, "")
	merges := [][2]string{{"A1", "A2"}, {"B1", "B2"}}
	blocks := make([]heatBlock, 0, len(vs))
	col := 3
	for _, v := range vs {
		b := heatBlock{v: v, first: col, teams: teamIndex(v)}
		head.set(col, st.header, v.Q.Title)
		for _, d := range v.Dims {
			dims.set(col, st.header, d.Title)
			col++
		}
		if last := col - 1; last > b.first {
			for c := b.first + 1; c <= last; c++ {
				head.set(c, st.header, nil)
			}
			merges = append(merges, [2]string{cell(b.first, 1), cell(last, 1)})
		}
		blocks = append(blocks, b)
	}

	// Column widths go first in a streamed sheet: the team column fits
	// the longest name, the respondents column a withheld team's note.
	nameWidth, countWidth := textWidth("Target"), 0.0
	if org {
		nameWidth = max(nameWidth, textWidth("Organization"))
	}
	for _, t := range teams {
		nameWidth = max(nameWidth, textWidth(t.Name))
		if t.Withheld {
			countWidth = max(countWidth, textWidth(withheldNote(wb, t)))
		} else {
			countWidth = max(countWidth, float64(len(strconv.Itoa(t.Respondents))))
		}
	}
	widths := []float64{max(30, min(nameWidth+colPadding, colMaxWidth)), max(12, min(countWidth+colPadding, colMaxWidth))}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if col > 3 {
		if err := sw.SetColWidth(3, col-1, 14); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: "C3", ActiveCell: "C3", Pane: "bottomRight"}},
	}); err != nil {
		return err
	}
	for _, m := range merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	put := func(row int, r heatRow) error { return sw.SetRow(cell(1, row), r) }
	if err := put(1, head); err != nil {
		return err
	}
	if err := put(2, dims); err != nil {
		return err
	}

	row := heatRow{}
	for i, t := range teams {
		row = row[:0]
		row.set(1, st.text, t.Name)
		if t.Withheld {
			row.set(2, st.text, withheldNote(wb, t))
		} else {
			row.set(2, st.integer, t.Respondents)
		}
		for _, b := range blocks {
			tr := b.teams[t.ID]
			if tr == nil || tr.Withheld {
				continue
			}
			for j, d := range b.v.Dims {
				td := tr.Dimension(d.Key)
				if td == nil {
					row.set(b.first+j, st.boldInt, nil)
					continue
				}
				row.set(b.first+j, heatStyle(st, td, len(b.v.Q.Levels)), level(td.Level))
			}
		}
		if err := put(heatmapFirstRow+i, row); err != nil {
			return err
		}
	}

	lastTeam := heatmapFirstRow + len(teams) - 1
	orgRow, targetRow := lastTeam+2, lastTeam+3
	orgLine, targets := heatRow{}, heatRow{}
	orgLine.set(1, st.bold, "Organization")
	targets.set(1, st.bold, "Target")
	for _, b := range blocks {
		for j, d := range b.v.Dims {
			orgLine.set(b.first+j, st.boldInt, level(d.Level))
			if d.Target > 0 {
				targets.set(b.first+j, st.boldInt, d.Target)
			}
		}
	}
	if org {
		if err := put(orgRow, orgLine); err != nil {
			return err
		}
	}
	if err := put(targetRow, targets); err != nil {
		return err
	}
	note := targetRow + 2
	if err := put(note, heatRow{"Levels per team and dimension, in the dashboard's level colours: from yellow at level 1 through green, teal and blue to purple."}); err != nil {
		return err
	}
	if err := put(note+1, heatRow{"A level shown as \"2 !\" with a border: the team's respondents disagree (their levels are two or more apart)."}); err != nil {
		return err
	}
	return sw.Flush()
}

// heatRow is one row of the Heatmap sheet for the stream writer: its
// cells by column, nil where a column is empty.
type heatRow []any

// set puts a value (nil for none) with a style in column col (from 1).
func (r *heatRow) set(col, style int, v any) {
	for len(*r) < col {
		*r = append(*r, nil)
	}
	(*r)[col-1] = excelize.Cell{StyleID: style, Value: v}
}

// level is a level for a cell: nil, for an empty cell, when there is none.
func level(l *int) any {
	if l == nil {
		return nil
	}
	return *l
}

// heatBlock is one questionnaire's columns of the heatmap.
type heatBlock struct {
	v     qView
	first int // its first column
	teams map[int64]*scoring.TeamResult
}

// teamIndex maps a questionnaire's team results by team id.
func teamIndex(v qView) map[int64]*scoring.TeamResult {
	out := map[int64]*scoring.TeamResult{}
	if v.R != nil {
		for i := range v.R.Teams {
			out[v.R.Teams[i].ID] = &v.R.Teams[i]
		}
	}
	return out
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
