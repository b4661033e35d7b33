package charts

import (
	"fmt"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// Spread is the five-number summary of the team levels of one dimension.
type Spread struct {
	Key, Title string
	Teams      int
	Min        *float64
	P25        *float64
	Median     *float64
	P75        *float64
	Max        *float64
	Target     float64 // the target level
}

// Spreads summarizes each dimension across teams on both scales: the
// result's distribution of the team levels (the levels the heatmap shows)
// and its number of teams, with the target as a level.
func Spreads(q *questionnaires.Questionnaire, r *scoring.Result) []Spread {
	out := make([]Spread, len(r.Dimensions))
	for i, d := range r.Dimensions {
		dd := d.Distribution
		out[i] = Spread{Key: d.Key, Title: d.Title, Teams: d.Teams, Target: float64(d.Target),
			Min: levelValue(dd.Min), P25: levelValue(dd.P25), Median: levelValue(dd.Median),
			P75: levelValue(dd.P75), Max: levelValue(dd.Max)}
	}
	return out
}

// levelValue puts a level on a value axis.
func levelValue(l *int) *float64 {
	if l == nil {
		return nil
	}
	return ptr(float64(*l))
}

// SpreadChart draws, per dimension, how far apart the teams are: a box from
// the 25th to the 75th percentile with the median inside, whiskers to the
// lowest and highest team, and the target as a marker.
func SpreadChart(id string, q *questionnaires.Questionnaire, r *scoring.Result) Chart {
	s := scaleOf(q)
	spreads := Spreads(q, r)
	names := make([]string, len(spreads))
	boxes := make([]opts.BoxPlotData, len(spreads))
	targets := make([]opts.ScatterData, len(spreads))
	tbl := Table{Caption: "Spread of team levels per dimension of " + q.Title,
		Columns: []string{"Dimension", "Lowest", "25th percentile", "Median", "75th percentile", "Highest", "Teams", "Target"}}
	for i, sp := range spreads {
		names[i] = sp.Title
		if sp.Min != nil {
			boxes[i] = opts.BoxPlotData{Name: sp.Title, Value: []float64{round(*sp.Min, 1), round(*sp.P25, 1), round(*sp.Median, 1), round(*sp.P75, 1), round(*sp.Max, 1)}}
		} else {
			boxes[i] = opts.BoxPlotData{Name: sp.Title, Value: []string{"-", "-", "-", "-", "-"}}
		}
		targets[i] = opts.ScatterData{Name: sp.Title, Value: round(sp.Target, 1)}
		tbl.Rows = append(tbl.Rows, Row{Header: sp.Title, Cells: []Cell{
			{Text: floatText(sp.Min, 0), Class: "num"},
			{Text: floatText(sp.P25, 0), Class: "num"},
			{Text: floatText(sp.Median, 0), Class: "num"},
			{Text: floatText(sp.P75, 0), Class: "num"},
			{Text: floatText(sp.Max, 0), Class: "num"},
			{Text: fmt.Sprint(sp.Teams), Class: "num"},
			{Text: trim(sp.Target, 0), Class: "num"},
		}})
	}
	c := gocharts.NewBoxPlot()
	yMin, interval := 1.0, 1.0
	c.SetGlobalOptions(append(base(true, "item"),
		gocharts.WithGridOpts(opts.Grid{Left: "48", Right: "4%", Top: "36", Bottom: "14%", ContainLabel: opts.Bool(true)}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: xLabels(len(names))}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "Level", Min: yMin, Max: float64(s.n), MaxInterval: interval, MinInterval: interval,
			AxisLabel: &opts.AxisLabel{Color: colorMuted}, SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorGrid}}}),
	)...)
	c.SetXAxis(names)
	c.AddSeries("Teams", boxes, gocharts.WithItemStyleOpts(opts.ItemStyle{Color: "#ddf4ff", BorderColor: colorCurrent, BorderWidth: 2}))
	t := gocharts.NewScatter()
	t.AddSeries("Target", targets, gocharts.WithScatterChartOpts(opts.ScatterChart{Symbol: "diamond", SymbolSize: 14}),
		gocharts.WithItemStyleOpts(opts.ItemStyle{Color: colorTarget}))
	c.Overlap(t)
	o := optionOf(c)
	wrapXLabels(o, c.XAxisList, 15)
	narrowMedia(o, map[string]any{
		"xAxis": []any{map[string]any{"axisLabel": map[string]any{"rotate": 45, "width": 84, "overflow": "truncate"}}},
	})
	what := "levels"
	if s.likert {
		what = "levels (each team's level is the level its score reaches)"
	}
	return Chart{
		ID: CleanID(id), Title: "How far apart the teams are",
		Caption: "For each dimension the box runs from the 25th to the 75th percentile of the team " + what +
			", the line inside it is the median team, and the whiskers reach the lowest and the highest team; the red diamond is the target level. " +
			"A tall box means the teams differ a lot, and a dimension may need work in some teams rather than everywhere.",
		FileName: fileName(q.Key, "spread"), Option: o, Table: tbl,
	}
}

// xLabels fits category names under a half-width chart: wrapped when there
// are few, slanted when there are many.
func xLabels(n int) *opts.AxisLabel {
	if n > 5 {
		return &opts.AxisLabel{Color: colorText, Interval: "0", Rotate: 30, Width: 110, Overflow: "truncate"}
	}
	return &opts.AxisLabel{Color: colorText, Interval: "0", Width: 90, Overflow: "break"}
}
