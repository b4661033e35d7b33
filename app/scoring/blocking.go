package scoring

import (
	"cmp"
	"gapmap/questionnaires"
	"slices"
)

// Blocking questions of the value-based methods (see the package
// documentation, "Why this level" and "Scoring methods").

// answered reports whether a grid code is an applicable answer.
func answered(c uint8) bool { return c != codeNone && c != codeNA }

// blockingItem is a candidate of a team's blocking list with its sort keys.
type blockingItem struct {
	q      int     // question position
	lowest int     // activities: the lowest level code of a not-done answer
	below  int     // activities: the respondents who did not do it
	mean   float64 // mean and samm: the mean answer level
}

// valueBlocking lists the blocking questions of dimension d for the team
// whose responses are order[from:to] and whose next level code is next.
func (s *scorer) valueBlocking(from, to, d, next int) []TeamBlocking {
	ix, nq := s.ix, s.nq
	acts := s.activities()
	nextLevel := float64(next - 1 + ix.first)
	var items []blockingItem
	for qi := ix.dimStart[d]; qi < ix.dimStart[d+1]; qi++ {
		if acts && ix.qCode[qi] > next {
			continue
		}
		it := blockingItem{q: qi, lowest: ix.levels + 1}
		var sum float64
		k := 0
		for r := from; r < to; r++ {
			c := s.grid[r*nq+qi]
			if !answered(c) {
				continue
			}
			k++
			switch {
			case acts:
				if s.vals[r*nq+qi] < 1-tolerance {
					it.below++
					it.lowest = min(it.lowest, int(c))
				}
			case ix.method == questionnaires.ScoringMean:
				sum += s.vals[r*nq+qi]
			default: // samm: the option's level
				sum += float64(int(c) - 1 + ix.first)
			}
		}
		if acts {
			if it.below > 0 {
				items = append(items, it)
			}
			continue
		}
		if k > 0 {
			it.mean = sum / float64(k)
			if it.mean < nextLevel-tolerance {
				items = append(items, it)
			}
		}
	}
	if acts {
		slices.SortFunc(items, func(a, b blockingItem) int {
			return cmp.Or(cmp.Compare(a.lowest, b.lowest), cmp.Compare(ix.qCode[a.q], ix.qCode[b.q]), cmp.Compare(b.below, a.below), cmp.Compare(a.q, b.q))
		})
	} else {
		slices.SortFunc(items, func(a, b blockingItem) int {
			return cmp.Or(cmp.Compare(a.mean, b.mean), cmp.Compare(a.q, b.q))
		})
	}
	out := make([]TeamBlocking, len(items))
	for j, it := range items {
		level := it.lowest - 1 + ix.first
		if !acts {
			level = min(max(floorTol(it.mean), ix.first), ix.first+ix.levels-1)
		}
		out[j] = TeamBlocking{Question: ix.qKey[it.q], Level: level}
		s.orgCount[it.q]++
	}
	return out
}

// valueOrgBlocking is the organization's blocking list of dimension d: the
// questions on the most team lists, as under gated.
func (s *scorer) valueOrgBlocking(d int) []OrgBlocking {
	ix := s.ix
	var qs []int
	for qi := ix.dimStart[d]; qi < ix.dimStart[d+1]; qi++ {
		if s.orgCount[qi] > 0 {
			qs = append(qs, qi)
		}
	}
	slices.SortStableFunc(qs, func(a, b int) int { return cmp.Compare(s.orgCount[b], s.orgCount[a]) })
	out := make([]OrgBlocking, min(len(qs), orgBlockingMax))
	for j := range out {
		out[j] = OrgBlocking{Question: ix.qKey[qs[j]], Teams: s.orgCount[qs[j]]}
	}
	return out
}
