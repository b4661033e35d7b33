package questionnaires_test

import (
	"encoding/json"
	"strings"
	"testing"

	"gapmap/questionnaires"
)

func TestParseDeliveryMeasure(t *testing.T) {
	q, err := questionnaires.Parse("m.yaml", withQuestions(t,
		`{key: deploys, text: We deploy whenever a change is ready., help: Count last month., measure: {metric: deployment_frequency, levels: {elite: 3, high: 3, medium: 2, low: 1}}}`,
	))
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
	_, plain, _ := q.Question("onboarding")
	if pj, _ := json.Marshal(plain); strings.Contains(string(pj), `"measure"`) {
		t.Errorf("a question without measure has one in its JSON: %s", pj)
	}
}

func TestParseDeliveryMeasureBroken(t *testing.T) {
	const base = 20 // line of the appended question
	const p = "dimensions[0].questions[3].measure"
	tests := []struct {
		name  string
		extra string
		want  []wantErr
	}{
		{"unknown metric", `{key: x, text: T., help: H., measure: {metric: uptime, levels: {elite: 3, high: 3, medium: 2, low: 1}}}`,
			[]wantErr{{base, p + ".metric", `must be one of deployment_frequency, lead_time, change_failure_rate, recovery_time, got "uptime"`}}},
		{"level outside the scale", `{key: x, text: T., help: H., measure: {metric: lead_time, levels: {elite: 5, high: 3, medium: 2, low: 0}}}`,
			[]wantErr{
				{base, p + ".levels.elite", "must be a level of the scale, 1 to 3, got 5"},
				{base, p + ".levels.low", "must be a level of the scale, 1 to 3, got 0"},
			}},
		{"missing band", `{key: x, text: T., help: H., measure: {metric: lead_time, levels: {elite: 3, high: 3, medium: 2}}}`,
			[]wantErr{{base, p + ".levels.low", "missing required field"}}},
		{"unknown band", `{key: x, text: T., help: H., measure: {metric: lead_time, levels: {elite: 3, high: 3, medium: 2, low: 1, epic: 3}}}`,
			[]wantErr{{base, p + ".levels.epic", `unknown field "epic"`}}},
		{"missing metric", `{key: x, text: T., help: H., measure: {levels: {elite: 3, high: 3, medium: 2, low: 1}}}`,
			[]wantErr{{base, p + ".metric", "missing required field"}}},
		{"level not a number", `{key: x, text: T., help: H., measure: {metric: lead_time, levels: {elite: top, high: 3, medium: 2, low: 1}}}`,
			[]wantErr{{base, p + ".levels.elite", `expected an integer, got the string "top"`}}},
		{"on a text question", `{key: x, type: text, text: "T?", help: H., measure: {metric: lead_time, levels: {elite: 3, high: 3, medium: 2, low: 1}}}`,
			[]wantErr{{base, p, "only scored questions can be tied to a delivery metric (this one is text)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := questionnaires.Parse("m.yaml", withQuestions(t, tt.extra))
			if q != nil {
				t.Error("Parse returned a questionnaire along with errors")
			}
			assertErrors(t, err, "m.yaml", tt.want)
		})
	}
}
