package recommend_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gapmap/app/recommend"
	"gapmap/questionnaires"
)

var levelNames = []string{"Provisional", "Operational", "Scalable", "Optimizing", "Innovating"}

// newQ builds a questionnaire with five named levels and the given dimensions
// (title = key with a capital, weight 1).
func newQ(key string, dims []string, recs ...questionnaires.Recommendation) *questionnaires.Questionnaire {
	q := &questionnaires.Questionnaire{Key: key, Title: key, Scale: questionnaires.ScaleLevel}
	for i, name := range levelNames {
		q.Levels = append(q.Levels, questionnaires.Level{Level: i + 1, Name: name})
	}
	for _, d := range dims {
		q.Dimensions = append(q.Dimensions, questionnaires.Dimension{
			Key: d, Title: strings.ToUpper(d[:1]) + d[1:], Weight: 1,
		})
	}
	q.Recommendations = recs
	return q
}

func rec(key, dim string, to, impact, effort int, requires ...string) questionnaires.Recommendation {
	return questionnaires.Recommendation{
		Key: key, Dimension: dim, ToLevel: to, Title: "Do " + key,
		Detail: "Steps for " + key, Impact: impact, Effort: effort, Requires: requires,
	}
}

func state(key string, level, target int, weight float64) recommend.DimensionState {
	return recommend.DimensionState{Key: key, Level: &level, Target: target, Weight: weight}
}

func keysOf(items []recommend.Item) []string {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key
	}
	return keys
}

func phasesOf(items []recommend.Item) map[string]string {
	m := make(map[string]string, len(items))
	for _, it := range items {
		m[it.Key] = it.Phase
	}
	return m
}

func byKey(t *testing.T, items []recommend.Item, key string) recommend.Item {
	t.Helper()
	for _, it := range items {
		if it.Key == key {
			return it
		}
	}
	t.Fatalf("no item %q in %v", key, keysOf(items))
	return recommend.Item{}
}

func checkRanks(t *testing.T, items []recommend.Item) {
	t.Helper()
	for i, it := range items {
		if it.Rank != i+1 {
			t.Fatalf("item %d (%s) has rank %d, want %d", i, it.Key, it.Rank, i+1)
		}
	}
}

func TestPriorityAndDecay(t *testing.T) {
	tests := []struct {
		name              string
		level, target, to int
		weight            float64
		impact, effort    int
		want              float64
	}{
		{"next level counts fully", 1, 2, 2, 1, 3, 1, 3},
		{"gap and weight multiply", 2, 4, 3, 1.5, 3, 1, 9},
		{"one level past the next is halved", 2, 4, 4, 1.5, 3, 1, 4.5},
		{"two levels past the next is quartered", 1, 4, 4, 1, 2, 1, 1.5},
		{"three levels past the next is an eighth", 1, 5, 5, 1, 1, 1, 0.5},
		{"effort divides", 1, 3, 2, 1, 3, 3, 2},
		{"thirds round down", 1, 2, 2, 1, 1, 3, 0.333},
		{"thirds round up", 1, 2, 2, 1, 2, 3, 0.667},
		{"no floating-point noise", 1, 4, 2, 0.1, 1, 1, 0.3},
		{"half a thousandth rounds up", 1, 5, 5, 0.125, 1, 1, 0.063},
		{"half a thousandth behind float noise rounds up", 1, 4, 3, 0.95, 3, 2, 2.138},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQ("q", []string{"ops"}, rec("r", "ops", tt.to, tt.impact, tt.effort))
			items := recommend.Build(0, []recommend.Input{{
				Questionnaire: q,
				Dimensions:    []recommend.DimensionState{state("ops", tt.level, tt.target, tt.weight)},
			}})
			if len(items) != 1 {
				t.Fatalf("got %d items, want 1", len(items))
			}
			it := items[0]
			if it.Priority != tt.want {
				t.Errorf("priority = %v, want %v", it.Priority, tt.want)
			}
			if it.FromLevel != tt.level || it.ToLevel != tt.to {
				t.Errorf("levels = %d -> %d, want %d -> %d", it.FromLevel, it.ToLevel, tt.level, tt.to)
			}
		})
	}
}

