package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gapmap/app/scoring"
	"gapmap/app/wording"
	"gapmap/questionnaires"
)

// The English sentences of the report, written from the figures the
// builder computed.

func (b *builder) confidenceParagraph(c Confidence) string {
	var sb strings.Builder
	if b.in.Team != nil {
		fmt.Fprintf(&sb, "%s of %s answered.", wording.CountOf(c.Respondents, "person", "people"), b.in.Team.Name)
	} else {
		pct := 0.0
		if c.Teams > 0 {
			pct = 100 * float64(c.Responding) / float64(c.Teams)
		}
		fmt.Fprintf(&sb, "%s answered, from %d of %d participating teams (coverage %s%%).",
			wording.CountOf(c.Respondents, "person", "people"), c.Responding, c.Teams, wording.Number(math.Round(pct*10)/10))
	}
	if c.NAShare != nil {
		fmt.Fprintf(&sb, " %s%% of the answers were N/A, and N/A answers are left out of every level.", wording.Number(*c.NAShare))
	}
	switch {
	case c.Disagreements == 0 && b.in.Team != nil:
		sb.WriteString(" The respondents agree within one level in every dimension.")
	case c.Disagreements == 0:
		sb.WriteString(" In every team, the respondents agree within one level in every dimension.")
	case b.in.Team != nil:
		fmt.Fprintf(&sb, " In %s the respondents are two or more levels apart, so the team level there is a compromise worth discussing.",
			wording.CountOf(c.Disagreements, "dimension", "dimensions"))
	default:
		fmt.Fprintf(&sb, " In %s (a team in a dimension), respondents of the same team are two or more levels apart, so those team levels are a compromise worth discussing.",
			wording.CountOf(c.Disagreements, "place", "places"))
	}
	switch {
	case b.in.Team != nil && c.Rating == "high":
		sb.WriteString(" Confidence is high: more than one voice stands behind the team's levels.")
	case b.in.Team != nil && c.Rating == "moderate":
		sb.WriteString(" Confidence is moderate: check the levels with the team before acting on them.")
	case b.in.Team != nil:
		sb.WriteString(" Confidence is low: one voice, or many N/A answers, stand behind these levels, so ask more of the team to answer before deciding.")
	case c.Rating == "high":
		sb.WriteString(" Confidence is high: the picture rests on most teams and on more than one voice per team.")
	case c.Rating == "moderate":
		sb.WriteString(" Confidence is moderate: read the levels as a good indication, and confirm the largest gaps with the teams before committing budget.")
	default:
		sb.WriteString(" Confidence is low: too few teams or respondents stand behind these numbers, so treat them as a first sketch and widen the survey before deciding.")
	}
	return sb.String()
}

func planSentence(phases []Phase, capacity int) string {
	total := 0
	for _, p := range phases {
		total += len(p.Items)
	}
	if total == 0 {
		return "No dimension is below its target, so there is nothing to recommend."
	}
	parts := make([]string, 0, len(phases))
	for _, p := range phases {
		parts = append(parts, fmt.Sprintf("%d in %s", len(p.Items), p.Title))
	}
	return fmt.Sprintf("The roadmap holds %s: %s, with an effort of at most %d per phase.",
		wording.CountOf(total, "recommendation", "recommendations"), strings.Join(parts, ", "), capacity)
}

