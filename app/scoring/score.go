package scoring

import (
	"cmp"
	"math"
	"slices"

	"gapmap/questionnaires"
)

const (
	// tolerance is the relative slack of every level decision (pass share,
	// floor) and of rounding ties; see the package documentation.
	tolerance = 1e-9
	// orgBlockingMax is the length limit of an organization blocking list.
	orgBlockingMax = 5
	// Answer codes in the answer grid besides 1..N (or 1..5 on likert).
	codeNone = 0
	codeNA   = math.MaxUint8
)

// Score computes the result of one questionnaire in one round. It fails only
// on inconsistent input (the error wraps ErrInvalidInput).
func Score(in Input) (*Result, error) {
	ix, err := newIndex(in.Questionnaire)
	if err != nil {
		return nil, err
	}
	targets, err := ix.targets(in.Targets)
	if err != nil {
		return nil, err
	}
	if in.Previous != nil && in.Previous.Key != ix.q.Key {
		return nil, invalid("previous result is of questionnaire %q, not %q", in.Previous.Key, ix.q.Key)
	}
	s := &scorer{ix: ix, in: &in, targets: targets}
	if err := s.prepare(); err != nil {
		return nil, err
	}
	if ix.method == questionnaires.ScoringGated {
		s.scoreRespondents()
		s.scoreTeams()
		s.scoreOrganization()
	} else {
		s.scoreValueRespondents()
		s.scoreValueTeams()
		s.scoreValueOrganization()
	}
	return s.result(), nil
}

// scorer holds the working state of one Score call. Per-entity values live
// in flat slices indexed [entity*D + dimension]; a level of 0 means null.
type scorer struct {
	ix      *index
	in      *Input
	targets []int
	nq, nd  int

	teamPos   map[int64]int
	teamByID  []int   // team positions ordered by team ID: the canonical summing order
	order     []int   // response indices, by team position then response ID
	teamStart []int   // responses of team t are order[teamStart[t]:teamStart[t+1]]
	grid      []uint8 // grid[r*nq+q]: answer code of the r-th response in order

	respLevel []int
	respScore []float64

	teamLevel  []int
	teamScore  []float64
	teamN      []int
	teamSpread []int
	teamBlock  [][]TeamBlocking
	orgCount   []int // per question: teams whose blocking list holds it

	orgLevel []int
	orgScore []float64
	orgN     []int
	orgDist  [][5]int
	orgBlock [][]OrgBlocking

	weightAt []float64 // scratch of overall: dimension weight per level

	// Value-based methods: the option value of each grid cell, and under
	// activities the cumulative done share per level code of every entity
	// and dimension ([entity*D+dimension]*N + code-1).
	vals                           []float64
	respShare, teamShare, orgShare []float64
	areaDims                       [][]int // dimension positions of each area
}