func TestOrderByPriority(t *testing.T) {
	q := newQ("q", []string{"ops", "sec", "dx"},
		rec("ops-1", "ops", 2, 1, 2), // 0.5
		rec("sec-1", "sec", 3, 2, 1), // 4
		rec("sec-2", "sec", 4, 3, 1), // 3 (halved)
		rec("dx-1", "dx", 2, 3, 2),   // 6
		rec("dx-2", "dx", 3, 3, 3),   // 2 (halved)
		rec("ops-2", "ops", 2, 3, 1), // 3, ties with sec-2: ops comes first
	)
	items := recommend.Build(100, []recommend.Input{{Questionnaire: q, Dimensions: []recommend.DimensionState{
		state("ops", 1, 2, 1), state("sec", 2, 4, 1), state("dx", 1, 3, 2),
	}}})
	want := []string{"dx-1", "sec-1", "ops-2", "sec-2", "dx-2", "ops-1"}
	if got := keysOf(items); !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	checkRanks(t, items)
	wantPriority := []float64{6, 4, 3, 3, 2, 0.5}
	for i, it := range items {
		if it.Priority != wantPriority[i] {
			t.Errorf("%s priority = %v, want %v", it.Key, it.Priority, wantPriority[i])
		}
	}
}

func TestTies(t *testing.T) {
	tests := []struct {
		name   string
		inputs func() []recommend.Input
		want   []string
	}{
		{
			name: "input order, then dimension order in the questionnaire, then file order",
			inputs: func() []recommend.Input {
				recs := []questionnaires.Recommendation{
					rec("y-first", "y", 2, 1, 1),
					rec("x-second", "x", 2, 1, 1),
					rec("x-third", "x", 2, 1, 1),
				}
				dims := []recommend.DimensionState{state("y", 1, 2, 1), state("x", 1, 2, 1)}
				return []recommend.Input{
					{Questionnaire: newQ("zeta", []string{"x", "y"}, recs...), Dimensions: dims},
					{Questionnaire: newQ("alpha", []string{"x", "y"}, recs...), Dimensions: dims},
				}
			},
			want: []string{"zeta/x-second", "zeta/x-third", "zeta/y-first", "alpha/x-second", "alpha/x-third", "alpha/y-first"},
		},
		{
			name: "equal after rounding is a tie, whatever the float noise",
			inputs: func() []recommend.Input {
				// 3 × 0.1 is 0.30000000000000004 in floating point, above 0.3.
				q := newQ("q", []string{"p", "n"},
					rec("n-rec", "n", 2, 1, 1),
					rec("p-rec", "p", 4, 1, 1),
				)
				return []recommend.Input{{Questionnaire: q, Dimensions: []recommend.DimensionState{
					state("n", 1, 4, 0.1), state("p", 3, 4, 0.3),
				}}}
			},
			want: []string{"q/p-rec", "q/n-rec"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := recommend.Build(0, tt.inputs())
			got := make([]string, len(items))
			for i, it := range items {
				got[i] = it.Questionnaire + "/" + it.Key
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("order = %v, want %v", got, tt.want)
			}
			checkRanks(t, items)
		})
	}
}

