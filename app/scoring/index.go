package scoring

import (
	"errors"
	"fmt"
	"math"

	"gapmap/questionnaires"
)

// ErrInvalidInput is wrapped by every error Score returns: the input is
// inconsistent with itself or with the questionnaire.
var ErrInvalidInput = errors.New("inconsistent scoring input")

// DefaultPassRatio is the pass ratio of a questionnaire that sets none.
const DefaultPassRatio = 0.75

const (
	// maxLevels bounds N so that an answer fits in one byte of the answer grid.
	maxLevels = 200
	// maxDimensionQuestions bounds a dimension's questions so that a question
	// fits in the 24 bits of a blocking sort key.
	maxDimensionQuestions = 1 << 20
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// index is the questionnaire flattened for scoring. Questions are numbered
// in questionnaire order, so the questions of dimension d are the
// contiguous range dimStart[d]..dimStart[d+1]-1.
type index struct {
	q        *questionnaires.Questionnaire
	method   string // questionnaires.Scoring*
	likert   bool
	levels   int // N
	first    int // number of the lowest level: 1, or 0 outside gated scoring
	pass     float64
	qKey     []string
	qWeight  []float64
	qReverse []bool
	qPos     map[string]int
	skip     map[string]bool // nps, number and text questions: answered, never scored
	dimStart []int
	dimKey   []string
	dimPos   map[string]int
	dimW     []float64
	// Value-based methods: the options of each question, its level code
	// (activities), its group within its dimension (samm), and the number
	// of groups of each dimension.
	qOpts     [][]questionnaires.Option
	qCode     []int
	qGroup    []int
	dimGroups []int
	// answerLevel maps a stored answer code (option level, or likert value
	// after reverse scoring) to the level it stands for.
	answerLevel []int
}

func weightOf(w float64, what string) (float64, error) {
	switch {
	case w == 0:
		return 1, nil
	case w < 0 || math.IsNaN(w) || math.IsInf(w, 0):
		return 0, invalid("%s has weight %v, want > 0", what, w)
	}
	return w, nil
}

func newIndex(q *questionnaires.Questionnaire) (*index, error) {
	if q == nil {
		return nil, invalid("no questionnaire")
	}
	ix := &index{q: q, method: q.Method(), first: 1}
	switch ix.method {
	case questionnaires.ScoringGated, questionnaires.ScoringMean, questionnaires.ScoringSAMM, questionnaires.ScoringActivities:
	default:
		return nil, invalid("questionnaire %q: unknown scoring %q", q.Key, q.Scoring)
	}
	if ix.method != questionnaires.ScoringGated && len(q.Levels) > 0 && q.Levels[0].Level == 0 {
		ix.first = 0
	}
	switch q.Scale {
	case questionnaires.ScaleLevel:
	case questionnaires.ScaleLikert:
		ix.likert = true
	default:
		return nil, invalid("questionnaire %q: unknown scale %q", q.Key, q.Scale)
	}
	ix.levels = len(q.Levels)
	if ix.levels < 1 || ix.levels > maxLevels {
		return nil, invalid("questionnaire %q: %d levels, want 1..%d", q.Key, ix.levels, maxLevels)
	}
	for i, l := range q.Levels {
		if l.Level != ix.first+i {
			return nil, invalid("questionnaire %q: level #%d is numbered %d", q.Key, i+1, l.Level)
		}
	}
	ix.pass = q.PassRatio
	if ix.pass == 0 {
		ix.pass = DefaultPassRatio
	}
	if !(ix.pass > 0 && ix.pass <= 1) {
		return nil, invalid("questionnaire %q: pass ratio %v, want (0,1]", q.Key, q.PassRatio)
	}

	nq := 0
	for _, d := range q.Dimensions {
		nq += len(d.Questions)
	}
	ix.qKey = make([]string, 0, nq)
	ix.qWeight = make([]float64, 0, nq)
	ix.qReverse = make([]bool, 0, nq)
	ix.qPos = make(map[string]int, nq)
	ix.dimStart = make([]int, 0, len(q.Dimensions)+1)
	ix.dimKey = make([]string, 0, len(q.Dimensions))
	ix.dimPos = make(map[string]int, len(q.Dimensions))
	ix.dimW = make([]float64, 0, len(q.Dimensions))
	for di, d := range q.Dimensions {
		if d.Scale != "" && d.Scale != q.Scale {
			return nil, invalid("dimension %q: scale %q differs from the questionnaire's %q", d.Key, d.Scale, q.Scale)
		}
		if len(d.Questions) > maxDimensionQuestions {
			return nil, invalid("dimension %q: %d questions, want at most %d", d.Key, len(d.Questions), maxDimensionQuestions)
		}
		if _, dup := ix.dimPos[d.Key]; dup {
			return nil, invalid("duplicate dimension key %q", d.Key)
		}
		w, err := weightOf(d.Weight, "dimension "+d.Key)
		if err != nil {
			return nil, err
		}
		ix.dimPos[d.Key] = di
		ix.dimKey = append(ix.dimKey, d.Key)
		ix.dimW = append(ix.dimW, w)
		ix.dimStart = append(ix.dimStart, len(ix.qKey))
		for _, qu := range d.Questions {
			if !qu.Scored() {
				if ix.skip == nil {
					ix.skip = map[string]bool{}
				}
				ix.skip[qu.Key] = true
				continue
			}
			if _, dup := ix.qPos[qu.Key]; dup {
				return nil, invalid("duplicate question key %q", qu.Key)
			}
			w, err := weightOf(qu.Weight, "question "+qu.Key)
			if err != nil {
				return nil, err
			}
			ix.qPos[qu.Key] = len(ix.qKey)
			ix.qKey = append(ix.qKey, qu.Key)
			ix.qWeight = append(ix.qWeight, w)
			ix.qReverse = append(ix.qReverse, ix.likert && qu.Reverse)
			if ix.method != questionnaires.ScoringGated {
				ix.addValueQuestion(d, qu)
			}
		}
		if ix.method != questionnaires.ScoringGated {
			ix.dimGroups = append(ix.dimGroups, max(1, len(d.Groups)))
		}
	}
	ix.dimStart = append(ix.dimStart, len(ix.qKey))

	if ix.likert {
		ix.answerLevel = make([]int, 6)
		for v := 1; v <= 5; v++ {
			ix.answerLevel[v] = min(ix.levels, 1+(v-1)*ix.levels/4)
		}
	} else {
		ix.answerLevel = make([]int, ix.levels+1)
		for l := 1; l <= ix.levels; l++ {
			ix.answerLevel[l] = l
		}
	}
	return ix, nil
}

// addValueQuestion records what the value-based methods read of a question.
func (ix *index) addValueQuestion(d questionnaires.Dimension, qu questionnaires.Question) {
	code := 1
	if qu.Level != nil {
		code = min(max(*qu.Level-ix.first+1, 1), ix.levels)
	}
	group := 0
	for g := range d.Groups {
		if d.Groups[g].Key == qu.Group {
			group = g
		}
	}
	ix.qOpts = append(ix.qOpts, qu.Options)
	ix.qCode = append(ix.qCode, code)
	ix.qGroup = append(ix.qGroup, group)
}

// targets resolves the target of every dimension. Outside gated scoring a
// target off the scale is moved to its nearest end.
func (ix *index) targets(t Targets) ([]int, error) {
	if ix.method != questionnaires.ScoringGated {
		last := ix.first + ix.levels - 1
		out := make([]int, len(ix.dimKey))
		for d, key := range ix.dimKey {
			v, ok := t.Overrides[key]
			if !ok {
				v = t.Default
			}
			out[d] = min(max(v, ix.first), last)
		}
		return out, nil
	}
	if t.Default < 1 || t.Default > ix.levels {
		return nil, invalid("default target %d, want 1..%d", t.Default, ix.levels)
	}
	out := make([]int, len(ix.dimKey))
	for d, key := range ix.dimKey {
		out[d] = t.Default
		if v, ok := t.Overrides[key]; ok {
			if v < 1 || v > ix.levels {
				return nil, invalid("target %d for dimension %q, want 1..%d", v, key, ix.levels)
			}
			out[d] = v
		}
	}
	return out, nil
}
