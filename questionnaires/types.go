package questionnaires

// Scale names: every dimension of one questionnaire uses the same scale.
const (
	ScaleLevel  = "level"  // each question offers one option per level 1..N
	ScaleLikert = "likert" // each question is a statement answered 1..5
)

// Scoring methods (see app/scoring): how answers become scores and levels.
const (
	ScoringGated      = "gated"      // the default: pass ratio per level, medians
	ScoringMean       = "mean"       // weighted mean of option values (or levels)
	ScoringSAMM       = "samm"       // option values summed per group, means above
	ScoringActivities = "activities" // yes/no questions, each of a level
)

// OriginImported marks a questionnaire converted from another model: help
// texts and recommendations may be missing (warnings, not errors), and a
// dimension may have fewer than 3 questions.
const OriginImported = "imported"

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

	// The fields below are absent from the JSON of a questionnaire that does
	// not use them, so older snapshots read and compare unchanged.
	Scoring     string `json:"scoring,omitempty"` // "" is ScoringGated
	Origin      string `json:"origin,omitempty"`  // "" or OriginImported
	Source      string `json:"source,omitempty"`  // where the model comes from
	License     string `json:"license,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	Areas       []Area `json:"areas,omitempty"` // dimensions grouped into named areas

	// Language is the BCP 47 tag of the texts above ("" is English);
	// Translations gives them in more languages (see Localized).
	Language     string                  `json:"language,omitempty"`
	Translations map[string]*Translation `json:"translations,omitempty"`
	shown        string                  // the language Localized chose

	warnings ValidationErrors
	// Lookup indexes built by Parse and ParseJSON; nil on a hand-built value.
	dimIndex      map[string]int
	questionIndex map[string]questionRef
}

// Area groups dimensions, such as the business functions of a model. When
// a questionnaire has areas, every dimension belongs to exactly one.
type Area struct {
	Key         string   `json:"key"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Dimensions  []string `json:"dimensions"`
}

// Group is a named set of questions inside a dimension, such as a stream.
type Group struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// Level is one step of the ordered scale, numbered from 1 (or from 0 when
// the questionnaire's scoring is not gated).
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
	// Levels overrides the names and descriptions of the questionnaire's
	// levels for this dimension (same numbers); Groups names the groups its
	// questions belong to.
	Levels []Level `json:"levels,omitempty"`
	Groups []Group `json:"groups,omitempty"`
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

	Level *int   `json:"level,omitempty"` // the maturity level the question belongs to
	Group string `json:"group,omitempty"` // key of one of its dimension's groups

	Measure *Measure `json:"measure,omitempty"` // the delivery metric the answer can be checked against
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

// Option is one answer of a level-scale question; Level is a level of the
// scale. Value is the number value-based scoring reads (mean, samm,
// activities).
type Option struct {
	Key   string   `json:"key"`
	Level int      `json:"level"`
	Label string   `json:"label"`
	Value *float64 `json:"value,omitempty"`
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

// Method returns the questionnaire's scoring method, ScoringGated when unset.
func (q *Questionnaire) Method() string {
	if q.Scoring == "" {
		return ScoringGated
	}
	return q.Scoring
}

// Warnings returns the problems that did not stop the file from loading
// (missing help texts and recommendations of an imported questionnaire).
func (q *Questionnaire) Warnings() ValidationErrors { return q.warnings }

// FirstLevel returns the number of the scale's lowest level, 0 or 1.
func (q *Questionnaire) FirstLevel() int {
	if len(q.Levels) == 0 {
		return 1
	}
	return q.Levels[0].Level
}

// DimensionLevelName returns the name of a level in dimension d: its own
// name when the dimension overrides the levels, else the questionnaire's.
func (q *Questionnaire) DimensionLevelName(d *Dimension, level int) string {
	if d != nil {
		for _, l := range d.Levels {
			if l.Level == level {
				return l.Name
			}
		}
	}
	return q.LevelName(level)
}

// AreaOf returns the area holding the dimension key, or nil.
func (q *Questionnaire) AreaOf(key string) *Area {
	for i := range q.Areas {
		for _, k := range q.Areas[i].Dimensions {
			if k == key {
				return &q.Areas[i]
			}
		}
	}
	return nil
}
