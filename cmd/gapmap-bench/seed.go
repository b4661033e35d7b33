package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// benchEmail and benchPassword log the harness in; the database is thrown away.
const (
	benchEmail    = "bench@gapmap.test"
	benchPassword = "bench-password-1234"
)

// orgSpec is one organization to seed: teams × respondents submitted
// responses in a round of both questionnaires (the "big" round), after a
// smaller round of the first smallTeams teams that becomes its previous
// round (none when smallTeams is 0), drafts half-answered draft
// invitations and fresh unanswered ones in the big round.
type orgSpec struct {
	name        string
	teams       int
	respondents int
	smallTeams  int
	drafts      int
	fresh       int
	// anonymous makes the big round anonymous (min_group 5): no labels,
	// submission times by day.
	anonymous bool
}

// round is one seeded assessment round.
type round struct {
	ID        int64
	Teams     int
	Responses int
	Answers   int // answers of submitted responses
	Tokens    []string
	Drafts    []string // tokens of half-answered draft responses
	Fresh     []string // tokens of draft responses without answers
}

// seededOrg is one seeded organization with its API token.
type seededOrg struct {
	OrgID    int64
	UserID   int64
	APIToken string
	Small    *round
	Big      *round
}

// seeder generates realistic answers reproducibly and stores them through
// gapmap's store.
type seeder struct {
	st  *store.Store
	qs  []*questionnaires.Questionnaire
	rng *rand.Rand
	at  time.Time
}

func newSeeder(st *store.Store, qs []*questionnaires.Questionnaire) *seeder {
	return &seeder{st: st, qs: qs, rng: rand.New(rand.NewPCG(2026, 9)), at: time.Now().UTC().Add(-24 * time.Hour)}
}

// seedOrg creates the organization, its owner (the same user for every
// organization), its teams and rounds, and stores the results snapshots.
func (sd *seeder) seedOrg(ctx context.Context, spec orgSpec) (*seededOrg, error) {
	org, err := sd.st.CreateOrg(ctx, spec.name, benchEmail, benchPassword)
	if err != nil {
		return nil, fmt.Errorf("create organization: %w", err)
	}
	user, err := sd.st.UserByEmail(ctx, benchEmail)
	if err != nil {
		return nil, err
	}
	token, _, err := sd.st.CreateToken(ctx, org.ID, user.ID, "bench")
	if err != nil {
		return nil, fmt.Errorf("create API token: %w", err)
	}
	names := make([]string, spec.teams)
	for i := range names {
		names[i] = fmt.Sprintf("Team %04d", i+1)
	}
	teams, err := sd.st.SeedTeams(ctx, org.ID, names)
	if err != nil {
		return nil, err
	}
	out := &seededOrg{OrgID: org.ID, UserID: user.ID, APIToken: token}
	if spec.smallTeams > 0 {
		if out.Small, err = sd.seedRound(ctx, org.ID, "Previous quarter", teams[:min(spec.smallTeams, len(teams))], spec.respondents, 0, 0, false); err != nil {
			return nil, err
		}
	}
	if out.Big, err = sd.seedRound(ctx, org.ID, "This quarter", teams, spec.respondents, spec.drafts, spec.fresh, spec.anonymous); err != nil {
		return nil, err
	}
	return out, nil
}

