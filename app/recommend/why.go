package recommend

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gapmap/app/wording"
	"gapmap/questionnaires"
)

// why builds the one-sentence reason of a placed candidate.
func (c *candidate) why(capacity int) string {
	title := c.dim.Title
	if title == "" {
		title = c.dim.Key
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s is at %s against a target of %d%s — a gap of %d on a dimension weighted %s; impact %d for effort %d",
		title, levelText(c.q, c.level), c.target, levelSuffix(c.q, c.target),
		c.target-c.level, wording.Number(c.weight), c.rec.Impact, c.effort)

	if steps := c.rec.ToLevel - c.level - 1; steps > 0 {
		fmt.Fprintf(&b, "; it works toward %s, %d %s past the next one, so its priority is scaled by %s",
			levelText(c.q, c.rec.ToLevel), steps, wording.Plural(steps, "level", "levels"),
			strconv.FormatFloat(math.Pow(0.5, float64(steps)), 'f', -1, 64))
	}
	if len(c.outside) > 0 {
		fmt.Fprintf(&b, "; it builds on %s, which this plan does not schedule", quoteList(c.outside))
	}
	if c.blockedBy != "" {
		fmt.Fprintf(&b, "; held back until “%s” is in place", c.blockedBy)
	}
	switch {
	case c.effort > capacity:
		fmt.Fprintf(&b, "; its effort is more than a phase holds (capacity %d), so it waits in Later", capacity)
	case c.lastMiss == missNoRoom:
		fmt.Fprintf(&b, "; no room was left in %s (capacity %d)", phaseTitles[c.missPhase], capacity)
	}
	b.WriteString(".")
	return b.String()
}

// levelText gives "level 2 (Operational)", or "level 2" when the
// questionnaire has no name for it.
func levelText(q *questionnaires.Questionnaire, level int) string {
	return "level " + strconv.Itoa(level) + levelSuffix(q, level)
}

func levelSuffix(q *questionnaires.Questionnaire, level int) string {
	for _, l := range q.Levels {
		if l.Level == level && l.Name != "" {
			return " (" + l.Name + ")"
		}
	}
	return ""
}

func quoteList(titles []string) string {
	quoted := make([]string, len(titles))
	for i, t := range titles {
		quoted[i] = "“" + t + "”"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}
