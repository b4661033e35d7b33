package charts

import (
	"fmt"
	"slices"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// Spread is the five-number summary of the team values of one dimension.
type Spread struct {
	Key, Title string
	Teams      int
	Min        *float64
	P25        *float64
	Median     *float64
	P75        *float64
	Max        *float64
	Target     float64
}

// teamScores returns the sorted scores of the teams with a score in dimension key.
func teamScores(r *scoring.Result, key string) []float64 {
	var vals []float64
	for i := range r.Teams {
		for _, td := range r.Teams[i].Dimensions {
			if td.Key == key && td.Score != nil && td.Level != nil {
				vals = append(vals, *td.Score)
			}
		}
	}
	slices.Sort(vals)
	return vals
}

// Spreads summarizes each dimension across teams: the stored distribution
// of team levels on the level scale; on likert the same nearest-rank
// summary of the team scores.
func Spreads(q *questionnaires.Questionnaire, r *scoring.Result) []Spread {
	s := scaleOf(q)
	out := make([]Spread, len(r.Dimensions))
	for i, d := range r.Dimensions {
		sp := Spread{Key: d.Key, Title: d.Title, Teams: d.Teams, Target: s.target(d.Target)}
		if s.likert {
			if vals := teamScores(r, d.Key); len(vals) > 0 {
				sp.Teams = len(vals)
				sp.Min, sp.P25, sp.Median = ptr(vals[0]), ptr(nearestRank(vals, 25)), ptr(nearestRank(vals, 50))
				sp.P75, sp.Max = ptr(nearestRank(vals, 75)), ptr(vals[len(vals)-1])
			}
		} else {
			dd := d.Distribution
			sp.Min, sp.P25, sp.Median = s.value(dd.Min, nil), s.value(dd.P25, nil), s.value(dd.Median, nil)
			sp.P75, sp.Max = s.value(dd.P75, nil), s.value(dd.Max, nil)
		}
		out[i] = sp
	}
	return out
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
	prec := 0
	if s.likert {
		prec = 1
	}
	tbl := Table{Caption: "Spread of team " + s.plural() + " per dimension of " + q.Title,
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
			{Text: floatText(sp.Min, prec), Class: "num"},
			{Text: floatText(sp.P25, prec), Class: "num"},
			{Text: floatText(sp.Median, prec), Class: "num"},
			{Text: floatText(sp.P75, prec), Class: "num"},
			{Text: floatText(sp.Max, prec), Class: "num"},
			{Text: fmt.Sprint(sp.Teams), Class: "num"},
			{Text: trim(sp.Target, 1), Class: "num"},
		}})
	}
	c := gocharts.NewBoxPlot()
	yMin, interval := 1.0, 1.0
	if s.likert {
		yMin, interval = 0, 20
	}
	c.SetGlobalOptions(append(base(true, "item"),
		gocharts.WithGridOpts(opts.Grid{Left: "2%", Right: "4%", Top: "6%", Bottom: "14%", ContainLabel: opts.Bool(true)}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: xLabels(len(names))}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: s.unit(), Min: yMin, Max: s.max(), MaxInterval: interval, MinInterval: interval,
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
	what := "levels"
	if s.likert {
		what = "scores (0–100)"
	}
	return Chart{
		ID: CleanID(id), Title: "How far apart the teams are",
		Caption: "For each dimension the box runs from the 25th to the 75th percentile of the team " + what +
			", the line inside it is the median team, and the whiskers reach the lowest and the highest team; the red diamond is the target. " +
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
