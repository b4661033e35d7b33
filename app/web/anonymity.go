package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"

	"gapmap/app/apperr"
	"gapmap/app/export"
	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/app/wording"
	"gapmap/models"
)

// anonymityJSON is a round's anonymity in the API: {"mode":"named"} or
// {"mode":"anonymous","min_group":5}.
type anonymityJSON struct {
	Mode     string `json:"mode"`
	MinGroup int    `json:"min_group,omitempty"`
}

func anonymityOf(a *models.Assessment) anonymityJSON {
	if !a.Anonymous() {
		return anonymityJSON{Mode: models.AnonymityNamed}
	}
	return anonymityJSON{Mode: models.AnonymityAnonymous, MinGroup: a.MinGroup}
}

// formAnonymity reads the anonymity fields of the new-round form.
func formAnonymity(mode, minGroup string) (*anonymityJSON, error) {
	if mode == "" {
		return nil, nil
	}
	out := &anonymityJSON{Mode: mode}
	if mode == models.AnonymityAnonymous && minGroup != "" {
		n, err := strconv.Atoi(minGroup)
		if err != nil {
			return nil, apperr.Field("anonymity", "The minimum group size must be a whole number from %d to %d.", store.MinMinGroup, store.MaxMinGroup)
		}
		out.MinGroup = n
	}
	return out, nil
}

// anonymityWords says in plain words what a round's mode means, for the
// round page and the survey introduction.
func anonymityWords(anonymity string, minGroup int) string {
	if anonymity != models.AnonymityAnonymous {
		return "This round is named: the people who run it see each link's label, whether it has been answered, and the answers and comments given through it."
	}
	return fmt.Sprintf("This round is anonymous. No name, label, IP address or browser details are stored with a response, and its times are kept by day only. "+
		"A team's results appear only once at least %d people of the team have submitted; until then the team shows “not enough responses”. "+
		"Comments are shown without saying who wrote them, in an order that has nothing to do with when they were written.", minGroup)
}

// responseRate is a team's submitted responses against its headcount, or
// "" when the headcount is not known.
func responseRate(submitted int, size *int) string {
	if size == nil || *size <= 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d people (%d%%)", submitted, *size, models.Percent(submitted, *size))
}

// rawDecision applies the withholding rule to a round's current submitted
// responses, for the views that read raw answers (exports, comments)
// rather than the stored results. Named rounds withhold nothing.
func (s *Server) rawDecision(ctx context.Context, a *store.AssessmentInfo) (scoring.Decision, error) {
	if !a.Anonymous() {
		return scoring.Decide(0, nil, nil), nil
	}
	counts, err := s.store.SubmittedCounts(ctx, a.OrgID, a.ID)
	if err != nil {
		return scoring.Decision{}, err
	}
	return scoring.Decide(a.MinGroup, a.TeamIDs(), counts), nil
}

// responseSource streams a round's answers to an export. In an anonymous
// round, a withheld team is one line "not enough responses (n of m)";
// the other responses come in a random order per export under respondent
// ids drawn at random per export, with no label and the day of submission.
func (s *Server) responseSource(ctx context.Context, a *store.AssessmentInfo, teamID int64) export.ResponseSource {
	if !a.Anonymous() {
		return s.namedResponseSource(ctx, a.OrgID, a.ID, teamID)
	}
	return func(emit func(*export.ResponseRow) error) error {
		d, err := s.rawDecision(ctx, a)
		if err != nil {
			return err
		}
		withheld := map[string]bool{}
		for _, t := range a.Teams {
			n, ok := d.Withheld[t.ID]
			if !ok || (teamID != 0 && t.ID != teamID) {
				continue
			}
			withheld[t.Name] = true
			if err := emit(&export.ResponseRow{TeamName: t.Name, Withheld: wording.NotEnough(n, a.MinGroup)}); err != nil {
				return err
			}
		}
		sh := &store.Shuffle{Mul: 1 + rand.Int64N(store.ShufflePrime-1), Add: rand.Int64N(store.ShufflePrime)}
		ids := map[int64]int64{}
		used := map[int64]bool{}
		var row export.ResponseRow
		return s.store.StreamResponsesShuffled(ctx, a.OrgID, a.ID, teamID, sh, func(r *store.ExportRow) error {
			if withheld[r.TeamName] {
				return nil
			}
			id, ok := ids[r.ResponseID]
			for !ok || id == 0 {
				id = 100000000 + rand.Int64N(900000000)
				ok = !used[id]
			}
			ids[r.ResponseID], used[id] = id, true
			row = export.ResponseRow{
				TeamName: r.TeamName, ResponseID: id, SubmittedAt: models.Day(r.SubmittedAt), DayOnly: true,
				Questionnaire: r.QuestionnaireKey, Question: r.QuestionKey, Option: r.OptionKey,
				Level: r.Level, Value: r.Value, NA: r.NA, Comment: r.Comment,
			}
			return emit(&row)
		})
	}
}

// anonymousComments drops the comments of withheld teams and shuffles the
// others, so that their order says nothing about when they were written.
// It returns the withheld teams' notes, by team name.
func anonymousComments(teams []models.Team, minGroup int, teamID int64, d scoring.Decision, rows []store.CommentRow) ([]store.CommentRow, []string) {
	kept := rows[:0:0]
	for _, r := range rows {
		if !d.IsWithheld(r.TeamID) {
			kept = append(kept, r)
		}
	}
	rand.Shuffle(len(kept), func(i, j int) { kept[i], kept[j] = kept[j], kept[i] })
	var notes []string
	for _, t := range teams {
		if n, ok := d.Withheld[t.ID]; ok && (teamID == 0 || teamID == t.ID) {
			notes = append(notes, t.Name+": "+wording.NotEnough(n, minGroup))
		}
	}
	return kept, notes
}

// withheldText is the note for a withheld team of a stored result.
func withheldText(res *scoring.Result, t *scoring.TeamResult) string {
	if t == nil || !t.Withheld || res == nil || res.Withholding == nil {
		return ""
	}
	return wording.NotEnough(t.Respondents, res.Withholding.MinGroup)
}

// orgNote says what the organization's figures of a stored result leave
// out, or "".
func orgNote(res *scoring.Result) string {
	if res == nil || res.Withholding == nil {
		return ""
	}
	w := res.Withholding
	return wording.OrgWithout(w.Teams, w.Respondents, w.MinGroup, w.Excluded)
}

// dashboardTeam is a team of the round's dashboard: its response rate
// against its headcount and, when withheld, its note.
type dashboardTeam struct {
	ID         int64
	Name       string
	Rate, Note string
}

// dashboardTeams lists a round's teams with their response rates (from the
// responses submitted now) and the withheld notes of the stored results.
func (s *Server) dashboardTeams(ctx context.Context, a *store.AssessmentInfo, round *results.Round) ([]dashboardTeam, error) {
	counts, err := s.store.SubmittedCounts(ctx, a.OrgID, a.ID)
	if err != nil {
		return nil, err
	}
	out := make([]dashboardTeam, 0, len(a.Teams))
	for _, t := range a.Teams {
		dt := dashboardTeam{ID: t.ID, Name: t.Name, Rate: responseRate(counts[t.ID], t.Size)}
		for _, r := range round.Results {
			if note := withheldText(r, r.Team(t.ID)); note != "" {
				dt.Note = note
				break
			}
		}
		out = append(out, dt)
	}
	return out, nil
}
