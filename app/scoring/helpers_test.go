package scoring_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// questionnaire builds a questionnaire with levels L1..Ln.
func questionnaire(scale string, n int, pass float64, dims ...questionnaires.Dimension) *questionnaires.Questionnaire {
	q := &questionnaires.Questionnaire{
		Key:        "test-q",
		Version:    "1.0.0",
		Title:      "Test questionnaire",
		Scale:      scale,
		PassRatio:  pass,
		Dimensions: dims,
	}
	for l := 1; l <= n; l++ {
		q.Levels = append(q.Levels, questionnaires.Level{Level: l, Name: fmt.Sprintf("L%d", l)})
	}
	return q
}

func dim(key string, weight float64, qs ...questionnaires.Question) questionnaires.Dimension {
	return questionnaires.Dimension{Key: key, Title: strings.ToUpper(key), Weight: weight, Questions: qs}
}

func qw(key string, weight float64) questionnaires.Question {
	return questionnaires.Question{Key: key, Text: key + "?", Weight: weight}
}

func qu(key string) questionnaires.Question { return qw(key, 1) }

func rev(key string) questionnaires.Question {
	q := qu(key)
	q.Reverse = true
	return q
}

func lv(key string, level int) scoring.Answer { return scoring.Answer{Question: key, Level: level} }
func lk(key string, value int) scoring.Answer { return scoring.Answer{Question: key, Value: value} }
func na(key string) scoring.Answer            { return scoring.Answer{Question: key, NA: true} }

func resp(id, team int64, answers ...scoring.Answer) scoring.Response {
	return scoring.Response{ID: id, TeamID: team, Answers: answers}
}

func teams(ids ...int64) []scoring.Team {
	out := make([]scoring.Team, len(ids))
	for i, id := range ids {
		out[i] = scoring.Team{ID: id, Name: fmt.Sprintf("Team %d", id)}
	}
	return out
}

func ip(v int) *int         { return &v }
func fp(v float64) *float64 { return &v }
func mustScore(t testing.TB, in scoring.Input) *scoring.Result {
	t.Helper()
	res, err := scoring.Score(in)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	return res
}

