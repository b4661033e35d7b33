package questionnaires_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gapmap/questionnaires"
)

// withMeasure returns valid.yaml (level scale 1..3) with a measure line
// added to its first question, on line 31.
func withMeasure(t *testing.T, measure string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	anchor := "        help: Look at the last ten deployments.\n"
	out := strings.Replace(string(src), anchor, anchor+"        measure: "+measure+"\n", 1)
	if out == string(src) {
		t.Fatal("anchor line not found in valid.yaml")
	}
	return []byte(out)
}

func TestParseDeliveryMeasure(t *testing.T) {
	q, err := questionnaires.Parse("m.yaml", withMeasure(t, "{metric: deployment_frequency, levels: {elite: 3, high: 3, medium: 2, low: 1}}"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	_, qu, _ := q.Question("deploys")
	if qu.Measure == nil || qu.Measure.Metric != questionnaires.MetricDeploymentFrequency {
		t.Fatalf("measure = %+v", qu.Measure)
	}
	for band, want := range map[string]int{"elite": 3, "high": 3, "medium": 2, "low": 1} {
		if got, ok := qu.Measure.LevelOf(band); !ok || got != want {
			t.Errorf("LevelOf(%s) = %d %v, want %d", band, got, ok, want)
		}
	}
	if _, ok := qu.Measure.LevelOf("legendary"); ok {
		t.Error("LevelOf an unknown band succeeded")
	}
	js, _ := json.Marshal(q)
	back, err := questionnaires.ParseJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	if _, b, _ := back.Question("deploys"); b.Measure == nil || b.Measure.Levels["medium"] != 2 {
		t.Errorf("measure after a JSON round trip: %+v", b.Measure)
	}
	_, plain, _ := q.Question("rollbacks")
	if pj, _ := json.Marshal(plain); strings.Contains(string(pj), `"measure"`) {
		t.Errorf("a question without measure has one in its JSON: %s", pj)
	}
}

func TestParseDeliveryMeasureBroken(t *testing.T) {
	const line = 31
	const p = "dimensions[0].questions[0].measure"
	tests := []struct {
		name    string
		measure string
		want    []wantErr
	}{
		{"unknown metric", "{metric: uptime, levels: {elite: 3, high: 3, medium: 2, low: 1}}",
			[]wantErr{{line, p + ".metric", `must be one of deployment_frequency, lead_time, change_failure_rate, recovery_time, got "uptime"`}}},
		{"level outside the scale", "{metric: lead_time, levels: {elite: 5, high: 3, medium: 2, low: 0}}",
			[]wantErr{
				{line, p + ".levels.elite", "must be a level of the scale, 1 to 3, got 5"},
				{line, p + ".levels.low", "must be a level of the scale, 1 to 3, got 0"},
			}},
		{"missing band", "{metric: lead_time, levels: {elite: 3, high: 3, medium: 2}}",
			[]wantErr{{line, p + ".levels.low", "missing required field"}}},
		{"unknown band", "{metric: lead_time, levels: {elite: 3, high: 3, medium: 2, low: 1, epic: 3}}",
			[]wantErr{{line, p + ".levels.epic", `unknown field "epic"`}}},
		{"missing metric", "{levels: {elite: 3, high: 3, medium: 2, low: 1}}",
			[]wantErr{{line, p + ".metric", "missing required field"}}},
		{"level not a number", "{metric: lead_time, levels: {elite: top, high: 3, medium: 2, low: 1}}",
			[]wantErr{{line, p + ".levels.elite", `expected an integer, got the string "top"`}}},
		{"not a mapping", "lead_time",
			[]wantErr{{line, p, `expected a mapping, got the string "lead_time"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := questionnaires.Parse("m.yaml", withMeasure(t, tt.measure))
			if q != nil {
				t.Error("Parse returned a questionnaire along with errors")
			}
			assertErrors(t, err, "m.yaml", tt.want)
		})
	}
}

// Likert statements and typed questions have no levels to compare.
func TestParseDeliveryMeasureWrongQuestion(t *testing.T) {
	const m = "measure: {metric: lead_time, levels: {elite: 3, high: 3, medium: 2, low: 1}}"
	for _, tc := range []struct {
		name, question, msg string
	}{
		{"likert statement", `{key: x, text: T., help: H., ` + m + `}`, "only questions of the level scale can be tied to a delivery metric (this questionnaire's scale is likert)"},
		{"text question", `{key: x, type: text, text: "T?", help: H., ` + m + `}`, "only scored questions can be tied to a delivery metric (this one is text)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := questionnaires.Parse("m.yaml", withQuestions(t, tc.question))
			assertErrors(t, err, "m.yaml", []wantErr{{20, "dimensions[0].questions[3].measure", tc.msg}})
		})
	}
}
