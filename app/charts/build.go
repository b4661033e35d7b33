package charts

import (
	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// echart is what every go-echarts chart offers.
type echart interface {
	Validate()
	JSON() map[string]any
}

// optionOf validates a go-echarts chart and returns its option as data.
// The chart is never rendered: go-echarts' Render writes names into a
// <script> without escaping.
func optionOf(c echart) map[string]any {
	c.Validate()
	o := c.JSON()
	// Empty components go-echarts always adds; ECharts does not need them.
	for _, k := range []string{"title", "toolbox"} {
		delete(o, k)
	}
	return o
}

// base sets what every chart shares: no title (the card has the heading),
// the text colour, a legend at the bottom and an item tooltip. The legend
// is plain, so that it wraps onto more rows instead of paging names out of
// sight; charts with many names leave room for those rows.
func base(legend bool, trigger string) []gocharts.GlobalOpts {
	return []gocharts.GlobalOpts{
		gocharts.WithInitializationOpts(opts.Initialization{Theme: "white", AssetsHost: "/static/js/"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Bottom: "0", Type: "plain", TextStyle: textStyle()}),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger}),
	}
}

// axisLabel gives an axis label a numeric line height: go-echarts' AxisLabel
// has it as a string, which ECharts does not read, and without one the lines
// of a wrapped label are drawn over each other.
type axisLabel struct {
	*opts.AxisLabel
	LineHeight int `json:"lineHeight"`
}

type xAxis struct {
	opts.XAxis
	AxisLabel axisLabel `json:"axisLabel"`
}

// wrapXLabels sets the line height of the wrapped labels of the x axis of
// a rectangular chart's option.
func wrapXLabels(o map[string]any, axes []opts.XAxis, lineHeight int) {
	out := make([]xAxis, len(axes))
	for i, a := range axes {
		out[i] = xAxis{XAxis: a, AxisLabel: axisLabel{AxisLabel: a.AxisLabel, LineHeight: lineHeight}}
	}
	o["xAxis"] = out
}

// Narrow is the widest chart container, in CSS pixels, that gets the
// narrow layout of a chart's media rules: a phone held upright, or a card
// of a two-column grid on a small laptop.
const Narrow = 520

// mediaRule is one of ECharts' media rules: option is merged over the
// chart's option while the container matches query (minWidth, maxWidth,
// minAspectRatio…). ECharts re-evaluates the rules on every resize, so a
// chart redrawn for print gets the rule of the printed width.
type mediaRule struct {
	Query  map[string]int `json:"query"`
	Option map[string]any `json:"option"`
}

// narrowMedia adds the narrow layout to an option, as ECharts' media
// query on the chart container's width (the option without "baseOption"
// is the base of the rules).
func narrowMedia(o map[string]any, narrow map[string]any) { upTo(o, Narrow, narrow) }

// upTo adds a media rule for containers up to maxWidth pixels wide. When
// several rules match, ECharts merges them in the order they were added.
func upTo(o map[string]any, maxWidth int, option map[string]any) {
	rules, _ := o["media"].([]mediaRule)
	o["media"] = append(rules, mediaRule{Query: map[string]int{"maxWidth": maxWidth}, Option: option})
}

// legendWidth estimates the width of a one-row legend of names with
// square symbols of size px, as legendRows does.
func legendWidth(names []string, size int) int {
	w := 0
	for _, n := range names {
		w += size + 5 + 7*len([]rune(n)) + 10
	}
	return w
}

// legendRows estimates how many rows a plain (wrapping) legend of names
// takes in a container width px wide: each item is its symbol (25 px), a
// gap (5 px), its text at about 7 px a character, and 10 px to the next.
func legendRows(names []string, width int) int {
	rows, x := 1, 0
	for _, n := range names {
		w := 25 + 5 + 7*len([]rune(n)) + 10
		if x > 0 && x+w > width {
			rows++
			x = 0
		}
		x += w
	}
	return rows
}

// legendHeight is the height in pixels of rows of legend: 14 px items,
// 10 px between rows.
func legendHeight(rows int) int { return rows*24 + 4 }