func TestSameDimensionOrder(t *testing.T) {
	tests := []struct {
		name       string
		capacity   int
		recs       []questionnaires.Recommendation
		dims       []recommend.DimensionState
		wantOrder  []string
		wantPhases map[string]string
		heldBack   map[string]string // key -> title that must appear in why
	}{
		{
			name:     "a higher level with a higher priority still comes after the lower level",
			capacity: 6,
			recs: []questionnaires.Recommendation{
				rec("up3", "d", 3, 3, 1), // 3
				rec("up2", "d", 2, 1, 3), // 0.667
			},
			dims:       []recommend.DimensionState{state("d", 1, 3, 1)},
			wantOrder:  []string{"up2", "up3"},
			wantPhases: map[string]string{"up2": "now", "up3": "now"},
		},
		{
			name:     "no room left pushes the higher level to Next",
			capacity: 3,
			recs: []questionnaires.Recommendation{
				rec("up3", "d", 3, 3, 1),
				rec("up2", "d", 2, 1, 3),
			},
			dims:       []recommend.DimensionState{state("d", 1, 3, 1)},
			wantOrder:  []string{"up2", "up3"},
			wantPhases: map[string]string{"up2": "now", "up3": "next"},
		},
		{
			name:     "a lower level that does not fit holds the higher level back",
			capacity: 4,
			recs: []questionnaires.Recommendation{
				rec("a2", "d", 2, 1, 3), // 0.667
				rec("b3", "d", 3, 3, 1), // 3
				rec("f2", "f", 2, 3, 2), // 3
			},
			dims:       []recommend.DimensionState{state("d", 1, 3, 1), state("f", 1, 2, 2)},
			wantOrder:  []string{"f2", "a2", "b3"},
			wantPhases: map[string]string{"f2": "now", "a2": "next", "b3": "next"},
			heldBack:   map[string]string{"b3": "Do a2"},
		},
		{
			name:     "several steps per level, three levels",
			capacity: 2,
			recs: []questionnaires.Recommendation{
				rec("l4", "d", 4, 3, 1), // 3 × 3 × 0.25 = 2.25
				rec("l3", "d", 3, 3, 1), // 4.5
				rec("l2a", "d", 2, 1, 1),
				rec("l2b", "d", 2, 1, 1),
			},
			dims:       []recommend.DimensionState{state("d", 1, 4, 1)},
			wantOrder:  []string{"l2a", "l2b", "l3", "l4"},
			wantPhases: map[string]string{"l2a": "now", "l2b": "now", "l3": "next", "l4": "next"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQ("q", []string{"d", "f"}, tt.recs...)
			items := recommend.Build(tt.capacity, []recommend.Input{{Questionnaire: q, Dimensions: tt.dims}})
			if got := keysOf(items); !slices.Equal(got, tt.wantOrder) {
				t.Fatalf("order = %v, want %v", got, tt.wantOrder)
			}
			checkRanks(t, items)
			if got := phasesOf(items); !reflect.DeepEqual(got, tt.wantPhases) {
				t.Errorf("phases = %v, want %v", got, tt.wantPhases)
			}
			for key, title := range tt.heldBack {
				if why := byKey(t, items, key).Why; !strings.Contains(why, "held back until “"+title+"” is in place") {
					t.Errorf("%s why = %q, want it held back by %q", key, why, title)
				}
			}
		})
	}
}

func TestCapacity(t *testing.T) {
	// Priorities 4, 3, 2, 1 with efforts 3, 2, 3, 1.
	q := newQ("q", []string{"d1", "d2", "d3", "d4"},
		rec("x", "d1", 2, 3, 3),
		rec("y", "d2", 2, 2, 2),
		rec("z", "d3", 2, 3, 3),
		rec("v", "d4", 2, 1, 1),
	)
	dims := []recommend.DimensionState{
		state("d1", 1, 2, 4), state("d2", 1, 2, 3), state("d3", 1, 2, 2), state("d4", 1, 2, 1),
	}
	tests := []struct {
		name         string
		capacity     int
		wantCapacity int
		want         map[string]string
	}{
		{"first fit: a smaller item uses the room a larger one left", 6, 6,
			map[string]string{"x": "now", "y": "now", "z": "next", "v": "now"}},
		{"zero means the default of 6", 0, 6,
			map[string]string{"x": "now", "y": "now", "z": "next", "v": "now"}},
		{"negative means the default of 6", -3, 6,
			map[string]string{"x": "now", "y": "now", "z": "next", "v": "now"}},
		{"what fits neither Now nor Next is Later", 3, 3,
			map[string]string{"x": "now", "y": "next", "z": "later", "v": "next"}},
		{"large capacity puts everything in Now", 100, 100,
			map[string]string{"x": "now", "y": "now", "z": "now", "v": "now"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := recommend.BuildRoadmap(tt.capacity, []recommend.Input{{Questionnaire: q, Dimensions: dims}})
			if plan.Capacity != tt.wantCapacity {
				t.Errorf("capacity = %d, want %d", plan.Capacity, tt.wantCapacity)
			}
			if got := keysOf(plan.Items); !slices.Equal(got, []string{"x", "y", "z", "v"}) {
				t.Errorf("order = %v, want priority order x y z v", got)
			}
			if got := phasesOf(plan.Items); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("phases = %v, want %v", got, tt.want)
			}
		})
	}

	items := recommend.Build(6, []recommend.Input{{Questionnaire: q, Dimensions: dims}})
	if why := byKey(t, items, "z").Why; !strings.HasSuffix(why, "; no room was left in Now (capacity 6).") {
		t.Errorf("z why = %q, want it to say Now was full", why)
	}
	if why := byKey(t, items, "x").Why; strings.Contains(why, "room") || strings.Contains(why, "held back") {
		t.Errorf("x why = %q, want no phase reason for an item in Now", why)
	}
}

