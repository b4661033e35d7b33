package models

import "time"

// Assessment statuses.
const (
	AssessmentOpen   = "open"
	AssessmentClosed = "closed"
)

// Response statuses.
const (
	ResponseDraft     = "draft"
	ResponseSubmitted = "submitted"
)

// QuestionnaireVersion is one exact content of a questionnaire. Shipped
// questionnaires have no OrgID; uploads belong to one org. Definition is the
// parsed questionnaire as JSON, Source the YAML it came from.
type QuestionnaireVersion struct {
	ID         int64 `gorm:"primaryKey"`
	OrgID      *int64
	Key        string
	Version    string
	Seq        int
	Hash       string
	Title      string
	Source     string
	Definition string
	CreatedAt  time.Time
}

// Assessment is one round of an org's maturity assessment.
type Assessment struct {
	ID            int64 `gorm:"primaryKey"`
	OrgID         int64
	Name          string
	Status        string
	Due           *time.Time
	DefaultTarget int
	Targets       string // JSON object "<questionnaire>/<dimension>" -> level
	Capacity      int
	Anonymity     string // AnonymityNamed or AnonymityAnonymous
	MinGroup      int    // anonymous rounds: fewest submitted responses a team's results are shown with
	ReminderDays  string // JSON list of the days before Due on which reminders go out; "" for none
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ClosedAt      *time.Time
}

// Anonymity modes of a round.
const (
	AnonymityNamed     = "named"
	AnonymityAnonymous = "anonymous"
)

// Anonymous reports whether the round keeps its respondents anonymous.
func (a *Assessment) Anonymous() bool { return a.Anonymity == AnonymityAnonymous }

// Day truncates a time to its UTC day: the only precision an anonymous
// round keeps of its respondents' times.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// AssessmentQuestionnaire pins one questionnaire version to an assessment.
type AssessmentQuestionnaire struct {
	AssessmentID         int64  `gorm:"primaryKey"`
	QuestionnaireKey     string `gorm:"primaryKey"`
	Position             int
	VersionID            int64
	PreviousAssessmentID *int64
}

// AssessmentTeam is a team taking part in an assessment.
type AssessmentTeam struct {
	AssessmentID int64 `gorm:"primaryKey"`
	TeamID       int64 `gorm:"primaryKey"`
}

// Invitation is one respondent's link into one assessment for one team.
type Invitation struct {
	ID           int64 `gorm:"primaryKey"`
	OrgID        int64
	AssessmentID int64
	TeamID       int64
	Label        string
	TokenHash    string
	CreatedBy    *int64
	OpenLinkID   *int64 // the open link the respondent joined through, if any
	CreatedAt    time.Time
	RevokedAt    *time.Time
}

// OpenLink is one link a team shares, from which every visitor starts a
// response of their own; Joined counts the responses started from it.
type OpenLink struct {
	ID           int64 `gorm:"primaryKey"`
	OrgID        int64
	AssessmentID int64
	TeamID       int64
	TokenHash    string
	MaxResponses *int
	Joined       int
	CreatedBy    *int64
	CreatedAt    time.Time
	RevokedAt    *time.Time
}

// Response is a respondent's set of answers to every questionnaire of an
// assessment; Revision grows with every saved answer.
type Response struct {
	ID           int64 `gorm:"primaryKey"`
	OrgID        int64
	AssessmentID int64
	InvitationID int64
	TeamID       int64
	Status       string
	Revision     int64
	Page         string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SubmittedAt  *time.Time
}

// Answer is one answer of a response. Exactly one of OptionKey (level
// scale), Value (likert), Number (nps and number questions), Text (text
// questions) or NA is set; Level caches the option's level. EvidenceURL
// and EvidenceNote are the respondent's evidence ("" when none).
type Answer struct {
	ResponseID       int64  `gorm:"primaryKey"`
	QuestionnaireKey string `gorm:"primaryKey"`
	QuestionKey      string `gorm:"primaryKey"`
	OptionKey        *string
	Level            *int
	Value            *int
	NA               bool `gorm:"column:na"`
	Number           *float64
	Text             *string
	Comment          string
	EvidenceURL      string
	EvidenceNote     string
	Revision         int64
	UpdatedAt        time.Time
}

// ResultSnapshot stores the computed results of one questionnaire of an
// assessment as JSON, so pages never recompute scores.
type ResultSnapshot struct {
	AssessmentID     int64  `gorm:"primaryKey"`
	QuestionnaireKey string `gorm:"primaryKey"`
	OrgID            int64
	Data             string
	ComputedAt       time.Time
}

// PlanItem is the planning state of one recommendation (from the roadmap
// workbook or the UI). TeamID 0 is the organization's plan.
type PlanItem struct {
	AssessmentID      int64  `gorm:"primaryKey"`
	TeamID            int64  `gorm:"primaryKey"`
	QuestionnaireKey  string `gorm:"primaryKey"`
	RecommendationKey string `gorm:"primaryKey"`
	OrgID             int64
	Owner             string
	Quarter           string
	Status            string
	Notes             string
	UpdatedAt         time.Time
}
