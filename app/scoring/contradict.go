package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"gapmap/questionnaires"
)

// Units of measured delivery values.
const (
	UnitPerWeek = "per_week" // deployment frequency
	UnitHours   = "hours"    // lead time, recovery time
	UnitPercent = "percent"  // change failure rate
)

// Measured is a team's measured value of one delivery metric and its band
// (questionnaires.BandElite …). Value and Band are empty when the metric
// has no data in the window.
type Measured struct {
	Metric string
	Value  *float64
	Unit   string // UnitPerWeek, UnitHours or UnitPercent; "" means the metric's usual unit
	Band   string
}

// Contradiction flags a team's answer to a question tied to a delivery
// metric that is 2 or more levels away from the level its measured band
// stands for. Text states both facts.
type Contradiction struct {
	Question      string  `json:"question"`
	AnsweredLevel int     `json:"answered_level"`
	Metric        string  `json:"measured_metric"`
	Value         float64 `json:"measured_value"`
	Band          string  `json:"band"`
	BandLevel     int     `json:"band_level"`
	Text          string  `json:"text"`
}

// ContradictionDistance is how many levels apart an answer and a measured
// band must be to be flagged.
const ContradictionDistance = 2

// Contradictions compares a team's answers to the questions of q that
// carry a measure with the team's measured metrics (by metric name).
// levels holds, by question key, the levels the team's respondents chose
// (not applicable left out); the team's answer is their median (the lower
// one of an even count). Questions without answers and metrics without a
// value or band are skipped. Flags come in the questionnaire's order.
func Contradictions(q *questionnaires.Questionnaire, levels map[string][]int, measured map[string]Measured) []Contradiction {
	var out []Contradiction
	for _, d := range q.Dimensions {
		for _, qu := range d.Questions {
			if qu.Measure == nil {
				continue
			}
			answered, ok := TeamAnswer(levels[qu.Key])
			if !ok {
				continue
			}
			m, ok := measured[qu.Measure.Metric]
			if !ok || m.Value == nil || m.Band == "" {
				continue
			}
			bandLevel, ok := qu.Measure.LevelOf(m.Band)
			if !ok || abs(answered-bandLevel) < ContradictionDistance {
				continue
			}
			out = append(out, Contradiction{
				Question: qu.Key, AnsweredLevel: answered, Metric: qu.Measure.Metric, Value: *m.Value,
				Band: m.Band, BandLevel: bandLevel,
				Text: fmt.Sprintf("answered %s (%d); measured %s: %s (%s → %d)",
					q.DimensionLevelName(&d, answered), answered, MetricLabel(qu.Measure.Metric), FormatMeasured(m), m.Band, bandLevel),
			})
		}
	}
	return out
}

// TeamAnswer is the level a team gave a question: the median of its
// respondents' levels, the lower one of an even count.
func TeamAnswer(levels []int) (int, bool) {
	if len(levels) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(levels))
	return s[(len(s)-1)/2], true
}

// MetricLabel names a delivery metric in a sentence.
func MetricLabel(metric string) string {
	switch metric {
	case questionnaires.MetricDeploymentFrequency:
		return "deployments"
	case questionnaires.MetricLeadTime:
		return "lead time"
	case questionnaires.MetricChangeFailureRate:
		return "change failure rate"
	case questionnaires.MetricRecoveryTime:
		return "recovery time"
	}
	return metric
}

// FormatMeasured writes a measured value with its unit: "0.3 per week",
// "26.5 hours", "12.5%". Values keep at most one decimal (two below 0.1,
// so that a rare deployment does not read as none).
func FormatMeasured(m Measured) string {
	if m.Value == nil {
		return "no data"
	}
	unit := m.Unit
	if unit == "" {
		unit = defaultUnit(m.Metric)
	}
	v := *m.Value
	switch unit {
	case UnitPerWeek:
		return formatDecimal(v) + " per week"
	case UnitHours:
		if v == 1 {
			return "1 hour"
		}
		return formatDecimal(v) + " hours"
	case UnitPercent:
		return formatDecimal(v) + "%"
	}
	return formatDecimal(v) + " " + unit
}

func defaultUnit(metric string) string {
	switch metric {
	case questionnaires.MetricDeploymentFrequency:
		return UnitPerWeek
	case questionnaires.MetricChangeFailureRate:
		return UnitPercent
	}
	return UnitHours
}

func formatDecimal(v float64) string {
	digits := 1
	if a := math.Abs(v); a > 0 && a < 0.1 {
		digits = 2
	}
	p := math.Pow(10, float64(digits))
	return strconv.FormatFloat(math.Round(v*p)/p, 'f', -1, 64)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
