package questionnaires

import (
	"encoding/json"
	"errors"
	"fmt"
)

// questionRef locates a question: Dimensions[dim].Questions[question].
type questionRef struct{ dim, question int }

// ParseJSON decodes a questionnaire snapshot stored as JSON (the form an
// assessment pins) and rebuilds its lookup indexes. The snapshot is trusted
// to have been validated by Parse when it was stored.
func ParseJSON(data []byte) (*Questionnaire, error) {
	var q Questionnaire
	if err := json.Unmarshal(data, &q); err != nil {
		return nil, fmt.Errorf("decode questionnaire snapshot: %w", err)
	}
	if q.Key == "" || len(q.Levels) < 2 {
		return nil, errors.New("decode questionnaire snapshot: no key or fewer than 2 levels")
	}
	q.finish()
	return &q, nil
}

// Dimension returns the dimension with the given key.
func (q *Questionnaire) Dimension(key string) (*Dimension, bool) {
	if q.dimIndex != nil {
		i, ok := q.dimIndex[key]
		if !ok {
			return nil, false
		}
		return &q.Dimensions[i], true
	}
	for i := range q.Dimensions {
		if q.Dimensions[i].Key == key {
			return &q.Dimensions[i], true
		}
	}
	return nil, false
}

// Question returns the question with the given key and its dimension.
func (q *Questionnaire) Question(key string) (*Dimension, *Question, bool) {
	if q.questionIndex != nil {
		r, ok := q.questionIndex[key]
		if !ok {
			return nil, nil, false
		}
		d := &q.Dimensions[r.dim]
		return d, &d.Questions[r.question], true
	}
	for i := range q.Dimensions {
		d := &q.Dimensions[i]
		for j := range d.Questions {
			if d.Questions[j].Key == key {
				return d, &d.Questions[j], true
			}
		}
	}
	return nil, nil, false
}

// Option returns the option with the given key. A question has at most one
// option per level, so a scan is as fast as an index.
func (q *Question) Option(key string) (*Option, bool) {
	for i := range q.Options {
		if q.Options[i].Key == key {
			return &q.Options[i], true
		}
	}
	return nil, false
}

// LevelName returns the name of level 1..N, or "" for any other number.
func (q *Questionnaire) LevelName(level int) string {
	for _, l := range q.Levels {
		if l.Level == level {
			return l.Name
		}
	}
	return ""
}

// QuestionCount returns the number of questions in all dimensions.
func (q *Questionnaire) QuestionCount() int {
	n := 0
	for _, d := range q.Dimensions {
		n += len(d.Questions)
	}
	return n
}