func (s *scorer) prepare() error {
	ix, in := s.ix, s.in
	s.nq, s.nd = len(ix.qKey), len(ix.dimKey)
	s.weightAt = make([]float64, ix.levels+1)

	nt := len(in.Teams)
	s.teamPos = make(map[int64]int, nt)
	s.teamByID = make([]int, nt)
	for i, t := range in.Teams {
		if _, dup := s.teamPos[t.ID]; dup {
			return invalid("duplicate team ID %d", t.ID)
		}
		s.teamPos[t.ID] = i
		s.teamByID[i] = i
	}
	slices.SortFunc(s.teamByID, func(a, b int) int { return cmp.Compare(in.Teams[a].ID, in.Teams[b].ID) })

	nr := len(in.Responses)
	respTeam := make([]int, nr)
	s.order = make([]int, nr)
	s.teamStart = make([]int, nt+1)
	for i, r := range in.Responses {
		t, ok := s.teamPos[r.TeamID]
		if !ok {
			return invalid("response %d: team %d is not a participating team", r.ID, r.TeamID)
		}
		respTeam[i] = t
		s.order[i] = i
		s.teamStart[t+1]++
	}
	for t := range nt {
		s.teamStart[t+1] += s.teamStart[t]
	}
	slices.SortFunc(s.order, func(a, b int) int {
		if c := cmp.Compare(respTeam[a], respTeam[b]); c != 0 {
			return c
		}
		return cmp.Compare(in.Responses[a].ID, in.Responses[b].ID)
	})
	seen := make(map[int64]struct{}, nr)
	for _, r := range in.Responses {
		if _, dup := seen[r.ID]; dup {
			return invalid("duplicate response ID %d", r.ID)
		}
		seen[r.ID] = struct{}{}
	}

	s.grid = make([]uint8, nr*s.nq)
	if ix.method != questionnaires.ScoringGated {
		s.vals = make([]float64, nr*s.nq)
	}
	for ri, i := range s.order {
		row := s.grid[ri*s.nq : (ri+1)*s.nq]
		var err error
		if s.vals != nil {
			err = s.fillValues(row, s.vals[ri*s.nq:(ri+1)*s.nq], &in.Responses[i])
		} else {
			err = s.fill(row, &in.Responses[i])
		}
		if err != nil {
			return err
		}
	}
	for _, a := range ix.q.Areas {
		var dims []int
		for _, key := range a.Dimensions {
			if d, ok := ix.dimPos[key]; ok {
				dims = append(dims, d)
			}
		}
		s.areaDims = append(s.areaDims, dims)
	}
	return nil
}

// fill writes the answer codes of one response into its grid row.
func (s *scorer) fill(row []uint8, r *Response) error {
	ix := s.ix
	next := 0
	for _, a := range r.Answers {
		// Answers usually come in questionnaire order: try the next
		// question before the map.
		qi := next
		if qi >= len(ix.qKey) || ix.qKey[qi] != a.Question {
			var ok bool
			if qi, ok = ix.qPos[a.Question]; !ok {
				if ix.skip[a.Question] {
					continue
				}
				return invalid("response %d: answer to unknown question %q", r.ID, a.Question)
			}
		}
		next = qi + 1
		if row[qi] != codeNone {
			return invalid("response %d: question %q answered twice", r.ID, a.Question)
		}
		switch {
		case a.NA:
			row[qi] = codeNA
		case ix.likert:
			if a.Value < 1 || a.Value > 5 {
				return invalid("response %d: question %q: value %d, want 1..5", r.ID, a.Question, a.Value)
			}
			v := a.Value
			if ix.qReverse[qi] {
				v = 6 - v
			}
			row[qi] = uint8(v)
		default:
			if a.Level < 1 || a.Level > ix.levels {
				return invalid("response %d: question %q: level %d, want 1..%d", r.ID, a.Question, a.Level, ix.levels)
			}
			row[qi] = uint8(a.Level)
		}
	}
	return nil
}

func floorTol(x float64) int { return int(math.Floor(x + tolerance)) }

// likertLevel is the level of a likert score (0..100): min(N, 1 + ⌊score·N/100⌋).
func (ix *index) likertLevel(score float64) int {
	n := ix.levels
	return min(n, max(1, 1+floorTol(score*float64(n)/100)))
}

// groupLevel is the level of a group of k members whose mean score is
// score and whose levels cnt counts: on a likert scale the level of the
// mean, else the lower median of the levels.
func (ix *index) groupLevel(score float64, cnt []int, k int) int {
	if ix.likert {
		return ix.likertLevel(score)
	}
	return rankOf(cnt, lowerMedianPos(k))
}

