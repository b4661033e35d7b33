package report_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"gapmap/app/recommend"
	"gapmap/app/report"
	"gapmap/app/scoring"
	"gapmap/models"
	"gapmap/questionnaires"
)

// Teams of the fixture. Their names carry Markdown and HTML on purpose.
var fixtureTeams = []scoring.Team{
	{ID: 1, Name: "Payments | Core"},
	{ID: 2, Name: "<script>alert(1)</script>"},
	{ID: 3, Name: "# Heading team"},
	{ID: 4, Name: "*bold* _em_ [x](http://evil.example)"},
	{ID: 5, Name: "Silent team"},
}

func loadQ(t *testing.T, name string) *questionnaires.Questionnaire {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	q, err := questionnaires.Parse(name, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return q
}

func lv(key string, level int) scoring.Answer { return scoring.Answer{Question: key, Level: level} }
func lk(key string, value int) scoring.Answer { return scoring.Answer{Question: key, Value: value} }
func na(key string) scoring.Answer            { return scoring.Answer{Question: key, NA: true} }

// answersOf answers the keys in order: 0 is N/A, any other value goes
// through answer.
func answersOf(keys []string, answer func(string, int) scoring.Answer, values ...int) []scoring.Answer {
	out := []scoring.Answer{}
	for i, v := range values {
		if v == 0 {
			out = append(out, na(keys[i]))
		} else {
			out = append(out, answer(keys[i], v))
		}
	}
	return out
}

func levelAnswers(d1, d2, d3, o1, o2, o3 int) []scoring.Answer {
	keys := []string{"delivery-q1", "delivery-q2", "delivery-q3", "operations-q1", "operations-q2", "operations-q3"}
	return answersOf(keys, lv, d1, d2, d3, o1, o2, o3)
}

func likertAnswers(b1, b2, b3, s1, s2, s3 int) []scoring.Answer {
	keys := []string{"burden-s1", "burden-s2", "burden-s3", "security-s1", "security-s2", "security-s3"}
	return answersOf(keys, lk, b1, b2, b3, s1, s2, s3)
}

type fixtureData struct {
	in    report.Input
	qs    []*questionnaires.Questionnaire
	res   []*scoring.Result
	level *questionnaires.Questionnaire
}

// fixture scores a small round of two questionnaires for the teams above
// and returns the report input of the organization (teamID 0) or a team.
func fixture(t *testing.T, teamID int64) fixtureData {
	t.Helper()
	lq, kq := loadQ(t, "levels.yaml"), loadQ(t, "likert.yaml")
	levelResp := []scoring.Response{
		{ID: 101, TeamID: 1, Answers: levelAnswers(2, 2, 2, 1, 1, 1)},
		{ID: 102, TeamID: 1, Answers: levelAnswers(2, 3, 2, 4, 4, 4)},
		{ID: 201, TeamID: 2, Answers: levelAnswers(3, 3, 3, 2, 2, 3)},
		{ID: 202, TeamID: 2, Answers: levelAnswers(3, 3, 2, 2, 2, 2)},
		{ID: 301, TeamID: 3, Answers: levelAnswers(1, 1, 2, 0, 0, 0)},
		{ID: 401, TeamID: 4, Answers: levelAnswers(4, 4, 4, 3, 3, 3)},
		{ID: 402, TeamID: 4, Answers: levelAnswers(4, 4, 3, 3, 3, 3)},
	}
	likertResp := []scoring.Response{
		{ID: 101, TeamID: 1, Answers: likertAnswers(2, 3, 4, 2, 2, 4)},
		{ID: 102, TeamID: 1, Answers: likertAnswers(3, 3, 3, 2, 3, 4)},
		{ID: 201, TeamID: 2, Answers: likertAnswers(4, 4, 2, 3, 3, 3)},
		{ID: 202, TeamID: 2, Answers: likertAnswers(4, 3, 2, 0, 3, 3)},
		{ID: 301, TeamID: 3, Answers: likertAnswers(1, 2, 5, 1, 1, 0)},
		{ID: 401, TeamID: 4, Answers: likertAnswers(5, 5, 1, 4, 5, 2)},
		{ID: 402, TeamID: 4, Answers: likertAnswers(5, 4, 1, 4, 4, 2)},
	}
	prevLevel := &scoring.Result{
		Key: lq.Key, Version: "1.0.0", Title: lq.Title,
		Overall: scoring.Overall{Level: ip(1), Score: fp(1.75), PercentToTarget: fp(45.5)},
		Dimensions: []scoring.DimensionResult{
			{Key: "delivery", Level: ip(2), Score: fp(2.1)},
			{Key: "operations", Level: ip(1), Score: fp(1.6)},
		},
		Teams: []scoring.TeamResult{
			{ID: 1, Name: "Payments | Core", Overall: scoring.Overall{Level: ip(1), Score: fp(1.5), PercentToTarget: fp(40)}},
		},
	}
	targets := scoring.Targets{Default: 3, Overrides: map[string]int{"delivery": 4}}
	lres, err := scoring.Score(scoring.Input{Questionnaire: lq, Teams: fixtureTeams, Responses: levelResp, Targets: targets, Previous: prevLevel})
	if err != nil {
		t.Fatal(err)
	}
	kres, err := scoring.Score(scoring.Input{Questionnaire: kq, Teams: fixtureTeams, Responses: likertResp, Targets: scoring.Targets{Default: 3}})
	if err != nil {
		t.Fatal(err)
	}
	qs := []*questionnaires.Questionnaire{lq, kq}
	res := []*scoring.Result{lres, kres}
	counts := []report.AnswerCount{countAnswers(levelResp, teamID), countAnswers(likertResp, teamID)}

	a := models.Assessment{
		ID: 7, OrgID: 1, Name: "Q1 2026 | *pilot*", Status: models.AssessmentClosed,
		DefaultTarget: 3, Capacity: 6,
		CreatedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
	}
	closed := time.Date(2026, 3, 30, 17, 0, 0, 0, time.UTC)
	a.ClosedAt = &closed
	in := report.Input{
		OrgName:         "Acme <Platform> & Co",
		Assessment:      a,
		Questionnaires:  qs,
		Results:         res,
		Previous:        []*scoring.Result{prevLevel, nil},
		PreviousName:    "Q4 2025",
		Recommendations: recommend.Build(a.Capacity, recommend.Inputs(qs, res, teamID)),
		Capacity:        a.Capacity,
		Answers:         counts,
		Generated:       time.Date(2026, 3, 31, 8, 0, 0, 0, time.UTC),
	}
	if teamID == 0 {
		in.Plan = map[recommend.PlanKey]recommend.Plan{
			{Questionnaire: "hostile-levels", Recommendation: "delivery-to3-a"}:   {Owner: "Dana | Ops", Quarter: "2026-Q2", Status: recommend.StatusDone},
			{Questionnaire: "hostile-levels", Recommendation: "operations-to3-a"}: {Owner: "<b>Lee</b>", Status: recommend.StatusInProgress, Notes: "started"},
			{Questionnaire: "hostile-likert", Recommendation: "burden-to3-a"}:     {Status: recommend.StatusWontDo},
			{Questionnaire: "hostile-levels", Recommendation: "no-such-rec"}:      {Owner: "nobody", Status: recommend.StatusDone},
		}
	}
	if teamID != 0 {
		for _, tm := range fixtureTeams {
			if tm.ID == teamID {
				tm := tm
				in.Team = &tm
			}
		}
	}
	return fixtureData{in: in, qs: qs, res: res, level: lq}
}

func countAnswers(rs []scoring.Response, teamID int64) report.AnswerCount {
	var c report.AnswerCount
	for _, r := range rs {
		if teamID != 0 && r.TeamID != teamID {
			continue
		}
		for _, a := range r.Answers {
			c.Total++
			if a.NA {
				c.NA++
			}
		}
	}
	return c
}

func ip(v int) *int         { return &v }
func fp(v float64) *float64 { return &v }
