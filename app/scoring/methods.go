package scoring

import (
	"math"

	"gapmap/questionnaires"
)

// The value-based methods (mean, samm, activities): see the package
// documentation. They fill the same per-entity arrays as the gated rules,
// with levels as codes 1..N (code = level − first level + 1), so that the
// result is built the same way.

// fillValues writes one response's answers: the grid code of the chosen
// option's level (1..N) or codeNA, and the value of each chosen option (its
// level when the option has no value).
func (s *scorer) fillValues(row []uint8, vals []float64, r *Response) error {
	ix := s.ix
	for _, a := range r.Answers {
		qi, ok := ix.qPos[a.Question]
		if !ok {
			if ix.skip[a.Question] {
				continue
			}
			return invalid("response %d: answer to unknown question %q", r.ID, a.Question)
		}
		if row[qi] != codeNone {
			return invalid("response %d: question %q answered twice", r.ID, a.Question)
		}
		if a.NA {
			row[qi] = codeNA
			continue
		}
		o := findOption(ix.qOpts[qi], a)
		if o == nil {
			return invalid("response %d: question %q: no option %q (level %d)", r.ID, a.Question, a.Option, a.Level)
		}
		row[qi] = uint8(min(max(o.Level-ix.first+1, 1), ix.levels))
		if o.Value != nil {
			vals[qi] = *o.Value
		} else {
			vals[qi] = float64(o.Level)
		}
	}
	return nil
}

// findOption finds the chosen option by key, or, for an answer stored
// without its key, the first option of its level.
func findOption(opts []questionnaires.Option, a Answer) *questionnaires.Option {
	for i := range opts {
		if a.Option != "" && opts[i].Key == a.Option || a.Option == "" && opts[i].Level == a.Level {
			return &opts[i]
		}
	}
	return nil
}

// codeOf is the level code of a score under mean and samm: ⌊score⌋ as a
// level, kept on the scale.
func (ix *index) codeOf(score float64) int {
	return min(max(floorTol(score)-ix.first+1, 1), ix.levels)
}

// activityCode is the level code reached with the cumulative done shares
// (shares[c-1] for the questions of code ≤ c; NaN above the highest code
// that has questions): climbing from the lowest level, the first share
// below the pass ratio stops the climb. The lowest level is always given.
func (ix *index) activityCode(shares []float64) int {
	code := 1
	for c := 1; c <= len(shares); c++ {
		sh := shares[c-1]
		if math.IsNaN(sh) || sh < ix.pass-tolerance {
			break
		}
		code = c
	}
	return code
}

func (s *scorer) activities() bool { return s.ix.method == questionnaires.ScoringActivities }

func (s *scorer) scoreValueRespondents() {
	ix := s.ix
	nr, nd, nq, n := len(s.order), s.nd, s.nq, ix.levels
	s.respLevel = make([]int, nr*nd)
	s.respScore = make([]float64, nr*nd)
	if s.activities() {
		s.respShare = make([]float64, nr*nd*n)
	}
	tot, done := make([]float64, n+1), make([]float64, n+1)
	var groupSum []float64
	var groupSeen []bool
	for r := range nr {
		row, vals := s.grid[r*nq:(r+1)*nq], s.vals[r*nq:(r+1)*nq]
		for d := range nd {
			i := r*nd + d
			switch ix.method {
			case questionnaires.ScoringMean:
				var sw, swv float64
				for qi := ix.dimStart[d]; qi < ix.dimStart[d+1]; qi++ {
					if answered(row[qi]) {
						sw += ix.qWeight[qi]
						swv += ix.qWeight[qi] * vals[qi]
					}
				}
				if sw > 0 {
					s.respScore[i] = swv / sw
					s.respLevel[i] = ix.codeOf(s.respScore[i])
				}
			case questionnaires.ScoringSAMM:
				g := ix.dimGroups[d]
				groupSum, groupSeen = resize(groupSum, g), resizeBool(groupSeen, g)
				for qi := ix.dimStart[d]; qi < ix.dimStart[d+1]; qi++ {
					if answered(row[qi]) {
						groupSum[ix.qGroup[qi]] += vals[qi]
						groupSeen[ix.qGroup[qi]] = true
					}
				}
				var sum float64
				k := 0
				for j := range g {
					if groupSeen[j] {
						sum += groupSum[j]
						k++
					}
				}
				if k > 0 {
					s.respScore[i] = sum / float64(k)
					s.respLevel[i] = ix.codeOf(s.respScore[i])
				}
			default: // activities
				clear(tot)
				clear(done)
				top := 0
				for qi := ix.dimStart[d]; qi < ix.dimStart[d+1]; qi++ {
					if !answered(row[qi]) {
						continue
					}
					c := ix.qCode[qi]
					tot[c] += ix.qWeight[qi]
					if vals[qi] >= 1-tolerance {
						done[c] += ix.qWeight[qi]
					}
					top = max(top, c)
				}
				if top == 0 {
					continue
				}
				shares := s.respShare[i*n : (i+1)*n]
				var ct, cd float64
				for c := 1; c <= n; c++ {
					ct += tot[c]
					cd += done[c]
					switch {
					case c > top:
						shares[c-1] = math.NaN()
					case ct == 0:
						shares[c-1] = 1
					default:
						shares[c-1] = cd / ct
					}
				}
				s.respScore[i] = 100 * cd / ct
				s.respLevel[i] = ix.activityCode(shares)
			}
		}
	}
}

