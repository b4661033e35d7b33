package scoring

import (
	"math"

	"gapmap/questionnaires"
)

// pool hands out pointers into chunked backing arrays, so that the many
// nullable values of a Result cost a few allocations instead of one each.
type pool[T any] struct {
	buf  []T
	size int
}

func (p *pool[T]) ptr(v T) *T {
	if len(p.buf) == cap(p.buf) {
		p.buf = make([]T, 0, p.size)
	}
	p.buf = append(p.buf, v)
	return &p.buf[len(p.buf)-1]
}

// round rounds half away from zero to the given decimals, treating a value
// within the tolerance of a tie as the tie.
func round(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	y := x * p
	if y >= 0 {
		y = math.Floor(y + 0.5 + tolerance)
	} else {
		y = -math.Floor(-y + 0.5 + tolerance)
	}
	r := y / p
	if r == 0 {
		return 0 // no -0 in the JSON
	}
	return r
}

type builder struct {
	s      *scorer
	off    int      // level = code + off
	names  []string // level names, 1-based through names[l-1]
	places int      // decimals of a score
	ints   pool[int]
	floats pool[float64]
	bools  pool[bool]
}

func (b *builder) level(l int) *int {
	if l == 0 {
		return nil
	}
	return b.ints.ptr(l + b.off)
}

func (b *builder) levelName(l int) *string {
	if l == 0 {
		return nil
	}
	return &b.names[l-1]
}

func (b *builder) score(l int, v float64) *float64 {
	if l == 0 {
		return nil
	}
	return b.floats.ptr(round(v, b.places))
}

func (b *builder) gap(l, target int) *int {
	if l == 0 {
		return nil
	}
	return b.ints.ptr(max(0, target-(l+b.off)))
}

func (b *builder) overall(sm summary) Overall {
	if sm.level == 0 {
		return Overall{}
	}
	return Overall{
		Level:           b.ints.ptr(sm.level + b.off),
		LevelName:       b.levelName(sm.level),
		Score:           b.floats.ptr(round(sm.score, b.places)),
		PercentToTarget: b.floats.ptr(round(sm.percent, 1)),
	}
}

func (s *scorer) result() *Result {
	ix, in, nd := s.ix, s.in, s.nd
	nt, nr := len(in.Teams), len(s.order)
	entities := (1 + nt + nr) * (nd + 1)
	b := &builder{
		s:      s,
		off:    ix.first - 1,
		names:  make([]string, ix.levels),
		places: 2,
		ints:   pool[int]{size: 4 * entities},
		floats: pool[float64]{size: 2 * entities},
		bools:  pool[bool]{size: nt * nd},
	}
	if ix.likert || ix.method == questionnaires.ScoringActivities {
		b.places = 1
	}
	for i, l := range ix.q.Levels {
		b.names[i] = l.Name
	}

	res := &Result{
		Key:        ix.q.Key,
		Version:    ix.q.Version,
		Title:      ix.q.Title,
		Overall:    b.overall(s.summarize(s.orgLevel, s.orgScore, s.orgShare, nil)),
		Dimensions: make([]DimensionResult, nd),
		Teams:      make([]TeamResult, nt),
	}

	var previous map[string]*DimensionResult
	if in.Previous != nil {
		previous = make(map[string]*DimensionResult, len(in.Previous.Dimensions))
		for i := range in.Previous.Dimensions {
			p := &in.Previous.Dimensions[i]
			if _, dup := previous[p.Key]; !dup {
				previous[p.Key] = p
			}
		}
	}

	for d, dim := range ix.q.Dimensions {
		l := s.orgLevel[d]
		dr := DimensionResult{
			Key:       dim.Key,
			Title:     dim.Title,
			Weight:    ix.dimW[d],
			Level:     b.level(l),
			LevelName: b.dimLevelName(&ix.q.Dimensions[d], l),
			Score:     b.score(l, s.orgScore[d]),
			Target:    s.targets[d],
			Gap:       b.gap(l, s.targets[d]),
			Teams:     s.orgN[d],
			Blocking:  s.orgBlock[d],
		}
		if l != 0 {
			ds := s.orgDist[d]
			dr.Distribution = Distribution{
				Min: b.level(ds[0]), P25: b.level(ds[1]), Median: b.level(ds[2]), P75: b.level(ds[3]), Max: b.level(ds[4]),
			}
		}
		if p := previous[dim.Key]; p != nil && p.Level != nil && p.Score != nil {
			dr.Previous = &Trend{Level: *p.Level, Score: *p.Score, DefinitionChanged: definitionChanged(in.PreviousQuestionnaire, &dim)}
			if l != 0 {
				dr.Change = &Trend{
					Level: l + b.off - *p.Level,
					Score: round(*dr.Score-*p.Score, b.places),
				}
			}
		}
		res.Dimensions[d] = dr
	}
	res.Areas = b.areas(s.orgLevel, s.orgScore, s.orgShare)

	for t, team := range in.Teams {
		row := t * nd
		tr := TeamResult{
			ID:          team.ID,
			Name:        team.Name,
			Respondents: s.teamStart[t+1] - s.teamStart[t],
			Overall:     b.overall(s.summarize(s.teamLevel[row:row+nd], s.teamScore[row:row+nd], shareRows(s.teamShare, row, nd, ix.levels), nil)),
			Dimensions:  make([]TeamDimension, nd),
			Areas:       b.areas(s.teamLevel[row:row+nd], s.teamScore[row:row+nd], shareRows(s.teamShare, row, nd, ix.levels)),
		}
		for d := range nd {
			i := row + d
			l := s.teamLevel[i]
			td := TeamDimension{
				Key:         ix.dimKey[d],
				Level:       b.level(l),
				Score:       b.score(l, s.teamScore[i]),
				Target:      s.targets[d],
				Gap:         b.gap(l, s.targets[d]),
				Respondents: s.teamN[i],
				Blocking:    s.teamBlock[i],
			}
			if l != 0 {
				td.Spread = b.ints.ptr(s.teamSpread[i])
				td.Disagreement = b.bools.ptr(s.teamSpread[i] >= 2)
			}
			tr.Dimensions[d] = td
		}
		res.Teams[t] = tr
	}

	if nr > 0 {
		res.Respondents = make([]RespondentResult, nr)
		dims := make([]RespondentDimension, nr*nd)
		for r, i := range s.order {
			row := r * nd
			rr := RespondentResult{
				ResponseID: in.Responses[i].ID,
				TeamID:     in.Responses[i].TeamID,
				Overall:    b.overall(s.summarize(s.respLevel[row:row+nd], s.respScore[row:row+nd], shareRows(s.respShare, row, nd, ix.levels), nil)),
				Dimensions: dims[row : row+nd : row+nd],
			}
			for d := range nd {
				l := s.respLevel[row+d]
				rr.Dimensions[d] = RespondentDimension{
					Key:   ix.dimKey[d],
					Level: b.level(l),
					Score: b.score(l, s.respScore[row+d]),
				}
			}
			res.Respondents[r] = rr
		}
	}
	return res
}

