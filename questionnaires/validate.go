package questionnaires

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// validate applies defaults and checks the rules that span fields. It only
// judges fields that were present and decoded, so a field with a type error
// or a missing field is reported once.
func (p *parser) validate(q *Questionnaire) {
	n := len(q.Levels)
	levelsOK := p.seen("levels") && n >= 2 // range checks against the scale make sense
	gated := q.Method() == ScoringGated
	first := 1
	if n > 0 && q.Levels[0].Level == 0 && !gated && q.Scale == ScaleLevel {
		first = 0
	}
	last := first + n - 1
	if p.seen("levels") {
		p.check("levels", n >= 2, "needs at least 2 levels, got %d", n)
		for i, l := range q.Levels {
			if i == 0 && l.Level == 0 && first == 1 {
				p.check("levels[0].level", false, "a scale may start at 0 only with scoring mean, samm or activities on the level scale")
				continue
			}
			p.check(fmt.Sprintf("levels[%d].level", i), l.Level == first+i,
				"levels must be numbered %d..%d in order: expected %d, got %d", first, last, first+i, l.Level)
		}
	}
	p.check("scoring", gated || q.Scale == ScaleLevel, "scoring %s needs the level scale; likert statements are scored gated", q.Scoring)
	p.check("pass_ratio", q.PassRatio > 0 && q.PassRatio <= 1, "must be in (0, 1], got %g", q.PassRatio)
	p.check("dimensions", len(q.Dimensions) > 0, "needs at least one dimension")

	dims, questions := map[string]string{}, map[string]string{}
	for i := range q.Dimensions {
		d, dp := &q.Dimensions[i], fmt.Sprintf("dimensions[%d]", i)
		p.unique(dims, "dimension", d.Key, dp+".key")
		p.check(dp+".weight", d.Weight > 0, "must be greater than 0, got %g", d.Weight)
		minQ := 3
		if p.imported {
			minQ = 1
		}
		if scored := scoredCount(d.Questions); scored == len(d.Questions) {
			p.check(dp+".questions", scored >= minQ, "needs at least %d questions, got %d", minQ, scored)
		} else {
			p.check(dp+".questions", scored >= minQ, "needs at least %d scored questions besides its nps, number and text questions, got %d", minQ, scored)
		}
		p.dimensionExtras(q, d, dp, first)
		p.check(dp+".scale", !p.seen("scale") || d.Scale == q.Scale, "%q differs from the questionnaire's scale %q", d.Scale, q.Scale)
		if d.Scale == "" {
			d.Scale = q.Scale
		}
		for j := range d.Questions {
			qu, qp := &d.Questions[j], fmt.Sprintf("%s.questions[%d]", dp, j)
			p.unique(questions, "question", qu.Key, qp+".key")
			p.check(qp+".weight", qu.Weight > 0, "must be greater than 0, got %g", qu.Weight)
			p.deliveryMeasure(qu, qp, q.Scale, levelsOK, first, last)
			_, typed := p.lines[qp+".type"]
			if !typed {
				p.check(qp+".required", false, "scored questions are always required; required applies to nps, number and text questions")
			}
			switch {
			case typed:
				if p.seen(qp + ".type") {
					p.measure(qu, qp)
				}
			case !p.seen("scale"):
			case q.Scale == ScaleLikert:
				if _, ok := p.lines[qp+".options"]; ok {
					p.at(qp+".options", "likert statements have no options: they are answered 1..5")
				}
			case levelsOK && gated:
				p.levelQuestion(qu, qp, n)
			case levelsOK:
				p.valueQuestion(q, qu, qp, first, last)
			}
		}
	}

	recs := map[string]string{}
	index := map[string]int{}
	for i, r := range q.Recommendations {
		rp := fmt.Sprintf("recommendations[%d]", i)
		if p.unique(recs, "recommendation", r.Key, rp+".key") {
			index[r.Key] = i
		}
		_, known := dims[r.Dimension]
		p.check(rp+".dimension", known, "unknown dimension %q", r.Dimension)
		p.check(rp+".to_level", !levelsOK || r.ToLevel >= first+1 && r.ToLevel <= last, "must be a level from %d to %d, got %d", first+1, last, r.ToLevel)
		p.check(rp+".impact", r.Impact >= 1 && r.Impact <= 3, "must be 1, 2 or 3, got %d", r.Impact)
		p.check(rp+".effort", r.Effort >= 1 && r.Effort <= 3, "must be 1, 2 or 3, got %d", r.Effort)
	}
	for i, r := range q.Recommendations {
		for j, key := range r.Requires {
			_, known := recs[key]
			p.check(fmt.Sprintf("recommendations[%d].requires[%d]", i, j), known, "unknown recommendation %q", key)
		}
	}
	p.cycles(q.Recommendations, index)
	if (p.seen("recommendations") || p.imported) && levelsOK {
		p.transitions(q, dims, first)
	}
	p.areas(q, dims)
}

func scoredCount(qs []Question) int {
	n := 0
	for i := range qs {
		if qs[i].Scored() {
			n++
		}
	}
	return n
}

// measure checks an nps, number or text question: the fields of scored
// questions do not apply, and a number needs a unit and min < max.
func (p *parser) measure(q *Question, path string) {
	for _, f := range []string{"options", "reverse", "weight"} {
		if _, ok := p.lines[path+"."+f]; ok {
			p.at(path+"."+f, "%s questions are not scored: remove %s", q.Type, f)
		}
	}
	if q.Type != TypeNumber {
		for _, f := range []string{"unit", "min", "max"} {
			if _, ok := p.lines[path+"."+f]; ok {
				p.at(path+"."+f, "only number questions have %s (this one is %s)", f, q.Type)
			}
		}
		return
	}
	for _, f := range []string{"unit", "min", "max"} {
		if _, ok := p.lines[path+"."+f]; !ok {
			p.at(path, "a number question needs %s", f)
		}
	}
	if q.Min != nil && q.Max != nil {
		p.check(path+".max", *q.Min < *q.Max, "must be greater than min (%g), got %g", *q.Min, *q.Max)
	}
}

