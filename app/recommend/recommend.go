// Package recommend turns maturity gaps into a prioritized, phased roadmap of
// recommendations, each with a one-sentence reason built from the numbers.
//
// It is pure: the caller passes the questionnaire definitions and, for every
// dimension, the current level, the target and the weight (from the scoring
// results of an organization or of one team); nothing here knows HTTP or
// storage.
//
// The rules, and how this package reads the places where they leave room:
//
// Candidates. For a dimension with a measured level L below its target T,
// every recommendation of that dimension with L < to_level <= T is a
// candidate. A nil level, L >= T, or a dimension missing from the input gives
// nothing. A DimensionState whose key the questionnaire does not define is
// ignored; when a key is given twice the first one counts.
//
// Priority. gap × weight × impact ÷ effort × 0.5^(to_level − L − 1), with
// gap = T − L. It is rounded to 3 decimals, and all comparisons use the
// rounded value (as an integer number of thousandths), so two items that show
// the same priority are ordered by the tie rules and never by floating-point
// noise.
//
// Order and rank. Highest priority first; ties by the input's position in
// the inputs slice, then the dimension's position in its questionnaire, then
// the recommendation's position in the file. One exception keeps the list
// coherent: a recommendation is never ranked before a recommendation of the
// same dimension with a lower to_level: it waits until all of those are
// ranked, then competes by priority with what remains. Rank is 1..n in that order and the returned slice is sorted by
// rank; phases are not part of the order, so a later phase can hold an item
// ranked above one in an earlier phase (for example an item that waits for
// a requirement).
//
// Phases. Now, then Next, are filled by walking the items in rank order; an
// item goes into the phase being filled when
//   - every requirement is met: a required recommendation that is a
//     candidate of this plan must have been placed in an earlier phase (not
//     the same one); one that is not a candidate does not hold anything back,
//     whether because its dimension is already at or above its to_level, or
//     because the plan cannot schedule it (its dimension is not measured, it
//     lies beyond its dimension's target, or the key is unknown), in which
//     case the reason says the item builds on something outside this plan;
//   - every candidate of the same dimension with a lower to_level is already
//     placed, in an earlier phase or earlier in this one (so it is also
//     ranked above the item: "never before" holds in phase order and in rank
//     order alike);
//   - its effort fits in what is left of the capacity (the sum of efforts of
//     the phase). An item that does not fit is skipped and the walk goes on,
//     so a later, smaller item can still use the room left (first fit).
//
// Whatever is not placed in Now or Next is Later, which has no capacity. An
// item whose effort is larger than the whole capacity can never fit Now or
// Next, so it lands in Later, and its reason says so; the sum of efforts of
// Now and of Next therefore never exceeds the capacity.
//
// Quick win: impact 3 (the top of the 1..3 scale) for effort 1 (the bottom).
package recommend

import (
	"math"
	"sort"

	"gapmap/questionnaires"
)

// DefaultCapacity is the effort a phase holds when the caller passes none.
const DefaultCapacity = 6

// Phase names as they appear in Item.Phase.
const (
	PhaseNow   = "now"
	PhaseNext  = "next"
	PhaseLater = "later"
)

var (
	phaseNames  = [...]string{PhaseNow, PhaseNext, PhaseLater}
	phaseTitles = [...]string{"Now", "Next", "Later"}
)

// PhaseTitle is a phase's title as people read it: "Now", "Next" or
// "Later"; anything else is returned as it is.
func PhaseTitle(phase string) string {
	for i, p := range phaseNames {
		if p == phase {
			return phaseTitles[i]
		}
	}
	return phase
}

// DimensionState is where one dimension stands.
type DimensionState struct {
	Key string
	// Level is the current level; nil means not measured, which gives no
	// recommendations.
	Level  *int
	Target int
	// Weight multiplies the priority; zero, negative or not a number means
	// the questionnaire's weight for the dimension (and 1 if that is unset).
	Weight float64
}

// Input is one questionnaire with the state of its dimensions.
type Input struct {
	Questionnaire *questionnaires.Questionnaire
	Dimensions    []DimensionState
}

// Roadmap is a built roadmap: the items sorted by rank and the capacity per
// phase that was used to build it.
type Roadmap struct {
	Items    []Item
	Capacity int
}

