package charts

import (
	"fmt"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gapmap/app/scoring"
	"gapmap/app/wording"
	"gapmap/questionnaires"
)

// disputedMark follows a value whose team's respondents disagree.
const disputedMark = " ◆"

// heatmapVisibleRows is how many teams the heatmap shows before it scrolls.
const heatmapVisibleRows = 16

// heatCell is one heatmap data item: [dimension index, team index, level],
// with its own label text (the level or score, and the disagreement mark),
// a label colour readable on the level's colour, and a dashed border when
// the team's respondents disagree. go-echarts' HeatMapData has no label or
// item style, hence this type.
type heatCell struct {
	Value     [3]int          `json:"value"`
	Label     *opts.Label     `json:"label,omitempty"`
	ItemStyle *opts.ItemStyle `json:"itemStyle,omitempty"`
}

// visualPiece is one level of the heatmap's colour legend. go-echarts'
// Piece has neither an exact value nor a label.
type visualPiece struct {
	Value int    `json:"value"`
	Label string `json:"label"`
	Color string `json:"color"`
}

type visualMap struct {
	Type       string        `json:"type"`
	Dimension  int           `json:"dimension"`
	Pieces     []visualPiece `json:"pieces"`
	Orient     string        `json:"orient"`
	Left       string        `json:"left"`
	Bottom     string        `json:"bottom"`
	ItemWidth  int           `json:"itemWidth"`
	ItemHeight int           `json:"itemHeight"`
	TextStyle  any           `json:"textStyle"`
}

// Heatmap draws teams × dimensions, each cell coloured by the team's level
// and labelled with it (the score on likert); ◆ and a dashed border mark a
// team whose respondents disagree (their levels differ by 2 or more).
func Heatmap(id string, q *questionnaires.Questionnaire, r *scoring.Result) Chart {
	s := scaleOf(q)
	dims := make([]string, len(r.Dimensions))
	for i, d := range r.Dimensions {
		dims[i] = d.Title
	}
	teams := make([]string, len(r.Teams))
	var cells []heatCell
	tbl := Table{Caption: "Team levels per dimension of " + q.Title, Class: "heatmap", Columns: append([]string{"Team"}, dims...)}
	if s.likert {
		tbl.Caption = "Team scores per dimension of " + q.Title
	}
	disputes := 0
	for y := range r.Teams {
		t := &r.Teams[y]
		teams[y] = t.Name
		row := Row{Header: t.Name}
		if t.Withheld {
			teams[y] = t.Name + ": " + wording.NotEnough(t.Respondents, r.MinGroup())
			row.Header = teams[y]
			for range r.Dimensions {
				row.Cells = append(row.Cells, Cell{Text: "—", Class: "lvl-na", Note: "withheld"})
			}
			tbl.Rows = append(tbl.Rows, row)
			continue
		}
		byKey := teamDims(t)
		for x, d := range r.Dimensions {
			td := byKey[d.Key]
			if td == nil || td.Level == nil {
				row.Cells = append(row.Cells, Cell{Text: "—", Class: "lvl-na", Note: "no answers"})
				continue
			}
			text := fmt.Sprint(*td.Level)
			if s.likert {
				text = floatText(td.Score, 0)
			}
			disputed := td.Disagreement != nil && *td.Disagreement
			cell := Cell{Text: text, Class: questionnaires.LevelClass(td.Level, s.n)}
			if s.likert {
				cell.Note = fmt.Sprintf("level %d", *td.Level)
			}
			label := text
			hc := heatCell{Value: [3]int{x, y, *td.Level}}
			if disputed {
				disputes++
				label += disputedMark
				cell.Class += " is-disputed"
				cell.Note = joinNote(cell.Note, fmt.Sprintf("respondents disagree: levels %d apart", deref(td.Spread)))
				hc.ItemStyle = &opts.ItemStyle{BorderColor: colorText, BorderWidth: 2}
			}
			hc.Label = &opts.Label{Show: opts.Bool(true), Formatter: label, Color: questionnaires.LevelInk(questionnaires.LevelStep(*td.Level, s.n))}
			cells = append(cells, hc)
			row.Cells = append(row.Cells, cell)
		}
		tbl.Rows = append(tbl.Rows, row)
	}

	c := gocharts.NewHeatMap()
	c.SetGlobalOptions(append(base(false, "item"),
		gocharts.WithGridOpts(opts.Grid{Left: "2%", Right: "4%", Top: "12", Bottom: "44", ContainLabel: opts.Bool(true)}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", Data: dims,
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)},
			AxisLabel: &opts.AxisLabel{Color: colorText, Interval: "0", Width: 100, Overflow: "break"}}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "category", Data: teams, Inverse: opts.Bool(true),
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)},
			AxisLabel: &opts.AxisLabel{Color: colorText, Interval: "0", Width: 150, Overflow: "truncate"}}),
	)...)
	if len(teams) > heatmapVisibleRows {
		end := float32(100 * heatmapVisibleRows / len(teams))
		c.SetGlobalOptions(gocharts.WithDataZoomOpts(
			opts.DataZoom{Type: "slider", YAxisIndex: []int{0}, Start: 0, End: end, Orient: "vertical", FilterMode: "none"},
			opts.DataZoom{Type: "inside", YAxisIndex: []int{0}, Start: 0, End: end, FilterMode: "none"},
		))
		c.GridList[0].Right = "8%"
	}
	c.AddSeries("Team level", nil, gocharts.WithSeriesOpts(func(ss *gocharts.SingleSeries) { ss.Data = cells }),
		gocharts.WithEmphasisOpts(opts.Emphasis{ItemStyle: &opts.ItemStyle{BorderColor: colorText, BorderWidth: 2}}))
	o := optionOf(c)
	wrapXLabels(o, c.XAxisList, 15)
	pieces := make([]visualPiece, s.n)
	for i, l := range q.Levels {
		pieces[i] = visualPiece{Value: l.Level, Label: fmt.Sprintf("%d %s", l.Level, l.Name), Color: LevelColor(l.Level, s.n)}
	}
	o["visualMap"] = []visualMap{{Type: "piecewise", Dimension: 2, Pieces: pieces, Orient: "horizontal", Left: "center", Bottom: "0",
		ItemWidth: 14, ItemHeight: 14, TextStyle: textStyle()}}

	caption := "Each row is a team and each column a dimension; the colour is the team's level (legend below), the number its level."
	if s.likert {
		caption = "Each row is a team and each column a dimension; the colour is the team's level (legend below), the number its score from 0 to 100."
	}
	caption += " ◆ and a dark border mark a team whose respondents disagree: their levels differ by two or more, so the team's answer needs a conversation before it is trusted."
	if disputes == 0 {
		caption += " No team shows such a disagreement in this round."
	}
	if len(teams) > heatmapVisibleRows {
		caption += fmt.Sprintf(" The chart shows %d teams at a time: drag the slider on the right, or scroll over the chart, to see the others.", heatmapVisibleRows)
	}
	return Chart{ID: CleanID(id), Title: "Teams × dimensions", Caption: caption, FileName: fileName(q.Key, "heatmap"),
		Tall: true, Wide: true, Option: o, Table: tbl}
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func deref(v *int) int {
	if v == nil {
		return 0
	}
	return *v
}