func show[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// intner is the randomness the generator needs: math/rand/v2's *Rand, or
// fuzz bytes.
type intner interface{ IntN(n int) int }

// byteSource turns fuzz input into choices; it yields 0 once exhausted.
type byteSource struct {
	data []byte
	i    int
}

func (b *byteSource) IntN(n int) int {
	if n <= 1 || b.i >= len(b.data) {
		return 0
	}
	v := int(b.data[b.i])
	b.i++
	if n > 256 && b.i < len(b.data) {
		v = v<<8 | int(b.data[b.i])
		b.i++
	}
	return v % n
}

var (
	weightChoices = []float64{0.1, 0.25, 0.3, 0.5, 0.7, 1, 2, 3}
	passChoices   = []float64{0.5, 0.6, 0.7, 0.75, 0.8, 1}
)

// genInput builds a random, consistent input: every weight is explicit and
// every answer valid.
func genInput(src intner) scoring.Input {
	scale := questionnaires.ScaleLevel
	if src.IntN(3) == 0 {
		scale = questionnaires.ScaleLikert
	}
	n := 2 + src.IntN(5)
	var dims []questionnaires.Dimension
	qn := 0
	for d := range 1 + src.IntN(4) {
		var qs []questionnaires.Question
		for range 1 + src.IntN(5) {
			q := qw(fmt.Sprintf("q%d", qn), weightChoices[src.IntN(len(weightChoices))])
			q.Reverse = scale == questionnaires.ScaleLikert && src.IntN(3) == 0
			qs = append(qs, q)
			qn++
		}
		dims = append(dims, dim(fmt.Sprintf("d%d", d), weightChoices[src.IntN(len(weightChoices))], qs...))
	}
	q := questionnaire(scale, n, passChoices[src.IntN(len(passChoices))], dims...)

	in := scoring.Input{Questionnaire: q, Targets: scoring.Targets{Default: 1 + src.IntN(n), Overrides: map[string]int{}}}
	for _, d := range dims {
		if src.IntN(2) == 0 {
			in.Targets.Overrides[d.Key] = 1 + src.IntN(n)
		}
	}
	nt := src.IntN(7)
	for i := range nt {
		in.Teams = append(in.Teams, scoring.Team{ID: int64(1000 - 37*i), Name: fmt.Sprintf("T%d", i)})
	}
	respID := int64(500)
	for _, t := range in.Teams {
		for range src.IntN(5) {
			r := scoring.Response{ID: respID, TeamID: t.ID}
			respID -= 3
			for _, d := range dims {
				for _, qq := range d.Questions {
					switch src.IntN(7) {
					case 0:
						continue
					case 1:
						r.Answers = append(r.Answers, na(qq.Key))
					default:
						if scale == questionnaires.ScaleLikert {
							r.Answers = append(r.Answers, lk(qq.Key, 1+src.IntN(5)))
						} else {
							r.Answers = append(r.Answers, lv(qq.Key, 1+src.IntN(n)))
						}
					}
				}
			}
			in.Responses = append(in.Responses, r)
		}
	}
	if src.IntN(2) == 0 {
		prev := &scoring.Result{Key: q.Key}
		for _, d := range dims {
			switch src.IntN(3) {
			case 0:
			case 1:
				prev.Dimensions = append(prev.Dimensions, scoring.DimensionResult{Key: d.Key})
			default:
				prev.Dimensions = append(prev.Dimensions, scoring.DimensionResult{
					Key: d.Key, Level: ip(1 + src.IntN(n)), Score: fp(float64(src.IntN(400)) / 100),
				})
			}
		}
		in.Previous = prev
	}
	return in
}

// Reference implementation: the rules of issues 5 and 15 in exact rational
// arithmetic, written independently of the package for cross-checking.

func rat(f float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok {
		panic(f)
	}
	return r
}

func floorRat(x *big.Rat) int {
	q := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean: floor for a positive denominator
	return int(q.Int64())
}

// tol is the documented tolerance 1e-9, exactly.
var tol = big.NewRat(1, 1_000_000_000)

// floorTolRat is the documented floor of a level formula, ⌊x + 1e-9⌋.
func floorTolRat(x *big.Rat) int { return floorRat(new(big.Rat).Add(x, tol)) }

// likertLevelRat is min(N, 1 + ⌊score·N/100⌋) with the tolerant floor.
func likertLevelRat(score *big.Rat, n int) int {
	x := new(big.Rat).Mul(score, big.NewRat(int64(n), 100))
	return min(n, max(1, 1+floorTolRat(x)))
}

// weightedLowerMedianRat is the smallest L in 1..n whose dimensions at level
// ≤ L weigh at least half the total, less the tolerance: Σ ≥ (1/2 − 1e-9)·total.
// Levels of 0 (null) are left out; it returns 0 when none is left.
func weightedLowerMedianRat(levels []int, weights []*big.Rat, n int) int {
	total := new(big.Rat)
	for i, l := range levels {
		if l != 0 {
			total.Add(total, weights[i])
		}
	}
	if total.Sign() == 0 {
		return 0
	}
	need := new(big.Rat).Mul(total, new(big.Rat).Sub(big.NewRat(1, 2), tol))
	for L := 1; L <= n; L++ {
		at := new(big.Rat)
		for i, l := range levels {
			if l != 0 && l <= L {
				at.Add(at, weights[i])
			}
		}
		if at.Cmp(need) >= 0 {
			return L
		}
	}
	panic("no weighted lower median")
}

// roundRat rounds half away from zero, exactly.
func roundRat(x *big.Rat, places int) float64 {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(scale))
	abs := new(big.Rat).Abs(y)
	twice := new(big.Int).Mul(abs.Num(), big.NewInt(2))
	twice.Add(twice, abs.Denom())
	t := new(big.Int).Div(twice, new(big.Int).Mul(abs.Denom(), big.NewInt(2)))
	if y.Sign() < 0 {
		t.Neg(t)
	}
	f, _ := new(big.Rat).SetFrac(t, scale).Float64()
	if f == 0 {
		return 0
	}
	return f
}

type refCell struct {
	level int // 0: null
	score *big.Rat
}

func lowerMedian(levels []int) int {
	s := slices.Clone(levels)
	slices.Sort(s)
	return s[(len(s)+1)/2-1]
}

func nearestRank(levels []int, k int) int {
	s := slices.Clone(levels)
	slices.Sort(s)
	pos := (k*len(s) + 99) / 100
	return s[max(pos, 1)-1]
}

