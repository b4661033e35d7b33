package charts

import (
	"cmp"
	"fmt"
	"slices"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// GapItem is one dimension's gap to its target, as the result states it.
type GapItem struct {
	Key      string
	Title    string
	Level    *int
	Current  *float64 // level, or score on likert
	Target   int      // the target level
	Gap      *int     // levels short of the target (the result's gap); nil without data
	Weight   float64
	Weighted *float64 // Gap × Weight: the order of the bars
}

// Gaps lists the organization's gaps (team nil) or one team's, largest
// gap × weight first; ties keep the questionnaire's order, and dimensions
// without data come last. The level, target and gap are the result's own,
// on both scales: a gap always counts levels, so a dimension below its
// target is never shown at target.
func Gaps(q *questionnaires.Questionnaire, r *scoring.Result, team *scoring.TeamResult) []GapItem {
	s := scaleOf(q)
	var byKey map[string]*scoring.TeamDimension
	if team != nil {
		byKey = teamDims(team)
	}
	out := make([]GapItem, 0, len(r.Dimensions))
	for _, d := range r.Dimensions {
		it := GapItem{Key: d.Key, Title: d.Title, Target: d.Target, Weight: dimWeight(d.Weight)}
		level, score, gap := d.Level, d.Score, d.Gap
		if team != nil {
			level, score, gap = nil, nil, nil
			if td := byKey[d.Key]; td != nil {
				level, score, gap = td.Level, td.Score, td.Gap
				it.Target = td.Target
			}
		}
		it.Level = level
		it.Current = s.value(level, score)
		if level != nil && gap != nil {
			it.Gap = ptr(*gap)
			it.Weighted = ptr(float64(*gap) * it.Weight)
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b GapItem) int {
		switch {
		case a.Weighted == nil && b.Weighted == nil:
			return 0
		case a.Weighted == nil:
			return 1
		case b.Weighted == nil:
			return -1
		}
		return cmp.Compare(*b.Weighted, *a.Weighted)
	})
	return out
}

// GapBars draws the gaps of the organization (team nil) or of one team as
// horizontal bars, largest gap × weight on top, each labelled.
func GapBars(id string, q *questionnaires.Questionnaire, r *scoring.Result, team *scoring.TeamResult) Chart {
	s := scaleOf(q)
	items := Gaps(q, r, team)
	unit := func(g int) string {
		if g == 1 {
			return "level"
		}
		return "levels"
	}
	names := make([]string, len(items))
	data := make([]opts.BarData, len(items))
	tbl := Table{Columns: []string{"Dimension", "Current", "Target", "Gap (levels)", "Weight", "Gap × weight"}}
	for i, it := range items {
		names[i] = it.Title
		label := "no answers"
		var value any = 0
		if it.Gap != nil {
			value = round(*it.Weighted, 2)
			switch {
			case *it.Gap == 0 && it.Level != nil && *it.Level > it.Target:
				label = "above target"
			case *it.Gap == 0:
				label = "at target"
			case it.Weight != 1:
				label = fmt.Sprintf("%d %s × %s", *it.Gap, unit(*it.Gap), trim(it.Weight, 2))
			default:
				label = fmt.Sprintf("%d %s", *it.Gap, unit(*it.Gap))
			}
		}
		data[i] = opts.BarData{Name: it.Title, Value: value,
			Label: &opts.Label{Show: opts.Bool(true), Position: "right", Formatter: label, Color: colorText}}
		current := s.levelName(it.Level)
		if s.likert {
			current = fmt.Sprintf("%s (level %s)", s.format(it.Current), intText(it.Level))
		}
		tbl.Rows = append(tbl.Rows, Row{Header: it.Title, Cells: []Cell{
			{Text: current, Class: questionnaires.LevelClass(it.Level, s.n)},
			{Text: targetText(s, it.Target), Class: "num"},
			{Text: intText(it.Gap), Class: "num"},
			{Text: trim(it.Weight, 2), Class: "num"},
			{Text: floatText(it.Weighted, 2), Class: "num"},
		}})
	}
	c := gocharts.NewBar()
	c.SetGlobalOptions(append(base(false, "axis"),
		gocharts.WithGridOpts(opts.Grid{Left: "2%", Right: "18%", Top: "4%", Bottom: "12%", ContainLabel: opts.Bool(true)}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "Gap × weight", NameLocation: "middle", NameGap: 28, MinInterval: 1,
			AxisLabel: &opts.AxisLabel{Color: colorMuted}, SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorGrid}}}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "category", Data: names, Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Color: colorText, Width: 160, Overflow: "truncate"}}),
	)...)
	c.AddSeries("Gap × weight", data, gocharts.WithItemStyleOpts(opts.ItemStyle{Color: colorTarget}),
		gocharts.WithSeriesOpts(func(ss *gocharts.SingleSeries) { ss.BarMaxWidth = "28" }))

	who, title := "the organization", "Largest gaps to the target"
	tbl.Caption = "Gaps to the target of " + q.Title
	if team != nil {
		who, title = "the team", "The team's gaps"
		tbl.Caption = team.Name + ": gaps to the target of " + q.Title
	}
	caption := fmt.Sprintf("Each bar is how many levels %s is below the target in a dimension, multiplied by the dimension's weight; "+
		"the longest bar, at the top, is where closing the gap matters most. Dimensions already at or above target show no bar.", who)
	if s.likert {
		caption = fmt.Sprintf("Each bar is how many levels %s is below the target in a dimension, multiplied by the dimension's weight; "+
			"the level is the one its score reaches, so a score below where the target level starts is always a gap of at least one level. "+
			"The longest bar, at the top, is where closing the gap matters most. Dimensions already at or above target show no bar.", who)
	}
	name := fileName(q.Key, "gaps")
	if team != nil {
		name = fileName(q.Key, "team", team.Name, "gaps")
	}
	return Chart{ID: CleanID(id), Title: title, Caption: caption, FileName: name, Option: optionOf(c), Table: tbl}
}