// check reports the message at path when the field is present and ok is false.
func (p *parser) check(path string, ok bool, format string, args ...any) {
	if !ok && p.seen(path) {
		p.at(path, format, args...)
	}
}

// unique records key, found at path, in firsts (key -> path of its first
// use) and reports a duplicate. It returns whether key was new.
func (p *parser) unique(firsts map[string]string, what, key, path string) bool {
	if !p.seen(path) {
		return false
	}
	if first, dup := firsts[key]; dup {
		p.at(path, "duplicate %s key %q (first on line %d)", what, key, p.line(first))
		return false
	}
	firsts[key] = path
	return true
}

func (p *parser) levelQuestion(q *Question, path string, n int) {
	p.check(path+".reverse", false, "reverse applies to likert statements only")
	op := path + ".options"
	if _, ok := p.lines[op]; !ok {
		p.at(path, "a level-scale question needs options, one per level 1..%d", n)
		return
	}
	if !p.seen(op) {
		return
	}
	keys := map[string]string{}
	count := make([]int, n+1)
	for k := range q.Options {
		o, kp := &q.Options[k], fmt.Sprintf("%s[%d]", op, k)
		if !p.seen(kp + ".level") {
			continue
		}
		if o.Level < 1 || o.Level > n {
			p.at(kp+".level", "must be a level from 1 to %d, got %d", n, o.Level)
			continue
		}
		count[o.Level]++
		keyPath := kp + ".key"
		if _, ok := p.lines[keyPath]; !ok {
			o.Key = fmt.Sprintf("l%d", o.Level)
			p.lines[keyPath] = p.line(kp)
		}
		p.unique(keys, "option", o.Key, keyPath)
	}
	var problems []string
	for l := 1; l <= n; l++ {
		switch {
		case count[l] == 0:
			problems = append(problems, fmt.Sprintf("none for level %d", l))
		case count[l] > 1:
			problems = append(problems, fmt.Sprintf("%d for level %d", count[l], l))
		}
	}
	if len(problems) > 0 {
		p.at(op, "needs exactly one option per level 1..%d: %s", n, strings.Join(problems, ", "))
	}
}

// transitions requires at least 2 recommendations for each level a dimension
// can reach.
func (p *parser) transitions(q *Questionnaire, dims map[string]string, first int) {
	count := map[string][]int{}
	for key := range dims {
		count[key] = make([]int, first+len(q.Levels))
	}
	for i, r := range q.Recommendations {
		rp := fmt.Sprintf("recommendations[%d]", i)
		if c, ok := count[r.Dimension]; ok && p.seen(rp+".to_level") && r.ToLevel >= first+1 && r.ToLevel < len(c) {
			c[r.ToLevel]++
		}
	}
	for i, d := range q.Dimensions {
		dp := fmt.Sprintf("dimensions[%d]", i)
		if dims[d.Key] != dp+".key" {
			continue
		}
		for l := first + 1; l < first+len(q.Levels); l++ {
			if c := count[d.Key][l]; c < 2 {
				if p.imported {
					p.warnf(p.line(dp), dp, "has %d recommendations to reach level %d (%s); 2 are advised", c, l, q.Levels[l-first].Name)
					continue
				}
				p.at(dp, "needs at least 2 recommendations to reach level %d (%s), has %d", l, q.Levels[l-first].Name, c)
			}
		}
	}
}

// cycles reports every requires cycle, naming its recommendations in order.
func (p *parser) cycles(recs []Recommendation, index map[string]int) {
	const (
		unvisited = iota
		active
		done
	)
	state := make([]int, len(recs))
	var stack []int
	var visit func(i int)
	visit = func(i int) {
		state[i] = active
		stack = append(stack, i)
		for j, key := range recs[i].Requires {
			k, ok := index[key]
			if !ok || !p.seen(fmt.Sprintf("recommendations[%d].requires[%d]", i, j)) {
				continue
			}
			switch state[k] {
			case unvisited:
				visit(k)
			case active:
				var names []string
				for _, s := range stack[slices.Index(stack, k):] {
					names = append(names, recs[s].Key)
				}
				p.at(fmt.Sprintf("recommendations[%d].requires[%d]", i, j),
					"requires cycle: %s -> %s", strings.Join(names, " -> "), key)
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
	}
	for i := range recs {
		if state[i] == unvisited {
			visit(i)
		}
	}
}

// finish sorts options by level, makes absent lists empty (JSON [] rather
// than null) and builds the lookup indexes.
func (q *Questionnaire) finish() {
	q.dimIndex = make(map[string]int, len(q.Dimensions))
	q.questionIndex = make(map[string]questionRef)
	for i := range q.Dimensions {
		d := &q.Dimensions[i]
		q.dimIndex[d.Key] = i
		for j := range d.Questions {
			qu := &d.Questions[j]
			if qu.Options == nil {
				qu.Options = []Option{}
			}
			slices.SortStableFunc(qu.Options, func(a, b Option) int { return cmp.Compare(a.Level, b.Level) })
			q.questionIndex[qu.Key] = questionRef{i, j}
		}
	}
	if q.Recommendations == nil {
		q.Recommendations = []Recommendation{}
	}
	for i := range q.Recommendations {
		if q.Recommendations[i].Requires == nil {
			q.Recommendations[i].Requires = []string{}
		}
	}
}