func TestRequiresAcrossPhases(t *testing.T) {
	q := newQ("q", []string{"a", "b", "c", "d", "e", "f", "g"},
		rec("a2", "a", 2, 1, 1),             // 1
		rec("b2", "b", 2, 3, 1, "a2"),       // 3, waits for a2
		rec("c2", "c", 2, 3, 1, "b2"),       // 3, waits for b2
		rec("d2", "d", 2, 2, 1, "e3"),       // 2, e3 is met: e is at 3
		rec("e3", "e", 3, 3, 1),             // not a candidate
		rec("f2", "f", 2, 3, 1),             // f is not measured
		rec("g2", "g", 2, 2, 1, "f2", "nx"), // 2, f2 and nx are outside the plan
	)
	items := recommend.Build(6, []recommend.Input{{Questionnaire: q, Dimensions: []recommend.DimensionState{
		state("a", 1, 2, 1), state("b", 1, 2, 1), state("c", 1, 2, 1), state("d", 1, 2, 1),
		state("e", 3, 4, 1), {Key: "f", Target: 2}, state("g", 1, 2, 1),
	}}})

	if got, want := keysOf(items), []string{"b2", "c2", "d2", "g2", "a2"}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v (rank is priority order, not phase order)", got, want)
	}
	want := map[string]string{"a2": "now", "b2": "next", "c2": "later", "d2": "now", "g2": "now"}
	if got := phasesOf(items); !reflect.DeepEqual(got, want) {
		t.Errorf("phases = %v, want %v", got, want)
	}
	whyTests := []struct{ key, part string }{
		{"b2", "; held back until “Do a2” is in place."},
		{"c2", "; held back until “Do b2” is in place."},
		{"g2", "; it builds on “Do f2” and “nx”, which this plan does not schedule."},
	}
	for _, wt := range whyTests {
		if why := byKey(t, items, wt.key).Why; !strings.Contains(why, wt.part) {
			t.Errorf("%s why = %q, want it to contain %q", wt.key, why, wt.part)
		}
	}
	if why := byKey(t, items, "d2").Why; strings.Contains(why, "schedule") {
		t.Errorf("d2 why = %q, but its requirement is met", why)
	}
	if got := byKey(t, items, "g2").Requires; !slices.Equal(got, []string{"f2", "nx"}) {
		t.Errorf("g2 requires = %v", got)
	}
	if got := byKey(t, items, "a2").Requires; got == nil || len(got) != 0 {
		t.Errorf("a2 requires = %#v, want an empty, non-nil slice", got)
	}
}

func TestNothingToRecommend(t *testing.T) {
	recs := []questionnaires.Recommendation{
		rec("d2", "d", 2, 3, 1), rec("d3", "d", 3, 3, 1), rec("d4", "d", 4, 3, 1),
		rec("o2", "o", 2, 1, 1),
	}
	other := state("o", 1, 2, 1)
	tests := []struct {
		name string
		dims []recommend.DimensionState
	}{
		{"level equals target", []recommend.DimensionState{state("d", 3, 3, 1), other}},
		{"level above target", []recommend.DimensionState{state("d", 4, 2, 1), other}},
		{"top level", []recommend.DimensionState{state("d", 5, 5, 1), other}},
		{"level not measured", []recommend.DimensionState{{Key: "d", Target: 4, Weight: 1}, other}},
		{"dimension not given", []recommend.DimensionState{other}},
		{"no recommendation up to the target", []recommend.DimensionState{state("d", 4, 5, 1), other}},
		{"first state of a key counts", []recommend.DimensionState{state("d", 3, 3, 1), state("d", 1, 4, 1), other}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := recommend.Build(0, []recommend.Input{{Questionnaire: newQ("q", []string{"d", "o"}, recs...), Dimensions: tt.dims}})
			if got := keysOf(items); !slices.Equal(got, []string{"o2"}) {
				t.Errorf("items = %v, want only o2", got)
			}
		})
	}

	empty := []struct {
		name   string
		inputs []recommend.Input
	}{
		{"no inputs", nil},
		{"nil questionnaire", []recommend.Input{{Dimensions: []recommend.DimensionState{state("d", 1, 4, 1)}}}},
		{"unknown dimension key", []recommend.Input{{
			Questionnaire: newQ("q", []string{"d"}, recs...),
			Dimensions:    []recommend.DimensionState{state("zz", 1, 4, 1)},
		}}},
	}
	for _, tt := range empty {
		t.Run(tt.name, func(t *testing.T) {
			items := recommend.Build(0, tt.inputs)
			out, err := json.Marshal(items)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != "[]" {
				t.Errorf("JSON = %s, want []", out)
			}
		})
	}
}

