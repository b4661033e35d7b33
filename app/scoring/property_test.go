package scoring_test

import (
	"cmp"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

const propertyRuns = 1000

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9a9a)) }

// cloneInput deep-copies what the property tests mutate.
func cloneInput(in scoring.Input) scoring.Input {
	out := in
	q := *in.Questionnaire
	q.Levels = slices.Clone(q.Levels)
	q.Dimensions = slices.Clone(q.Dimensions)
	for i := range q.Dimensions {
		q.Dimensions[i].Questions = slices.Clone(q.Dimensions[i].Questions)
	}
	out.Questionnaire = &q
	out.Teams = slices.Clone(in.Teams)
	out.Responses = slices.Clone(in.Responses)
	for i := range out.Responses {
		out.Responses[i].Answers = slices.Clone(in.Responses[i].Answers)
	}
	return out
}

// canonical orders teams and respondents by ID, the order-free form of a
// result.
func canonical(r *scoring.Result) *scoring.Result {
	c := *r
	c.Teams = slices.Clone(r.Teams)
	slices.SortFunc(c.Teams, func(a, b scoring.TeamResult) int { return cmp.Compare(a.ID, b.ID) })
	c.Respondents = slices.Clone(r.Respondents)
	slices.SortFunc(c.Respondents, func(a, b scoring.RespondentResult) int {
		return cmp.Or(cmp.Compare(a.TeamID, b.TeamID), cmp.Compare(a.ResponseID, b.ResponseID))
	})
	return &c
}

func TestAgainstReference(t *testing.T) {
	rng := newRand(1)
	for i := range propertyRuns {
		in := genInput(rng)
		res := mustScore(t, in)
		checkInvariants(t, in, res)
		if got, want := mustJSON(t, numericPart(res)), mustJSON(t, reference(in)); got != want {
			t.Fatalf("run %d: result differs from the exact reference\ninput: %+v\n%s", i, in, lineDiff(got, want))
		}
	}
}

func TestPropertyRaisingAnAnswerNeverLowersALevel(t *testing.T) {
	rng := newRand(2)
	for run := range propertyRuns {
		in := genInput(rng)
		type pos struct{ r, a int }
		var raisable []pos
		reverse := map[string]bool{}
		for _, d := range in.Questionnaire.Dimensions {
			for _, q := range d.Questions {
				reverse[q.Key] = q.Reverse
			}
		}
		likert := in.Questionnaire.Scale == questionnaires.ScaleLikert
		n := len(in.Questionnaire.Levels)
		for r, resp := range in.Responses {
			for a, ans := range resp.Answers {
				switch {
				case ans.NA:
				case !likert && ans.Level < n, likert && !reverse[ans.Question] && ans.Value < 5, likert && reverse[ans.Question] && ans.Value > 1:
					raisable = append(raisable, pos{r, a})
				}
			}
		}
		if len(raisable) == 0 {
			continue
		}
		before := mustScore(t, in)
		p := raisable[rng.IntN(len(raisable))]
		raised := cloneInput(in)
		ans := &raised.Responses[p.r].Answers[p.a]
		switch {
		case !likert:
			ans.Level += 1 + rng.IntN(n-ans.Level)
		case reverse[ans.Question]:
			ans.Value -= 1 + rng.IntN(ans.Value-1)
		default:
			ans.Value += 1 + rng.IntN(5-ans.Value)
		}
		after := mustScore(t, raised)
		lb, la := levelsOf(before), levelsOf(after)
		for i := range lb {
			if la[i] < lb[i] || (lb[i] == 0) != (la[i] == 0) {
				t.Fatalf("run %d: raising %+v to %+v moved level #%d from %d to %d", run, in.Responses[p.r].Answers[p.a], *ans, i, lb[i], la[i])
			}
		}
		sb, sa := scoresOf(before), scoresOf(after)
		for i := range sb {
			if sa[i] < sb[i] {
				t.Fatalf("run %d: raising %+v to %+v lowered score #%d from %v to %v", run, in.Responses[p.r].Answers[p.a], *ans, i, sb[i], sa[i])
			}
		}
	}
}

// scoresOf lists every score of a result in walkResult's order (-1 for
// null).
func scoresOf(r *scoring.Result) []float64 {
	var out []float64
	walkResult(r, func(_ *int, score *float64, _ *scoring.Distribution) {
		if score != nil {
			out = append(out, *score)
		} else {
			out = append(out, -1)
		}
	})
	return out
}

func TestPropertyOrderChangesNothing(t *testing.T) {
	rng := newRand(3)
	for run := range propertyRuns {
		in := genInput(rng)
		want := mustJSON(t, canonical(mustScore(t, in)))
		shuffled := cloneInput(in)
		rng.Shuffle(len(shuffled.Teams), func(i, j int) { shuffled.Teams[i], shuffled.Teams[j] = shuffled.Teams[j], shuffled.Teams[i] })
		rs := shuffled.Responses
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		for _, r := range rs {
			rng.Shuffle(len(r.Answers), func(i, j int) { r.Answers[i], r.Answers[j] = r.Answers[j], r.Answers[i] })
		}
		if got := mustJSON(t, canonical(mustScore(t, shuffled))); got != want {
			t.Fatalf("run %d: reordering changed the result\n%s", run, lineDiff(got, want))
		}
	}
}