func resize(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	b = b[:n]
	clear(b)
	return b
}

func resizeBool(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// meanShares averages the share vectors of the members (NaN entries left
// out per level) into out; a level no member reaches stays NaN.
func meanShares(out []float64, members [][]float64) {
	for c := range out {
		var sum float64
		k := 0
		for _, m := range members {
			if !math.IsNaN(m[c]) {
				sum += m[c]
				k++
			}
		}
		if k == 0 {
			out[c] = math.NaN()
		} else {
			out[c] = sum / float64(k)
		}
	}
}

// groupCode is the level code of a group (team, organization, area)
// whose mean score is score and mean shares are shares.
func (s *scorer) groupCode(score float64, shares []float64) int {
	if s.activities() {
		return s.ix.activityCode(shares)
	}
	return s.ix.codeOf(score)
}

func (s *scorer) scoreValueTeams() {
	nt, nd, nq, n := len(s.in.Teams), s.nd, s.nq, s.ix.levels
	s.teamLevel = make([]int, nt*nd)
	s.teamScore = make([]float64, nt*nd)
	s.teamN = make([]int, nt*nd)
	s.teamSpread = make([]int, nt*nd)
	s.teamBlock = make([][]TeamBlocking, nt*nd)
	s.orgCount = make([]int, nq)
	if s.activities() {
		s.teamShare = make([]float64, nt*nd*n)
	}
	var members [][]float64
	for t := range nt {
		from, to := s.teamStart[t], s.teamStart[t+1]
		for d := range nd {
			i := t*nd + d
			s.teamBlock[i] = []TeamBlocking{}
			k, lo, hi := 0, n+1, 0
			var sum float64
			members = members[:0]
			for r := from; r < to; r++ {
				l := s.respLevel[r*nd+d]
				if l == 0 {
					continue
				}
				k++
				lo, hi = min(lo, l), max(hi, l)
				sum += s.respScore[r*nd+d]
				if s.respShare != nil {
					j := r*nd + d
					members = append(members, s.respShare[j*n:(j+1)*n])
				}
			}
			if k == 0 {
				continue
			}
			var shares []float64
			if s.teamShare != nil {
				shares = s.teamShare[i*n : (i+1)*n]
				meanShares(shares, members)
			}
			s.teamScore[i] = sum / float64(k)
			s.teamLevel[i] = s.groupCode(s.teamScore[i], shares)
			s.teamN[i] = k
			s.teamSpread[i] = hi - lo
			if s.teamLevel[i] < n {
				s.teamBlock[i] = s.valueBlocking(from, to, d, s.teamLevel[i]+1)
			}
		}
	}
}

func (s *scorer) scoreValueOrganization() {
	nd, n := s.nd, s.ix.levels
	s.orgLevel = make([]int, nd)
	s.orgScore = make([]float64, nd)
	s.orgN = make([]int, nd)
	s.orgDist = make([][5]int, nd)
	s.orgBlock = make([][]OrgBlocking, nd)
	if s.activities() {
		s.orgShare = make([]float64, nd*n)
	}
	cnt := make([]int, n+1)
	var members [][]float64
	for d := range nd {
		s.orgBlock[d] = s.valueOrgBlocking(d)
		clear(cnt)
		k := 0
		var sum float64
		members = members[:0]
		for _, t := range s.teamByID {
			i := t*nd + d
			if s.teamLevel[i] == 0 {
				continue
			}
			k++
			cnt[s.teamLevel[i]]++
			sum += s.teamScore[i]
			if s.teamShare != nil {
				members = append(members, s.teamShare[i*n:(i+1)*n])
			}
		}
		if k == 0 {
			continue
		}
		var shares []float64
		if s.orgShare != nil {
			shares = s.orgShare[d*n : (d+1)*n]
			meanShares(shares, members)
		}
		s.orgN[d] = k
		s.orgScore[d] = sum / float64(k)
		s.orgLevel[d] = s.groupCode(s.orgScore[d], shares)
		s.orgDist[d] = [5]int{
			rankOf(cnt, 1),
			rankOf(cnt, nearestRankPos(25, k)),
			rankOf(cnt, lowerMedianPos(k)),
			rankOf(cnt, nearestRankPos(75, k)),
			rankOf(cnt, k),
		}
	}
}

// valueSummary summarizes the dimensions dims (all when nil) of one entity
// under a value-based method: the score is the weighted mean of the
// dimension scores (under samm with areas, the overall score is the mean of
// the area scores), the shares the weighted mean of the dimension shares,
// and the level follows from them by the method's rule.
func (s *scorer) valueSummary(levels []int, scores, shares []float64, dims []int, overall bool) summary {
	ix, n := s.ix, s.ix.levels
	if overall && ix.method == questionnaires.ScoringSAMM && len(ix.q.Areas) > 0 {
		var sum float64
		k := 0
		for _, a := range s.areaDims {
			if sm := s.valueSummary(levels, scores, shares, a, false); sm.level != 0 {
				sum += sm.score
				k++
			}
		}
		if k == 0 {
			return summary{}
		}
		sm := summary{score: sum / float64(k)}
		sm.level = ix.codeOf(sm.score)
		sm.percent = s.percent(levels, nil)
		return sm
	}
	var sw, sws float64
	var mean []float64
	if shares != nil {
		mean = make([]float64, n)
	}
	wsum := make([]float64, n)
	each := func(d int) {
		if levels[d] == 0 {
			return
		}
		w := ix.dimW[d]
		sw += w
		sws += w * scores[d]
		for c := range mean {
			if v := shares[d*n+c]; !math.IsNaN(v) {
				mean[c] += w * v
				wsum[c] += w
			}
		}
	}
	if dims == nil {
		for d := range levels {
			each(d)
		}
	} else {
		for _, d := range dims {
			each(d)
		}
	}
	if sw == 0 {
		return summary{}
	}
	for c := range mean {
		if wsum[c] == 0 {
			mean[c] = math.NaN()
		} else {
			mean[c] /= wsum[c]
		}
	}
	sm := summary{score: sws / sw}
	sm.level = s.groupCode(sm.score, mean)
	sm.percent = s.percent(levels, dims)
	return sm
}

// percent is percent_to_target over the dimensions dims (all when nil)
// whose level is not null, with levels as codes.
func (s *scorer) percent(levels []int, dims []int) float64 {
	off := s.ix.first - 1
	gap, target := 0, 0
	for d, l := range levels {
		if l == 0 || dims != nil && !contains(dims, d) {
			continue
		}
		gap += max(0, s.targets[d]-(l+off))
		target += s.targets[d]
	}
	if target == 0 {
		return 100
	}
	return 100 * (1 - float64(gap)/float64(target))
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
