package questionnaires_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gapmap/questionnaires"
)

// withQuestions returns valid-likert.yaml with extra lines appended to the
// question list of its only dimension (each line one flow-style question).
func withQuestions(t *testing.T, extra ...string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "valid-likert.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	anchor := "reverse: true, weight: 2}\n"
	var add strings.Builder
	for _, e := range extra {
		add.WriteString("      - " + e + "\n")
	}
	out := strings.Replace(string(src), anchor, anchor+add.String(), 1)
	if out == string(src) && len(extra) > 0 {
		t.Fatal("anchor line not found in valid-likert.yaml")
	}
	return []byte(out)
}

func TestParseMeasures(t *testing.T) {
	const file = "measures.yaml"
	q, err := questionnaires.Parse(file, withQuestions(t,
		`{key: recommend, type: nps, text: "Would you recommend it?", help: 0 is not at all; 10 is certainly.}`,
		`{key: first-deploy, type: number, unit: days, min: 0, max: 365, text: "Days to the first deploy?", help: Count calendar days., required: true}`,
		`{key: wish, type: text, text: "What should change first?", help: One sentence is enough.}`,
	))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	_, nps, _ := q.Question("recommend")
	_, num, _ := q.Question("first-deploy")
	_, txt, _ := q.Question("wish")
	if nps.Scored() || num.Scored() || txt.Scored() {
		t.Error("a typed question reports Scored")
	}
	if lo, hi, ok := nps.Bounds(); !ok || lo != 0 || hi != 10 {
		t.Errorf("nps bounds = %v..%v %v, want 0..10", lo, hi, ok)
	}
	if lo, hi, ok := num.Bounds(); !ok || lo != 0 || hi != 365 || num.Unit != "days" {
		t.Errorf("number bounds = %v..%v %v unit %q, want 0..365 days", lo, hi, ok, num.Unit)
	}
	if _, _, ok := txt.Bounds(); ok {
		t.Error("text question has bounds")
	}
	if nps.IsRequired() || !num.IsRequired() || txt.IsRequired() {
		t.Errorf("required: nps %v number %v text %v; want false, true, false", nps.IsRequired(), num.IsRequired(), txt.IsRequired())
	}
	_, scored, _ := q.Question("onboarding")
	if !scored.Scored() || !scored.IsRequired() {
		t.Error("a likert statement is not scored and required")
	}
	// The JSON form round-trips, and scored questions carry no new keys.
	js, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	back, err := questionnaires.ParseJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	if _, n, ok := back.Question("first-deploy"); !ok || n.Type != questionnaires.TypeNumber || *n.Min != 0 || *n.Max != 365 || !n.Required {
		t.Errorf("number question after a JSON round trip: %+v", n)
	}
	sj, _ := json.Marshal(scored)
	for _, k := range []string{"type", "unit", "min", "max", "required"} {
		if strings.Contains(string(sj), `"`+k+`"`) {
			t.Errorf("a scored question's JSON has %q: %s", k, sj)
		}
	}
}

func TestParseMeasuresBroken(t *testing.T) {
	const base = 20 // line of the first appended question
	tests := []struct {
		name  string
		extra []string
		want  []wantErr
	}{
		{"unknown type", []string{`{key: x, type: slider, text: "T?", help: H.}`},
			[]wantErr{{base, "dimensions[0].questions[3].type", `must be one of nps, number, text, got "slider"`}}},
		{"number without bounds", []string{`{key: x, type: number, text: "T?", help: H.}`},
			[]wantErr{
				{base, "dimensions[0].questions[3]", "a number question needs unit"},
				{base, "dimensions[0].questions[3]", "a number question needs min"},
				{base, "dimensions[0].questions[3]", "a number question needs max"},
			}},
		{"min not below max", []string{`{key: x, type: number, unit: days, min: 5, max: 5, text: "T?", help: H.}`},
			[]wantErr{{base, "dimensions[0].questions[3].max", "must be greater than min (5), got 5"}}},
		{"min not a number", []string{`{key: x, type: number, unit: days, min: soon, max: 5, text: "T?", help: H.}`},
			[]wantErr{{base, "dimensions[0].questions[3].min", `expected a number, got the string "soon"`}}},
		{"unit on nps", []string{`{key: x, type: nps, unit: points, text: "T?", help: H.}`},
			[]wantErr{{base, "dimensions[0].questions[3].unit", "only number questions have unit (this one is nps)"}}},
		{"bounds on text", []string{`{key: x, type: text, max: 10, text: "T?", help: H.}`},
			[]wantErr{{base, "dimensions[0].questions[3].max", "only number questions have max (this one is text)"}}},
		{"scoring fields on a measure", []string{`{key: x, type: nps, reverse: true, weight: 2, text: "T?", help: H.}`},
			[]wantErr{
				{base, "dimensions[0].questions[3].reverse", "nps questions are not scored: remove reverse"},
				{base, "dimensions[0].questions[3].weight", "nps questions are not scored: remove weight"},
			}},
		{"options on a measure", []string{`{key: x, type: text, options: [{level: 1, label: A}], text: "T?", help: H.}`},
			[]wantErr{{base, "dimensions[0].questions[3].options", "text questions are not scored: remove options"}}},
		{"required on a scored question", []string{`{key: x, required: true, text: T., help: H.}`},
			[]wantErr{{base, "dimensions[0].questions[3].required", "scored questions are always required"}}},
		{"duplicate key", []string{`{key: onboarding, type: text, text: "T?", help: H.}`},
			[]wantErr{{base, "dimensions[0].questions[3].key", `duplicate question key "onboarding"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := questionnaires.Parse("m.yaml", withQuestions(t, tt.extra...))
			if q != nil {
				t.Error("Parse returned a questionnaire along with errors")
			}
			assertErrors(t, err, "m.yaml", tt.want)
		})
	}
}

// A dimension still needs 3 scored questions: measures do not count.
func TestParseMeasuresDoNotCountAsScored(t *testing.T) {
	src := string(withQuestions(t,
		`{key: a, type: nps, text: "T?", help: H.}`,
		`{key: b, type: text, text: "T?", help: H.}`,
	))
	// Drop one of the three statements.
	src = strings.Replace(src, "      - {key: docs-findable, text: I find the documentation I need quickly., help: Think of the last week.}\n", "", 1)
	_, err := questionnaires.Parse("m.yaml", []byte(src))
	assertErrors(t, err, "m.yaml", []wantErr{
		{16, "dimensions[0].questions", "needs at least 3 scored questions besides its nps, number and text questions, got 2"},
	})
}
