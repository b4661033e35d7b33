package scoring

import "math"

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
	return b.ints.ptr(l)
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
	return b.ints.ptr(max(0, target-l))
}

func (b *builder) overall(sm summary) Overall {
	if sm.level == 0 {
		return Overall{}
	}
	return Overall{
		Level:           b.ints.ptr(sm.level),
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
		names:  make([]string, ix.levels),
		places: 2,
		ints:   pool[int]{size: 4 * entities},
		floats: pool[float64]{size: 2 * entities},
		bools:  pool[bool]{size: nt * nd},
	}
	if ix.likert {
		b.places = 1
	}
	for i, l := range ix.q.Levels {
		b.names[i] = l.Name
	}

	res := &Result{
		Key:        ix.q.Key,
		Version:    ix.q.Version,
		Title:      ix.q.Title,
		Overall:    b.overall(s.overall(s.orgLevel, s.orgScore)),
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
			LevelName: b.levelName(l),
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
			dr.Previous = &Trend{Level: *p.Level, Score: *p.Score}
			if l != 0 {
				dr.Change = &Trend{
					Level: l - *p.Level,
					Score: round(*dr.Score-*p.Score, b.places),
				}
			}
		}
		res.Dimensions[d] = dr
	}

	for t, team := range in.Teams {
		row := t * nd
		tr := TeamResult{
			ID:          team.ID,
			Name:        team.Name,
			Respondents: s.teamStart[t+1] - s.teamStart[t],
			Overall:     b.overall(s.overall(s.teamLevel[row:row+nd], s.teamScore[row:row+nd])),
			Dimensions:  make([]TeamDimension, nd),
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
				Overall:    b.overall(s.overall(s.respLevel[row:row+nd], s.respScore[row:row+nd])),
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
