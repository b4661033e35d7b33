package scoring_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func goldenLevelInput() scoring.Input {
	q := questionnaire(questionnaires.ScaleLevel, 4, 0.75,
		dim("investment", 1, qu("funding"), qu("staffing"), qw("roadmap", 2), qu("chargeback")),
		dim("adoption", 2, qu("onboarding"), qu("self-service"), qu("golden-paths")),
		dim("measurement", 1, qu("dora"), qu("satisfaction"), qu("cost")),
	)
	q.Key, q.Version, q.Title = "platform-maturity", "1.2.0", "Platform maturity"
	for i, name := range []string{"Provisional", "Operational", "Scalable", "Optimizing"} {
		q.Levels[i].Name = name
	}
	return scoring.Input{
		Questionnaire: q,
		Teams: []scoring.Team{
			{ID: 30, Name: "Payments"}, {ID: 10, Name: "Search"}, {ID: 20, Name: "Data <&> ML"}, {ID: 40, Name: "Late team"},
		},
		Targets: scoring.Targets{Default: 3, Overrides: map[string]int{"adoption": 4}},
		Responses: []scoring.Response{
			resp(101, 30, lv("funding", 3), lv("staffing", 3), lv("roadmap", 2), lv("chargeback", 1),
				lv("onboarding", 3), lv("self-service", 2), lv("golden-paths", 3),
				lv("dora", 2), lv("satisfaction", 1), na("cost")),
			resp(102, 30, lv("funding", 3), lv("staffing", 4), lv("roadmap", 3), lv("chargeback", 3),
				lv("onboarding", 4), lv("self-service", 4), lv("golden-paths", 4),
				na("dora"), na("satisfaction"), na("cost")),
			resp(103, 30, lv("funding", 2), lv("staffing", 2), lv("roadmap", 2), lv("chargeback", 2),
				lv("onboarding", 1), lv("self-service", 2), lv("golden-paths", 1),
				lv("dora", 2), lv("satisfaction", 2), lv("cost", 3)),
			resp(104, 10, lv("funding", 4), lv("staffing", 4), lv("roadmap", 4), lv("chargeback", 3),
				lv("onboarding", 4), lv("self-service", 4), lv("golden-paths", 4),
				lv("dora", 4), lv("satisfaction", 3), lv("cost", 4)),
			resp(105, 20, lv("funding", 1), lv("staffing", 2), lv("roadmap", 1), na("chargeback"),
				lv("onboarding", 2), lv("self-service", 1), lv("golden-paths", 2),
				na("dora"), na("satisfaction"), na("cost")),
			resp(106, 20, lv("funding", 2), lv("staffing", 2), lv("roadmap", 2), lv("chargeback", 2),
				lv("onboarding", 2), lv("self-service", 3), lv("golden-paths", 2)),
		},
		Previous: &scoring.Result{Key: "platform-maturity", Dimensions: []scoring.DimensionResult{
			{Key: "investment", Level: ip(1), Score: fp(1.85)},
			{Key: "adoption", Level: ip(2), Score: fp(2.9)},
		}},
	}
}

func goldenLikertInput() scoring.Input {
	q := questionnaire(questionnaires.ScaleLikert, 4, 0,
		dim("vision", 1, qu("clear-goal"), qu("shared"), rev("ad-hoc")),
		dim("delivery", 1.5, qu("self-serve"), rev("tickets"), qw("paved", 2)),
	)
	q.Key, q.Version, q.Title = "platform-axes", "0.9.0", "Platform axes"
	return scoring.Input{
		Questionnaire: q,
		Teams:         teams(1, 2),
		Targets:       scoring.Targets{Default: 3},
		Responses: []scoring.Response{
			resp(1, 1, lk("clear-goal", 4), lk("shared", 3), lk("ad-hoc", 2), lk("self-serve", 2), lk("tickets", 4), lk("paved", 3)),
			resp(2, 1, lk("clear-goal", 5), lk("shared", 4), lk("ad-hoc", 1), lk("self-serve", 4), na("tickets"), lk("paved", 4)),
			resp(3, 2, lk("clear-goal", 2), lk("shared", 2), lk("ad-hoc", 5), lk("self-serve", 1), lk("tickets", 5), lk("paved", 1)),
		},
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		file string
		in   scoring.Input
	}{
		{"level.golden", goldenLevelInput()},
		{"likert.golden", goldenLikertInput()},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := mustJSON(t, mustScore(t, tt.in)) + "\n"
			path := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("result differs from %s (run with -update if the change is intended)\n%s", path, lineDiff(got, string(want)))
			}
		})
	}
}