func TestEffortLargerThanCapacity(t *testing.T) {
	q := newQ("q", []string{"big", "s"},
		rec("big2", "big", 2, 3, 3), // 2, effort 3 > capacity 2
		rec("big3", "big", 3, 3, 1), // 3, but after big2
		rec("s2", "s", 2, 1, 1),     // 2
		rec("s3", "s", 3, 2, 2),     // 1
	)
	items := recommend.Build(2, []recommend.Input{{Questionnaire: q, Dimensions: []recommend.DimensionState{
		state("big", 1, 3, 1), state("s", 1, 3, 1),
	}}})
	if got, want := keysOf(items), []string{"big2", "big3", "s2", "s3"}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	want := map[string]string{"big2": "later", "big3": "later", "s2": "now", "s3": "next"}
	if got := phasesOf(items); !reflect.DeepEqual(got, want) {
		t.Errorf("phases = %v, want %v", got, want)
	}
	if why := byKey(t, items, "big2").Why; !strings.HasSuffix(why, "; its effort is more than a phase holds (capacity 2), so it waits in Later.") {
		t.Errorf("big2 why = %q", why)
	}
	if why := byKey(t, items, "big3").Why; !strings.Contains(why, "held back until “Do big2” is in place") {
		t.Errorf("big3 why = %q", why)
	}
}

