package questionnaires

import "fmt"

// dimensionExtras checks a dimension's own level names, its groups, and the
// level and group of each of its questions.
func (p *parser) dimensionExtras(q *Questionnaire, d *Dimension, dp string, first int) {
	last := first + len(q.Levels) - 1
	if p.seen(dp+".levels") && p.seen("levels") {
		p.check(dp+".levels", len(d.Levels) == len(q.Levels), "names %d levels; the scale has %d", len(d.Levels), len(q.Levels))
		for i, l := range d.Levels {
			p.check(fmt.Sprintf("%s.levels[%d].level", dp, i), i < len(q.Levels) && l.Level == q.Levels[i].Level,
				"must follow the questionnaire's levels %d..%d in order, got %d", first, last, l.Level)
		}
	}
	groups := map[string]string{}
	for i, g := range d.Groups {
		p.unique(groups, "group", g.Key, fmt.Sprintf("%s.groups[%d].key", dp, i))
	}
	activities := q.Method() == ScoringActivities
	for j := range d.Questions {
		qu, qp := &d.Questions[j], fmt.Sprintf("%s.questions[%d]", dp, j)
		if !qu.Scored() {
			for _, f := range []string{"level", "group"} {
				if _, ok := p.lines[qp+"."+f]; ok {
					p.at(qp+"."+f, "%s questions are not scored: remove %s", qu.Type, f)
				}
			}
			continue
		}
		if qu.Level != nil {
			p.check(qp+".level", *qu.Level >= first && *qu.Level <= last, "must be a level from %d to %d, got %d", first, last, *qu.Level)
		} else if _, ok := p.lines[qp+".level"]; !ok && activities {
			p.at(qp, "with scoring activities every question needs the level it belongs to")
		}
		_, grouped := p.lines[qp+".group"]
		switch {
		case grouped && len(d.Groups) == 0:
			p.check(qp+".group", false, "group %q: the dimension declares no groups", qu.Group)
		case grouped:
			_, known := groups[qu.Group]
			p.check(qp+".group", known, "unknown group %q of dimension %q", qu.Group, d.Key)
		case len(d.Groups) > 0 && p.seen(dp+".groups"):
			p.at(qp, "the dimension has groups: the question needs a group")
		}
	}
}

// valueQuestion checks a question of a questionnaire scored by mean, samm
// or activities: options need not cover every level, but their levels lie on
// the scale, and their values are those the method reads.
func (p *parser) valueQuestion(q *Questionnaire, qu *Question, path string, first, last int) {
	p.check(path+".reverse", false, "reverse applies to likert statements only")
	op := path + ".options"
	if _, ok := p.lines[op]; !ok {
		p.at(path, "a level-scale question needs options")
		return
	}
	if !p.seen(op) {
		return
	}
	p.check(op, len(qu.Options) >= 2, "needs at least 2 options, got %d", len(qu.Options))
	keys := map[string]string{}
	valued, done, notDone := 0, 0, 0
	for k := range qu.Options {
		o, kp := &qu.Options[k], fmt.Sprintf("%s[%d]", op, k)
		if p.seen(kp+".level") && (o.Level < first || o.Level > last) {
			p.at(kp+".level", "must be a level from %d to %d, got %d", first, last, o.Level)
		}
		keyPath := kp + ".key"
		if _, ok := p.lines[keyPath]; !ok {
			o.Key = fmt.Sprintf("l%d", o.Level)
			p.lines[keyPath] = p.line(kp)
		}
		p.unique(keys, "option (give options of the same level their own key)", o.Key, keyPath)
		if o.Value == nil {
			if q.Scoring != ScoringMean && p.seen(kp) {
				p.at(kp, "with scoring %s every option needs a value", q.Scoring)
			}
			continue
		}
		valued++
		if q.Scoring == ScoringActivities {
			switch *o.Value {
			case 1:
				done++
			case 0:
				notDone++
			default:
				p.at(kp+".value", "with scoring activities a value is 1 (done) or 0 (not done), got %g", *o.Value)
			}
		}
	}
	if q.Scoring == ScoringMean && valued > 0 && valued < len(qu.Options) {
		p.at(op, "give every option a value or none: %d of %d have one", valued, len(qu.Options))
	}
	if q.Scoring == ScoringActivities && valued == len(qu.Options) && (done == 0 || notDone == 0) {
		p.at(op, "an activity needs an option with value 1 (done) and one with value 0 (not done)")
	}
}

// areas checks that areas name known dimensions, each in exactly one area.
func (p *parser) areas(q *Questionnaire, dims map[string]string) {
	if !p.seen("areas") {
		return
	}
	keys, in := map[string]string{}, map[string]string{}
	for i, a := range q.Areas {
		ap := fmt.Sprintf("areas[%d]", i)
		p.unique(keys, "area", a.Key, ap+".key")
		p.check(ap+".dimensions", len(a.Dimensions) > 0, "needs at least one dimension")
		for j, key := range a.Dimensions {
			kp := fmt.Sprintf("%s.dimensions[%d]", ap, j)
			if _, known := dims[key]; !known {
				p.check(kp, false, "unknown dimension %q", key)
				continue
			}
			if firstAt, dup := in[key]; dup {
				p.check(kp, false, "dimension %q is already in an area (line %d)", key, p.line(firstAt))
				continue
			}
			in[key] = kp
		}
	}
	for i, d := range q.Dimensions {
		if _, ok := in[d.Key]; !ok && p.seen(fmt.Sprintf("dimensions[%d].key", i)) {
			p.at("areas", "dimension %q is in no area: with areas, every dimension belongs to one", d.Key)
		}
	}
}
