package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
	"gapmap/questionnaires"
)

// exportRound is an org with teams "Zed" and "Alpha" in a round of both
// shipped questionnaires, with seeded responses.
type exportRound struct {
	org          *models.Org
	a            *store.AssessmentInfo
	zed, alpha   models.Team
	qs           []*questionnaires.Questionnaire
	submittedAt  time.Time
	alphaAnswers int
}

// answersOf answers every question of q in reverse order, the first as N/A
// with a comment.
func answersOf(q *questionnaires.Questionnaire) []store.SeedAnswer {
	var out []store.SeedAnswer
	for _, d := range q.Dimensions {
		for _, qu := range d.Questions {
			a := store.SeedAnswer{Questionnaire: q.Key, Question: qu.Key}
			if q.Scale == questionnaires.ScaleLikert {
				v := 4
				a.Value = &v
			} else {
				o := qu.Options[1]
				a.Option, a.Level = &o.Key, &o.Level
			}
			out = append(out, a)
		}
	}
	out[0] = store.SeedAnswer{Questionnaire: q.Key, Question: out[0].Question, NA: true, Comment: "=not applicable"}
	slices.Reverse(out)
	return out
}

func newExportRound(t *testing.T, s *store.Store) exportRound {
	t.Helper()
	ctx := context.Background()
	org, _ := signUp(t, s, "Acme", "ann@example.com")
	teams, err := s.SeedTeams(ctx, org.ID, []string{"Zed", "Alpha"})
	if err != nil {
		t.Fatal(err)
	}
	m := shipped(t)
	qs := []*questionnaires.Questionnaire{m[gartner], m[cncf]}
	a, err := s.CreateAssessment(ctx, org.ID, store.AssessmentInput{Name: "Q1",
		Questionnaires: []store.QuestionnaireChoice{{Q: qs[0]}, {Q: qs[1]}}, TeamIDs: []int64{teams[0].ID, teams[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	r := exportRound{org: org, a: a, zed: teams[0], alpha: teams[1], qs: qs,
		submittedAt: time.Date(2027, 1, 20, 15, 4, 5, 0, time.UTC)}
	// Answers of the second questionnaire first, each in reverse order.
	all := append(answersOf(qs[1]), answersOf(qs[0])...)
	_, err = s.SeedResponses(ctx, org.ID, a.ID, []store.SeedResponse{
		{TeamID: r.zed.ID, Label: "zed-1", Submitted: true, SubmittedAt: r.submittedAt, Answers: all},
		{TeamID: r.alpha.ID, Label: "alpha-draft", Answers: all},
		{TeamID: r.alpha.ID, Label: "alpha-1", Submitted: true, SubmittedAt: r.submittedAt.Add(time.Hour), Answers: all},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.alphaAnswers = len(all)
	return r
}

func TestStreamResponses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := newExportRound(t, s)
		var got []store.ExportRow
		collect := func(row *store.ExportRow) error {
			got = append(got, *row)
			return nil
		}
		if err := s.StreamResponses(ctx, r.org.ID, r.a.ID, 0, collect); err != nil {
			t.Fatal(err)
		}
		per := r.alphaAnswers
		if len(got) != 2*per {
			t.Fatalf("%d rows, want the answers of the two submitted responses (%d)", len(got), 2*per)
		}
		// Alpha before Zed; within a response the round's questionnaire order
		// (gartner, then cncf) and each questionnaire's question order.
		var want []string
		for _, q := range r.qs {
			for _, d := range q.Dimensions {
				for _, qu := range d.Questions {
					want = append(want, q.Key+"/"+qu.Key)
				}
			}
		}
		for i, row := range got {
			team, label := "Alpha", "alpha-1"
			if i >= per {
				team, label = "Zed", "zed-1"
			}
			if row.TeamName != team || row.Respondent != label {
				t.Fatalf("row %d is %s/%s, want %s/%s", i, row.TeamName, row.Respondent, team, label)
			}
			if k := row.QuestionnaireKey + "/" + row.QuestionKey; k != want[i%per] {
				t.Fatalf("row %d is %s, want %s", i, k, want[i%per])
			}
		}
		first := got[per] // Zed's first answer: the N/A one of gartner
		if !first.NA || first.Comment != "=not applicable" || first.Level != 0 || first.Value != 0 {
			t.Errorf("first Zed row = %+v, want the N/A answer with its comment", first)
		}
		if !first.SubmittedAt.Equal(r.submittedAt) {
			t.Errorf("submitted at = %v, want %v", first.SubmittedAt, r.submittedAt)
		}
		for _, row := range got {
			if row.QuestionnaireKey == cncf && !row.NA && (row.OptionKey == "" || row.Level == 0) {
				t.Fatalf("level answer without option: %+v", row)
			}
			if row.QuestionnaireKey == gartner && !row.NA && row.Value != 4 {
				t.Fatalf("likert answer without value: %+v", row)
			}
		}

		got = nil
		if err := s.StreamResponses(ctx, r.org.ID, r.a.ID, r.zed.ID, collect); err != nil {
			t.Fatal(err)
		}
		if len(got) != per || got[0].TeamName != "Zed" {
			t.Errorf("team filter gave %d rows", len(got))
		}

		stop := errors.New("stop")
		n := 0
		err := s.StreamResponses(ctx, r.org.ID, r.a.ID, 0, func(*store.ExportRow) error {
			if n++; n == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 3 {
			t.Errorf("StreamResponses after an error from fn: %v after %d rows", err, n)
		}

		other, _ := signUp(t, s, "Other", "bob@example.com")
		if err := s.StreamResponses(ctx, other.ID, r.a.ID, 0, collect); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("another org's stream: %v, want not found", err)
		}
	})
}

func TestApplyPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := newExportRound(t, s)
		changes := []store.PlanChange{
			{QuestionnaireKey: cncf, RecommendationKey: "a", Owner: "Dana", Quarter: "2027-Q2", Status: "in_progress", Notes: "n"},
			{QuestionnaireKey: cncf, RecommendationKey: "b"},
			{QuestionnaireKey: gartner, RecommendationKey: "a", Status: "done"},
		}
		res, err := s.ApplyPlan(ctx, r.org.ID, r.a.ID, 0, changes)
		if err != nil {
			t.Fatal(err)
		}
		if *res != (store.PlanApplied{Created: 2, Unchanged: 1}) {
			t.Errorf("first apply = %+v", *res)
		}
		before, err := s.PlanItems(ctx, r.org.ID, r.a.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) != 2 || before[0].QuestionnaireKey != cncf || before[0].Owner != "Dana" || before[1].Status != "done" {
			t.Fatalf("stored plan = %+v", before)
		}

		res, err = s.ApplyPlan(ctx, r.org.ID, r.a.ID, 0, changes)
		if err != nil {
			t.Fatal(err)
		}
		if *res != (store.PlanApplied{Unchanged: 3}) {
			t.Errorf("second apply of the same plan = %+v, want nothing changed", *res)
		}
		after, _ := s.PlanItems(ctx, r.org.ID, r.a.ID, 0)
		for i := range after {
			if !after[i].UpdatedAt.Equal(before[i].UpdatedAt) {
				t.Errorf("item %d updated again: %v -> %v", i, before[i].UpdatedAt, after[i].UpdatedAt)
			}
		}

		changes[0].Owner, changes[0].Status = "", ""
		res, err = s.ApplyPlan(ctx, r.org.ID, r.a.ID, 0, changes)
		if err != nil {
			t.Fatal(err)
		}
		if *res != (store.PlanApplied{Updated: 1, Unchanged: 2}) {
			t.Errorf("clearing an owner = %+v", *res)
		}
		after, _ = s.PlanItems(ctx, r.org.ID, r.a.ID, 0)
		if after[0].Owner != "" || after[0].Status != "" || after[0].Quarter != "2027-Q2" {
			t.Errorf("updated item = %+v", after[0])
		}

		// A team's plan is its own.
		if _, err := s.ApplyPlan(ctx, r.org.ID, r.a.ID, r.zed.ID, changes[:1]); err != nil {
			t.Fatal(err)
		}
		if team, _ := s.PlanItems(ctx, r.org.ID, r.a.ID, r.zed.ID); len(team) != 1 || team[0].TeamID != r.zed.ID {
			t.Errorf("team plan = %+v", team)
		}

		// A team outside the round, or another org, stores nothing.
		outsider, err := s.CreateTeam(ctx, r.org.ID, "Outsider")
		if err != nil {
			t.Fatal(err)
		}
		many := make([]store.PlanChange, 50)
		for i := range many {
			many[i] = store.PlanChange{QuestionnaireKey: cncf, RecommendationKey: fmt.Sprint("x", i), Owner: "o"}
		}
		if _, err := s.ApplyPlan(ctx, r.org.ID, r.a.ID, outsider.ID, many); apperr.Code(err) != apperr.EInvalid {
			t.Errorf("plan of a team outside the round: %v, want invalid", err)
		}
		other, _ := signUp(t, s, "Other", "bob@example.com")
		if _, err := s.ApplyPlan(ctx, other.ID, r.a.ID, 0, many); apperr.Code(err) != apperr.ENotFound {
			t.Errorf("plan in another org's round: %v, want not found", err)
		}
		if items, _ := s.PlanItems(ctx, other.ID, r.a.ID, 0); len(items) != 0 {
			t.Errorf("another org sees the plan: %+v", items)
		}
		if items, _ := s.PlanItems(ctx, r.org.ID, r.a.ID, outsider.ID); len(items) != 0 {
			t.Errorf("refused plan was stored: %d items", len(items))
		}
	})
}

// BenchmarkStreamResponses reads the answers of 1,000 teams × 5
// respondents × 60 questions (300,000 rows) from SQLite: through
// StreamResponses (ordered, one response buffered), and through one plain
// query scanning the same columns without any order (raw), for comparison.
func BenchmarkStreamResponses(b *testing.B) {
	ctx := context.Background()
	s, path := storetest.SQLitePath(b)
	org, _, err := s.SignUp(ctx, "Bench", "bench@example.com", "correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("Team %04d", (i*7919)%1000)
	}
	teams, err := s.SeedTeams(ctx, org.ID, names)
	if err != nil {
		b.Fatal(err)
	}
	qs, err := questionnaires.Shipped()
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	var choices []store.QuestionnaireChoice
	for _, q := range qs {
		choices = append(choices, store.QuestionnaireChoice{Q: q})
	}
	a, err := s.CreateAssessment(ctx, org.ID, store.AssessmentInput{Name: "Bench", Questionnaires: choices, TeamIDs: ids})
	if err != nil {
		b.Fatal(err)
	}
	var answers []store.SeedAnswer
	for _, q := range qs {
		for _, ans := range answersOf(q) {
			if len(answers) < 60 {
				answers = append(answers, ans)
			}
		}
	}
	var seed []store.SeedResponse
	for _, t := range teams {
		for r := 0; r < 5; r++ {
			seed = append(seed, store.SeedResponse{TeamID: t.ID, Label: fmt.Sprint("r", r), Submitted: true, Answers: answers})
		}
	}
	if _, err := s.SeedResponses(ctx, org.ID, a.ID, seed); err != nil {
		b.Fatal(err)
	}
	want := len(seed) * len(answers)

	b.Run("stream", func(b *testing.B) {
		cpu := cpuTime()
		for i := 0; i < b.N; i++ {
			n := 0
			if err := s.StreamResponses(ctx, org.ID, a.ID, 0, func(*store.ExportRow) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
			if n != want {
				b.Fatalf("%d rows, want %d", n, want)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(want), "ns/row")
		b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	})
	raw, err := sql.Open("sqlite3", store.SQLiteDSN(path))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	b.Run("raw", func(b *testing.B) {
		cpu := cpuTime()
		for i := 0; i < b.N; i++ {
			n, err := scanRaw(ctx, raw, a.ID)
			if err != nil {
				b.Fatal(err)
			}
			if n != want {
				b.Fatalf("%d rows, want %d", n, want)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(want), "ns/row")
		b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	})
}

// scanRaw reads the answer columns of an assessment's responses with one
// unordered query, into a reused row: the floor for StreamResponses.
func scanRaw(ctx context.Context, db *sql.DB, assessmentID int64) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT r.id, r.team_id, r.invitation_id, r.submitted_at, a.questionnaire_key, a.question_key,
		a.option_key, a.level, a.value, a.na, a.comment
		FROM responses r JOIN answers a ON a.response_id = r.id WHERE r.assessment_id = ? AND r.status = 'submitted'`, assessmentID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var (
		id, team, inv int64
		at            sql.NullTime
		qk, key       string
		opt           sql.NullString
		level, value  sql.NullInt64
		na            bool
		comment       string
	)
	n := 0
	for rows.Next() {
		if err := rows.Scan(&id, &team, &inv, &at, &qk, &key, &opt, &level, &value, &na, &comment); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// cpuTime is the CPU time (user and system) the process has used; on a
// shared machine it varies less than the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
