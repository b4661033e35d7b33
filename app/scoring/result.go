package scoring

import (
	"gapmap/app/measures"
	"gapmap/questionnaires"
)

// Answer is one answer of a response.
type Answer struct {
	Question string // question key
	Option   string // level scale: the chosen option's key; value-based methods read its value
	Level    int    // level scale: the level of the chosen option, 1..N
	Value    int    // likert scale: 1 (strongly disagree) .. 5 (strongly agree), before reverse scoring
	NA       bool   // not applicable: the answer is left out of every rule
}

// Response is one submitted response.
type Response struct {
	ID      int64
	TeamID  int64
	Answers []Answer
}

// Team is one participating team.
type Team struct {
	ID   int64
	Name string
}

// Targets holds the target level of each dimension: Overrides by dimension
// key, else Default.
type Targets struct {
	Default   int
	Overrides map[string]int
}

// Input is everything Score needs for one questionnaire of one round.
type Input struct {
	Questionnaire *questionnaires.Questionnaire
	Teams         []Team     // participating teams in display order; teams without responses get null levels
	Responses     []Response // submitted responses only
	Targets       Targets
	Previous      *Result // the previous round's result for the same questionnaire, or nil
	// PreviousQuestionnaire is the definition Previous was computed from,
	// or nil when unknown; it lets the trend say which dimensions changed.
	PreviousQuestionnaire *questionnaires.Questionnaire
}

// Result is the scored state of one questionnaire in one round. It is stored
// as a JSON snapshot and served as-is by the results API.
type Result struct {
	Key         string             `json:"key"`
	Version     string             `json:"version"`
	Title       string             `json:"title"`
	Overall     Overall            `json:"overall"`
	Dimensions  []DimensionResult  `json:"dimensions"`
	Areas       []AreaResult       `json:"areas,omitempty"` // absent when the questionnaire has no areas
	Teams       []TeamResult       `json:"teams"`
	Respondents []RespondentResult `json:"respondents,omitempty"`
	// Measures holds the nps and number questions' statistics. Score never
	// sets it: app/results adds it beside the scores (nil without such
	// questions, and then absent from the JSON).
	Measures    *measures.Summary `json:"measures,omitempty"`
	Withholding *Withholding      `json:"withholding,omitempty"` // anonymous rounds only
}

// Overall is the weighted summary over dimensions; every field is null when
// no dimension has a level.
type Overall struct {
	Level           *int     `json:"level"`
	LevelName       *string  `json:"level_name"`
	Score           *float64 `json:"score"`
	PercentToTarget *float64 `json:"percent_to_target"`
}

// DimensionResult is the organization's result in one dimension.
type DimensionResult struct {
	Key          string        `json:"key"`
	Title        string        `json:"title"`
	Weight       float64       `json:"weight"`
	Level        *int          `json:"level"`
	LevelName    *string       `json:"level_name"`
	Score        *float64      `json:"score"`
	Target       int           `json:"target"`
	Gap          *int          `json:"gap"`
	Teams        int           `json:"teams"` // teams with a level in this dimension
	Distribution Distribution  `json:"distribution"`
	Blocking     []OrgBlocking `json:"blocking"`
	Previous     *Trend        `json:"previous"`
	Change       *Trend        `json:"change"`
}

// AreaResult is the result of one area (a group of dimensions) for the
// organization or a team.
type AreaResult struct {
	Key        string   `json:"key"`
	Title      string   `json:"title"`
	Dimensions []string `json:"dimensions"`
	Level      *int     `json:"level"`
	LevelName  *string  `json:"level_name"`
	Score      *float64 `json:"score"`
}

// Distribution summarizes the team levels of one dimension by nearest rank.
type Distribution struct {
	Min    *int `json:"min"`
	P25    *int `json:"p25"`
	Median *int `json:"median"`
	P75    *int `json:"p75"`
	Max    *int `json:"max"`
}

// OrgBlocking is a question that blocks Teams teams from their next level.
type OrgBlocking struct {
	Question string `json:"question"`
	Teams    int    `json:"teams"`
}

// Trend is a level and score pair: the previous round's values, or the
// change from them.
type Trend struct {
	Level int     `json:"level"`
	Score float64 `json:"score"`
	// DefinitionChanged (previous block only): the dimension's scored
	// questions or weights differ between the two rounds' questionnaire
	// versions, so the two figures do not measure the same thing.
	DefinitionChanged bool `json:"definition_changed,omitempty"`
}

// TeamResult is one team's result.
type TeamResult struct {
	ID          int64           `json:"id"`
	Name        string          `json:"name"`
	Respondents int             `json:"respondents"` // submitted responses, N/A-only ones included
	Overall     Overall         `json:"overall"`
	Dimensions  []TeamDimension `json:"dimensions"`
	Areas       []AreaResult    `json:"areas,omitempty"`
	// Measures is the team's statistics of the nps and number questions, in
	// the order of Result.Measures.Questions (set by app/results).
	Measures []measures.Measure `json:"measures,omitempty"`
	// Withheld marks a team of an anonymous round with too few responses:
	// it carries its id, name and count of responses, and nothing else
	// (see ScoreAnonymous and MarshalJSON).
	Withheld bool `json:"withheld,omitempty"`
	// Contradictions are the team's answers that its measured delivery
	// contradicts. Score never sets them and snapshots never hold them:
	// the web layer adds them when it serves results (see Contradictions).
	Contradictions []Contradiction `json:"contradictions,omitempty"`
}

// TeamDimension is one team's result in one dimension.
type TeamDimension struct {
	Key          string         `json:"key"`
	Level        *int           `json:"level"`
	Score        *float64       `json:"score"`
	Target       int            `json:"target"`
	Gap          *int           `json:"gap"`
	Respondents  int            `json:"respondents"` // respondents with a level in this dimension
	Spread       *int           `json:"spread"`
	Disagreement *bool          `json:"disagreement"`
	Blocking     []TeamBlocking `json:"blocking"`
}

// TeamBlocking is a question that keeps the team from its next level; Level
// is the lowest answer below it (gated, activities) or the floor of the
// mean answer level (mean, samm): see the package documentation.
type TeamBlocking struct {
	Question string `json:"question"`
	Level    int    `json:"level"`
}

// RespondentResult is the result of one response.
type RespondentResult struct {
	ResponseID int64                 `json:"response_id"`
	TeamID     int64                 `json:"team_id"`
	Overall    Overall               `json:"overall"`
	Dimensions []RespondentDimension `json:"dimensions"`
}

// RespondentDimension is one response's result in one dimension.
type RespondentDimension struct {
	Key   string   `json:"key"`
	Level *int     `json:"level"`
	Score *float64 `json:"score"`
}

// Dimension returns the organization's result in the dimension key, or nil
// (also for a nil result).
func (r *Result) Dimension(key string) *DimensionResult {
	if r == nil {
		return nil
	}
	for i := range r.Dimensions {
		if r.Dimensions[i].Key == key {
			return &r.Dimensions[i]
		}
	}
	return nil
}

// Dimension returns the team's result in the dimension key, or nil (also
// for a nil team).
func (t *TeamResult) Dimension(key string) *TeamDimension {
	if t == nil {
		return nil
	}
	for i := range t.Dimensions {
		if t.Dimensions[i].Key == key {
			return &t.Dimensions[i]
		}
	}
	return nil
}

// Team returns the result of the team id, or nil (also for a nil result).
func (r *Result) Team(id int64) *TeamResult {
	if r == nil {
		return nil
	}
	for i := range r.Teams {
		if r.Teams[i].ID == id {
			return &r.Teams[i]
		}
	}
	return nil
}
