package questionnaires

// Scale names: every dimension of one questionnaire uses the same scale.
const (
	ScaleLevel  = "level"  // each question offers one option per level 1..N
	ScaleLikert = "likert" // each question is a statement answered 1..5
)

// Questionnaire is one loaded, validated questionnaire. Its JSON form is the
// API contract of GET /api/v1/questionnaires/{key}.
type Questionnaire struct {
	Key             string           `json:"key"`
	Version         string           `json:"version"`
	Hash            string           `json:"hash"` // hex SHA-256 of the source bytes
	Title           string           `json:"title"`
	Description     string           `json:"description"`
	Framework       string           `json:"framework"`
	Scale           string           `json:"scale"`
	PassRatio       float64          `json:"pass_ratio"`
	Levels          []Level          `json:"levels"`
	Dimensions      []Dimension      `json:"dimensions"`
	Recommendations []Recommendation `json:"recommendations"`

	// Lookup indexes built by Parse and ParseJSON; nil on a hand-built value.
	dimIndex      map[string]int
	questionIndex map[string]questionRef
}

// Level is one step of the ordered scale 1..N.
type Level struct {
	Level       int    `json:"level"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Dimension groups questions that are scored together.
type Dimension struct {
	Key         string     `json:"key"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Weight      float64    `json:"weight"`
	Scale       string     `json:"scale"`
	Questions   []Question `json:"questions"`
}

// Question types. A question without a type is scored: a level question or
// a likert statement, by the questionnaire's scale. The other types are
// measures: they are asked and reported, but never feed maturity levels.
const (
	TypeNPS    = "nps"    // 0..10, "how likely are you to recommend …"
	TypeNumber = "number" // a number between Min and Max, in Unit
	TypeText   = "text"   // a free answer of at most MaxTextLength characters
)

// MaxTextLength is the longest answer (in characters) to a text question.
const MaxTextLength = 2000

// Question is one question (level scale) or statement (likert scale), or a
// measure (Type nps, number or text) that is not scored.
type Question struct {
	Key     string   `json:"key"`
	Text    string   `json:"text"`
	Help    string   `json:"help"`
	Weight  float64  `json:"weight"`
	Reverse bool     `json:"reverse"`
	Options []Option `json:"options"` // empty on a likert scale and on measures

	Type     string   `json:"type,omitempty"`     // "" (scored), TypeNPS, TypeNumber or TypeText
	Unit     string   `json:"unit,omitempty"`     // number: the unit, such as "days"
	Min      *float64 `json:"min,omitempty"`      // number: the smallest answer allowed
	Max      *float64 `json:"max,omitempty"`      // number: the largest answer allowed
	Required bool     `json:"required,omitempty"` // measures: must be answered before submitting
}

// Scored reports whether the question feeds maturity levels (it has no type).
func (q *Question) Scored() bool { return q.Type == "" }

// Bounds returns the range of a numeric answer: 0..10 for nps, Min..Max for
// number; ok is false for other questions.
func (q *Question) Bounds() (lo, hi float64, ok bool) {
	switch q.Type {
	case TypeNPS:
		return 0, 10, true
	case TypeNumber:
		if q.Min != nil && q.Max != nil {
			return *q.Min, *q.Max, true
		}
	}
	return 0, 0, false
}

// IsRequired reports whether a respondent must answer the question (or mark
// it not applicable) before submitting: every scored question, and measures
// that say required: true.
func (q *Question) IsRequired() bool { return q.Scored() || q.Required }

// Option is one answer of a level-scale question; Level is in 1..N.
type Option struct {
	Key   string `json:"key"`
	Level int    `json:"level"`
	Label string `json:"label"`
}

// Recommendation is a step that helps a dimension reach ToLevel.
type Recommendation struct {
	Key       string   `json:"key"`
	Dimension string   `json:"dimension"`
	ToLevel   int      `json:"to_level"`
	Title     string   `json:"title"`
	Detail    string   `json:"detail"`
	Impact    int      `json:"impact"`
	Effort    int      `json:"effort"`
	Requires  []string `json:"requires"`
}
