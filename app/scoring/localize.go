package scoring

import (
	"slices"

	"gapmap/questionnaires"
)

// Localize returns a copy of r whose titles and level names are those of q,
// the questionnaire r was scored from in another language
// (questionnaires.Questionnaire.Localized). Keys, levels and scores are
// r's own; r is not modified. A nil r or q gives r.
func Localize(r *Result, q *questionnaires.Questionnaire) *Result {
	if r == nil || q == nil {
		return r
	}
	c := *r
	c.Title = q.Title
	c.Overall = localOverall(r.Overall, q, nil)
	c.Dimensions = slices.Clone(r.Dimensions)
	for i := range c.Dimensions {
		d := &c.Dimensions[i]
		qd, ok := q.Dimension(d.Key)
		if !ok {
			continue
		}
		d.Title = qd.Title
		d.LevelName = levelName(q, qd, d.Level, d.LevelName)
	}
	c.Areas = localAreas(r.Areas, q)
	c.Teams = slices.Clone(r.Teams)
	for i := range c.Teams {
		t := &c.Teams[i]
		t.Overall = localOverall(t.Overall, q, nil)
		t.Areas = localAreas(t.Areas, q)
	}
	c.Respondents = slices.Clone(r.Respondents)
	for i := range c.Respondents {
		c.Respondents[i].Overall = localOverall(c.Respondents[i].Overall, q, nil)
	}
	return &c
}

func localOverall(o Overall, q *questionnaires.Questionnaire, d *questionnaires.Dimension) Overall {
	o.LevelName = levelName(q, d, o.Level, o.LevelName)
	return o
}

func localAreas(areas []AreaResult, q *questionnaires.Questionnaire) []AreaResult {
	out := slices.Clone(areas)
	for i := range out {
		a := &out[i]
		for _, qa := range q.Areas {
			if qa.Key == a.Key {
				a.Title = qa.Title
			}
		}
		a.LevelName = levelName(q, nil, a.Level, a.LevelName)
	}
	return out
}

// levelName is the name of level in dimension d (nil: the questionnaire's
// levels), or old when the result had no name or q none for that level.
func levelName(q *questionnaires.Questionnaire, d *questionnaires.Dimension, level *int, old *string) *string {
	if level == nil || old == nil {
		return old
	}
	if name := q.DimensionLevelName(d, *level); name != "" {
		return &name
	}
	return old
}
