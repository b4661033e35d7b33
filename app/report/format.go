package report

import (
	"strconv"
	"strings"
	"time"

	"gapmap/app/recommend"
	"gapmap/app/wording"
	"gapmap/questionnaires"
)

// The methods below format the model's numbers the same way for the HTML
// page and the Markdown document. They return plain text.

// Rec is a recommendation of the roadmap as the report shows it.
type Rec struct {
	recommend.Item
	// Plan is the stored planning state; zero when nothing is planned.
	Plan recommend.Plan
}

// StatusText is the label of the plan's status, or "".
func (r Rec) StatusText() string { return recommend.StatusLabel(r.Plan.Status) }

// PlanText is "In progress · Dana · 2027-Q1", or "" when nothing is planned.
func (r Rec) PlanText() string {
	var parts []string
	for _, p := range []string{r.StatusText(), r.Plan.Owner, r.Plan.Quarter} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// PhaseTitle is "Now", "Next" or "Later".
func (r Rec) PhaseTitle() string { return recommend.PhaseTitle(r.Phase) }

// Levels is "2 → 3".
func (r Rec) Levels() string {
	return strconv.Itoa(r.FromLevel) + " → " + strconv.Itoa(r.ToLevel)
}

// PriorityText is the priority without trailing zeros.
func (r Rec) PriorityText() string { return wording.Number(r.Priority) }

// Facts is "Now · impact 3 · effort 1 · priority 9 · quick win".
func (r Rec) Facts() string {
	s := r.PhaseTitle() + " · impact " + strconv.Itoa(r.Impact) + " · effort " + strconv.Itoa(r.Effort) +
		" · priority " + r.PriorityText()
	if r.QuickWin {
		s += " · quick win"
	}
	return s
}

// DimensionName is the dimension's title, or its key.
func (r Rec) DimensionName() string {
	if r.DimensionTitle != "" {
		return r.DimensionTitle
	}
	return r.Dimension
}

// LevelText is "2 · Operational", "2", or "—" without a level.
func LevelText(level *int, name string) string {
	if level == nil {
		return "—"
	}
	if name == "" {
		return strconv.Itoa(*level)
	}
	return strconv.Itoa(*level) + " · " + name
}

// PercentText is "68.6%" or "—".
func PercentText(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64) + "%"
}

// DateText is the date as YYYY-MM-DD (UTC), or "" for a zero time.
func DateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// LevelText is the overall level with its name.
func (o OverallLine) LevelText() string {
	if !o.Computed {
		return "not computed yet"
	}
	return LevelText(o.Level, o.LevelName)
}

// ScoreText is the overall score on its scale.
func (o OverallLine) ScoreText() string {
	if o.scores.set {
		return o.scores.text(o.Score)
	}
	return ScoreText(o.Scale, o.MaxLevel, o.Score)
}

// PercentText is the percent to target.
func (o OverallLine) PercentText() string { return PercentText(o.PercentToTarget) }

// ChangeText is the change since the previous round, or "—".
func (o OverallLine) ChangeText() string {
	if o.Change == nil {
		return "—"
	}
	decimals := 2
	if o.Scale == "likert" {
		decimals = 1
	}
	parts := []string{signedLevels(o.Change.Level), "score " + signedFloat(o.Change.Score, decimals)}
	if o.Change.PercentToTarget != nil {
		parts = append(parts, signedFloat(*o.Change.PercentToTarget, 1)+" points to target")
	}
	return strings.Join(parts, ", ")
}

// LevelText is the gap's current level with its name.
func (g GapLine) LevelText() string { return LevelText(&g.Level, g.LevelName) }

// WeightText is the dimension weight.
func (g GapLine) WeightText() string { return wording.Number(g.Weight) }

// WeightedText is gap × weight.
func (g GapLine) WeightedText() string { return wording.Number(g.Weighted) }

// ProgressText is how far the plan has come: "2 done, 1 in progress,
// 3 not started" (states with no item left out).
func (p Phase) ProgressText() string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{p.Done, "done"}, {p.InProgress, "in progress"}, {p.NotStarted, "not started"}, {p.WontDo, "won't do"}} {
		if c.n > 0 {
			parts = append(parts, strconv.Itoa(c.n)+" "+c.what)
		}
	}
	return strings.Join(parts, ", ")
}

// EffortText is "effort 5 of 6" (Now, Next) or "effort 12" (Later).
func (p Phase) EffortText() string {
	if p.Capacity > 0 {
		return "effort " + strconv.Itoa(p.Effort) + " of " + strconv.Itoa(p.Capacity)
	}
	return "effort " + strconv.Itoa(p.Effort)
}

// LevelText is the dimension's current level with its name.
func (d DimensionSection) LevelText() string {
	if d.Current == nil {
		return "—"
	}
	return LevelText(&d.Current.Level, d.Current.Name)
}

// ScoreText is the dimension's score on its scale.
func (d DimensionSection) ScoreText() string {
	if d.scores.set {
		return d.scores.text(d.Score)
	}
	return ScoreText(d.Scale, d.Levels, d.Score)
}

// GapText is the gap or "—".
func (d DimensionSection) GapText() string {
	if d.Gap == nil {
		return "—"
	}
	return strconv.Itoa(*d.Gap)
}

// WeightText is the dimension weight.
func (d DimensionSection) WeightText() string { return wording.Number(d.Weight) }

