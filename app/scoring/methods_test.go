package scoring_test

import (
	"fmt"
	"os"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// The value-based methods on two small models written for these tests
// (questionnaires/testdata/formats). Every expected figure below was worked
// out by hand from the package documentation's rules.

func formatQ(t *testing.T, name string) *questionnaires.Questionnaire {
	t.Helper()
	file := "../../questionnaires/testdata/formats/" + name + ".yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	q, err := questionnaires.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func op(question, option string) scoring.Answer {
	return scoring.Answer{Question: question, Option: option}
}

// sammInput: values none 0, some 0.25, most 0.5, all 1.
func sammInput(q *questionnaires.Questionnaire) scoring.Input {
	return scoring.Input{
		Questionnaire: q,
		Teams:         teams(1, 2),
		Targets:       scoring.Targets{Default: 2},
		Responses: []scoring.Response{
			resp(1, 1, op("pipe-a1", "all"), op("pipe-a2", "most"), op("pipe-b1", "some"), op("pipe-b2", "none"),
				op("deps-a1", "all"), op("deps-b1", "all"), op("alerts-1", "most"), op("alerts-2", "all")),
			resp(2, 1, op("pipe-a1", "all"), op("pipe-a2", "all"), op("pipe-b1", "all"), op("pipe-b2", "all"),
				op("deps-a1", "most"), na("deps-b1"), op("alerts-1", "all"), op("alerts-2", "all")),
			resp(3, 2, op("pipe-a1", "some"), op("pipe-a2", "some"), op("pipe-b1", "most"), op("pipe-b2", "most"),
				op("deps-a1", "none"), op("deps-b1", "some"), op("alerts-1", "none"), op("alerts-2", "some")),
		},
	}
}

type figure struct {
	what  string
	level *int
	score *float64
	want  string // "level score"
}

func checkFigures(t *testing.T, figs []figure) {
	t.Helper()
	for _, f := range figs {
		if got := show(f.level) + " " + show(f.score); got != f.want {
			t.Errorf("%s = %s, want %s", f.what, got, f.want)
		}
	}
}

func TestScoreSAMM(t *testing.T) {
	res := mustScore(t, sammInput(formatQ(t, "samm")))
	// Respondent 1: pipeline groups a = 1 + 0.5, b = 0.25 + 0 -> 0.875;
	// deps 1 and 1 -> 1; alerts one group 0.5 + 1 -> 1.5.
	// Respondent 2: pipeline 2 and 2 -> 2; deps only group a -> 0.5; alerts 2.
	// Respondent 3: pipeline 0.5 and 1 -> 0.75; deps 0 and 0.25 -> 0.125;
	// alerts 0.25.
	r1, r2, r3 := res.Respondents[0], res.Respondents[1], res.Respondents[2]
	t1, t2 := res.Teams[0], res.Teams[1]
	checkFigures(t, []figure{
		{"respondent 1 pipeline", r1.Dimensions[0].Level, r1.Dimensions[0].Score, "0 0.88"},
		{"respondent 1 deps", r1.Dimensions[1].Level, r1.Dimensions[1].Score, "1 1"},
		{"respondent 1 alerts", r1.Dimensions[2].Level, r1.Dimensions[2].Score, "1 1.5"},
		{"respondent 2 deps (N/A group left out)", r2.Dimensions[1].Level, r2.Dimensions[1].Score, "0 0.5"},
		{"respondent 3 deps", r3.Dimensions[1].Level, r3.Dimensions[1].Score, "0 0.13"},
		// Team 1: means of respondents 1 and 2.
		{"team 1 pipeline", t1.Dimensions[0].Level, t1.Dimensions[0].Score, "1 1.44"},
		{"team 1 deps", t1.Dimensions[1].Level, t1.Dimensions[1].Score, "0 0.75"},
		{"team 1 alerts", t1.Dimensions[2].Level, t1.Dimensions[2].Score, "1 1.75"},
		{"team 1 area build (1.4375 + 0.75)/2", t1.Areas[0].Level, t1.Areas[0].Score, "1 1.09"},
		{"team 1 area run", t1.Areas[1].Level, t1.Areas[1].Score, "1 1.75"},
		{"team 1 overall (1.09375 + 1.75)/2", t1.Overall.Level, t1.Overall.Score, "1 1.42"},
		{"team 2 overall ((0.75 + 0.125)/2 + 0.25)/2", t2.Overall.Level, t2.Overall.Score, "0 0.34"},
		// Organization: means of the team scores.
		{"org pipeline", res.Dimensions[0].Level, res.Dimensions[0].Score, "1 1.09"},
		{"org deps", res.Dimensions[1].Level, res.Dimensions[1].Score, "0 0.44"},
		{"org alerts", res.Dimensions[2].Level, res.Dimensions[2].Score, "1 1"},
		{"org area build", res.Areas[0].Level, res.Areas[0].Score, "0 0.77"},
		{"org area run", res.Areas[1].Level, res.Areas[1].Score, "1 1"},
		{"org overall (0.765625 + 1)/2", res.Overall.Level, res.Overall.Score, "0 0.88"},
	})
	if got := show(res.Dimensions[0].LevelName); got != "Written" {
		t.Errorf("pipeline level name %s, want its own name Written", got)
	}
	if got := show(res.Dimensions[1].LevelName); got != "Absent" {
		t.Errorf("deps level name %s, want the global name Absent", got)
	}
	if d := res.Dimensions[0]; d.Target != 2 || show(d.Gap) != "1" {
		t.Errorf("pipeline target %d gap %s, want 2 and 1", d.Target, show(d.Gap))
	}
}

func TestScoreMean(t *testing.T) {
	q := formatQ(t, "samm")
	q.Scoring = questionnaires.ScoringMean
	res := mustScore(t, sammInput(q))
	r1 := res.Respondents[0]
	checkFigures(t, []figure{
		// (1 + 0.5 + 0.25 + 0)/4, (1 + 1)/2, (0.5 + 1)/2
		{"respondent 1 pipeline", r1.Dimensions[0].Level, r1.Dimensions[0].Score, "0 0.44"},
		{"respondent 1 deps", r1.Dimensions[1].Level, r1.Dimensions[1].Score, "1 1"},
		{"respondent 1 alerts", r1.Dimensions[2].Level, r1.Dimensions[2].Score, "0 0.75"},
		// mean of the dimensions, not of the areas: (0.4375 + 1 + 0.75)/3
		{"respondent 1 overall", r1.Overall.Level, r1.Overall.Score, "0 0.73"},
	})
}

// activityInput: pass ratio 1 in the file; questions unit-tests (level 1),
// coverage (1), contract-tests (2, weight 2), mutation-tests (3); vault
// (1), rotation (2), short-lived (3).
func activityInput(q *questionnaires.Questionnaire) scoring.Input {
	yes := func(k string) scoring.Answer { return op(k, "yes") }
	no := func(k string) scoring.Answer { return op(k, "no") }
	return scoring.Input{
		Questionnaire: q,
		Teams:         teams(1, 2),
		Targets:       scoring.Targets{Default: 3},
		Responses: []scoring.Response{
			resp(1, 1, yes("unit-tests"), yes("coverage"), yes("contract-tests"), no("mutation-tests"),
				yes("vault"), no("rotation"), yes("short-lived")),
			resp(2, 1, yes("unit-tests"), no("coverage"), yes("contract-tests"), yes("mutation-tests"),
				yes("vault"), yes("rotation"), na("short-lived")),
			resp(3, 2, yes("unit-tests"), yes("coverage"), yes("contract-tests"), yes("mutation-tests"),
				no("vault"), no("rotation"), no("short-lived")),
		},
	}
}

func TestScoreActivities(t *testing.T) {
	for _, pass := range []float64{1, 0.75} {
		t.Run(fmt.Sprint("pass ", pass), func(t *testing.T) {
			q := formatQ(t, "activities")
			q.PassRatio = pass
			res := mustScore(t, activityInput(q))
			r1, r2 := res.Respondents[0], res.Respondents[1]
			t1 := res.Teams[0]
			// Respondent 1 testing: cumulative done shares 2/2, 4/4, 4/5;
			// score 4/5. Secrets: 1/1, 1/2, 2/3.
			// Respondent 2 testing: 1/2, 3/4, 4/5. Secrets: 1/1, 2/2 and
			// no level-3 answer, so the climb ends at 2.
			// Team 1 testing shares: 0.75, 0.875, 0.8; secrets 1, 0.75.
			want := map[float64][]string{
				1:    {"2 80", "1 66.7", "1 80", "2 100", "1 80", "1 83.3", "1 90"},
				0.75: {"3 80", "1 66.7", "1 80", "2 100", "3 80", "2 83.3", "3 90"},
			}[pass]
			checkFigures(t, []figure{
				{"respondent 1 testing", r1.Dimensions[0].Level, r1.Dimensions[0].Score, want[0]},
				{"respondent 1 secrets", r1.Dimensions[1].Level, r1.Dimensions[1].Score, want[1]},
				{"respondent 2 testing (level 1 not done)", r2.Dimensions[0].Level, r2.Dimensions[0].Score, want[2]},
				{"respondent 2 secrets", r2.Dimensions[1].Level, r2.Dimensions[1].Score, want[3]},
				{"team 1 testing", t1.Dimensions[0].Level, t1.Dimensions[0].Score, want[4]},
				{"team 1 secrets", t1.Dimensions[1].Level, t1.Dimensions[1].Score, want[5]},
				// Organization testing: teams at 80 and 100; shares
				// (0.75+1)/2, (0.875+1)/2, (0.8+1)/2.
				{"org testing", res.Dimensions[0].Level, res.Dimensions[0].Score, want[6]},
			})
		})
	}
}

// TestScoreAnonymousValueMethods: the withholding rule scores every method.
func TestScoreAnonymousValueMethods(t *testing.T) {
	for _, name := range []string{"samm", "activities"} {
		q := formatQ(t, name)
		in := sammInput(q)
		if name == "activities" {
			in = activityInput(q)
		}
		res, err := scoring.ScoreAnonymous(in, 2)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !res.Teams[1].Withheld || res.Teams[0].Withheld {
			t.Errorf("%s: withheld %v %v, want team 2 only", name, res.Teams[0].Withheld, res.Teams[1].Withheld)
		}
	}
}