func (b *builder) dimensionText(q *questionnaires.Questionnaire, ds *DimensionSection) {
	switch {
	case ds.Current == nil && b.in.Team != nil:
		ds.Where = fmt.Sprintf("%s has no level here: no respondent of the team answered this dimension (all answers N/A, or no submitted response).", b.in.Team.Name)
	case ds.Current == nil:
		ds.Where = "No team has a level here: every answer was N/A, or nobody has submitted yet."
	default:
		var sb strings.Builder
		fmt.Fprintf(&sb, "Level %d%s", ds.Current.Level, nameSuffix(ds.Current.Name))
		if ds.Score != nil {
			fmt.Fprintf(&sb, " with a score of %s", scoresOf(q).text(ds.Score))
		}
		switch {
		case ds.Gap != nil && *ds.Gap > 0:
			fmt.Fprintf(&sb, ": %s below the target of %d%s.", wording.CountOf(*ds.Gap, "level", "levels"), ds.Target, nameSuffix(ds.TargetLevel.Name))
		case ds.Current.Level > ds.Target:
			fmt.Fprintf(&sb, ": above the target of %d.", ds.Target)
		default:
			fmt.Fprintf(&sb, ": at the target of %d.", ds.Target)
		}
		if ds.Change != nil {
			fmt.Fprintf(&sb, " Since the previous round: %s.", changeText(ds.Change.Level, ds.Change.Score, q.Scale))
		}
		if ds.Previous != nil && ds.Previous.DefinitionChanged {
			sb.WriteString(" " + DefinitionChangedText)
		}
		if ds.Current.Description != "" {
			sb.WriteString(" At this level: ")
			sb.WriteString(ds.Current.Description)
		}
		ds.Where = sb.String()
	}
	switch {
	case ds.Next != nil:
		ds.NextText = fmt.Sprintf("Level %d%s: %s", ds.Next.Level, nameSuffix(ds.Next.Name), ds.Next.Description)
	case ds.Current != nil:
		ds.NextText = "This is the top level of the scale."
	}
	switch {
	case len(ds.Blocking) == 0 && ds.Current != nil && ds.Next != nil:
		ds.BlockingText = "No single question stands out as blocking."
	case len(ds.Blocking) == 0:
		ds.BlockingText = ""
	case b.in.Team != nil && q.Method() == questionnaires.ScoringActivities:
		ds.BlockingText = fmt.Sprintf("These activities of level %d or below are not done by every respondent and keep the team from reaching it:", ds.Current.Level+1)
	case b.in.Team != nil && averagesBlocking(q):
		ds.BlockingText = fmt.Sprintf("These questions were answered below level %d on average and keep the team from reaching it (lowest average first):", ds.Current.Level+1)
	case b.in.Team != nil:
		ds.BlockingText = fmt.Sprintf("These questions were answered below level %d and keep the team from reaching it (lowest answer first):", ds.Current.Level+1)
	default:
		ds.BlockingText = "These questions hold the most teams below their next level:"
	}
	ds.Spread.Text = b.spreadText(q, ds)
}