// DefinitionChangedText warns that a dimension's trend compares two
// different definitions.
const DefinitionChangedText = "Its questions or weights changed since the previous round, so the two rounds are not measured the same way."

// ChangeText is the change since the previous round, or "".
func (d DimensionSection) ChangeText() string {
	if d.Change == nil {
		return ""
	}
	t := changeText(d.Change.Level, d.Change.Score, d.Scale)
	if d.Previous != nil && d.Previous.DefinitionChanged {
		t += " (definition changed)"
	}
	return t
}

// Label is the blocking question with its figure: how many teams it blocks,
// or the lowest answer on a team report.
func (q BlockingQuestion) Label() string {
	if q.Teams > 0 {
		return wording.CountOf(q.Teams, "team", "teams")
	}
	if q.Mean {
		return "mean answer: level " + strconv.Itoa(q.Level) + nameSuffix(q.LevelName)
	}
	if q.Level > 0 || q.LevelName != "" {
		return "lowest answer: level " + strconv.Itoa(q.Level) + nameSuffix(q.LevelName)
	}
	return ""
}

// RespondentsText is the number of respondents, or "—" when not known.
func (r BreakdownRow) RespondentsText() string {
	if r.Respondents < 0 {
		return "—"
	}
	return strconv.Itoa(r.Respondents)
}

// OverallText is the row's overall level.
func (r BreakdownRow) OverallText() string { return LevelText(r.Overall, "") }

// PassRatioText is the pass ratio as a percentage.
func (m MethodQuestionnaire) PassRatioText() string {
	if m.Scale == "likert" {
		return "—"
	}
	return wording.Number(m.PassRatio*100) + "%"
}

// ScaleText names the scale.
func (m MethodQuestionnaire) ScaleText() string {
	if m.Scale == "likert" {
		return "agreement (1–5)"
	}
	if m.FirstLevel == 0 && m.Levels > 0 {
		return "levels 0–" + strconv.Itoa(m.Levels-1)
	}
	return "levels 1–" + strconv.Itoa(m.Levels)
}

// ScoringText names the scoring method with its rule in a few words (the
// rules in full are in app/scoring's documentation and the README).
func (m MethodQuestionnaire) ScoringText() string {
	switch m.Scoring {
	case questionnaires.ScoringMean:
		return "mean, the level is the whole part of the weighted mean of the answers' values; blocking questions are those whose mean answer is below the next level"
	case questionnaires.ScoringSAMM:
		return "samm, answer values summed per group, groups averaged per dimension, dimensions per area, areas overall; the level is the whole part; blocking questions are those whose mean answer level is below the next level"
	case questionnaires.ScoringActivities:
		return "activities, the share of activities done; the level is the highest whose activities, with those below it, are done to the pass ratio; blocking questions are the activities of the next level or below that a respondent has not done"
	}
	if m.Scale == "likert" {
		return "gated (the default), agreement scored 0–100 and leveled by its score"
	}
	return "gated (the default), a level counts when answers carrying the pass ratio of the weight reach it"
}

// Provenance is the questionnaire's source, license and attribution in
// one sentence, or "" when it gives none.
func (m MethodQuestionnaire) Provenance() string {
	var parts []string
	if m.Source != "" {
		parts = append(parts, "source: "+m.Source)
	}
	if m.License != "" {
		parts = append(parts, "license: "+m.License)
	}
	if m.Attribution != "" {
		parts = append(parts, "attribution: "+m.Attribution)
	}
	if len(parts) == 0 {
		return ""
	}
	return m.Title + " — " + strings.Join(parts, "; ") + "."
}

// WeightText is the dimension weight.
func (d MethodDimension) WeightText() string { return wording.Number(d.Weight) }

// Text is the cell as read in a table: "2 (gap 1)", "3", "—". Disagreement
// is left to the renderer to mark.
func (c Cell) Text() string {
	if c.Level == nil {
		return "—"
	}
	s := strconv.Itoa(*c.Level)
	if c.Gap != nil && *c.Gap > 0 {
		s += " (gap " + strconv.Itoa(*c.Gap) + ")"
	}
	return s
}

// ScoreText formats a score on its scale: "2.41 of 5" or "63.5 of 100".
func ScoreText(scale string, levels int, v *float64) string {
	if v == nil {
		return "—"
	}
	if scale == questionnaires.ScaleLikert {
		return strconv.FormatFloat(*v, 'f', 1, 64) + " of 100"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64) + " of " + strconv.Itoa(levels)
}

// scoreScale formats the scores of one questionnaire by its method: under
// activities a share of 100, elsewhere on the level scale up to its top
// level (which is N − 1 on a scale numbered from 0).
type scoreScale struct {
	set     bool
	scale   string
	percent bool
	top     int
}

func scoresOf(q *questionnaires.Questionnaire) scoreScale {
	return scoreScale{set: true, scale: q.Scale, percent: q.Method() == questionnaires.ScoringActivities,
		top: q.FirstLevel() + len(q.Levels) - 1}
}

func (s scoreScale) text(v *float64) string {
	switch {
	case v == nil:
		return "—"
	case s.percent:
		return strconv.FormatFloat(*v, 'f', 1, 64) + " of 100"
	}
	return ScoreText(s.scale, s.top, v)
}
