package charts

import (
	"fmt"
	"strings"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// radarIndicators makes one radar axis per dimension, from 0 to the scale's top.
func radarIndicators(s scale, r *scoring.Result) []*opts.Indicator {
	out := make([]*opts.Indicator, len(r.Dimensions))
	for i, d := range r.Dimensions {
		out[i] = &opts.Indicator{Name: wrapWords(d.Title, 14), Max: float32(s.max()), Color: colorText}
	}
	return out
}

// wrapWords breaks text into lines of at most width characters where it
// can, at spaces: ECharts' radar ignores the width of its axis names, so a
// long dimension name would run off a narrow chart.
func wrapWords(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		n := len([]rune(w))
		switch {
		case i == 0:
		case line+1+n > width:
			b.WriteByte('\n')
			line = 0
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += n
	}
	return b.String()
}

// radarComponent adds the radius go-echarts' RadarComponent lacks: the
// default leaves no room for long axis names.
type radarComponent struct {
	opts.RadarComponent
	Radius string `json:"radius"`
}

// radarOption returns the option of a radar chart with room for the names.
func radarOption(c *gocharts.Radar) map[string]any {
	o := optionOf(c)
	o["radar"] = radarComponent{RadarComponent: c.RadarComponent, Radius: "60%"}
	// On a phone: a smaller web leaves the names room to wrap inside the chart.
	narrowMedia(o, map[string]any{
		"radar": map[string]any{"radius": "46%", "axisName": map[string]any{"width": 76, "fontSize": 11, "lineHeight": 13}},
	})
	return o
}

func newRadar(s scale, r *scoring.Result) *gocharts.Radar {
	c := gocharts.NewRadar()
	split := s.n
	if s.likert {
		split = 5
	}
	c.SetGlobalOptions(append(base(true, "item"),
		gocharts.WithRadarComponentOpts(opts.RadarComponent{
			Indicator:   radarIndicators(s, r),
			Shape:       "polygon",
			SplitNumber: split,
			Center:      []string{"50%", "48%"},
			SplitLine:   &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorGrid}},
			SplitArea:   &opts.SplitArea{Show: opts.Bool(false)},
			AxisName:    &opts.AxisName{Color: colorText, FontSize: 12, Overflow: "break", Width: 110, LineHeight: 14},
		}),
	)...)
	return c
}

func radarLine(color, lineType string, width float32, opacity float32, area bool) []gocharts.SeriesOpts {
	o := []gocharts.SeriesOpts{
		gocharts.WithLineStyleOpts(opts.LineStyle{Color: color, Type: lineType, Width: width, Opacity: opts.Float(opacity)}),
		gocharts.WithItemStyleOpts(opts.ItemStyle{Color: color, Opacity: opts.Float(opacity)}),
	}
	if area {
		o = append(o, gocharts.WithAreaStyleOpts(opts.AreaStyle{Color: color, Opacity: opts.Float(0.15)}))
	}
	return o
}

// Radar draws the organization's level per dimension against the target,
// with the previous round's levels faint behind when there are any.
func Radar(id string, q *questionnaires.Questionnaire, r *scoring.Result) Chart {
	s := scaleOf(q)
	c := newRadar(s, r)
	cur := make([]any, len(r.Dimensions))
	tgt := make([]any, len(r.Dimensions))
	prev := make([]any, len(r.Dimensions))
	hasPrev := false
	tbl := Table{Columns: []string{"Dimension", "Level", "Score", "Target", "Previous round", "Change"}}
	if s.likert {
		tbl.Columns = []string{"Dimension", "Score", "Level", "Target level (score)", "Previous score", "Change"}
	}
	for i, d := range r.Dimensions {
		cur[i] = orNone(s.value(d.Level, d.Score))
		tgt[i] = s.target(d.Target)
		prev[i] = "-"
		prevText, changeText := "—", "—"
		if d.Previous != nil {
			hasPrev = true
			pl := d.Previous.Level
			prev[i] = orNone(s.value(&pl, &d.Previous.Score))
			if s.likert {
				prevText = trim(d.Previous.Score, 1)
			} else {
				prevText = s.levelName(&pl)
			}
			if d.Previous.DefinitionChanged {
				prevText += " (definition changed)"
			}
		}
		if d.Change != nil {
			if s.likert {
				changeText = signed(d.Change.Score, 1)
			} else {
				changeText = fmt.Sprintf("%s (score %s)", signed(float64(d.Change.Level), 0), signed(d.Change.Score, 2))
			}
		}
		if s.likert {
			tbl.Rows = append(tbl.Rows, Row{Header: d.Title, Cells: []Cell{
				{Text: floatText(d.Score, 1), Class: "num"},
				{Text: s.levelName(d.Level), Class: questionnaires.LevelClass(d.Level, s.n)},
				{Text: fmt.Sprintf("%d (%s)", d.Target, trim(s.target(d.Target), 1)), Class: "num"},
				{Text: prevText, Class: "num"},
				{Text: changeText, Class: "num"},
			}})
			continue
		}
		tbl.Rows = append(tbl.Rows, Row{Header: d.Title, Cells: []Cell{
			{Text: s.levelName(d.Level), Class: questionnaires.LevelClass(d.Level, s.n)},
			{Text: floatText(d.Score, 2), Class: "num"},
			{Text: fmt.Sprint(d.Target), Class: "num"},
			{Text: prevText},
			{Text: changeText, Class: "num"},
		}})
	}
	if hasPrev {
		c.AddSeries("Previous round", []opts.RadarData{{Name: "Previous round", Value: prev}}, radarLine(colorPrevious, "dotted", 1.5, 0.6, false)...)
	}
	c.AddSeries("Target", []opts.RadarData{{Name: "Target", Value: tgt}}, radarLine(colorTarget, "dashed", 2, 1, false)...)
	c.AddSeries("Organization", []opts.RadarData{{Name: "Organization", Value: cur}}, radarLine(colorCurrent, "solid", 2.5, 1, true)...)

	caption := "Each axis is a dimension, from the centre (level 0) to level " + fmt.Sprint(s.n) +
		" at the rim. The filled shape is the organization's level (the lower median of its team levels); the dashed red line is the target. " +
		"Where the filled shape falls inside the dashed line, the organization is short of its target."
	if s.likert {
		caption = "Each axis is a dimension, scored from 0 at the centre to 100 at the rim. The filled shape is the organization's score " +
			"(the mean of the team scores), whose level is the level that score reaches; the dashed red line is the score where the target level starts. " +
			"Where the filled shape falls inside the dashed line, the organization is below its target level."
	}
	if hasPrev {
		caption += " The dotted grey shape is the previous round."
	}
	tbl.Caption = "Organization " + s.plural() + " per dimension of " + q.Title
	return Chart{
		ID: CleanID(id), Title: "Where we stand against the target", Caption: caption,
		FileName: fileName(q.Key, "radar"), Option: radarOption(c), Table: tbl,
	}
}

