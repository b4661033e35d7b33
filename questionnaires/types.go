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

// Question is one question (level scale) or statement (likert scale).
type Question struct {
	Key     string   `json:"key"`
	Text    string   `json:"text"`
	Help    string   `json:"help"`
	Weight  float64  `json:"weight"`
	Reverse bool     `json:"reverse"`
	Options []Option `json:"options"` // empty on a likert scale
}

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
