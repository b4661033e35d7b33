package recommend_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gapmap/app/recommend"
	"gapmap/questionnaires"
)

// randomCase builds random questionnaires (requirements always point to
// recommendations generated earlier, so there are no cycles, but the file
// order is shuffled) and random dimension states.
func randomCase(r *rand.Rand) (int, []recommend.Input) {
	var inputs []recommend.Input
	for qi := range 1 + r.IntN(3) {
		n := 2 + r.IntN(4)
		q := &questionnaires.Questionnaire{Key: "q" + strconv.Itoa(qi)}
		for l := 1; l <= n; l++ {
			q.Levels = append(q.Levels, questionnaires.Level{Level: l, Name: "L" + strconv.Itoa(l)})
		}
		weights := []float64{0, 0.1, 0.5, 1, 1.5, 2}
		for d := range 1 + r.IntN(4) {
			q.Dimensions = append(q.Dimensions, questionnaires.Dimension{
				Key: "d" + strconv.Itoa(d), Title: "Dim " + strconv.Itoa(d), Weight: weights[1+r.IntN(len(weights)-1)],
			})
		}
		for _, d := range q.Dimensions {
			for to := 2; to <= n; to++ {
				for range r.IntN(4) {
					rc := questionnaires.Recommendation{
						Key: fmt.Sprintf("r%d", len(q.Recommendations)), Dimension: d.Key, ToLevel: to,
						Impact: 1 + r.IntN(3), Effort: 1 + r.IntN(3),
					}
					rc.Title = "Title " + rc.Key
					for range r.IntN(3) {
						if len(q.Recommendations) > 0 {
							rc.Requires = append(rc.Requires, q.Recommendations[r.IntN(len(q.Recommendations))].Key)
						}
					}
					if r.IntN(10) == 0 {
						rc.Requires = append(rc.Requires, "unknown")
					}
					q.Recommendations = append(q.Recommendations, rc)
				}
			}
		}
		r.Shuffle(len(q.Recommendations), func(i, j int) {
			q.Recommendations[i], q.Recommendations[j] = q.Recommendations[j], q.Recommendations[i]
		})

		var dims []recommend.DimensionState
		for _, d := range q.Dimensions {
			st := recommend.DimensionState{Key: d.Key, Target: 1 + r.IntN(n), Weight: weights[r.IntN(len(weights))]}
			if r.IntN(6) > 0 {
				st.Level = new(1 + r.IntN(n))
			}
			dims = append(dims, st)
		}
		r.Shuffle(len(dims), func(i, j int) { dims[i], dims[j] = dims[j], dims[i] })
		inputs = append(inputs, recommend.Input{Questionnaire: q, Dimensions: dims})
	}
	return r.IntN(10) - 1, inputs
}

var phaseIndex = map[string]int{recommend.PhaseNow: 0, recommend.PhaseNext: 1, recommend.PhaseLater: 2}

