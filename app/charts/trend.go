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

// Trend draws the organization across rounds, oldest first: the overall
// level as a thick stepped line, and the scores of the overall result and of
// each dimension, which show movement inside a level. On the level scale the
// scores are weighted means of the answers on the same 1..N axis; on likert
// everything is on the 0–100 score axis. The table holds every level and
// score. Dimensions are matched by key; a round without one leaves a hole.
func Trend(id string, q *questionnaires.Questionnaire, rounds []RoundResult) Chart {
	s := scaleOf(q)
	names := make([]string, len(rounds))
	for i, rr := range rounds {
		names[i] = rr.Name
	}
	c := gocharts.NewLine()
	yMin := 1.0
	if s.likert {
		yMin = 0
	}
	c.SetGlobalOptions(append(base(true, "axis"),
		gocharts.WithGridOpts(opts.Grid{Left: "2%", Right: "4%", Top: "8%", Bottom: "18%", ContainLabel: opts.Bool(true)}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: s.unit(), Min: yMin, Max: s.max(), MinInterval: 1,
			AxisLabel: &opts.AxisLabel{Color: colorMuted}, SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorGrid}}}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Color: colorText}}),
	)...)
	c.SetXAxis(names)

	prec := 2
	if s.likert {
		prec = 1
	}
	tbl := Table{Caption: "The organization across rounds, " + q.Title + ": level, and score in brackets", Columns: append([]string{"Round"}, names...)}
	row := func(header string, pick func(*scoring.Result) (*int, *float64)) ([]opts.LineData, []opts.LineData) {
		levels := make([]opts.LineData, len(rounds))
		scores := make([]opts.LineData, len(rounds))
		r := Row{Header: header}
		for i, rr := range rounds {
			var l *int
			var sc *float64
			if rr.Result != nil {
				l, sc = pick(rr.Result)
			}
			levels[i] = opts.LineData{Value: orNone(s.value(l, nil))}
			if s.likert {
				levels[i] = opts.LineData{Value: orNone(s.levelStart(l))}
			}
			scores[i] = opts.LineData{Value: orNone(sc)}
			text := intText(l)
			if sc != nil {
				text += " (" + trim(*sc, prec) + ")"
			}
			r.Cells = append(r.Cells, Cell{Text: text, Class: "num"})
		}
		tbl.Rows = append(tbl.Rows, r)
		return levels, scores
	}

	levels, scores := row("Overall", func(r *scoring.Result) (*int, *float64) { return r.Overall.Level, r.Overall.Score })
	c.AddSeries("Overall level", levels,
		gocharts.WithLineStyleOpts(opts.LineStyle{Color: colorOverall, Width: 5}),
		gocharts.WithItemStyleOpts(opts.ItemStyle{Color: colorOverall}),
		gocharts.WithLineChartOpts(opts.LineChart{Symbol: "rect", SymbolSize: 12, ConnectNulls: opts.Bool(true), Step: "middle"}))
	c.AddSeries("Overall score", scores,
		gocharts.WithLineStyleOpts(opts.LineStyle{Color: colorCurrent, Width: 3}),
		gocharts.WithItemStyleOpts(opts.ItemStyle{Color: colorCurrent}),
		gocharts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 9, ConnectNulls: opts.Bool(true)}))

	var latest *scoring.Result
	for i := len(rounds) - 1; i >= 0 && latest == nil; i-- {
		latest = rounds[i].Result
	}
	if latest != nil {
		for di, d := range latest.Dimensions {
			key := d.Key
			_, dimScores := row(d.Title, func(r *scoring.Result) (*int, *float64) {
				for _, od := range r.Dimensions {
					if od.Key == key {
						return od.Level, od.Score
					}
				}
				return nil, nil
			})
			color := seriesColor(di + 2)
			c.AddSeries(d.Title, dimScores,
				gocharts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 1.5, Type: "dashed"}),
				gocharts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
				gocharts.WithLineChartOpts(opts.LineChart{Symbol: "emptyCircle", SymbolSize: 6, ConnectNulls: opts.Bool(true)}))
		}
	}
	caption := "Rounds run from left (oldest) to right (this round). The thick black steps are the organization's overall level, " +
		"which is what counts against the target; the blue line is the overall score, and each dashed line one dimension's score. " +
		"A score that climbs while the level stays flat is progress that has not yet reached the next level."
	if s.likert {
		caption = "Rounds run from left (oldest) to right (this round), on the 0–100 score axis. The thick black steps mark where the organization's overall level starts; " +
			"the blue line is the overall score, and each dashed line one dimension's score. Lines that climb show progress."
	}
	caption += " Click a name in the legend to hide or show its line."
	if len(rounds) < 2 {
		caption += " This is the organization's first round with this questionnaire, so there is no trend yet."
	}
	// The legend wraps: leave it the rows it takes in a half-width card,
	// and in a phone's narrower one.
	legend := []string{"Overall level", "Overall score"}
	if latest != nil {
		for _, d := range latest.Dimensions {
			legend = append(legend, d.Title)
		}
	}
	c.GridList[0].Bottom = fmt.Sprint(legendHeight(legendRows(legend, 560)) + 8)
	o := optionOf(c)
	// The axis name starts at the axis instead of centring on it, where a
	// long one ("Score (0–100)") would begin left of the chart.
	if ys, ok := o["yAxis"].([]opts.YAxis); ok && len(ys) == 1 {
		o["yAxis"] = []any{struct {
			opts.YAxis
			NameTextStyle map[string]string `json:"nameTextStyle"`
		}{ys[0], map[string]string{"align": "left"}}}
	}
	narrowMedia(o, map[string]any{"grid": map[string]any{"bottom": legendHeight(legendRows(legend, 320)) + 8}})
	return Chart{ID: CleanID(id), Title: "Progress across rounds", Caption: caption, FileName: fileName(q.Key, "trend"),
		Option: o, Table: tbl, Tall: len(legend) > 6}
}

// levelStart is the score where a level starts on likert, for drawing
// levels on the score axis.
func (s scale) levelStart(l *int) *float64 {
	if l == nil {
		return nil
	}
	return ptr(s.target(*l))
}