// reference computes the numeric part of a Result: levels, scores, gaps,
// counts, distributions and percentages. Names, blocking and trend are left
// empty; compare with numericPart of the real result.
func reference(in scoring.Input) *scoring.Result {
	q := in.Questionnaire
	n := len(q.Levels)
	likert := q.Scale == questionnaires.ScaleLikert
	places := 2
	if likert {
		places = 1
	}
	pass := rat(q.PassRatio)
	one := big.NewRat(1, 1)
	target := func(key string) int {
		if v, ok := in.Targets.Overrides[key]; ok {
			return v
		}
		return in.Targets.Default
	}
	dimW := func(d questionnaires.Dimension) *big.Rat {
		if d.Weight == 0 {
			return big.NewRat(1, 1)
		}
		return rat(d.Weight)
	}

	respondent := func(r scoring.Response, d questionnaires.Dimension) refCell {
		sw, swa := new(big.Rat), new(big.Rat)
		type wa struct {
			w *big.Rat
			a int
		}
		var as []wa
		for _, qq := range d.Questions {
			for _, a := range r.Answers {
				if a.Question != qq.Key || a.NA {
					continue
				}
				w := one
				if qq.Weight != 0 {
					w = rat(qq.Weight)
				}
				v := a.Level
				if likert {
					v = a.Value
					if qq.Reverse {
						v = 6 - v
					}
				}
				as = append(as, wa{w, v})
				sw.Add(sw, w)
				swa.Add(swa, new(big.Rat).Mul(w, big.NewRat(int64(v), 1)))
			}
		}
		if len(as) == 0 {
			return refCell{}
		}
		mean := new(big.Rat).Quo(swa, sw)
		if likert {
			score := new(big.Rat).Sub(mean, one)
			score.Mul(score, big.NewRat(25, 1))
			return refCell{level: likertLevelRat(score, n), score: score}
		}
		level := 0
		for l := 1; l <= n; l++ {
			passing := new(big.Rat)
			for _, x := range as {
				if x.a >= l {
					passing.Add(passing, x.w)
				}
			}
			if passing.Cmp(new(big.Rat).Mul(pass, sw)) >= 0 {
				level = l
			}
		}
		return refCell{level: level, score: mean}
	}
	aggregate := func(cells []refCell) (refCell, []int) {
		var levels []int
		sum := new(big.Rat)
		for _, c := range cells {
			if c.level != 0 {
				levels = append(levels, c.level)
				sum.Add(sum, c.score)
			}
		}
		if len(levels) == 0 {
			return refCell{}, nil
		}
		mean := sum.Quo(sum, big.NewRat(int64(len(levels)), 1))
		if likert {
			return refCell{level: likertLevelRat(mean, n), score: mean}, levels
		}
		return refCell{level: lowerMedian(levels), score: mean}, levels
	}
	overall := func(cells []refCell) scoring.Overall {
		sw, sws := new(big.Rat), new(big.Rat)
		gap, tgt := 0, 0
		levels := make([]int, len(cells))
		weights := make([]*big.Rat, len(cells))
		for i, c := range cells {
			levels[i] = c.level
			weights[i] = dimW(q.Dimensions[i])
			if c.level == 0 {
				continue
			}
			w := weights[i]
			sw.Add(sw, w)
			sws.Add(sws, new(big.Rat).Mul(w, c.score))
			t := target(q.Dimensions[i].Key)
			gap += max(0, t-c.level)
			tgt += t
		}
		if sw.Sign() == 0 {
			return scoring.Overall{}
		}
		pct := new(big.Rat).Sub(one, big.NewRat(int64(gap), int64(tgt)))
		pct.Mul(pct, big.NewRat(100, 1))
		return scoring.Overall{
			Level:           ip(weightedLowerMedianRat(levels, weights, n)),
			Score:           fp(roundRat(new(big.Rat).Quo(sws, sw), places)),
			PercentToTarget: fp(roundRat(pct, 1)),
		}
	}
	cellLevel := func(c refCell) *int {
		if c.level == 0 {
			return nil
		}
		return ip(c.level)
	}
	cellScore := func(c refCell) *float64 {
		if c.level == 0 {
			return nil
		}
		return fp(roundRat(c.score, places))
	}
	cellGap := func(c refCell, key string) *int {
		if c.level == 0 {
			return nil
		}
		return ip(max(0, target(key)-c.level))
	}

	out := &scoring.Result{Key: q.Key, Teams: []scoring.TeamResult{}}
	teamCells := make([][]refCell, len(in.Teams))
	for ti, t := range in.Teams {
		tr := scoring.TeamResult{ID: t.ID}
		var members []scoring.Response
		for _, r := range in.Responses {
			if r.TeamID == t.ID {
				members = append(members, r)
			}
		}
		slices.SortFunc(members, func(a, b scoring.Response) int { return int(a.ID - b.ID) })
		tr.Respondents = len(members)
		for _, r := range members {
			rr := scoring.RespondentResult{ResponseID: r.ID, TeamID: t.ID}
			var cells []refCell
			for _, d := range q.Dimensions {
				c := respondent(r, d)
				cells = append(cells, c)
				rr.Dimensions = append(rr.Dimensions, scoring.RespondentDimension{Key: d.Key, Level: cellLevel(c), Score: cellScore(c)})
			}
			rr.Overall = overall(cells)
			out.Respondents = append(out.Respondents, rr)
		}
		for _, d := range q.Dimensions {
			var cells []refCell
			for _, r := range members {
				cells = append(cells, respondent(r, d))
			}
			c, levels := aggregate(cells)
			td := scoring.TeamDimension{
				Key: d.Key, Level: cellLevel(c), Score: cellScore(c), Target: target(d.Key),
				Gap: cellGap(c, d.Key), Respondents: len(levels),
			}
			if c.level != 0 {
				td.Spread = ip(slices.Max(levels) - slices.Min(levels))
				dis := *td.Spread >= 2
				td.Disagreement = &dis
			}
			tr.Dimensions = append(tr.Dimensions, td)
			teamCells[ti] = append(teamCells[ti], c)
		}
		tr.Overall = overall(teamCells[ti])
		out.Teams = append(out.Teams, tr)
	}
	var orgCells []refCell
	for di, d := range q.Dimensions {
		var cells []refCell
		for ti := range in.Teams {
			cells = append(cells, teamCells[ti][di])
		}
		c, levels := aggregate(cells)
		dr := scoring.DimensionResult{
			Key: d.Key, Level: cellLevel(c), Score: cellScore(c), Target: target(d.Key),
			Gap: cellGap(c, d.Key), Teams: len(levels),
		}
		if c.level != 0 {
			dr.Distribution = scoring.Distribution{
				Min: ip(slices.Min(levels)), P25: ip(nearestRank(levels, 25)), Median: ip(lowerMedian(levels)),
				P75: ip(nearestRank(levels, 75)), Max: ip(slices.Max(levels)),
			}
		}
		out.Dimensions = append(out.Dimensions, dr)
		orgCells = append(orgCells, c)
	}
	out.Overall = overall(orgCells)
	return out
}