// TeamRadar draws one team's level per dimension (its score on likert)
// against the organization's own level (score) and the target.
func TeamRadar(id string, q *questionnaires.Questionnaire, r *scoring.Result, team *scoring.TeamResult) Chart {
	s := scaleOf(q)
	c := newRadar(s, r)
	byKey := teamDims(team)
	cur := make([]any, len(r.Dimensions))
	org := make([]any, len(r.Dimensions))
	tgt := make([]any, len(r.Dimensions))
	tbl := Table{
		Caption: team.Name + " against the organization, " + q.Title,
		Columns: []string{"Dimension", "Team", "Organization", "Target", "Gap"},
	}
	for i, d := range r.Dimensions {
		td := byKey[d.Key]
		var tv *float64
		var tl *int
		var gap *int
		if td != nil {
			tv, tl, gap = s.value(td.Level, td.Score), td.Level, td.Gap
		}
		ov := s.value(d.Level, d.Score)
		cur[i] = orNone(tv)
		org[i] = orNone(ov)
		tgt[i] = s.target(d.Target)
		teamText, orgText := s.levelName(tl), s.levelName(d.Level)
		if s.likert {
			teamText = fmt.Sprintf("%s (level %s)", s.format(tv), intText(tl))
			orgText = fmt.Sprintf("%s (level %s)", s.format(ov), intText(d.Level))
		}
		tbl.Rows = append(tbl.Rows, Row{Header: d.Title, Cells: []Cell{
			{Text: teamText, Class: questionnaires.LevelClass(tl, s.n)},
			{Text: orgText, Class: questionnaires.LevelClass(d.Level, s.n)},
			{Text: targetText(s, d.Target), Class: "num"},
			{Text: intText(gap), Class: "num"},
		}})
	}
	c.AddSeries("Target", []opts.RadarData{{Name: "Target", Value: tgt}}, radarLine(colorTarget, "dashed", 2, 1, false)...)
	c.AddSeries("Organization", []opts.RadarData{{Name: "Organization", Value: org}}, radarLine(colorOrg, "dotted", 2, 0.9, false)...)
	c.AddSeries(team.Name, []opts.RadarData{{Name: team.Name, Value: cur}}, radarLine(colorCurrent, "solid", 2.5, 1, true)...)
	what := "level"
	if s.likert {
		what = "score (0–100)"
	}
	return Chart{
		ID: CleanID(id), Title: "The team against the organization",
		Caption: "Each axis is a dimension. The filled shape is this team's " + what + ", the dotted green line the organization's " + what + ", " +
			"and the dashed red line the target. Axes where the filled shape reaches beyond the green line are the team's strengths; " +
			"axes inside the red line are its gaps.",
		FileName: fileName(q.Key, "team", team.Name, "radar"), Option: radarOption(c), Table: tbl,
	}
}

// targetText writes a target level, with its score on likert.
func targetText(s scale, t int) string {
	if s.likert {
		return fmt.Sprintf("%d (score %s)", t, trim(s.target(t), 1))
	}
	return fmt.Sprint(t)
}
