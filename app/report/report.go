// Package report builds the assessment report, the document a platform
// leader sends to their CTO, from the stored results of a round, its
// questionnaires and its recommendations, and writes it as Markdown.
//
// It is pure: Build turns an Input into a Report model (no HTTP, no
// database, no clock), and the renderers only lay that model out. Every
// sentence of the report is plain text in the model; the Markdown renderer
// escapes it and the HTML templates let html/template do so.
//
// The report has, in order: an executive summary (the overall level of each
// questionnaire with the meaning of that level, the percent to target, the
// change since the previous round, the five largest gaps, the five first
// recommendations and a paragraph on confidence), the roadmap by phase (with
// the progress of the stored plan, when the roadmap workbook was imported),
// one section per dimension, the team breakdown and the method.
//
// Readings of the rules that the issue leaves open:
//   - The largest gaps are ranked by gap × dimension weight, highest first;
//     ties keep the order of the questionnaires in the round, then the order
//     of the dimensions in the questionnaire. Dimensions without a gap are
//     left out, so the list may hold fewer than five.
//   - The first recommendations are the first five by rank.
//   - Respondents are the submitted responses (one response covers every
//     questionnaire of the round); coverage is the share of participating
//     teams with at least one submitted response.
//   - The disagreement count is the number of (team, dimension) pairs whose
//     respondents are two or more levels apart.
//   - A team report shows the team's levels, gaps, blocking questions and
//     spread between its respondents, with the organization's level beside
//     them; its recommendations are the team's own roadmap.
package report

import (
	"errors"
	"fmt"
	"time"

	"gapmap/app/recommend"
	"gapmap/app/scoring"
	"gapmap/models"
	"gapmap/questionnaires"
)

// Input is everything a report is built from.
type Input struct {
	OrgName    string
	Assessment models.Assessment
	// Team selects a team report; nil is the organization's report.
	Team *scoring.Team
	// Questionnaires and Results are aligned: Results[i] is the stored
	// result of Questionnaires[i], nil when it has not been computed.
	Questionnaires []*questionnaires.Questionnaire
	Results        []*scoring.Result
	// Previous is aligned with Results: the previous round's result of the
	// same questionnaire, or nil. PreviousName names that round.
	Previous     []*scoring.Result
	PreviousName string
	// Evidence is the evidence respondents linked to their answers (the
	// report's team only, in a team report); the results' teams carry their
	// contradictions. Both are shown after the summary when there are any.
	Evidence []Evidence
	// Recommendations is the roadmap, in rank order (recommend.Build).
	Recommendations []recommend.Item
	// Capacity is the effort one phase holds (recommend.DefaultCapacity when
	// zero).
	Capacity int
	// Answers is aligned with Questionnaires and optional: how many answers
	// were given and how many of them were N/A.
	Answers []AnswerCount
	// Plan is the stored planning state of the recommendations (from the
	// roadmap workbook); optional.
	Plan map[recommend.PlanKey]recommend.Plan
	// Generated is the date printed on the report.
	Generated time.Time
}

// AnswerCount counts the submitted answers of one questionnaire.
type AnswerCount struct {
	Total int
	NA    int
}

// Build builds the report model. It fails only on inconsistent input.
func Build(in Input) (*Report, error) {
	if len(in.Results) != len(in.Questionnaires) {
		return nil, fmt.Errorf("build report: %d results for %d questionnaires", len(in.Results), len(in.Questionnaires))
	}
	if in.Previous != nil && len(in.Previous) != len(in.Questionnaires) {
		return nil, fmt.Errorf("build report: %d previous results for %d questionnaires", len(in.Previous), len(in.Questionnaires))
	}
	if in.Answers != nil && len(in.Answers) != len(in.Questionnaires) {
		return nil, fmt.Errorf("build report: %d answer counts for %d questionnaires", len(in.Answers), len(in.Questionnaires))
	}
	for i, q := range in.Questionnaires {
		if q == nil {
			return nil, errors.New("build report: nil questionnaire")
		}
		if r := in.Results[i]; r != nil && r.Key != q.Key {
			return nil, fmt.Errorf("build report: result %q does not belong to questionnaire %q", r.Key, q.Key)
		}
	}
	if in.Capacity <= 0 {
		in.Capacity = recommend.DefaultCapacity
	}
	b := &builder{in: in}
	return b.build(), nil
}