func TestPropertyScalingWeightsChangesNothing(t *testing.T) {
	rng := newRand(4)
	factors := []float64{0.1, 0.3, 3, 7.3, 1000}
	for run := range propertyRuns {
		in := genInput(rng)
		c := factors[rng.IntN(len(factors))]
		want := mustJSON(t, mustScore(t, in))

		qs := cloneInput(in)
		for i := range qs.Questionnaire.Dimensions {
			for j := range qs.Questionnaire.Dimensions[i].Questions {
				qs.Questionnaire.Dimensions[i].Questions[j].Weight *= c
			}
		}
		if got := mustJSON(t, mustScore(t, qs)); got != want {
			t.Fatalf("run %d: question weights ×%v changed the result\n%s", run, c, lineDiff(got, want))
		}

		ds := cloneInput(in)
		for i := range ds.Questionnaire.Dimensions {
			ds.Questionnaire.Dimensions[i].Weight *= c
		}
		got := mustScore(t, ds)
		for i := range got.Dimensions {
			got.Dimensions[i].Weight = in.Questionnaire.Dimensions[i].Weight
		}
		if got := mustJSON(t, got); got != want {
			t.Fatalf("run %d: dimension weights ×%v changed the result\n%s", run, c, lineDiff(got, want))
		}
	}
}

func TestPropertyAddingNAChangesNothing(t *testing.T) {
	rng := newRand(5)
	for run := range propertyRuns {
		in := genInput(rng)
		want := mustJSON(t, mustScore(t, in))
		more := cloneInput(in)
		added := 0
		for i := range more.Responses {
			r := &more.Responses[i]
			answered := map[string]bool{}
			for _, a := range r.Answers {
				answered[a.Question] = true
			}
			for _, d := range more.Questionnaire.Dimensions {
				for _, q := range d.Questions {
					if answered[q.Key] || rng.IntN(2) == 0 {
						continue
					}
					at := rng.IntN(len(r.Answers) + 1)
					r.Answers = slices.Insert(r.Answers, at, na(q.Key))
					added++
				}
			}
		}
		if added == 0 {
			continue
		}
		if got := mustJSON(t, mustScore(t, more)); got != want {
			t.Fatalf("run %d: adding %d N/A answers changed the result\n%s", run, added, lineDiff(got, want))
		}
	}
}

func FuzzScore(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 4, 2, 3, 1, 7, 7, 7, 7, 1, 6, 4, 3, 2, 1, 0, 5, 5, 5, 5})
	f.Add([]byte("the quick brown fox jumps over the lazy platform team"))
	f.Add([]byte{1, 1, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4})
	rng := newRand(6)
	for range 8 {
		seed := make([]byte, 64+rng.IntN(192))
		for i := range seed {
			seed[i] = byte(rng.UintN(256))
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := genInput(&byteSource{data: data})
		res, err := scoring.Score(in)
		if err != nil {
			t.Fatalf("Score: %v", err)
		}
		checkInvariants(t, in, res)
		if got, want := mustJSON(t, numericPart(res)), mustJSON(t, reference(in)); got != want {
			t.Fatalf("result differs from the exact reference\n%s", lineDiff(got, want))
		}
	})
}

// lineDiff shows the first differing lines of two JSON documents.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(g), len(w)) && shown < 10; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  got:  " + gl + "\n  want: " + wl + "\n")
			shown++
		}
	}
	return b.String()
}

// TestPropertyLikertLevelFollowsScore checks that on the likert scale a
// higher score never comes with a lower level, across respondents, teams and
// the organization of any results with the same number of levels: a team at
// 48 is never above a team at 50.
func TestPropertyLikertLevelFollowsScore(t *testing.T) {
	type unit struct {
		what  string
		score float64
		level int
	}
	byN := map[int][]unit{}
	rng := newRand(7)
	teamsSeen, orgsSeen := 0, 0
	for run := 0; orgsSeen < propertyRuns; run++ {
		in := genInput(rng)
		if in.Questionnaire.Scale != questionnaires.ScaleLikert {
			continue
		}
		res := mustScore(t, in)
		n := len(in.Questionnaire.Levels)
		add := func(what string, level *int, score *float64) bool {
			if level == nil {
				return false
			}
			byN[n] = append(byN[n], unit{fmt.Sprintf("run %d %s", run, what), *score, *level})
			return true
		}
		for _, d := range res.Dimensions {
			if add("organization "+d.Key, d.Level, d.Score) {
				orgsSeen++
			}
		}
		for _, tr := range res.Teams {
			for _, d := range tr.Dimensions {
				if add(fmt.Sprintf("team %d %s", tr.ID, d.Key), d.Level, d.Score) {
					teamsSeen++
				}
			}
		}
		for _, rr := range res.Respondents {
			for _, d := range rr.Dimensions {
				add(fmt.Sprintf("response %d %s", rr.ResponseID, d.Key), d.Level, d.Score)
			}
		}
	}
	for n, units := range byN {
		// Reported scores are rounded, and rounding keeps order: a lower
		// reported score is a lower score.
		slices.SortFunc(units, func(a, b unit) int { return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(a.level, b.level)) })
		var best *unit // the highest level among strictly lower scores
		for i := 0; i < len(units); {
			j := i
			for j < len(units) && units[j].score == units[i].score {
				if u := units[j]; best != nil && u.level < best.level {
					t.Fatalf("%d levels: %s has score %v at level %d, below %s with score %v at level %d",
						n, u.what, u.score, u.level, best.what, best.score, best.level)
				}
				j++
			}
			if top := &units[j-1]; best == nil || top.level > best.level {
				best = top
			}
			i = j
		}
	}
	if teamsSeen < propertyRuns {
		t.Fatalf("only %d likert teams with a level", teamsSeen)
	}
}

