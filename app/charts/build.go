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
