package questionnaires_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"gapmap/questionnaires"
)

// TestParseFormats: the fields of imported models (scoring, origin,
// metadata, areas, groups, per-dimension levels, a scale from 0, option
// values and question levels) load, encode to the JSON golden and decode
// back to the same JSON.
func TestParseFormats(t *testing.T) {
	for _, name := range []string{"samm", "activities"} {
		t.Run(name, func(t *testing.T) {
			file := "testdata/formats/" + name + ".yaml"
			q, err := questionnaires.Parse(file, readFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(q, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".json"
			if *update {
				if err := os.WriteFile(golden, append(js, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, golden); !bytes.Equal(append(js, '\n'), want) {
				t.Errorf("JSON differs from %s (run with -update and review the diff):\n%s", golden, js)
			}
			back, err := questionnaires.ParseJSON(js)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := json.MarshalIndent(back, "", "  ")
			if !bytes.Equal(again, js) {
				t.Errorf("ParseJSON(json(q)) encodes differently")
			}
		})
	}

	samm := mustParse(t, "testdata/formats/samm.yaml")
	pipeline, _ := samm.Dimension("pipeline")
	deps, _ := samm.Dimension("deps")
	_, a1, _ := samm.Question("pipe-a1")
	act := mustParse(t, "testdata/formats/activities.yaml")
	_, contract, _ := act.Question("contract-tests")
	mini := mustParse(t, "testdata/mini.yaml")
	tests := []struct {
		name      string
		got, want any
	}{
		{"method", samm.Method(), questionnaires.ScoringSAMM},
		{"default method", mini.Method(), questionnaires.ScoringGated},
		{"first level", samm.FirstLevel(), 0},
		{"metadata", []string{samm.Origin, samm.Source, samm.License, samm.Attribution},
			[]string{"imported", "gapmap test fixture", "CC0-1.0", "Written by the gapmap team for its tests."}},
		{"areas", len(samm.Areas), 2},
		{"area of a dimension", samm.AreaOf("alerts").Key, "run"},
		{"groups", len(pipeline.Groups), 2},
		{"question group", a1.Group, "a"},
		{"option value", *a1.Options[1].Value, 0.25},
		{"own level name", samm.DimensionLevelName(pipeline, 2), "Checked"},
		{"global level name", samm.DimensionLevelName(deps, 2), "Repeatable"},
		{"question level", *contract.Level, 2},
		{"imported: warnings, not errors", len(samm.Warnings()) > 0, true},
		{"no warnings in a complete file", len(mini.Warnings()), 0},
		{"no recommendations is an empty list", len(samm.Recommendations), 0},
	}
	for _, tt := range tests {
		if g, w := mustJSONString(t, tt.got), mustJSONString(t, tt.want); g != w {
			t.Errorf("%s = %s, want %s", tt.name, g, w)
		}
	}
}

// TestParseFormatErrors: each rule of the new fields, and that a file which
// is not imported keeps every old requirement.
func TestParseFormatErrors(t *testing.T) {
	samm := string(readFile(t, "testdata/formats/samm.yaml"))
	act := string(readFile(t, "testdata/formats/activities.yaml"))
	mini := string(readFile(t, "testdata/mini.yaml"))
	edit := func(src, old, new string) []byte {
		t.Helper()
		if !strings.Contains(src, old) {
			t.Fatalf("no %q in the fixture", old)
		}
		return []byte(strings.Replace(src, old, new, 1))
	}
	tests := []struct {
		name string
		data []byte
		want []wantErr
	}{
		{"unknown scoring", edit(mini, "scale: level", "scale: level\nscoring: median"),
			[]wantErr{{7, "scoring", "must be one of gated, mean, samm, activities"}}},
		{"a gated scale cannot start at 0", edit(mini, "  - level: 1\n    name: Manual", "  - level: 0\n    name: Manual"),
			[]wantErr{{8, "levels[0].level", "a scale may start at 0 only with scoring mean, samm or activities"}}},
		{"not imported: help is required", edit(mini, "        help: Look at the last ten deployments.\n", ""),
			[]wantErr{{19, "dimensions[0].questions[0].help", "missing required field"}}},
		{"samm: an option without value", edit(samm, "{key: some, level: 1, value: 0.25, label: In a few places}", "{key: some, level: 1, label: In a few places}"),
			[]wantErr{{60, "dimensions[0].questions[0].options[1]", "every option needs a value"}}},
		{"option level off the scale", edit(samm, "{key: all, level: 3,", "{key: all, level: 4,"),
			[]wantErr{{62, "dimensions[0].questions[0].options[3].level", "must be a level from 0 to 3, got 4"}}},
		{"unknown group", edit(samm, "group: b", "group: c"),
			[]wantErr{{72, "dimensions[0].questions[2].group", `unknown group "c"`}}},
		{"a question without group in a grouped dimension", edit(samm, "        group: b\n", ""),
			[]wantErr{{71, "dimensions[0].questions[2]", "the question needs a group"}}},
		{"dimension levels must follow the scale", edit(samm, "      - level: 2\n        name: Checked", "      - level: 5\n        name: Checked"),
			[]wantErr{{48, "dimensions[0].levels[2].level", "must follow the questionnaire's levels 0..3"}}},
		{"area of an unknown dimension", edit(samm, "dimensions: [alerts]", "dimensions: [alerts, logs]"),
			[]wantErr{{31, "areas[1].dimensions[1]", `unknown dimension "logs"`}}},
		{"a dimension in no area", edit(samm, "dimensions: [pipeline, deps]", "dimensions: [pipeline]"),
			[]wantErr{{25, "areas", `dimension "deps" is in no area`}}},
		{"a dimension in two areas", edit(samm, "dimensions: [alerts]", "dimensions: [alerts, deps]"),
			[]wantErr{{31, "areas[1].dimensions[1]", `dimension "deps" is already in an area`}}},
		{"activities: a question without level", edit(act, "      - key: coverage\n        level: 1\n", "      - key: coverage\n"),
			[]wantErr{{31, "dimensions[0].questions[1]", "every question needs the level it belongs to"}}},
		{"activities: a value other than 0 or 1", edit(act, "value: 0, label: Not done}", "value: 0.5, label: Not done}"),
			[]wantErr{{28, "dimensions[0].questions[0].options", "needs an option with value 1 (done) and one with value 0"},
				{30, "dimensions[0].questions[0].options[1].value", "a value is 1 (done) or 0 (not done)"}}},
		{"likert cannot use another method", edit(string(readFile(t, "testdata/valid-likert.yaml")), "scale: likert", "scale: likert\nscoring: mean"),
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := questionnaires.Parse("x.yaml", tt.data)
			if q != nil {
				t.Fatal("Parse accepted the file")
			}
			if tt.want == nil {
				if !strings.Contains(err.Error(), "scoring mean needs the level scale") {
					t.Errorf("error %v", err)
				}
				return
			}
			assertErrors(t, err, "x.yaml", tt.want)
		})
	}
}

func mustParse(t *testing.T, file string) *questionnaires.Questionnaire {
	t.Helper()
	q, err := questionnaires.Parse(file, readFile(t, file))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func mustJSONString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
