// Package measures computes the statistics of the questions that do not
// feed maturity levels: the Net Promoter Score of nps questions and the
// quartiles of number questions, per team and for the organization. It is
// pure: answers in, statistics out.
//
// Team statistics are computed from each team's answers alone, and the
// organization's from the answers of a chosen set of teams (Organization's
// keep), so that a team left out of the results (for example one with too
// few respondents) can be left out of the organization's figures too.
package measures

import (
	"math"
	"slices"

	"gapmap/questionnaires"
)

// Question is a measured question as results describe it.
type Question struct {
	Key       string   `json:"key"`
	Dimension string   `json:"dimension"`
	Type      string   `json:"type"` // questionnaires.TypeNPS or TypeNumber
	Text      string   `json:"text"`
	Unit      string   `json:"unit,omitempty"`
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
}

// Measure is the statistics of one question over a group of respondents:
// NPS is set for nps questions, Number for number questions.
type Measure struct {
	Question string     `json:"question"`
	Type     string     `json:"type"`
	N        int        `json:"n"` // answers (not applicable and unanswered left out)
	NPS      *NPS       `json:"nps,omitempty"`
	Number   *Quartiles `json:"number,omitempty"`
}

// NPS is the Net Promoter Score of answers 0..10: the percentage of
// promoters (9 or 10) minus the percentage of detractors (0 to 6), from
// −100 to 100, rounded to one decimal; Score is null without answers.
type NPS struct {
	Score        *float64 `json:"score"`
	Promoters    int      `json:"promoters"`
	Passives     int      `json:"passives"`
	Detractors   int      `json:"detractors"`
	Distribution [11]int  `json:"distribution"` // answers of 0, 1, … 10
}

// Quartiles summarize the answers to a number question; every field is
// null without answers. P25, Median and P75 are percentiles by linear
// interpolation between closest ranks (Hyndman and Fan's definition 7, as
// Excel's PERCENTILE.INC): for the sorted answers x[0..n-1] and p in [0,1],
// h = (n−1)·p and the percentile is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
// Values are rounded to two decimals.
type Quartiles struct {
	Min    *float64 `json:"min"`
	P25    *float64 `json:"p25"`
	Median *float64 `json:"median"`
	P75    *float64 `json:"p75"`
	Max    *float64 `json:"max"`
}

// Summary is what a questionnaire's results carry about its measures: the
// questions and the organization's statistics (each team's are on the team).
type Summary struct {
	Questions    []Question `json:"questions"`
	Organization []Measure  `json:"organization"`
}

// Questions lists the nps and number questions of a questionnaire in its
// order. Text questions are not measured: they are read with the comments.
func Questions(q *questionnaires.Questionnaire) []Question {
	var out []Question
	for _, d := range q.Dimensions {
		for _, qu := range d.Questions {
			if qu.Type != questionnaires.TypeNPS && qu.Type != questionnaires.TypeNumber {
				continue
			}
			out = append(out, Question{Key: qu.Key, Dimension: d.Key, Type: qu.Type, Text: qu.Text, Unit: qu.Unit, Min: qu.Min, Max: qu.Max})
		}
	}
	return out
}

// Of computes the statistics of one question from its answers (in any order).
func Of(q Question, values []float64) Measure {
	m := Measure{Question: q.Key, Type: q.Type, N: len(values)}
	switch q.Type {
	case questionnaires.TypeNPS:
		m.NPS = npsOf(values)
	case questionnaires.TypeNumber:
		m.Number = quartilesOf(values)
	}
	return m
}

func npsOf(values []float64) *NPS {
	out := &NPS{}
	for _, v := range values {
		n := int(math.Round(v))
		if n < 0 || n > 10 {
			continue
		}
		out.Distribution[n]++
		switch {
		case n >= 9:
			out.Promoters++
		case n >= 7:
			out.Passives++
		default:
			out.Detractors++
		}
	}
	if total := out.Promoters + out.Passives + out.Detractors; total > 0 {
		s := round(100*float64(out.Promoters-out.Detractors)/float64(total), 1)
		out.Score = &s
	}
	return out
}

func quartilesOf(values []float64) *Quartiles {
	if len(values) == 0 {
		return &Quartiles{}
	}
	x := slices.Clone(values)
	slices.Sort(x)
	at := func(p float64) *float64 {
		v := round(Percentile(x, p), 2)
		return &v
	}
	return &Quartiles{Min: at(0), P25: at(0.25), Median: at(0.5), P75: at(0.75), Max: at(1)}
}

// Percentile is the p-th percentile (p in [0,1]) of sorted, non-empty x by
// linear interpolation between closest ranks (see Quartiles).
func Percentile(x []float64, p float64) float64 {
	h := float64(len(x)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[lo] + (h-float64(lo))*(x[lo+1]-x[lo])
}

func round(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	r := math.Round(x*p) / p
	if r == 0 {
		return 0 // no -0 in the JSON
	}
	return r
}

// Samples collects the answers to a questionnaire's measured questions by
// team, so that each team's statistics and the organization's over any set
// of teams can be computed.
type Samples struct {
	Questions []Question
	index     map[string]int        // question key -> position in Questions
	teams     map[int64][][]float64 // team -> values per question
	order     []int64               // teams in the order first seen
}

// NewSamples starts an empty collection for the measured questions of q.
func NewSamples(q *questionnaires.Questionnaire) *Samples {
	s := &Samples{Questions: Questions(q), index: map[string]int{}, teams: map[int64][][]float64{}}
	for i, qu := range s.Questions {
		s.index[qu.Key] = i
	}
	return s
}

// Add records one team's answer to a question; answers to other questions
// are ignored.
func (s *Samples) Add(teamID int64, question string, v float64) {
	i, ok := s.index[question]
	if !ok {
		return
	}
	t, ok := s.teams[teamID]
	if !ok {
		t = make([][]float64, len(s.Questions))
		s.teams[teamID] = t
		s.order = append(s.order, teamID)
	}
	t[i] = append(t[i], v)
}

// Team computes one team's statistics, one per question.
func (s *Samples) Team(teamID int64) []Measure {
	t := s.teams[teamID]
	out := make([]Measure, len(s.Questions))
	for i, q := range s.Questions {
		var vals []float64
		if t != nil {
			vals = t[i]
		}
		out[i] = Of(q, vals)
	}
	return out
}

// Organization computes the statistics over every answer of the teams that
// keep accepts (all teams when keep is nil), one per question.
func (s *Samples) Organization(keep func(teamID int64) bool) []Measure {
	out := make([]Measure, len(s.Questions))
	for i, q := range s.Questions {
		var vals []float64
		for _, id := range s.order {
			if keep == nil || keep(id) {
				vals = append(vals, s.teams[id][i]...)
			}
		}
		out[i] = Of(q, vals)
	}
	return out
}
