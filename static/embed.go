// Package static holds the browser assets of gapmap (stylesheet, scripts,
// images), embedded in the binary so that pages never load anything from
// another host.
//
// Layout: css/gapmap.css; js/echarts.min.js (Apache ECharts 5.x from npm,
// license in js/echarts.LICENSE.txt), js/charts.js, js/survey.js,
// js/confirm.js, js/localtime.js; img/logo.svg (also the favicon).
package static

import "embed"

// FS is the asset tree rooted at this directory: paths look like
// "css/gapmap.css" and "js/charts.js".
//
//go:embed css js img
var FS embed.FS
