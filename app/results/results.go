// Package results computes, stores and loads the scored results of
// assessments: it feeds the stored answers to the pure scoring package and
// keeps one JSON snapshot per questionnaire, which dashboards, reports and
// exports read instead of recomputing.
package results

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gapmap/app/measures"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/questionnaires"
)

// Recompute scores every questionnaire of an assessment from the raw
// answers and stores the snapshots now, then does the same for the rounds
// that compare themselves with this one: the synchronous path of
// `gapmap rescore`, the demo and tests. It runs the same steps as the
// recompute job (refresh), which the server uses instead.
func Recompute(ctx context.Context, st *store.Store, orgID, assessmentID int64) error {
	var stored bool
	var err error
	// A change committed while scoring makes the write lose; it has
	// enqueued a job, and a few tries here usually win anyway.
	for try := 0; try < 3 && !stored; try++ {
		if stored, err = refresh(ctx, st, orgID, assessmentID, false); err != nil {
			return err
		}
	}
	later, err := st.LaterRounds(ctx, orgID, assessmentID)
	if err != nil {
		return err
	}
	for _, id := range later {
		if id > assessmentID {
			if err := Recompute(ctx, st, orgID, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// refresh recomputes one round outside any write transaction: it reads the
// data with the round's results revision, scores it with no transaction
// open, and stores the snapshots in a short transaction only if the
// revision is unchanged (otherwise it reports false, and the round's job
// runs again). refreshLater marks the rounds that compare themselves with
// this one stale in that transaction.
func refresh(ctx context.Context, st *store.Store, orgID, assessmentID int64, refreshLater bool) (bool, error) {
	data, rev, err := st.ReadScoringData(ctx, orgID, assessmentID)
	if err != nil {
		return false, fmt.Errorf("recompute assessment %d: %w", assessmentID, err)
	}
	rs, err := Compute(data)
	if err != nil {
		return false, fmt.Errorf("recompute assessment %d: %w", assessmentID, err)
	}
	// A submission while scoring makes this computation stale: stop before
	// encoding megabytes that the write would refuse (the job runs again).
	if outdated, err := st.Outdated(ctx, orgID, assessmentID, rev); outdated || err != nil {
		return false, err
	}
	snaps := make(map[string][]byte, len(rs))
	for _, r := range rs {
		js, err := json.Marshal(r)
		if err != nil {
			return false, fmt.Errorf("encode result: %w", err)
		}
		snaps[r.Key] = js
	}
	stored, err := st.WriteSnapshots(ctx, store.SnapshotWrite{
		OrgID: orgID, AssessmentID: assessmentID, Revision: rev, ScoringVersion: scoring.Version,
		Snapshots: snaps, RefreshLater: refreshLater,
	})
	if err != nil {
		return false, fmt.Errorf("recompute assessment %d: %w", assessmentID, err)
	}
	return stored, nil
}

// Compute scores the data of one assessment, one result per questionnaire
// in the round's order, without per-respondent results.
func Compute(d *store.ScoringData) ([]*scoring.Result, error) {
	overrides, err := store.DecodeTargets(d.Assessment)
	if err != nil {
		return nil, err
	}
	teams := make([]scoring.Team, len(d.Teams))
	for i, t := range d.Teams {
		teams[i] = scoring.Team{ID: t.ID, Name: t.Name}
	}
	out := make([]*scoring.Result, 0, len(d.Questionnaires))
	for _, rq := range d.Questionnaires {
		in := scoring.Input{
			Questionnaire: rq.Q,
			Teams:         teams,
			Responses:     responsesFor(rq.Key, d.Responses),
			Targets:       scoring.Targets{Default: d.Assessment.DefaultTarget, Overrides: TargetsFor(rq.Key, overrides)},
		}
		if js, ok := d.Previous[rq.Key]; ok {
			var prev scoring.Result
			if err := json.Unmarshal(js, &prev); err != nil {
				return nil, fmt.Errorf("previous result of %s: %w", rq.Key, err)
			}
			if prev.Key == rq.Key {
				in.Previous = &prev
				in.PreviousQuestionnaire = d.PreviousDefinitions[rq.Key]
			}
		}
		score := scoring.Score
		if d.Assessment.Anonymous() {
			score = func(in scoring.Input) (*scoring.Result, error) {
				return scoring.ScoreAnonymous(in, d.Assessment.MinGroup)
			}
		}
		r, err := score(in)
		if err != nil {
			return nil, fmt.Errorf("score %s: %w", rq.Key, err)
		}
		r.Respondents = nil // per-respondent results are never shown: keep snapshots small
		var keep func(int64) bool
		if w := r.Withholding; w != nil && w.Excluded {
			// The withheld teams are out of the organization's figures:
			// out of its measures too.
			keep = func(id int64) bool { t := r.Team(id); return t == nil || !t.Withheld }
		}
		AddMeasures(r, MeasureSamples(rq.Q, rq.Key, d.Responses), keep)
		out = append(out, r)
	}
	return out, nil
}

// MeasureSamples collects the answers to the nps and number questions of
// questionnaire q (key) from the submitted responses, by team.
func MeasureSamples(q *questionnaires.Questionnaire, key string, all []store.SubmittedResponse) *measures.Samples {
	s := measures.NewSamples(q)
	if len(s.Questions) == 0 {
		return s
	}
	for _, r := range all {
		for _, a := range r.Answers {
			if a.QuestionnaireKey == key && a.Number != nil && !a.NA {
				s.Add(r.TeamID, a.QuestionKey, *a.Number)
			}
		}
	}
	return s
}

// AddMeasures puts the statistics of the measured questions into a result:
// each team's on the team, the organization's over the teams that keep
// accepts (every team when keep is nil) on the result. A step that leaves
// teams out of a result (withholding) calls it again with a keep that
// refuses them, so the organization's figures never include them.
func AddMeasures(r *scoring.Result, s *measures.Samples, keep func(teamID int64) bool) {
	if len(s.Questions) == 0 {
		return
	}
	r.Measures = &measures.Summary{Questions: s.Questions, Organization: s.Organization(keep)}
	for i := range r.Teams {
		if !r.Teams[i].Withheld { // a withheld team carries nothing
			r.Teams[i].Measures = s.Team(r.Teams[i].ID)
		}
	}
}

// TargetsFor picks the overrides "<questionnaire>/<dimension>" of one
// questionnaire, keyed by dimension.
func TargetsFor(key string, overrides map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range overrides {
		if q, dim, ok := strings.Cut(k, "/"); ok && q == key {
			out[dim] = v
		}
	}
	return out
}

func responsesFor(key string, all []store.SubmittedResponse) []scoring.Response {
	out := make([]scoring.Response, len(all))
	for i, r := range all {
		answers := make([]scoring.Answer, 0, len(r.Answers))
		for _, a := range r.Answers {
			if a.QuestionnaireKey != key {
				continue
			}
			answers = append(answers, scoring.Answer{Question: a.QuestionKey, Option: a.OptionKey, Level: a.Level, Value: a.Value, NA: a.NA})
		}
		out[i] = scoring.Response{ID: r.ID, TeamID: r.TeamID, Answers: answers}
	}
	return out
}

// Round is the stored results of one assessment with the questionnaires
// they were computed from, in the round's order.
type Round struct {
	Questionnaires []*questionnaires.Questionnaire
	Results        []*scoring.Result // nil entries: not computed yet
}

// Load reads the stored snapshots of an assessment.
func Load(ctx context.Context, st *store.Store, orgID, assessmentID int64) (*Round, error) {
	rqs, err := st.PinnedQuestionnaires(ctx, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	snaps, err := st.Snapshots(ctx, orgID, assessmentID)
	if err != nil {
		return nil, err
	}
	r := &Round{}
	for _, rq := range rqs {
		r.Questionnaires = append(r.Questionnaires, rq.Q)
		var res *scoring.Result
		if js, ok := snaps[rq.Key]; ok {
			res = new(scoring.Result)
			if err := json.Unmarshal(js, res); err != nil {
				return nil, fmt.Errorf("stored result of %s: %w", rq.Key, err)
			}
		}
		r.Results = append(r.Results, res)
	}
	return r, nil
}

// ForTeam returns a copy of r that keeps only one team (teamID 0 keeps all)
// and drops per-respondent results.
func (r *Round) ForTeam(teamID int64) *Round {
	out := &Round{Questionnaires: r.Questionnaires}
	for _, res := range r.Results {
		if res == nil {
			out.Results = append(out.Results, nil)
			continue
		}
		c := *res
		c.Respondents = nil
		if teamID != 0 {
			c.Teams = nil
			for _, t := range res.Teams {
				if t.ID == teamID {
					c.Teams = append(c.Teams, t)
				}
			}
		}
		out.Results = append(out.Results, &c)
	}
	return out
}