// dimLevelName is the name of level code l in dimension dim: the
// dimension's own name when it overrides the levels.
func (b *builder) dimLevelName(dim *questionnaires.Dimension, l int) *string {
	if l == 0 {
		return nil
	}
	if len(dim.Levels) == len(b.names) {
		return &dim.Levels[l-1].Name
	}
	return &b.names[l-1]
}

// shareRows is the share vectors of one entity's dimensions, or nil.
func shareRows(shares []float64, row, nd, n int) []float64 {
	if shares == nil {
		return nil
	}
	return shares[row*n : (row+nd)*n]
}

// summarize is one entity's summary over the dimensions dims (all when
// nil): under gated scoring the weighted lower median of the levels and the
// weighted mean score, else the method's own rule (valueSummary).
func (s *scorer) summarize(levels []int, scores, shares []float64, dims []int) summary {
	if s.ix.method != questionnaires.ScoringGated {
		return s.valueSummary(levels, scores, shares, dims, dims == nil)
	}
	if dims == nil {
		return s.overall(levels, scores)
	}
	masked := make([]int, len(levels))
	for _, d := range dims {
		masked[d] = levels[d]
	}
	return s.overall(masked, scores)
}

// areas is one entity's result per area, or nil without areas.
func (b *builder) areas(levels []int, scores, shares []float64) []AreaResult {
	s := b.s
	if len(s.areaDims) == 0 {
		return nil
	}
	out := make([]AreaResult, len(s.areaDims))
	for i, dims := range s.areaDims {
		a := s.ix.q.Areas[i]
		sm := s.summarize(levels, scores, shares, dims)
		out[i] = AreaResult{Key: a.Key, Title: a.Title, Dimensions: a.Dimensions,
			Level: b.level(sm.level), LevelName: b.levelName(sm.level), Score: b.score(sm.level, sm.score)}
	}
	return out
}

// definitionChanged reports whether dimension dim is defined differently in
// the previous questionnaire version: another weight, or scored questions
// that differ in key or weight (order aside). Without a previous definition
// nothing is known to have changed.
func definitionChanged(prev *questionnaires.Questionnaire, dim *questionnaires.Dimension) bool {
	if prev == nil {
		return false
	}
	pd, ok := prev.Dimension(dim.Key)
	if !ok {
		return true
	}
	weight := func(w float64) float64 {
		if w == 0 {
			return 1
		}
		return w
	}
	if weight(pd.Weight) != weight(dim.Weight) {
		return true
	}
	scored := func(d *questionnaires.Dimension) map[string]float64 {
		out := map[string]float64{}
		for _, q := range d.Questions {
			if q.Scored() {
				out[q.Key] = weight(q.Weight)
			}
		}
		return out
	}
	was, now := scored(pd), scored(dim)
	if len(was) != len(now) {
		return true
	}
	for k, w := range now {
		if pw, ok := was[k]; !ok || pw != w {
			return true
		}
	}
	return false
}