func (s *scorer) scoreRespondents() {
	ix := s.ix
	nr, nd, nq, n := len(s.order), s.nd, s.nq, ix.levels
	s.respLevel = make([]int, nr*nd)
	s.respScore = make([]float64, nr*nd)
	hist := make([]float64, n+1) // weight of answers at each level
	for r := range nr {
		row := s.grid[r*nq : (r+1)*nq]
		for d := range nd {
			var sw, swv float64
			if !ix.likert {
				clear(hist)
			}
			for qi := ix.dimStart[d]; qi < ix.dimStart[d+1]; qi++ {
				c := row[qi]
				if c == codeNone || c == codeNA {
					continue
				}
				w := ix.qWeight[qi]
				sw += w
				swv += w * float64(c)
				if !ix.likert {
					hist[c] += w
				}
			}
			if sw == 0 {
				continue
			}
			var level int
			var score float64
			if ix.likert {
				score = 100 * (swv/sw - 1) / 4
				level = ix.likertLevel(score)
			} else {
				score = swv / sw
				level = 1
				need := ix.pass*sw - tolerance*sw
				var passing float64
				for l := n; l >= 2; l-- {
					passing += hist[l]
					if passing >= need {
						level = l
						break
					}
				}
			}
			s.respLevel[r*nd+d] = level
			s.respScore[r*nd+d] = score
		}
	}
}

// rankOf returns the level at 1-based position pos of the ascending list
// that the level counts cnt describe.
func rankOf(cnt []int, pos int) int {
	acc := 0
	for l := 1; l < len(cnt); l++ {
		acc += cnt[l]
		if acc >= pos {
			return l
		}
	}
	return len(cnt) - 1
}

func lowerMedianPos(n int) int { return (n + 1) / 2 }

// nearestRankPos is ⌈k·n/100⌉, at least 1.
func nearestRankPos(k, n int) int { return max(1, (k*n+99)/100) }

func (s *scorer) scoreTeams() {
	ix := s.ix
	nt, nd, nq, n := len(s.in.Teams), s.nd, s.nq, ix.levels
	s.teamLevel = make([]int, nt*nd)
	s.teamScore = make([]float64, nt*nd)
	s.teamN = make([]int, nt*nd)
	s.teamSpread = make([]int, nt*nd)
	s.teamBlock = make([][]TeamBlocking, nt*nd)
	s.orgCount = make([]int, nq)
	cnt := make([]int, n+1)
	maxQ := 0
	for d := range nd {
		maxQ = max(maxQ, ix.dimStart[d+1]-ix.dimStart[d])
	}
	lowestBuf, belowBuf := make([]int, maxQ), make([]int, maxQ)
	keys := make([]uint64, 0, maxQ)
	var blockBuf []TeamBlocking // backing store of the blocking lists, in chunks
	for t := range nt {
		from, to := s.teamStart[t], s.teamStart[t+1]
		for d := range nd {
			clear(cnt)
			k, lo, hi := 0, n+1, 0
			var sum float64
			for r := from; r < to; r++ {
				l := s.respLevel[r*nd+d]
				if l == 0 {
					continue
				}
				k++
				cnt[l]++
				lo, hi = min(lo, l), max(hi, l)
				sum += s.respScore[r*nd+d]
			}
			i := t*nd + d
			if k == 0 {
				s.teamBlock[i] = []TeamBlocking{}
				continue
			}
			score := sum / float64(k)
			level := ix.groupLevel(score, cnt, k)
			s.teamLevel[i] = level
			s.teamScore[i] = score
			s.teamN[i] = k
			s.teamSpread[i] = hi - lo
			if level >= n {
				s.teamBlock[i] = []TeamBlocking{}
				continue
			}
			next := level + 1
			qs, qe := ix.dimStart[d], ix.dimStart[d+1]
			lowest, below := lowestBuf[:qe-qs], belowBuf[:qe-qs]
			for j := range lowest {
				lowest[j], below[j] = next, 0
			}
			for r := from; r < to; r++ {
				for j, c := range s.grid[r*nq+qs : r*nq+qe] {
					if c == codeNone || c == codeNA {
						continue
					}
					if al := ix.answerLevel[c]; al < next {
						below[j]++
						lowest[j] = min(lowest[j], al)
					}
				}
			}
			// Sort keys: lowest level ascending, then respondents below
			// descending, then questionnaire order.
			keys = keys[:0]
			for j, b := range below {
				if b > 0 {
					keys = append(keys, uint64(lowest[j])<<56|uint64(math.MaxUint32-b)<<24|uint64(j))
					s.orgCount[qs+j]++
				}
			}
			slices.Sort(keys)
			if cap(blockBuf)-len(blockBuf) < len(keys) {
				blockBuf = make([]TeamBlocking, 0, max(len(keys), 4096))
			}
			at := len(blockBuf)
			blockBuf = blockBuf[:at+len(keys)]
			out := blockBuf[at : at+len(keys) : at+len(keys)]
			for j, k := range keys {
				out[j] = TeamBlocking{Question: ix.qKey[qs+int(k&(1<<24-1))], Level: int(k >> 56)}
			}
			s.teamBlock[i] = out
		}
	}
}

