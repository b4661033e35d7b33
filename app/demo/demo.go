// Package demo seeds a demonstration organization: eight teams, three
// quarterly rounds of every shipped questionnaire with two to four
// respondents per team, and answers that tell a plausible story (most teams
// between Operational and Scalable and improving each quarter, one team far
// ahead, one team whose respondents disagree on one dimension). It writes
// only through app/store and scores through app/results, and running it
// again changes nothing.
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// The demo organization and its owner's login.
const (
	OrgName  = "Demo Platform Org"
	Email    = "demo@gapmap.example"
	Password = "gapmap-demo-2026"
)

// Credentials say how to log in to the demo organization.
type Credentials struct {
	Email    string
	Password string
	OrgID    int64
	Created  bool // false when the organization already existed
}

// team is one demo team: its skill (an answer level it tends to give in the
// first round), its gain per quarter, and its number of respondents.
type team struct {
	name        string
	skill       float64
	gain        float64
	respondents int
}

// demoTeams: most between Operational (2) and Scalable (3); Payments far ahead.
func demoTeams() []team {
	return []team{
		{"Checkout", 2.7, 0.30, 3},
		{"Payments", 4.4, 0.25, 4},
		{"Search", 2.4, 0.35, 2},
		{"Mobile Apps", 2.8, 0.30, 3},
		{"Data Platform", 3.0, 0.30, 4},
		{"Identity", 2.5, 0.40, 2},
		{"Logistics", 2.2, 0.35, 3},
		{"Support Tools", 2.9, 0.25, 2},
	}
}

// disputedTeam is the team whose respondents disagree in one dimension of
// each questionnaire.
const disputedTeam = "Mobile Apps"

// disputedDim returns that dimension of a questionnaire.
func disputedDim(questionnaire string) string {
	switch questionnaire {
	case "cncf-platform-maturity":
		return "operations"
	case "gartner-platform-axes":
		return "governance-integration"
	}
	return ""
}

// dimOffset makes some dimensions stronger or weaker across the board.
func dimOffset(dim string) float64 {
	switch dim {
	case "investment", "developer-experience":
		return 0.2
	case "adoption", "ecosystem-breadth":
		return 0.1
	case "operations":
		return 0.4
	case "interfaces":
		return -0.2
	case "governance-integration":
		return -0.3
	case "governance":
		return -0.4
	case "product-management":
		return -0.5
	case "measurement":
		return -0.6
	case "platform-as-product":
		return -0.1
	}
	return 0
}

// rounds is how many quarterly rounds the demo holds.
const rounds = 3

// Seed creates the demo organization unless it exists, and completes what
// an interrupted earlier run left out. shipped are the questionnaires each
// round uses.
func Seed(ctx context.Context, st *store.Store, shipped []*questionnaires.Questionnaire) (Credentials, error) {
	cred := Credentials{Email: Email, Password: Password}
	if len(shipped) == 0 {
		return cred, fmt.Errorf("demo: no questionnaires to use")
	}
	orgID, created, err := ensureOrg(ctx, st)
	if err != nil {
		return cred, err
	}
	cred.OrgID, cred.Created = orgID, created
	teamIDs, err := ensureTeams(ctx, st, orgID)
	if err != nil {
		return cred, err
	}
	existing, err := st.Assessments(ctx, orgID)
	if err != nil {
		return cred, fmt.Errorf("demo: %w", err)
	}
	byName := map[string]store.AssessmentSummary{}
	for _, a := range existing {
		byName[a.Name] = a
	}
	now := time.Now().UTC()
	for r := 0; r < rounds; r++ {
		q := quarterStart(now, r-(rounds-1))
		name := fmt.Sprintf("%d Q%d", q.Year(), (int(q.Month())-1)/3+1)
		if err := seedRound(ctx, st, orgID, name, q, r, byName, teamIDs, shipped); err != nil {
			return cred, fmt.Errorf("demo round %s: %w", name, err)
		}
	}
	return cred, nil
}