// seedRound creates a round of both questionnaires for the teams, fills it
// with submitted responses (and drafts half answered, and fresh drafts
// without answers) and computes its results. An anonymous round (min_group
// 5) gets no labels and submission times by day.
func (sd *seeder) seedRound(ctx context.Context, orgID int64, name string, teams []models.Team, respondents, drafts, fresh int, anonymous bool) (*round, error) {
	ids := make([]int64, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	choices := make([]store.QuestionnaireChoice, len(sd.qs))
	for i, q := range sd.qs {
		choices[i] = store.QuestionnaireChoice{Q: q}
	}
	in := store.AssessmentInput{Name: name, Questionnaires: choices, TeamIDs: ids}
	label := func(kind string, n int) string { return fmt.Sprintf("%s %d", kind, n) }
	day := time.Second
	if anonymous {
		in.Anonymity, in.MinGroup = models.AnonymityAnonymous, 5
		label = func(string, int) string { return "" }
		day = 24 * time.Hour
	}
	a, err := sd.st.CreateAssessment(ctx, orgID, in)
	if err != nil {
		return nil, fmt.Errorf("create round: %w", err)
	}
	r := &round{ID: a.ID, Teams: len(teams)}
	// Chunks of about 500 responses: large transactions, bounded memory.
	chunkTeams := max(1, 500/max(1, respondents))
	for lo := 0; lo < len(teams); lo += chunkTeams {
		hi := min(lo+chunkTeams, len(teams))
		var rs []store.SeedResponse
		for _, t := range teams[lo:hi] {
			base := 1.5 + sd.rng.Float64()*2.5
			for k := 0; k < respondents; k++ {
				ans := sd.answers(base, 1)
				r.Answers += len(ans)
				rs = append(rs, store.SeedResponse{TeamID: t.ID, Label: label("respondent", k+1), Submitted: true,
					SubmittedAt: sd.at.Add(time.Duration(sd.rng.IntN(3600)) * time.Second).Truncate(day), Answers: ans})
			}
		}
		toks, err := sd.st.SeedResponses(ctx, orgID, a.ID, rs)
		if err != nil {
			return nil, err
		}
		r.Tokens = append(r.Tokens, toks...)
		r.Responses += len(rs)
	}
	var rs []store.SeedResponse
	for i := 0; i < drafts; i++ {
		t := teams[i%len(teams)]
		rs = append(rs, store.SeedResponse{TeamID: t.ID, Label: label("draft", i+1), Answers: sd.answers(2.5, 0.5)})
	}
	if r.Drafts, err = sd.st.SeedResponses(ctx, orgID, a.ID, rs); err != nil {
		return nil, err
	}
	rs = rs[:0]
	for i := 0; i < fresh; i++ {
		t := teams[(i*7)%len(teams)]
		rs = append(rs, store.SeedResponse{TeamID: t.ID, Label: label("fresh", i+1)})
	}
	if r.Fresh, err = sd.st.SeedResponses(ctx, orgID, a.ID, rs); err != nil {
		return nil, err
	}
	if err := results.Recompute(ctx, sd.st, orgID, a.ID); err != nil {
		return nil, err
	}
	return r, nil
}

// answers answers a share of every question of both questionnaires around a
// team's base level, with some N/A and some comments.
func (sd *seeder) answers(base, share float64) []store.SeedAnswer {
	var out []store.SeedAnswer
	for _, q := range sd.qs {
		n := len(q.Levels)
		for _, d := range q.Dimensions {
			offset := sd.rng.NormFloat64() * 0.5
			for _, qu := range d.Questions {
				if share < 1 && sd.rng.Float64() >= share {
					continue
				}
				a := store.SeedAnswer{Questionnaire: q.Key, Question: qu.Key}
				if sd.rng.IntN(100) < 5 {
					a.Comment = "Checked against the last two quarters of incident reviews and the team's runbook."
				}
				if sd.rng.IntN(100) < 3 {
					a.NA = true
					out = append(out, a)
					continue
				}
				v := int(base + offset + sd.rng.NormFloat64()*0.7 + 0.5)
				if q.Scale == questionnaires.ScaleLikert {
					v = min(max(v+1, 1), 5)
					a.Value = &v
				} else {
					v = min(max(v, 1), n)
					for _, opt := range qu.Options {
						if opt.Level == v {
							key, level := opt.Key, opt.Level
							a.Option, a.Level = &key, &level
						}
					}
				}
				out = append(out, a)
			}
		}
	}
	return out
}

// benchKeys are the questionnaires the benchmark's rounds use: the two
// maturity models, as in every earlier run, so figures stay comparable
// (developer-experience, shipped later, is left out).
var benchKeys = []string{"cncf-platform-maturity", "gartner-platform-axes"}

// benchQuestionnaires returns the shipped questionnaires of benchKeys.
func benchQuestionnaires() ([]*questionnaires.Questionnaire, error) {
	all, err := questionnaires.Shipped()
	if err != nil {
		return nil, fmt.Errorf("load questionnaires: %w", err)
	}
	var out []*questionnaires.Questionnaire
	for _, q := range all {
		if slices.Contains(benchKeys, q.Key) {
			out = append(out, q)
		}
	}
	if len(out) != len(benchKeys) {
		return nil, fmt.Errorf("load questionnaires: want %v, found %d of them", benchKeys, len(out))
	}
	return out, nil
}
