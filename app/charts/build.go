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
// the text colour, a legend at the bottom and an item tooltip.
func base(legend bool, trigger string) []gocharts.GlobalOpts {
	return []gocharts.GlobalOpts{
		gocharts.WithInitializationOpts(opts.Initialization{Theme: "white", AssetsHost: "/static/js/"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Bottom: "0", Type: "scroll", TextStyle: textStyle()}),
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