// numericPart keeps what reference computes.
func numericPart(r *scoring.Result) *scoring.Result {
	out := &scoring.Result{Key: r.Key, Overall: r.Overall, Teams: []scoring.TeamResult{}}
	out.Overall.LevelName = nil
	for _, d := range r.Dimensions {
		out.Dimensions = append(out.Dimensions, scoring.DimensionResult{
			Key: d.Key, Level: d.Level, Score: d.Score, Target: d.Target, Gap: d.Gap, Teams: d.Teams, Distribution: d.Distribution,
		})
	}
	for _, t := range r.Teams {
		nt := scoring.TeamResult{ID: t.ID, Respondents: t.Respondents, Overall: t.Overall}
		nt.Overall.LevelName = nil
		for _, d := range t.Dimensions {
			d.Blocking = nil
			nt.Dimensions = append(nt.Dimensions, d)
		}
		out.Teams = append(out.Teams, nt)
	}
	for _, rr := range r.Respondents {
		rr.Overall.LevelName = nil
		out.Respondents = append(out.Respondents, rr)
	}
	return out
}

// walkResult calls f for every summary of a result in a fixed order: the
// overall, each dimension with its distribution, and the overall and each
// dimension of every team and respondent (dist nil for those).
func walkResult(r *scoring.Result, f func(level *int, score *float64, dist *scoring.Distribution)) {
	f(r.Overall.Level, r.Overall.Score, nil)
	for _, d := range r.Dimensions {
		f(d.Level, d.Score, &d.Distribution)
	}
	for _, t := range r.Teams {
		f(t.Overall.Level, t.Overall.Score, nil)
		for _, d := range t.Dimensions {
			f(d.Level, d.Score, nil)
		}
	}
	for _, rr := range r.Respondents {
		f(rr.Overall.Level, rr.Overall.Score, nil)
		for _, d := range rr.Dimensions {
			f(d.Level, d.Score, nil)
		}
	}
}

// levelsOf lists every level of a result in a fixed order (0 for null), for
// monotonicity checks.
func levelsOf(r *scoring.Result) []int {
	var out []int
	add := func(p *int) {
		if p == nil {
			out = append(out, 0)
		} else {
			out = append(out, *p)
		}
	}
	walkResult(r, func(level *int, _ *float64, dist *scoring.Distribution) {
		add(level)
		if dist != nil {
			add(dist.Min)
			add(dist.P25)
			add(dist.Median)
			add(dist.P75)
			add(dist.Max)
		}
	})
	return out
}

