package report

import (
	"time"

	"gapmap/app/scoring"
)

// The report model: what Build returns and the renderers lay out.

// Report is the built report model.
type Report struct {
	Title          string
	OrgName        string
	AssessmentID   int64
	AssessmentName string
	Status         string
	Started        time.Time
	Closed         *time.Time
	Generated      time.Time
	// Team is set on a team report.
	Team *TeamRef

	Summary Summary
	Roadmap []Phase
	// Planned is true when at least one recommendation of the roadmap has a
	// stored plan (owner, quarter, status or notes).
	Planned        bool
	Questionnaires []QuestionnaireSection
	Breakdown      []Breakdown
	Method         Method
	// Contradictions and Evidence: see delivery.go.
	Contradictions []ContradictionLine
	Evidence       []EvidenceLine
	// Withheld is set on the report of a withheld team of an anonymous
	// round ("not enough responses (3 of 5)"): the report shows nothing else.
	Withheld string
}

// TeamRef names the team of a team report.
type TeamRef struct {
	ID   int64
	Name string
}

// Summary is the executive summary.
type Summary struct {
	Overall []OverallLine
	// PreviousName names the round the changes compare with ("" if none).
	PreviousName string
	Gaps         []GapLine
	FirstSteps   []Rec
	Confidence   Confidence
	// Plan says in one sentence what the roadmap holds.
	Plan string
}

// OverallLine is one questionnaire's overall result.
type OverallLine struct {
	Questionnaire string
	Title         string
	Scale         string
	MaxLevel      int
	Level         *int
	LevelName     string
	// Meaning is the description of the level in the questionnaire.
	Meaning         string
	Score           *float64
	PercentToTarget *float64
	Change          *Change
	// Class is the CSS class of the level's colour (lvl-1..lvl-5, lvl-na).
	Class string
	// Computed is false when the questionnaire has no stored result yet.
	Computed bool
	scores   scoreScale
}

// Change is the difference with the previous round.
type Change struct {
	Level           int
	Score           float64
	PercentToTarget *float64
}

// GapLine is one dimension among the largest gaps.
type GapLine struct {
	Questionnaire      string
	QuestionnaireTitle string
	Dimension          string
	DimensionTitle     string
	Level              int
	LevelName          string
	Target             int
	Gap                int
	Weight             float64
	Weighted           float64
	Class              string // CSS class of the level's colour
}

// Confidence is how far the numbers can be trusted, with the figures it is
// built from.
type Confidence struct {
	// Rating is "high", "moderate" or "low".
	Rating        string
	Respondents   int
	Teams         int // participating teams
	Responding    int // teams with at least one submitted response
	NAShare       *float64
	Disagreements int
	// Paragraph is the plain-language paragraph of the summary.
	Paragraph string
}

// Phase is one phase of the roadmap.
type Phase struct {
	Key    string // recommend.PhaseNow, ...
	Title  string // Now, Next, Later
	Effort int
	// Capacity is the effort the phase holds; 0 for Later.
	Capacity int
	Items    []Rec
	// The plan's progress: items by state (no state counts as not started).
	Done, InProgress, NotStarted, WontDo int
}

// QuestionnaireSection holds the dimension sections of one questionnaire.
type QuestionnaireSection struct {
	Key        string
	Title      string
	Scale      string
	Computed   bool
	Dimensions []DimensionSection
	Measures   []MeasureLine // nps and number questions, when it has any
	Areas      []AreaLine    // when the questionnaire groups its dimensions into areas
}

// AreaLine is the result of one area (a group of dimensions): the
// organization's, or the team's on a team report.
type AreaLine struct {
	Title      string
	Dimensions string // the titles of its dimensions, joined
	Level      string // "2 Name" or "—"
	Score      string
	Class      string
}

// LevelInfo is one level with its name and description.
type LevelInfo struct {
	Level       int
	Name        string
	Description string
}

