package charts

import (
	"fmt"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// RoundResult is one round's stored result of a questionnaire.
type RoundResult struct {
	Name   string
	Result *scoring.Result
}

// Trend draws the overall value and each dimension's across rounds, oldest
// first. Dimensions are matched by key; a round without a dimension leaves a
// hole in its line.
func Trend(id string, q *questionnaires.Questionnaire, rounds []RoundResult) Chart {
	s := scaleOf(q)
	names := make([]string, len(rounds))
	for i, rr := range rounds {
		names[i] = rr.Name
	}
	tbl := Table{Caption: "Organization " + s.plural() + " across rounds, " + q.Title,
		Columns: append([]string{"Round"}, names...)}
	c := gocharts.NewLine()
	yMin := 1.0
	if s.likert {
		yMin = 0
	}
	c.SetGlobalOptions(append(base(true, "axis"),
		gocharts.WithGridOpts(opts.Grid{Left: "2%", Right: "4%", Top: "6%", Bottom: "18%", ContainLabel: opts.Bool(true)}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: s.unit(), Min: yMin, Max: s.max(), MinInterval: 1,
			AxisLabel: &opts.AxisLabel{Color: colorMuted}, SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorGrid}}}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Color: colorText}}),
	)...)
	c.SetXAxis(names)

	overall := make([]opts.LineData, len(rounds))
	overallRow := Row{Header: "Overall"}
	for i, rr := range rounds {
		var v *float64
		if rr.Result != nil {
			v = s.value(rr.Result.Overall.Level, rr.Result.Overall.Score)
		}
		overall[i] = opts.LineData{Value: orNone(v)}
		overallRow.Cells = append(overallRow.Cells, Cell{Text: s.format(v), Class: "num"})
	}
	c.AddSeries("Overall", overall,
		gocharts.WithLineStyleOpts(opts.LineStyle{Color: colorOverall, Width: 4}),
		gocharts.WithItemStyleOpts(opts.ItemStyle{Color: colorOverall}),
		gocharts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 10, ConnectNulls: opts.Bool(true)}))
	tbl.Rows = append(tbl.Rows, overallRow)

	var latest *scoring.Result
	for i := len(rounds) - 1; i >= 0 && latest == nil; i-- {
		latest = rounds[i].Result
	}
	if latest != nil {
		for di, d := range latest.Dimensions {
			data := make([]opts.LineData, len(rounds))
			row := Row{Header: d.Title}
			for i, rr := range rounds {
				var v *float64
				if rr.Result != nil {
					for _, od := range rr.Result.Dimensions {
						if od.Key == d.Key {
							v = s.value(od.Level, od.Score)
							break
						}
					}
				}
				data[i] = opts.LineData{Value: orNone(v)}
				row.Cells = append(row.Cells, Cell{Text: s.format(v), Class: "num"})
			}
			color := seriesPalette[di%len(seriesPalette)]
			c.AddSeries(d.Title, data,
				gocharts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 1.5, Type: "dashed"}),
				gocharts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
				gocharts.WithLineChartOpts(opts.LineChart{Symbol: "emptyCircle", SymbolSize: 6, ConnectNulls: opts.Bool(true)}))
			tbl.Rows = append(tbl.Rows, row)
		}
	}
	what := "overall level (the weighted mean of the dimension levels, rounded down)"
	each := "level"
	if s.likert {
		what, each = "overall score (the weighted mean of the dimension scores)", "score"
	}
	caption := fmt.Sprintf("Rounds run from left (oldest) to right (this round). The thick black line is the organization's %s; "+
		"each dashed line is one dimension's %s. Lines that climb show progress; click a name in the legend to hide or show its line.", what, each)
	if len(rounds) < 2 {
		caption += " This is the organization's first round with this questionnaire, so there is no trend yet."
	}
	return Chart{ID: CleanID(id), Title: "Progress across rounds", Caption: caption, FileName: fileName(q.Key, "trend"),
		Option: optionOf(c), Table: tbl}
}
