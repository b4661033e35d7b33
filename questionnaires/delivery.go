package questionnaires

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Delivery metrics a question may be tied to (the four DORA metrics). The
// values are measured from deployment and incident events, not asked.
const (
	MetricDeploymentFrequency = "deployment_frequency"
	MetricLeadTime            = "lead_time"
	MetricChangeFailureRate   = "change_failure_rate"
	MetricRecoveryTime        = "recovery_time"
)

// Metrics lists the delivery metrics in their usual order.
var Metrics = []string{MetricDeploymentFrequency, MetricLeadTime, MetricChangeFailureRate, MetricRecoveryTime}

// Bands of a delivery metric, best first.
const (
	BandElite  = "elite"
	BandHigh   = "high"
	BandMedium = "medium"
	BandLow    = "low"
)

// Bands lists the bands, best first.
var Bands = []string{BandElite, BandHigh, BandMedium, BandLow}

// Measure ties a scored question to a delivery metric: Levels gives the
// maturity level each band of the metric stands for. It never changes
// scores; it lets gapmap flag an answer that its measured delivery
// contradicts.
type Measure struct {
	Metric string         `json:"metric"`
	Levels map[string]int `json:"levels"` // band -> level of the scale
}

// LevelOf returns the level the band stands for.
func (m *Measure) LevelOf(band string) (int, bool) {
	if m == nil {
		return 0, false
	}
	l, ok := m.Levels[band]
	return l, ok
}

func (p *parser) measureOf(dst **Measure) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		m := &Measure{Levels: map[string]int{}}
		levels := make([]int, len(Bands))
		fields := make([]field, len(Bands))
		for i, b := range Bands {
			fields[i] = req(b, p.integer(&levels[i]))
		}
		ok := p.mapping(n, path,
			req("metric", p.oneOf(&m.Metric, Metrics...)),
			req("levels", func(n *yaml.Node, path string) bool { return p.mapping(n, path, fields...) }),
		)
		for i, b := range Bands {
			if p.seen(fmt.Sprintf("%s.levels.%s", path, b)) {
				m.Levels[b] = levels[i]
			}
		}
		*dst = m
		return ok
	}
}

// deliveryMeasure checks a question's measure: only scored questions of
// the level scale carry one, and every band stands for a level of it.
func (p *parser) deliveryMeasure(q *Question, path, scale string, levelsOK bool, first, last int) {
	mp := path + ".measure"
	if q.Measure == nil || !p.seen(mp) {
		return
	}
	if !q.Scored() {
		p.at(mp, "only scored questions can be tied to a delivery metric (this one is %s)", q.Type)
		return
	}
	if scale != ScaleLevel {
		p.at(mp, "only questions of the level scale can be tied to a delivery metric (this questionnaire's scale is %s)", scale)
		return
	}
	if !levelsOK {
		return
	}
	for _, b := range Bands {
		if l, ok := q.Measure.Levels[b]; ok {
			p.check(mp+".levels."+b, l >= first && l <= last, "must be a level of the scale, %d to %d, got %d", first, last, l)
		}
	}
}