// Item is one recommendation placed in the roadmap. Its JSON form is the API
// contract of GET /api/v1/assessments/{id}/recommendations: the fields
// tagged "-" are for the report and the workbook only.
type Item struct {
	Rank          int    `json:"rank"`
	Questionnaire string `json:"questionnaire"`
	Dimension     string `json:"dimension"`
	// DimensionTitle is the dimension's title, for display.
	DimensionTitle string `json:"-"`
	Key            string `json:"key"`
	FromLevel      int    `json:"from_level"`
	ToLevel        int    `json:"to_level"`
	Title          string `json:"title"`
	Detail         string `json:"detail"`
	Impact         int    `json:"impact"`
	// Effort is the recommendation's effort, raised to 1 if the file says
	// less (a validated questionnaire always has 1..3).
	Effort int `json:"effort"`
	// Priority is rounded to 3 decimals.
	Priority float64 `json:"priority"`
	// Phase is PhaseNow, PhaseNext or PhaseLater.
	Phase    string `json:"phase"`
	QuickWin bool   `json:"quick_win"`
	// Why is one plain sentence explaining the priority and the phase.
	Why string `json:"why"`
	// Requires lists the keys of the recommendations this one builds on,
	// as written in the questionnaire; never nil.
	Requires []string `json:"-"`
}

// Build returns the roadmap's items sorted by rank; see BuildRoadmap. The slice
// is empty, not nil, when there is nothing to recommend.
func Build(capacity int, inputs []Input) []Item {
	return BuildRoadmap(capacity, inputs).Items
}

// BuildRoadmap builds the roadmap. A capacity of zero or less means
// DefaultCapacity. Inputs with a nil questionnaire are skipped.
func BuildRoadmap(capacity int, inputs []Input) Roadmap {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	cands := collect(inputs)
	order := rankOrder(cands)
	place(cands, order, capacity)

	items := make([]Item, 0, len(order))
	for i, ci := range order {
		items = append(items, cands[ci].item(i+1, capacity))
	}
	return Roadmap{Items: items, Capacity: capacity}
}

const unplaced = -1

type missKind int

const (
	missNone missKind = iota
	missBlocked
	missNoRoom
	missOversize
)

// candidate is one recommendation that applies, with everything needed to
// order, place and explain it.
type candidate struct {
	input, dimIdx, recIdx int
	q                     *questionnaires.Questionnaire
	dim                   *questionnaires.Dimension
	rec                   *questionnaires.Recommendation
	level, target         int
	weight                float64
	effort                int
	milli                 int64 // priority in thousandths

	reqs    []int    // candidates this one requires
	preds   []int    // candidates of the same dimension with a lower to_level
	outside []string // titles of requirements this plan cannot schedule

	phase     int
	blockedBy string // title of the last candidate that held it back
	lastMiss  missKind
	missPhase int // the phase of the last miss
}

type dimState struct {
	idx    int
	level  int
	target int
	weight float64
}

func collect(inputs []Input) []*candidate {
	var cands []*candidate
	for ii, in := range inputs {
		q := in.Questionnaire
		if q == nil {
			continue
		}
		states := dimensionStates(q, in.Dimensions)

		first := len(cands)
		byKey := make(map[string]int)
		for ri := range q.Recommendations {
			rec := &q.Recommendations[ri]
			st, ok := states[rec.Dimension]
			if !ok || rec.ToLevel <= st.level || rec.ToLevel > st.target {
				continue
			}
			c := &candidate{
				input: ii, dimIdx: st.idx, recIdx: ri,
				q: q, dim: &q.Dimensions[st.idx], rec: rec,
				level: st.level, target: st.target, weight: st.weight,
				effort: max(rec.Effort, 1),
				phase:  unplaced,
			}
			c.milli = priorityMilli(c)
			if _, dup := byKey[rec.Key]; !dup {
				byKey[rec.Key] = len(cands)
			}
			cands = append(cands, c)
		}

		recByKey := make(map[string]*questionnaires.Recommendation, len(q.Recommendations))
		for ri := range q.Recommendations {
			if _, dup := recByKey[q.Recommendations[ri].Key]; !dup {
				recByKey[q.Recommendations[ri].Key] = &q.Recommendations[ri]
			}
		}
		for ci := first; ci < len(cands); ci++ {
			c := cands[ci]
			for _, key := range c.rec.Requires {
				if ri, ok := byKey[key]; ok {
					if ri != ci {
						c.reqs = append(c.reqs, ri)
					}
					continue
				}
				req, ok := recByKey[key]
				if !ok {
					c.outside = append(c.outside, key)
					continue
				}
				if st, ok := states[req.Dimension]; ok && st.level >= req.ToLevel {
					continue
				}
				c.outside = append(c.outside, req.Title)
			}
			for oj := first; oj < len(cands); oj++ {
				o := cands[oj]
				if o.dimIdx == c.dimIdx && o.rec.ToLevel < c.rec.ToLevel {
					c.preds = append(c.preds, oj)
				}
			}
		}
	}
	return cands
}