// ensureOrg finds the demo organization of the demo user or creates both.
func ensureOrg(ctx context.Context, st *store.Store) (int64, bool, error) {
	u, err := st.UserByEmail(ctx, Email)
	switch {
	case apperr.Code(err) == apperr.ENotFound:
	case err != nil:
		return 0, false, fmt.Errorf("demo: %w", err)
	default:
		ms, err := st.Memberships(ctx, u.ID)
		if err != nil {
			return 0, false, fmt.Errorf("demo: %w", err)
		}
		for _, m := range ms {
			if m.OrgName == OrgName {
				return m.OrgID, false, nil
			}
		}
	}
	org, err := st.CreateOrg(ctx, OrgName, Email, Password)
	if err != nil {
		return 0, false, fmt.Errorf("demo: create organization: %w", err)
	}
	return org.ID, true, nil
}

// ensureTeams creates the missing demo teams and returns every team id by name.
func ensureTeams(ctx context.Context, st *store.Store, orgID int64) (map[string]int64, error) {
	have, err := st.Teams(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	ids := map[string]int64{}
	for _, t := range have {
		ids[t.Name] = t.ID
	}
	var missing []string
	for _, t := range demoTeams() {
		if _, ok := ids[t.name]; !ok {
			missing = append(missing, t.name)
		}
	}
	made, err := st.SeedTeams(ctx, orgID, missing)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	for _, t := range made {
		ids[t.Name] = t.ID
	}
	return ids, nil
}

// seedRound creates one round with its responses, scores it and closes it
// unless it is the latest; parts that exist already are kept.
func seedRound(ctx context.Context, st *store.Store, orgID int64, name string, start time.Time, r int,
	existing map[string]store.AssessmentSummary, teamIDs map[string]int64, shipped []*questionnaires.Questionnaire) error {
	var aid int64
	answered := false
	if a, ok := existing[name]; ok {
		aid, answered = a.ID, a.Progress.Invitations > 0
	} else {
		due := start.AddDate(0, 3, -1)
		in := store.AssessmentInput{Name: name, Due: &due, DefaultTarget: 3}
		for _, q := range shipped {
			in.Questionnaires = append(in.Questionnaires, store.QuestionnaireChoice{Q: q})
		}
		in.Targets = map[string]int{}
		for _, k := range []string{"cncf-platform-maturity/platform-as-product", "gartner-platform-axes/developer-experience", "gartner-platform-axes/product-management"} {
			if hasDim(shipped, k) {
				in.Targets[k] = 4
			}
		}
		for _, t := range demoTeams() {
			in.TeamIDs = append(in.TeamIDs, teamIDs[t.name])
		}
		a, err := st.CreateAssessment(ctx, orgID, in)
		if err != nil {
			return err
		}
		aid = a.ID
	}
	if !answered {
		rng := rand.New(rand.NewPCG(uint64(r)+1, 0x9a9a))
		var rs []store.SeedResponse
		for ti, t := range demoTeams() {
			for p := 0; p < t.respondents; p++ {
				rs = append(rs, store.SeedResponse{
					TeamID:      teamIDs[t.name],
					Label:       fmt.Sprintf("%s respondent %d", t.name, p+1),
					Submitted:   true,
					SubmittedAt: submittedAt(start, 20+ti*3+p),
					Answers:     answersFor(rng, t, r, p, shipped),
				})
			}
		}
		if _, err := st.SeedResponses(ctx, orgID, aid, rs); err != nil {
			return err
		}
	}
	if err := results.Recompute(ctx, st, orgID, aid); err != nil {
		return err
	}
	if r < rounds-1 {
		a, err := st.Assessment(ctx, orgID, aid)
		if err != nil {
			return err
		}
		if a.Status != models.AssessmentClosed {
			if _, err := st.CloseAssessment(ctx, orgID, aid); err != nil {
				return err
			}
		}
	}
	return nil
}

// hasDim reports whether "<questionnaire>/<dimension>" names a dimension of qs.
func hasDim(qs []*questionnaires.Questionnaire, target string) bool {
	key, dim, _ := strings.Cut(target, "/")
	for _, q := range qs {
		if q.Key == key {
			_, ok := q.Dimension(dim)
			return ok
		}
	}
	return false
}

// answersFor makes one respondent's answers to every question: around the
// team's skill in that round, shifted per dimension, with some noise; in the
// disputed dimension the team's first respondent sees far less than the others.
func answersFor(rng *rand.Rand, t team, round, person int, qs []*questionnaires.Questionnaire) []store.SeedAnswer {
	var out []store.SeedAnswer
	personal := (rng.Float64() - 0.5) * 0.5
	for _, q := range qs {
		for _, d := range q.Dimensions {
			base := t.skill + t.gain*float64(round) + dimOffset(d.Key) + personal
			if t.name == disputedTeam && disputedDim(q.Key) == d.Key {
				if person == 0 {
					base = 1.2
				} else {
					base = 4.2
				}
			}
			for _, qu := range d.Questions {
				if rng.IntN(50) == 0 {
					out = append(out, store.SeedAnswer{Questionnaire: q.Key, Question: qu.Key, NA: true})
					continue
				}
				v := base + (rng.Float64()-0.5)*1.2
				if !qu.Scored() {
					if a, ok := measureAnswer(rng, q.Key, qu, v); ok {
						out = append(out, a)
					}
					continue
				}
				if q.Scale == questionnaires.ScaleLikert {
					out = append(out, likertAnswer(q.Key, qu, v))
				} else {
					out = append(out, levelAnswer(q.Key, qu, v, len(q.Levels)))
				}
			}
		}
	}
	return out
}

func levelAnswer(qkey string, qu questionnaires.Question, v float64, n int) store.SeedAnswer {
	l := clamp(int(math.Round(v)), 1, n)
	a := store.SeedAnswer{Questionnaire: qkey, Question: qu.Key, Level: &l}
	for _, o := range qu.Options {
		if o.Level == l {
			key := o.Key
			if key == "" {
				key = fmt.Sprintf("l%d", l)
			}
			a.Option = &key
		}
	}
	return a
}

// demoWishes are the demo's answers to text questions.
var demoWishes = []string{
	"Builds that finish before my coffee does.",
	"One place to see who owns each shared tool.",
	"Self-service databases for test environments.",
	"Documentation that matches what the tools do today.",
	"Fewer approvals for routine configuration changes.",
}

// measureAnswer answers an nps, number or text question from a level-like
// value: higher levels recommend more and lose less time. About one
// respondent in three writes a text answer.
func measureAnswer(rng *rand.Rand, qkey string, qu questionnaires.Question, v float64) (store.SeedAnswer, bool) {
	a := store.SeedAnswer{Questionnaire: qkey, Question: qu.Key}
	switch qu.Type {
	case questionnaires.TypeNPS:
		n := float64(clamp(int(math.Round(v*2+rng.Float64()*2)), 0, 10))
		a.Number = &n
	case questionnaires.TypeNumber:
		lo, hi, _ := qu.Bounds()
		n := math.Max(lo, math.Min(hi, math.Round((5.2-v)*4+rng.Float64()*3)))
		a.Number = &n
	default:
		if rng.IntN(3) != 0 {
			return a, false
		}
		w := demoWishes[rng.IntN(len(demoWishes))]
		a.Text = &w
	}
	return a, true
}

// likertAnswer turns a level-like value into agreement: a respondent at
// level L agrees about as far as a likert score at the middle of level L
// needs; reverse-scored statements get the mirrored answer.
func likertAnswer(qkey string, qu questionnaires.Question, v float64) store.SeedAnswer {
	score := (v - 0.8) * 20
	val := clamp(int(math.Round(1+score/25)), 1, 5)
	if qu.Reverse {
		val = 6 - val
	}
	return store.SeedAnswer{Questionnaire: qkey, Question: qu.Key, Value: &val}
}

// submittedAt is day days into the quarter, but never in the future.
func submittedAt(start time.Time, day int) time.Time {
	at, latest := start.AddDate(0, 0, day), time.Now().UTC().Add(-time.Hour)
	if at.After(latest) {
		return latest
	}
	return at
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// quarterStart returns the first day of the quarter offset quarters from
// the one holding t.
func quarterStart(t time.Time, offset int) time.Time {
	q := (int(t.Month()) - 1) / 3
	return time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 3*offset, 0)
}