func TestMultipleQuestionnaires(t *testing.T) {
	cncf := newQ("cncf", []string{"gov", "dev"},
		rec("policy", "gov", 2, 1, 1),
		rec("audit", "dev", 2, 3, 1, "policy"),
	)
	gartner := newQ("gartner", []string{"gov", "dev"},
		rec("policy", "gov", 2, 1, 1),
		rec("audit", "dev", 2, 3, 1, "policy"),
		rec("scale", "gov", 4, 3, 3),
	)
	items := recommend.Build(0, []recommend.Input{
		{Questionnaire: cncf, Dimensions: []recommend.DimensionState{state("gov", 1, 2, 1), state("dev", 1, 2, 1)}},
		{Questionnaire: gartner, Dimensions: []recommend.DimensionState{state("gov", 3, 4, 1), state("dev", 1, 2, 1)}},
	})
	type row struct{ id, phase string }
	var got []row
	for _, it := range items {
		got = append(got, row{it.Questionnaire + "/" + it.Key, it.Phase})
	}
	want := []row{
		{"cncf/audit", "next"}, // its own policy is a candidate, placed in Now
		{"gartner/audit", "now"},
		{"cncf/policy", "now"},
		{"gartner/scale", "now"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("items = %v, want %v", got, want)
	}
	checkRanks(t, items)
}

func TestWhy(t *testing.T) {
	q := newQ("q", []string{"governance", "security"},
		questionnaires.Recommendation{Key: "pac", Dimension: "security", ToLevel: 3, Title: "Adopt policy as code", Impact: 3, Effort: 3},
		questionnaires.Recommendation{Key: "scan", Dimension: "governance", ToLevel: 3, Title: "Scan every build", Impact: 3, Effort: 1},
		questionnaires.Recommendation{Key: "gate", Dimension: "governance", ToLevel: 4, Title: "Gate deploys", Impact: 3, Effort: 1, Requires: []string{"pac"}},
	)
	q.Dimensions[0].Weight = 1.5
	items := recommend.Build(0, []recommend.Input{{Questionnaire: q, Dimensions: []recommend.DimensionState{
		{Key: "governance", Level: new(2), Target: 4}, // weight from the questionnaire
		state("security", 2, 3, 1),
	}}})
	tests := []struct{ key, want string }{
		{"scan", "Governance is at level 2 (Operational) against a target of 4 (Optimizing) — a gap of 2 on a dimension weighted 1.5; impact 3 for effort 1."},
		{"gate", "Governance is at level 2 (Operational) against a target of 4 (Optimizing) — a gap of 2 on a dimension weighted 1.5; impact 3 for effort 1; " +
			"it works toward level 4 (Optimizing), 1 level past the next one, so its priority is scaled by 0.5; held back until “Adopt policy as code” is in place."},
		{"pac", "Security is at level 2 (Operational) against a target of 3 (Scalable) — a gap of 1 on a dimension weighted 1; impact 3 for effort 3."},
	}
	for _, tt := range tests {
		if got := byKey(t, items, tt.key).Why; got != tt.want {
			t.Errorf("%s why\n got: %s\nwant: %s", tt.key, got, tt.want)
		}
	}
	if p := byKey(t, items, "gate"); p.Priority != 4.5 || p.Phase != recommend.PhaseNext {
		t.Errorf("gate priority %v phase %s, want 4.5 next", p.Priority, p.Phase)
	}

	unnamed := newQ("q", []string{"ops"}, rec("r", "ops", 2, 1, 1))
	unnamed.Levels = nil
	items = recommend.Build(0, []recommend.Input{{Questionnaire: unnamed, Dimensions: []recommend.DimensionState{state("ops", 1, 2, 1)}}})
	if want := "Ops is at level 1 against a target of 2 — a gap of 1 on a dimension weighted 1; impact 1 for effort 1."; items[0].Why != want {
		t.Errorf("why without level names = %q, want %q", items[0].Why, want)
	}
}

func TestQuickWin(t *testing.T) {
	tests := []struct {
		impact, effort int
		want           bool
	}{
		{3, 1, true},
		{3, 2, false},
		{2, 1, false},
		{1, 1, false},
		{3, 3, false},
	}
	for _, tt := range tests {
		q := newQ("q", []string{"d"}, rec("r", "d", 2, tt.impact, tt.effort))
		items := recommend.Build(0, []recommend.Input{{Questionnaire: q, Dimensions: []recommend.DimensionState{state("d", 1, 2, 1)}}})
		if items[0].QuickWin != tt.want {
			t.Errorf("impact %d effort %d: quick win = %v, want %v", tt.impact, tt.effort, items[0].QuickWin, tt.want)
		}
	}
}

// TestJSONFields pins the API contract of GET
// /api/v1/assessments/{id}/recommendations: exactly these fields, in this
// order.
func TestJSONFields(t *testing.T) {
	q := newQ("q", []string{"d"}, rec("r", "d", 2, 3, 1))
	items := recommend.Build(0, []recommend.Input{{Questionnaire: q, Dimensions: []recommend.DimensionState{state("d", 1, 2, 1)}}})
	out, err := json.Marshal(items[0])
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	var got []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"rank", "questionnaire", "dimension", "key", "from_level", "to_level", "title", "detail",
		"impact", "effort", "priority", "phase", "quick_win", "why"}
	if !slices.Equal(got, want) {
		t.Errorf("JSON fields = %v, want %v", got, want)
	}
	wantStart := `{"rank":1,"questionnaire":"q","dimension":"d","key":"r","from_level":1,"to_level":2,"title":"Do r","detail":"Steps for r","impact":3,"effort":1,"priority":3,"phase":"now","quick_win":true,"why":`
	if !strings.HasPrefix(string(out), wantStart) {
		t.Errorf("JSON = %s, want it to start with %s", out, wantStart)
	}
}

// BenchmarkBuild plans three questionnaires of 10 dimensions and 5 levels
// with 3 recommendations per transition, every dimension from level 1 to 5
// (360 candidates).
func BenchmarkBuild(b *testing.B) {
	var inputs []recommend.Input
	for qi := range 3 {
		var dims []string
		var states []recommend.DimensionState
		var recs []questionnaires.Recommendation
		for d := range 10 {
			dk := "d" + strconv.Itoa(d)
			dims = append(dims, dk)
			states = append(states, state(dk, 1, 5, 1+float64(d%3)/2))
			for to := 2; to <= 5; to++ {
				for k := range 3 {
					key := fmt.Sprintf("%s-%d-%d", dk, to, k)
					var req []string
					if len(recs) > 0 && k == 0 {
						req = []string{recs[len(recs)/2].Key}
					}
					recs = append(recs, rec(key, dk, to, 1+(d+k)%3, 1+(to+k)%3, req...))
				}
			}
		}
		inputs = append(inputs, recommend.Input{Questionnaire: newQ("q"+strconv.Itoa(qi), dims, recs...), Dimensions: states})
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(recommend.Build(0, inputs)) != 360 {
			b.Fatal("want 360 items")
		}
	}
}