// DimensionSection is everything the report says about one dimension.
type DimensionSection struct {
	Questionnaire string
	Key           string
	Title         string
	Description   string
	Weight        float64
	Scale         string
	Levels        int // N, the top level of the scale
	scores        scoreScale
	Class         string // CSS class of the level's colour
	// Current is nil when the dimension has no level (nobody answered it).
	Current *LevelInfo
	Score   *float64
	Target  int
	Gap     *int
	// TargetLevel describes the target level.
	TargetLevel LevelInfo
	// Next is the level above the current one, nil at the top or without
	// a level.
	Next *LevelInfo
	// Previous and Change compare with the previous round (organization).
	Previous *scoring.Trend
	Change   *scoring.Trend

	Blocking []BlockingQuestion
	Spread   Spread

	Recommendations []Rec
	// Where is the sentence on the current level; NextText the one on the
	// next level; BlockingText introduces the blocking questions.
	Where        string
	NextText     string
	BlockingText string
}

// BlockingQuestion is a question that keeps the level down.
type BlockingQuestion struct {
	Key  string
	Text string
	// Teams is, on the organization's report, how many teams it blocks.
	Teams int
	// Level is, on a team report, the lowest answer's level, or under the
	// mean and samm methods the floor of the mean answer level (Mean).
	Level     int
	LevelName string
	Mean      bool
}

// Spread describes how far apart the teams (organization report) or the
// respondents (team report) are in one dimension.
type Spread struct {
	Distribution scoring.Distribution
	Teams        int // teams with a level
	// ByLevel counts the teams at each level 1..N (organization report).
	ByLevel []LevelCount
	// Disputed lists the teams whose respondents disagree (organization
	// report).
	Disputed []string
	// Respondents, RespondentSpread and Disagreement describe the team on a
	// team report; OrgLevel is the organization's level beside it.
	Respondents      int
	RespondentSpread *int
	Disagreement     bool
	OrgLevel         *int
	// Text says it in one or two sentences.
	Text string
}

// LevelCount is a number of teams at one level.
type LevelCount struct {
	Level int
	Name  string
	Teams int
}

// Breakdown is the table of teams × dimensions of one questionnaire.
type Breakdown struct {
	Questionnaire string
	Title         string
	Columns       []Column
	Rows          []BreakdownRow
	// Note says what an anonymous round's organization row leaves out or
	// merges, or is empty.
	Note string
}

// Column is one dimension of the breakdown.
type Column struct {
	Key    string
	Title  string
	Target int
}

// BreakdownRow is one team (or the organization) across the dimensions.
type BreakdownRow struct {
	Name         string
	TeamID       int64 // 0 on the organization's row
	Organization bool
	Respondents  int // -1: not known (the organization's row of a team report)
	Overall      *int
	OverallClass string
	Cells        []Cell
	Withheld     string // a withheld team: "not enough responses (3 of 5)" and nothing else
}

// Cell is one team's level and gap in one dimension.
type Cell struct {
	Level        *int
	Gap          *int
	Disagreement bool
	Class        string // CSS class of the level's colour
}

// Method documents how the numbers were computed.
type Method struct {
	Paragraphs     []string
	Questionnaires []MethodQuestionnaire
	DefaultTarget  int
	Capacity       int
	Generated      time.Time
}

// MethodQuestionnaire is one questionnaire version used by the round.
type MethodQuestionnaire struct {
	Key        string
	Title      string
	Version    string
	Hash       string
	Scale      string
	PassRatio  float64
	Levels     int
	FirstLevel int    // 1, or 0 for a scale numbered from 0
	Scoring    string // questionnaires.Scoring*
	// Where the questionnaire comes from, when it says so.
	Source, License, Attribution string
	Dimensions                   []MethodDimension
}

// MethodDimension is the weight and target of one dimension.
type MethodDimension struct {
	Key    string
	Title  string
	Weight float64
	Target int
}