func (s *scorer) scoreOrganization() {
	ix := s.ix
	nd, n := s.nd, ix.levels
	s.orgLevel = make([]int, nd)
	s.orgScore = make([]float64, nd)
	s.orgN = make([]int, nd)
	s.orgDist = make([][5]int, nd)
	s.orgBlock = make([][]OrgBlocking, nd)
	cnt := make([]int, n+1)
	var qs []int
	for d := range nd {
		clear(cnt)
		k := 0
		var sum float64
		for _, t := range s.teamByID {
			l := s.teamLevel[t*nd+d]
			if l == 0 {
				continue
			}
			k++
			cnt[l]++
			sum += s.teamScore[t*nd+d]
		}
		qs = qs[:0]
		for qi := ix.dimStart[d]; qi < ix.dimStart[d+1]; qi++ {
			if s.orgCount[qi] > 0 {
				qs = append(qs, qi)
			}
		}
		slices.SortStableFunc(qs, func(a, b int) int { return cmp.Compare(s.orgCount[b], s.orgCount[a]) })
		blocks := make([]OrgBlocking, min(len(qs), orgBlockingMax))
		for j := range blocks {
			blocks[j] = OrgBlocking{Question: ix.qKey[qs[j]], Teams: s.orgCount[qs[j]]}
		}
		s.orgBlock[d] = blocks
		if k == 0 {
			continue
		}
		score := sum / float64(k)
		level := ix.groupLevel(score, cnt, k)
		s.orgN[d] = k
		s.orgLevel[d] = level
		s.orgScore[d] = score
		s.orgDist[d] = [5]int{
			rankOf(cnt, 1),
			rankOf(cnt, nearestRankPos(25, k)),
			rankOf(cnt, lowerMedianPos(k)),
			rankOf(cnt, nearestRankPos(75, k)),
			rankOf(cnt, k),
		}
	}
}

// summary is an unrounded overall result; level 0 means null.
type summary struct {
	level   int
	score   float64
	percent float64
}

// overall summarizes one entity's dimensions: the level is the weighted
// lower median of the dimension levels, the score the weighted mean.
func (s *scorer) overall(levels []int, scores []float64) summary {
	byLevel := s.weightAt // weight of the dimensions at each level
	clear(byLevel)
	var sw, sws float64
	gap, target := 0, 0
	for d, l := range levels {
		if l == 0 {
			continue
		}
		w := s.ix.dimW[d]
		sw += w
		byLevel[l] += w
		sws += w * scores[d]
		gap += max(0, s.targets[d]-l)
		target += s.targets[d]
	}
	if sw == 0 {
		return summary{}
	}
	level, need := s.ix.levels, sw/2-tolerance*sw
	var acc float64
	for l := 1; l < len(byLevel); l++ {
		acc += byLevel[l]
		if acc >= need {
			level = l
			break
		}
	}
	return summary{
		level:   level,
		score:   sws / sw,
		percent: 100 * (1 - float64(gap)/float64(target)),
	}
}