// checkInvariants checks what must hold for any consistent input.
func checkInvariants(t *testing.T, in scoring.Input, res *scoring.Result) {
	t.Helper()
	n := len(in.Questionnaire.Levels)
	if len(res.Teams) != len(in.Teams) || len(res.Respondents) != len(in.Responses) {
		t.Fatalf("got %d teams, %d respondents; want %d, %d", len(res.Teams), len(res.Respondents), len(in.Teams), len(in.Responses))
	}
	inRange := func(what string, p *int) {
		if p != nil && (*p < 1 || *p > n) {
			t.Errorf("%s = %d, want 1..%d", what, *p, n)
		}
	}
	inRange("overall", res.Overall.Level)
	if pct := res.Overall.PercentToTarget; pct != nil && (*pct <= 0 || *pct > 100) {
		t.Errorf("percent_to_target %v out of (0,100]", *pct)
	}
	counts := map[string]int{}
	for _, tr := range res.Teams {
		inRange("team overall", tr.Overall.Level)
		for _, d := range tr.Dimensions {
			inRange("team level", d.Level)
			checkGap(t, fmt.Sprintf("team %d dim %s", tr.ID, d.Key), d.Level, d.Target, d.Gap)
			blocking := d.Level != nil && *d.Level < n
			if blocking != (len(d.Blocking) > 0) {
				t.Errorf("team %d dim %s level %s: %d blocking questions", tr.ID, d.Key, show(d.Level), len(d.Blocking))
			}
			for i, b := range d.Blocking {
				counts[b.Question]++
				if b.Level > *d.Level {
					t.Errorf("team %d dim %s: blocking %s at level %d above the team level %d", tr.ID, d.Key, b.Question, b.Level, *d.Level)
				}
				if i > 0 && b.Level < d.Blocking[i-1].Level {
					t.Errorf("team %d dim %s: blocking not lowest first", tr.ID, d.Key)
				}
			}
		}
	}
	likert := in.Questionnaire.Scale == questionnaires.ScaleLikert
	for _, d := range res.Dimensions {
		inRange("org level", d.Level)
		checkGap(t, "organization dim "+d.Key, d.Level, d.Target, d.Gap)
		ds := d.Distribution
		if d.Level != nil {
			// On the level scale the organization is the median team; on
			// likert its level comes from the mean of the team scores, so it
			// lies between the lowest and the highest team.
			ordered := *ds.Min <= *ds.P25 && *ds.P25 <= *ds.Median && *ds.Median <= *ds.P75 && *ds.P75 <= *ds.Max
			placed := *ds.Median == *d.Level
			if likert {
				placed = *ds.Min <= *d.Level && *d.Level <= *ds.Max
			}
			if !ordered || !placed {
				t.Errorf("dim %s: distribution %s %s %s %s %s, level %d", d.Key, show(ds.Min), show(ds.P25), show(ds.Median), show(ds.P75), show(ds.Max), *d.Level)
			}
		}
		if len(d.Blocking) > 5 {
			t.Errorf("dim %s: %d organization blocking questions", d.Key, len(d.Blocking))
		}
		for i, b := range d.Blocking {
			if b.Teams != counts[b.Question] {
				t.Errorf("dim %s: question %s blocks %d teams, counted %d", d.Key, b.Question, b.Teams, counts[b.Question])
			}
			if i > 0 && b.Teams > d.Blocking[i-1].Teams {
				t.Errorf("dim %s: organization blocking not sorted by count", d.Key)
			}
		}
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("marshal: %v", err)
	}
}

// checkGap checks that a gap is in levels, null exactly when the level is,
// and positive whenever the level is below the target.
func checkGap(t *testing.T, what string, level *int, target int, gap *int) {
	t.Helper()
	switch {
	case level == nil:
		if gap != nil {
			t.Errorf("%s: gap %d without a level", what, *gap)
		}
	case gap == nil:
		t.Errorf("%s: level %d, target %d, gap null", what, *level, target)
	case *level < target && *gap <= 0:
		t.Errorf("%s: level %d below target %d, gap %d", what, *level, target, *gap)
	case *gap != max(0, target-*level):
		t.Errorf("%s: level %d, target %d, gap %d, want %d", what, *level, target, *gap, max(0, target-*level))
	}
}
