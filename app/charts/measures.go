package charts

import (
	"fmt"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gapmap/app/measures"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// Bar colours of the NPS chart by sign.
const (
	colorPositive = "#1a7f37"
	colorNegative = "#b42318"
)

// MeasureCharts draws the measured questions of a result: one bar chart of
// the NPS per team for each nps question, one box plot per team for each
// number question. It returns nothing when the result has no measures.
func MeasureCharts(prefix string, q *questionnaires.Questionnaire, r *scoring.Result) []Chart {
	if r == nil || r.Measures == nil {
		return nil
	}
	var out []Chart
	for i, mq := range r.Measures.Questions {
		id := fmt.Sprintf("%s_m%d", prefix, i)
		switch mq.Type {
		case questionnaires.TypeNPS:
			out = append(out, NPSBars(id, q, r, i))
		case questionnaires.TypeNumber:
			out = append(out, NumberBoxes(id, q, r, i))
		}
	}
	return about(q.Title, out...)
}

// teamMeasure returns team t's statistics of the i-th measured question.
func teamMeasure(t *scoring.TeamResult, i int) (measures.Measure, bool) {
	if i < len(t.Measures) {
		return t.Measures[i], true
	}
	return measures.Measure{}, false
}

// NPSBars draws the Net Promoter Score of the i-th measured question (an
// nps question) per team, with the organization's as the last bar: green
// above zero, red below, no bar for a team without answers.
func NPSBars(id string, q *questionnaires.Questionnaire, r *scoring.Result, i int) Chart {
	mq := r.Measures.Questions[i]
	tbl := Table{Caption: "Net Promoter Score per team: " + mq.Text,
		Columns: []string{"Team", "NPS", "Answers", "Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)"}}
	var names []string
	var bars []opts.BarData
	add := func(name string, m measures.Measure) {
		names = append(names, name)
		row := Row{Header: name, Cells: []Cell{{Text: "—", Class: "num"}, {Text: fmt.Sprint(m.N), Class: "num"},
			{Text: "—", Class: "num"}, {Text: "—", Class: "num"}, {Text: "—", Class: "num"}}}
		if m.NPS == nil || m.NPS.Score == nil {
			bars = append(bars, opts.BarData{Name: name, Value: "-"})
			tbl.Rows = append(tbl.Rows, row)
			return
		}
		v := *m.NPS.Score
		color := colorPositive
		if v < 0 {
			color = colorNegative
		}
		bars = append(bars, opts.BarData{Name: name, Value: v, ItemStyle: &opts.ItemStyle{Color: color}})
		row.Cells[0].Text = signed(v, 1)
		row.Cells[2].Text = fmt.Sprint(m.NPS.Promoters)
		row.Cells[3].Text = fmt.Sprint(m.NPS.Passives)
		row.Cells[4].Text = fmt.Sprint(m.NPS.Detractors)
		tbl.Rows = append(tbl.Rows, row)
	}
	for ti := range r.Teams {
		if m, ok := teamMeasure(&r.Teams[ti], i); ok {
			add(r.Teams[ti].Name, m)
		}
	}
	if i < len(r.Measures.Organization) {
		add("Organization", r.Measures.Organization[i])
	}
	c := gocharts.NewBar()
	c.SetGlobalOptions(append(base(false, "item"),
		gocharts.WithGridOpts(opts.Grid{Left: "2%", Right: "4%", Top: "8%", Bottom: "14%", ContainLabel: opts.Bool(true)}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: xLabels(len(names))}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "NPS", Min: -100, Max: 100,
			AxisLabel: &opts.AxisLabel{Color: colorMuted}, SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorGrid}}}),
	)...)
	c.SetXAxis(names)
	c.AddSeries("NPS", bars, gocharts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top", Color: colorText}))
	o := optionOf(c)
	wrapXLabels(o, c.XAxisList, 15)
	return Chart{
		ID: CleanID(id), Title: "Recommendation score (NPS) per team",
		Caption: "“" + mq.Text + "” Each bar is the percentage of promoters (answers 9 and 10) minus the percentage of detractors (0 to 6), " +
			"from −100 to 100; the last bar is the whole organization. The table gives the number of answers behind each bar.",
		FileName: fileName(q.Key, "nps", mq.Key), Option: o, Table: tbl, Wide: len(names) > 8,
	}
}

// NumberBoxes draws the answers to the i-th measured question (a number
// question) per team as box plots: the box from the 25th to the 75th
// percentile with the median inside, whiskers to the lowest and highest
// answer; the organization's is the last box.
func NumberBoxes(id string, q *questionnaires.Questionnaire, r *scoring.Result, i int) Chart {
	mq := r.Measures.Questions[i]
	unit := mq.Unit
	tbl := Table{Caption: mq.Text + " (" + unit + ")",
		Columns: []string{"Team", "Answers", "Lowest", "25th percentile", "Median", "75th percentile", "Highest"}}
	var names []string
	var boxes []opts.BoxPlotData
	add := func(name string, m measures.Measure) {
		names = append(names, name)
		row := Row{Header: name, Cells: []Cell{{Text: fmt.Sprint(m.N), Class: "num"}}}
		if m.Number == nil || m.Number.Median == nil {
			boxes = append(boxes, opts.BoxPlotData{Name: name, Value: []string{"-", "-", "-", "-", "-"}})
			for range 5 {
				row.Cells = append(row.Cells, Cell{Text: "—", Class: "num"})
			}
			tbl.Rows = append(tbl.Rows, row)
			return
		}
		n := m.Number
		vals := []*float64{n.Min, n.P25, n.Median, n.P75, n.Max}
		box := make([]float64, len(vals))
		for k, v := range vals {
			box[k] = *v
			row.Cells = append(row.Cells, Cell{Text: trim(*v, 2), Class: "num"})
		}
		boxes = append(boxes, opts.BoxPlotData{Name: name, Value: box})
		tbl.Rows = append(tbl.Rows, row)
	}
	for ti := range r.Teams {
		if m, ok := teamMeasure(&r.Teams[ti], i); ok {
			add(r.Teams[ti].Name, m)
		}
	}
	if i < len(r.Measures.Organization) {
		add("Organization", r.Measures.Organization[i])
	}
	y := opts.YAxis{Type: "value", Name: unit, AxisLabel: &opts.AxisLabel{Color: colorMuted},
		SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorGrid}}}
	if mq.Min != nil {
		y.Min = *mq.Min
	}
	c := gocharts.NewBoxPlot()
	c.SetGlobalOptions(append(base(false, "item"),
		gocharts.WithGridOpts(opts.Grid{Left: "2%", Right: "4%", Top: "8%", Bottom: "14%", ContainLabel: opts.Bool(true)}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: xLabels(len(names))}),
		gocharts.WithYAxisOpts(y),
	)...)
	c.SetXAxis(names)
	c.AddSeries(unit, boxes, gocharts.WithItemStyleOpts(opts.ItemStyle{Color: "#ddf4ff", BorderColor: colorCurrent, BorderWidth: 2}))
	o := optionOf(c)
	wrapXLabels(o, c.XAxisList, 15)
	return Chart{
		ID: CleanID(id), Title: mq.Text,
		Caption: "Answers in " + unit + " per team: the box runs from the 25th to the 75th percentile, the line inside it is the median, " +
			"and the whiskers reach the lowest and the highest answer; the last box is the whole organization. The table gives the number of answers.",
		FileName: fileName(q.Key, mq.Key), Option: o, Table: tbl, Wide: len(names) > 8,
	}
}