// TestPropertyBelowTargetMeansAGap checks, for every team and the
// organization, that the gap is the number of levels short of the target:
// a dimension below its target always has a gap above 0.
func TestPropertyBelowTargetMeansAGap(t *testing.T) {
	rng := newRand(8)
	below := map[string]int{}
	for range propertyRuns {
		in := genInput(rng)
		res := mustScore(t, in)
		scale := in.Questionnaire.Scale
		for _, d := range res.Dimensions {
			checkGap(t, "organization "+d.Key, d.Level, d.Target, d.Gap)
			if d.Level != nil && *d.Level < d.Target {
				below[scale+" organization"]++
			}
		}
		for _, tr := range res.Teams {
			for _, d := range tr.Dimensions {
				checkGap(t, fmt.Sprintf("team %d %s", tr.ID, d.Key), d.Level, d.Target, d.Gap)
				if d.Level != nil && *d.Level < d.Target {
					below[scale+" team"]++
				}
			}
		}
		if t.Failed() {
			t.Fatalf("input: %+v", in)
		}
	}
	for _, k := range []string{"level organization", "level team", "likert organization", "likert team"} {
		if below[k] == 0 {
			t.Errorf("no %s dimension below its target in %d runs: the property was not exercised", k, propertyRuns)
		}
	}
}

// TestPropertyOverallIsWeightedLowerMedian checks the overall level of a
// respondent, a team and the organization against a brute-force weighted
// lower median: walk the dimensions from the lowest level up and stop at
// the first level where the weight walked reaches half the total.
func TestPropertyOverallIsWeightedLowerMedian(t *testing.T) {
	rng := newRand(9)
	weights := append([]float64{0}, weightChoices...) // 0 is the default weight 1
	for run := range propertyRuns {
		n := 2 + rng.IntN(6)
		nd := 1 + rng.IntN(9)
		var dims []questionnaires.Dimension
		var answers []scoring.Answer
		type dl struct {
			level  int
			weight *big.Rat
		}
		var given []dl
		for d := range nd {
			w := weights[rng.IntN(len(weights))]
			key := fmt.Sprintf("q%d", d)
			dims = append(dims, dim(fmt.Sprintf("d%d", d), w, qu(key)))
			if rng.IntN(5) == 0 {
				answers = append(answers, na(key))
				continue
			}
			l := 1 + rng.IntN(n)
			// One question per dimension: the respondent's level is the answer.
			answers = append(answers, lv(key, l))
			rw := big.NewRat(1, 1)
			if w != 0 {
				rw = rat(w)
			}
			given = append(given, dl{l, rw})
		}
		var want *int
		if len(given) > 0 {
			slices.SortFunc(given, func(a, b dl) int { return cmp.Compare(a.level, b.level) })
			total := new(big.Rat)
			for _, g := range given {
				total.Add(total, g.weight)
			}
			walked := new(big.Rat)
			for _, g := range given {
				walked.Add(walked, g.weight)
				if new(big.Rat).Mul(walked, big.NewRat(2, 1)).Cmp(total) >= 0 {
					want = ip(g.level)
					break
				}
			}
		}
		res := mustScore(t, scoring.Input{
			Questionnaire: questionnaire(questionnaires.ScaleLevel, n, 0.75, dims...),
			Teams:         teams(1), Targets: scoring.Targets{Default: 1},
			Responses: []scoring.Response{resp(1, 1, answers...)},
		})
		for what, got := range map[string]*int{
			"organization": res.Overall.Level, "team": res.Teams[0].Overall.Level, "respondent": res.Respondents[0].Overall.Level,
		} {
			if !eqPtr(got, want) {
				var desc []string
				for _, g := range given {
					desc = append(desc, fmt.Sprintf("%d×%s", g.level, g.weight.RatString()))
				}
				t.Fatalf("run %d: %s overall level %s, want %s; level×weight %s", run, what, show(got), show(want), strings.Join(desc, " "))
			}
		}
	}
}