// dimensionStates maps the key of every measured dimension of q to its state.
func dimensionStates(q *questionnaires.Questionnaire, dims []DimensionState) map[string]dimState {
	index := make(map[string]int, len(q.Dimensions))
	for i, d := range q.Dimensions {
		if _, dup := index[d.Key]; !dup {
			index[d.Key] = i
		}
	}
	states := make(map[string]dimState, len(dims))
	seen := make(map[string]bool, len(dims))
	for _, d := range dims {
		if seen[d.Key] {
			continue
		}
		seen[d.Key] = true
		idx, ok := index[d.Key]
		if !ok || d.Level == nil {
			continue
		}
		w := d.Weight
		if !(w > 0) || math.IsInf(w, 0) {
			w = q.Dimensions[idx].Weight
		}
		if !(w > 0) || math.IsInf(w, 0) {
			w = 1
		}
		states[d.Key] = dimState{idx: idx, level: *d.Level, target: d.Target, weight: w}
	}
	return states
}

func priorityMilli(c *candidate) int64 {
	gap := float64(c.target - c.level)
	steps := float64(c.rec.ToLevel - c.level - 1)
	p := gap * c.weight * float64(c.rec.Impact) / float64(c.effort) * math.Pow(0.5, steps)
	// Rounding to 1e-9 first removes floating-point noise, so that values that
	// are equal on paper (3 × 0.1 and 0.3, or 0.0625 reached two ways) round
	// to the same thousandth.
	return int64(math.Round(math.Round(p*1e9) / 1e6))
}

// rankOrder returns the candidate indexes in rank order: by priority and the
// tie rules, except that no candidate comes before a candidate of the same
// dimension with a lower to_level.
func rankOrder(cands []*candidate) []int {
	sorted := make([]int, len(cands))
	for i := range sorted {
		sorted[i] = i
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := cands[sorted[i]], cands[sorted[j]]
		if a.milli != b.milli {
			return a.milli > b.milli
		}
		if a.input != b.input {
			return a.input < b.input
		}
		if a.dimIdx != b.dimIdx {
			return a.dimIdx < b.dimIdx
		}
		return a.recIdx < b.recIdx
	})

	order := make([]int, 0, len(cands))
	done := make([]bool, len(cands))
	for len(order) < len(cands) {
		for _, ci := range sorted {
			if done[ci] || !allDone(cands[ci].preds, done) {
				continue
			}
			done[ci] = true
			order = append(order, ci)
			break
		}
	}
	return order
}

func allDone(idx []int, done []bool) bool {
	for _, i := range idx {
		if !done[i] {
			return false
		}
	}
	return true
}

// place fills Now and Next in rank order, first fit, and puts the rest in
// Later.
func place(cands []*candidate, order []int, capacity int) {
	for phase := 0; phase < len(phaseNames)-1; phase++ {
		used := 0
		for _, ci := range order {
			c := cands[ci]
			if c.phase != unplaced {
				continue
			}
			if b := blocker(cands, c, phase); b >= 0 {
				c.blockedBy, c.lastMiss, c.missPhase = cands[b].rec.Title, missBlocked, phase
				continue
			}
			if c.effort > capacity {
				c.lastMiss, c.missPhase = missOversize, phase
				continue
			}
			if used+c.effort > capacity {
				c.lastMiss, c.missPhase = missNoRoom, phase
				continue
			}
			c.phase = phase
			used += c.effort
		}
	}
	for _, c := range cands {
		if c.phase == unplaced {
			c.phase = len(phaseNames) - 1
		}
	}
}

// blocker returns a candidate that keeps c out of phase, or -1.
func blocker(cands []*candidate, c *candidate, phase int) int {
	for _, r := range c.reqs {
		if p := cands[r].phase; p == unplaced || p >= phase {
			return r
		}
	}
	for _, p := range c.preds {
		if cands[p].phase == unplaced {
			return p
		}
	}
	return -1
}

func (c *candidate) item(rank, capacity int) Item {
	requires := make([]string, len(c.rec.Requires))
	copy(requires, c.rec.Requires)
	return Item{
		Rank:           rank,
		Questionnaire:  c.q.Key,
		Dimension:      c.dim.Key,
		DimensionTitle: c.dim.Title,
		Key:            c.rec.Key,
		FromLevel:      c.level,
		ToLevel:        c.rec.ToLevel,
		Title:          c.rec.Title,
		Detail:         c.rec.Detail,
		Impact:         c.rec.Impact,
		Effort:         c.effort,
		Priority:       float64(c.milli) / 1000,
		Phase:          phaseNames[c.phase],
		QuickWin:       c.rec.Impact == 3 && c.effort == 1,
		Why:            c.why(capacity),
		Requires:       requires,
	}
}
