// Package charts shapes stored scoring results into the charts of gapmap's
// dashboards and reports: the radar of levels against targets, the gap bars,
// the teams × dimensions heatmap, the spread of team levels, the trend
// across rounds and a team's radar against the organization.
//
// Each builder uses go-echarts to assemble an ECharts option and returns it
// as a Chart: the option as data (go-echarts' JSON() after Validate()), a
// caption that says how to read the chart, and a Table with the same numbers
// for readers who cannot see the chart. The option is meant to be written by
// html/template into a <script type="application/json"> element and drawn by
// static/js/charts.js; nothing here renders HTML or script, and no option
// holds a JavaScript function, so names from questionnaires and teams stay
// plain data.
//
// On the likert scale (the Gartner axes) every chart shows the 0–100 scores
// instead of levels, and a target level L is drawn at the score where level L
// starts, 100·(L−1)/N.
//
// The package is pure: no HTTP, no database.
package charts

import (
	"fmt"
	"math"
	"strings"

	"github.com/go-echarts/go-echarts/v2/opts"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// Chart is one chart ready for the chart card of views/partials/chart.html.
type Chart struct {
	ID       string         // id of the chart container: letters, digits and _ only
	Title    string         // heading of the card
	Subject  string         // what the chart is about (the questionnaire), for screen readers
	Caption  string         // how to read the chart, in one or two sentences
	FileName string         // base name of the PNG the save button downloads
	Tall     bool           // the chart needs a taller container
	Wide     bool           // the card spans the whole grid row
	Option   map[string]any // the ECharts option
	Table    Table          // the chart's numbers as a table
}

// DataID is the id of the <script type="application/json"> element that
// holds the option.
func (c Chart) DataID() string { return c.ID + "_data" }

// HeadingID is the id of the card's heading.
func (c Chart) HeadingID() string { return c.ID + "_h" }

// CaptionID is the id of the card's caption.
func (c Chart) CaptionID() string { return c.ID + "_cap" }

// Empty reports whether the chart has no data to show.
func (c Chart) Empty() bool { return len(c.Table.Rows) == 0 }

// Table is the accessible table behind a chart: a header row, then one row
// per category with a row header.
type Table struct {
	Caption string
	Class   string   // extra CSS class of the table, such as "heatmap"
	Columns []string // the first names the row headers' column
	Rows    []Row
}

// Row is one row of a Table.
type Row struct {
	Header string
	Cells  []Cell
}

// Cell is one data cell. Class is a CSS class list of static/css/gapmap.css
// (such as "num", "lvl-3 is-disputed"); Note is extra text for screen
// readers only.
type Cell struct {
	Text  string
	Class string
	Note  string
}

// Series colours.
const (
	colorCurrent  = "#1d4e89"
	colorTarget   = "#b42318"
	colorPrevious = "#8c959f"
	colorOrg      = "#21918c"
	colorOverall  = "#1b1f24"
	colorText     = "#1b1f24"
	colorMuted    = "#57606a"
	colorGrid     = "#d0d7de"
)

// seriesColor colours the i-th dimension line of the trend chart.
func seriesColor(i int) string {
	palette := [...]string{"#1d4e89", "#b42318", "#1a7f37", "#8250df", "#bc4c00", "#0a7ea4", "#6e7781", "#cf222e", "#116329", "#953800"}
	return palette[i%len(palette)]
}

// LevelColor returns the fill colour of a level (1..N); levels above 5 take
// the darkest colour, and a scale with more than five levels reuses them.
func LevelColor(level, n int) string {
	return questionnaires.LevelFill(questionnaires.LevelStep(level, n))
}

// CleanID keeps the letters, digits and underscores of id, so that it is
// safe as an element id and a JavaScript identifier; it never returns an
// empty string.
func CleanID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || b.String()[0] >= '0' && b.String()[0] <= '9' {
		return "c" + b.String()
	}
	return b.String()
}

// fileName makes a download name from parts: lower case, words joined by "-".
func fileName(parts ...string) string {
	var b strings.Builder
	dash := false
	for _, p := range parts {
		for _, r := range strings.ToLower(p) {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				b.WriteRune(r)
				dash = false
			} else {
				dash = true
			}
		}
		dash = true
	}
	if b.Len() == 0 {
		return "chart"
	}
	return b.String()
}

// scale knows how one questionnaire's results are measured on the charts:
// levels 1..N on the level scale, scores 0..100 on the likert scale.
type scale struct {
	q      *questionnaires.Questionnaire
	n      int
	likert bool
}

func scaleOf(q *questionnaires.Questionnaire) scale {
	return scale{q: q, n: len(q.Levels), likert: q.Scale == questionnaires.ScaleLikert}
}

// unit names what the value axis measures.
func (s scale) unit() string {
	if s.likert {
		return "Score (0–100)"
	}
	return "Level"
}

// plural names the values: "levels" or "scores".
func (s scale) plural() string {
	if s.likert {
		return "scores"
	}
	return "levels"
}

// max is the top of the value axis.
func (s scale) max() float64 {
	if s.likert {
		return 100
	}
	return float64(s.n)
}

// value picks what the charts show: the level, or the score on likert.
func (s scale) value(level *int, score *float64) *float64 {
	if s.likert {
		return score
	}
	if level == nil {
		return nil
	}
	v := float64(*level)
	return &v
}

// target is where target level t sits on the value axis.
func (s scale) target(t int) float64 {
	if s.likert {
		return 100 * float64(t-1) / float64(s.n)
	}
	return float64(t)
}

// format writes a value of the value axis.
func (s scale) format(v *float64) string {
	if v == nil {
		return "—"
	}
	if s.likert {
		return trim(*v, 1)
	}
	return trim(*v, 2)
}

// levelName returns "3 · Scalable" for level 3.
func (s scale) levelName(level *int) string {
	if level == nil {
		return "—"
	}
	if *level >= 1 && *level <= s.n {
		return fmt.Sprintf("%d · %s", *level, s.q.Levels[*level-1].Name)
	}
	return fmt.Sprint(*level)
}

// dimWeight is a dimension's weight, 1 when unset.
func dimWeight(w float64) float64 {
	if w <= 0 {
		return 1
	}
	return w
}

// trim formats v with at most prec decimals and no trailing zeros.
func trim(v float64, prec int) string {
	s := fmt.Sprintf("%.*f", prec, v)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func intText(v *int) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprint(*v)
}

func floatText(v *float64, prec int) string {
	if v == nil {
		return "—"
	}
	return trim(*v, prec)
}

func signed(v float64, prec int) string {
	s := trim(v, prec)
	if v > 0 && s != "0" {
		return "+" + s
	}
	return s
}

// orNone turns a missing value into ECharts' empty value "-".
func orNone(v *float64) any {
	if v == nil {
		return "-"
	}
	return round(*v, 2)
}

func round(v float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	return math.Round(v*p) / p
}

func ptr[T any](v T) *T { return &v }

// textStyle is the font of every chart.
func textStyle() *opts.TextStyle {
	return &opts.TextStyle{Color: colorText, FontSize: 12}
}

// teamDims indexes a team's dimensions by key.
func teamDims(t *scoring.TeamResult) map[string]*scoring.TeamDimension {
	m := make(map[string]*scoring.TeamDimension, len(t.Dimensions))
	for i := range t.Dimensions {
		m[t.Dimensions[i].Key] = &t.Dimensions[i]
	}
	return m
}