// checkPlan verifies the rules of the package documentation on one plan.
func checkPlan(t *testing.T, capacity int, inputs []recommend.Input) {
	t.Helper()
	plan := recommend.BuildRoadmap(capacity, inputs)
	items := plan.Items
	want := capacity
	if want <= 0 {
		want = recommend.DefaultCapacity
	}
	if plan.Capacity != want {
		t.Fatalf("capacity = %d, want %d", plan.Capacity, want)
	}

	type info struct {
		in        recommend.Input
		inputIdx  int
		dimIdx    int
		recIdx    int
		rec       questionnaires.Recommendation
		level     int
		target    int
		weight    float64
		candidate bool
	}
	id := func(q, key string) string { return q + "/" + key }
	infos := map[string]info{}
	var expected []string
	for ii, in := range inputs {
		q := in.Questionnaire
		states := map[string]recommend.DimensionState{}
		for _, d := range in.Dimensions {
			if _, ok := states[d.Key]; !ok {
				states[d.Key] = d
			}
		}
		for ri, rc := range q.Recommendations {
			di := slices.IndexFunc(q.Dimensions, func(d questionnaires.Dimension) bool { return d.Key == rc.Dimension })
			st := states[rc.Dimension]
			inf := info{in: in, inputIdx: ii, dimIdx: di, recIdx: ri, rec: rc, target: st.Target}
			if st.Level != nil {
				inf.level = *st.Level
				inf.candidate = inf.level < rc.ToLevel && rc.ToLevel <= st.Target
			}
			inf.weight = st.Weight
			if inf.weight <= 0 {
				inf.weight = q.Dimensions[di].Weight
			}
			infos[id(q.Key, rc.Key)] = inf
			if inf.candidate {
				expected = append(expected, id(q.Key, rc.Key))
			}
		}
	}

	pos := map[string]int{}
	used := [2]int{}
	var got []string
	for i, it := range items {
		k := id(it.Questionnaire, it.Key)
		got = append(got, k)
		pos[k] = i
		if it.Rank != i+1 {
			t.Fatalf("%s at %d has rank %d", k, i, it.Rank)
		}
		p, ok := phaseIndex[it.Phase]
		if !ok {
			t.Fatalf("%s has phase %q", k, it.Phase)
		}
		if p < 2 {
			used[p] += it.Effort
		}
		inf := infos[k]
		if it.FromLevel != inf.level || it.ToLevel != inf.rec.ToLevel {
			t.Errorf("%s levels %d -> %d, want %d -> %d", k, it.FromLevel, it.ToLevel, inf.level, inf.rec.ToLevel)
		}
		raw := float64(inf.target-inf.level) * inf.weight * float64(inf.rec.Impact) / float64(inf.rec.Effort) *
			math.Pow(0.5, float64(inf.rec.ToLevel-inf.level-1))
		if math.Abs(it.Priority-raw) > 0.0005+1e-9 || math.Round(it.Priority*1000) != it.Priority*1000 {
			t.Errorf("%s priority %v, raw %v", k, it.Priority, raw)
		}
		if it.QuickWin != (it.Impact == 3 && it.Effort == 1) {
			t.Errorf("%s quick win %v for impact %d effort %d", k, it.QuickWin, it.Impact, it.Effort)
		}
		if !strings.HasPrefix(it.Why, fmt.Sprintf("%s is at level %d (L%d) against a target of %d", it.DimensionTitle, inf.level, inf.level, inf.target)) ||
			!strings.HasSuffix(it.Why, ".") {
			t.Errorf("%s why = %q", k, it.Why)
		}
	}
	slices.Sort(got)
	slices.Sort(expected)
	if !slices.Equal(got, expected) {
		t.Fatalf("items %v, want the candidates %v", got, expected)
	}
	for p, u := range used {
		if u > plan.Capacity {
			t.Errorf("phase %d holds effort %d, capacity %d", p, u, plan.Capacity)
		}
	}

	phase := func(k string) int { return phaseIndex[items[pos[k]].Phase] }
	for i, it := range items {
		k := id(it.Questionnaire, it.Key)
		inf := infos[k]
		p := phase(k)
		var reqs, preds []string
		for _, r := range it.Requires {
			rk := id(it.Questionnaire, r)
			if _, ok := pos[rk]; ok && rk != k {
				reqs = append(reqs, rk)
			}
		}
		for _, o := range items {
			if o.Questionnaire == it.Questionnaire && o.Dimension == it.Dimension && o.ToLevel < it.ToLevel {
				preds = append(preds, id(o.Questionnaire, o.Key))
			}
		}

		for _, rk := range reqs {
			rp := phase(rk)
			if rp > p || (rp == p && p < 2) {
				t.Errorf("%s in phase %d requires %s in phase %d", k, p, rk, rp)
			}
		}
		for _, pk := range preds {
			if phase(pk) > p || pos[pk] > i {
				t.Errorf("%s (phase %d, rank %d) precedes %s (phase %d, rank %d) with a lower to_level",
					k, p, i+1, pk, phase(pk), pos[pk]+1)
			}
		}

		// First fit: an item left out of Now or Next could not have gone there.
		for early := 0; early < p && early < 2; early++ {
			fits := used[early]+it.Effort <= plan.Capacity
			for _, rk := range reqs {
				fits = fits && phase(rk) < early
			}
			for _, pk := range preds {
				fits = fits && phase(pk) <= early
			}
			if fits {
				t.Errorf("%s is in phase %d but fits phase %d (used %d of %d)", k, p, early, used[early], plan.Capacity)
			}
		}

		// Priority order, except where a lower level of the same dimension
		// had to come first.
		for j := i + 1; j < len(items); j++ {
			o := items[j]
			ok := infos[id(o.Questionnaire, o.Key)]
			inverted := it.Priority < o.Priority
			if it.Priority == o.Priority {
				inverted = slices.Compare([]int{inf.inputIdx, inf.dimIdx, inf.recIdx}, []int{ok.inputIdx, ok.dimIdx, ok.recIdx}) > 0
			}
			if !inverted {
				continue
			}
			forced := false
			for _, x := range items[i:j] {
				if x.Questionnaire == o.Questionnaire && x.Dimension == o.Dimension && x.ToLevel < o.ToLevel {
					forced = true
				}
			}
			if !forced {
				t.Errorf("%s (%v) ranks before %s (%v) with nothing forcing it", k, it.Priority, id(o.Questionnaire, o.Key), o.Priority)
			}
		}
	}
}

func TestPlanProperties(t *testing.T) {
	for seed := range uint64(3000) {
		r := rand.New(rand.NewPCG(seed, 7))
		capacity, inputs := randomCase(r)
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			checkPlan(t, capacity, inputs)
		})
		if t.Failed() {
			return
		}
	}
}

func FuzzPlan(f *testing.F) {
	for _, s := range []uint64{0, 1, 42, 1 << 40} {
		f.Add(s, s*31+1)
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		capacity, inputs := randomCase(rand.New(rand.NewPCG(a, b)))
		checkPlan(t, capacity, inputs)
	})
}