func (b *builder) spreadText(q *questionnaires.Questionnaire, ds *DimensionSection) string {
	sp := ds.Spread
	if b.in.Team != nil {
		var sb strings.Builder
		if ds.Current == nil {
			sb.WriteString("No respondent of the team has a level here.")
		} else {
			fmt.Fprintf(&sb, "%s of the team %s a level here", wording.CountOf(sp.Respondents, "respondent", "respondents"), wording.Plural(sp.Respondents, "has", "have"))
			switch {
			case sp.RespondentSpread == nil || sp.Respondents < 2:
			case *sp.RespondentSpread == 0:
				sb.WriteString(" and they agree on it")
			default:
				fmt.Fprintf(&sb, "; they are %s apart", wording.CountOf(*sp.RespondentSpread, "level", "levels"))
			}
			if sp.Disagreement {
				sb.WriteString(", which counts as disagreement")
			}
			sb.WriteString(".")
		}
		if sp.OrgLevel != nil {
			fmt.Fprintf(&sb, " The organization is at level %d%s", *sp.OrgLevel, nameSuffix(q.LevelName(*sp.OrgLevel)))
			if r := rangeText(sp.Distribution); r != "" {
				fmt.Fprintf(&sb, ", with teams ranging %s", r)
			}
			sb.WriteString(".")
		}
		return sb.String()
	}
	if sp.Teams == 0 {
		return "No team has a level in this dimension."
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s a level here", wording.CountOf(sp.Teams, "team", "teams"), wording.Plural(sp.Teams, "has", "have"))
	if r := rangeText(sp.Distribution); r != "" {
		fmt.Fprintf(&sb, ", ranging %s", r)
	}
	if d := sp.Distribution; d.P25 != nil && d.Median != nil && d.P75 != nil {
		fmt.Fprintf(&sb, " (quartiles %d, %d, %d)", *d.P25, *d.Median, *d.P75)
	}
	sb.WriteString(".")
	if len(sp.ByLevel) > 0 {
		parts := make([]string, len(sp.ByLevel))
		for i, lc := range sp.ByLevel {
			parts[i] = fmt.Sprintf("%d at level %d", lc.Teams, lc.Level)
		}
		fmt.Fprintf(&sb, " By level: %s.", strings.Join(parts, ", "))
	}
	if len(sp.Disputed) > 0 {
		fmt.Fprintf(&sb, " Respondents disagree by two levels or more in %s: %s.",
			wording.CountOf(len(sp.Disputed), "team", "teams"), strings.Join(sp.Disputed, ", "))
	}
	return sb.String()
}

func rangeText(d scoring.Distribution) string {
	if d.Min == nil || d.Max == nil {
		return ""
	}
	if *d.Min == *d.Max {
		return fmt.Sprintf("all at level %d", *d.Min)
	}
	return fmt.Sprintf("from level %d to level %d", *d.Min, *d.Max)
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

func changeText(level int, score float64, scale string) string {
	decimals := 2
	if scale == questionnaires.ScaleLikert {
		decimals = 1
	}
	return fmt.Sprintf("%s, score %s", signedLevels(level), signedFloat(score, decimals))
}

func signedLevels(n int) string {
	switch {
	case n == 0:
		return "same level"
	case n > 0:
		return "+" + wording.CountOf(n, "level", "levels")
	}
	return "−" + wording.CountOf(-n, "level", "levels")
}

func signedFloat(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	if math.Abs(v) < math.Pow(10, -float64(decimals))/2 {
		return "±" + strconv.FormatFloat(0, 'f', decimals, 64)
	}
	if v > 0 {
		return "+" + s
	}
	return "−" + s
}

// methodParagraphs explains how the numbers were computed, for a round with
// level-scale and/or agreement-scale questionnaires.
func methodParagraphs(level, likert bool, defaultTarget, capacity int) []string {
	var ps []string
	ps = append(ps, "Only submitted responses count, and N/A answers are left out of every figure.")
	if level {
		ps = append(ps, "On a questionnaire with a level scale, every answer picks a described practice that sits on one level. "+
			"A respondent reaches level L in a dimension when the answers at level L or above carry at least the pass ratio of the dimension's question weight; "+
			"the respondent's level is the highest such L. The score is the weighted mean of the answered levels.")
	}
	if likert {
		ps = append(ps, "On a questionnaire with an agreement scale, answers run from 1 (strongly disagree) to 5 (strongly agree); "+
			"statements worded against maturity are reversed first. The weighted mean agreement becomes a score from 0 to 100, "+
			"and the score is cut into as many equal bands as there are levels.")
	}
	var team string
	switch {
	case level && likert:
		team = "On a level scale, a team's level in a dimension is the lower median of its respondents' levels and the organization's the lower median of the team levels. " +
			"On an agreement scale, a team's score is the mean of its respondents' scores and the organization's the mean of the team scores, " +
			"and each takes the level of its own score, by the same bands as a respondent, so a higher score never means a lower level. "
	case likert:
		team = "A team's score in a dimension is the mean of its respondents' scores and the organization's the mean of the team scores; " +
			"each takes the level of its own score, by the same bands as a respondent, so a higher score never means a lower level. "
	default:
		team = "A team's level in a dimension is the lower median of its respondents' levels, and the organization's the lower median of the team levels. "
	}
	ps = append(ps,
		team+"Each team counts once in the organization, whatever its size. "+
			"A team's spread is the distance between its highest and lowest respondent level; a spread of two levels or more is reported as disagreement. "+
			"A questionnaire's overall level is the weighted lower median of the dimension levels: the lowest level L such that the dimensions at level L or below carry at least half of the total weight. "+
			"Its overall score is the weighted mean of the dimension scores.",
		fmt.Sprintf("Every dimension has a target: the round's default target of %d unless the round sets another for it. "+
			"The target is a level on both scales, and the gap is the target minus the level, counted in levels and never below zero, "+
			"so a dimension below its target always has a gap of at least one. "+
			"Percent to target is 100 × (1 − sum of gaps ÷ sum of targets) over the dimensions that have a level.", defaultTarget),
		"A questionnaire recommendation is considered when it leads a dimension from its current level toward the target. "+
			"Its priority is gap × dimension weight × impact ÷ effort, halved for every level it lies beyond the next one. "+
			fmt.Sprintf("The roadmap takes recommendations in priority order into Now and then Next, each phase holding an effort of %d, ", capacity)+
			"and never places one before a recommendation it requires or before an earlier step of the same dimension; the rest waits in Later. "+
			"Impact 3 for effort 1 is flagged as a quick win.",
		"Blocking questions are those answered below the next level; for the organization, the questions that hold back the most teams are listed.",
	)
	return ps
}

// averagesBlocking reports whether q's blocking questions are chosen by
// their mean answer level (the mean and samm methods).
func averagesBlocking(q *questionnaires.Questionnaire) bool {
	m := q.Method()
	return m == questionnaires.ScoringMean || m == questionnaires.ScoringSAMM
}
