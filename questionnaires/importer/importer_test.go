package importer_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gapmap/questionnaires"
	"gapmap/questionnaires/importer"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestImportFixtures converts each fixture, compares the output with its
// golden file, and checks what the conversion makes of the source's shape.
func TestImportFixtures(t *testing.T) {
	tests := []struct {
		from  string
		paths []string
		check func(t *testing.T, q *questionnaires.Questionnaire, notes []string)
	}{
		{importer.SAMM, []string{"testdata/samm"}, func(t *testing.T, q *questionnaires.Questionnaire, notes []string) {
			want(t, "scoring", q.Scoring, "samm")
			want(t, "levels", len(q.Levels), 4)
			want(t, "first level", q.FirstLevel(), 0)
			want(t, "areas", areaKeys(q), "plan:risk-review,team-training run:incident-drills")
			d := q.Dimensions[0]
			want(t, "groups", len(d.Groups), 2)
			want(t, "group b", d.Groups[1].Title, "Track risks")
			want(t, "questions", len(d.Questions), 6)
			qu := d.Questions[0]
			want(t, "first question", qu.Key+" "+qu.Group, "p-rr-1-a a")
			want(t, "level", *qu.Level, 1)
			want(t, "options", len(qu.Options), 4)
			want(t, "values", optionValues(qu), "0 0.25 0.5 1")
			want(t, "practice level 2", d.Levels[2].Description, "Objective 2 of the RR practice, in test words.")
			want(t, "warnings", len(q.Warnings()), 0)
			want(t, "recommendations", len(q.Recommendations), 18)
			want(t, "notes", len(notes), 0)
		}},
		{importer.SAMM, []string{"testdata/samm/model"}, func(t *testing.T, q *questionnaires.Questionnaire, _ []string) {
			want(t, "dimensions", len(q.Dimensions), 3)
		}},
		{importer.DSOMM, []string{"testdata/dsomm/generated/model.yaml"}, func(t *testing.T, q *questionnaires.Questionnaire, _ []string) {
			want(t, "scoring", q.Scoring, "activities")
			want(t, "version", q.Version, "0.9.0-test")
			want(t, "pass ratio", q.PassRatio, 1.0)
			want(t, "levels", len(q.Levels), 6)
			want(t, "areas", areaKeys(q), "ship-and-deliver:packaging,releasing watch-and-learn:alerting")
			qu := q.Dimensions[0].Questions[4]
			want(t, "question", qu.Key+" "+qu.Text, "package-provenance-is-verified-on-install Package provenance is verified on install")
			want(t, "level", *qu.Level, 5)
			want(t, "values", optionValues(qu), "0 1")
		}},
		{importer.DSOMM, []string{"testdata/dsomm"}, func(t *testing.T, q *questionnaires.Questionnaire, _ []string) {
			want(t, "dimensions", len(q.Dimensions), 3)
		}},
		{importer.PEMM, []string{"testdata/pemm/questions-de.yaml", "testdata/pemm/questions-en.yaml"}, func(t *testing.T, q *questionnaires.Questionnaire, notes []string) {
			want(t, "scoring", q.Scoring, "mean")
			want(t, "title", q.Title, "Test Platform Assessment")
			want(t, "dimensions", len(q.Dimensions), 3)
			qu := q.Dimensions[1].Questions[0]
			want(t, "question", qu.Key+" "+qu.Text, "uptake-1 Why do teams start using the platform?")
			want(t, "values", optionValues(qu), "1 2 3 4")
			want(t, "label", qu.Options[2].Label, "A team — A team owns it.")
			if len(notes) != 1 {
				t.Errorf("notes %q", notes)
			}
			// The German file becomes the questionnaire's German translation.
			want(t, "languages", strings.Join(q.Languages(), " "), "en de")
			de := q.Localized("de")
			dq := de.Dimensions[1].Questions[0]
			if dq.Key != qu.Key || dq.Text == qu.Text || dq.Options[2].Label == qu.Options[2].Label || de.Title == q.Title {
				t.Errorf("German: %q %q %q, title %q", dq.Key, dq.Text, dq.Options[2].Label, de.Title)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.from+" "+strings.Join(tc.paths, " "), func(t *testing.T) {
			res, err := importer.Import(tc.from, tc.paths, importer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", tc.from+".yaml")
			if *update && len(tc.paths) > 0 && tc.paths[0] != "testdata/samm/model" && tc.paths[0] != "testdata/dsomm" {
				if err := os.WriteFile(golden, res.YAML, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(want) != string(res.YAML) {
				t.Errorf("output differs from %s (run go test -update to rewrite it):\n%s", golden, res.YAML)
			}
			again, err := questionnaires.Parse(golden, want)
			if err != nil {
				t.Fatalf("golden file does not load: %v", err)
			}
			tc.check(t, again, res.Notes)
		})
	}
}

func TestImportOptions(t *testing.T) {
	res, err := importer.Import(importer.PEMM, []string{"testdata/pemm/questions-en.yaml"}, importer.Options{Key: "my-pemm", Version: "2026-1"})
	if err != nil {
		t.Fatal(err)
	}
	q := res.Questionnaire
	if q.Key != "my-pemm" || q.Version != "2026-1" {
		t.Errorf("key %q version %q", q.Key, q.Version)
	}
	if len(res.Notes) != 1 {
		t.Errorf("notes of one English file: %q", res.Notes)
	}
}

// TestImportErrors: broken input gives one line naming the file and what
// is wrong.
func TestImportErrors(t *testing.T) {
	samm := func(t *testing.T, edit func(dir string)) string {
		dir := copyTree(t, "testdata/samm")
		edit(dir)
		return dir
	}
	tests := []struct {
		name  string
		from  string
		paths func(t *testing.T) []string
		file  string // the file the message names (suffix)
		msg   string
	}{
		{"samm folder missing", importer.SAMM, func(t *testing.T) []string { return []string{t.TempDir()} },
			"", "no business_functions folder"},
		{"samm unknown practice", importer.SAMM, func(t *testing.T) []string {
			return []string{samm(t, func(dir string) {
				rewrite(t, filepath.Join(dir, "model/streams/P-RR-A.yml"), "practice: pr-rr", "practice: pr-nope")
			})}
		}, "model/streams/P-RR-A.yml", "practice pr-nope is not the id of any file in security_practices"},
		{"samm missing field", importer.SAMM, func(t *testing.T) []string {
			return []string{samm(t, func(dir string) {
				rewrite(t, filepath.Join(dir, "model/questions/R-ID-2-B.yml"), "answerSet: as-often\n", "")
			})}
		}, "model/questions/R-ID-2-B.yml", "missing answerSet"},
		{"samm bad yaml", importer.SAMM, func(t *testing.T) []string {
			return []string{samm(t, func(dir string) {
				rewrite(t, filepath.Join(dir, "model/answer_sets/B.yml"), "- text: Seldom", "- text: [Seldom")
			})}
		}, "model/answer_sets/B.yml", "invalid YAML"},
		{"samm duplicate id", importer.SAMM, func(t *testing.T) []string {
			return []string{samm(t, func(dir string) {
				rewrite(t, filepath.Join(dir, "model/activities/P-TT-3-B.yml"), "id: act-tt-3-b", "id: act-tt-3-a")
			})}
		}, "", "is also the id of"},
		{"samm two paths", importer.SAMM, func(t *testing.T) []string { return []string{"a", "b"} }, "", "samm takes one path"},
		{"dsomm level out of range", importer.DSOMM, func(t *testing.T) []string {
			return []string{writeTemp(t, "model.yaml", strings.Replace(read(t, "testdata/dsomm/generated/model.yaml"), "level: 5", "level: 7", 1))}
		}, "model.yaml:", `activity "Package provenance is verified on install" of Packaging: level must be 1 to 5, got 7`},
		{"dsomm level missing", importer.DSOMM, func(t *testing.T) []string {
			return []string{writeTemp(t, "model.yaml", strings.Replace(read(t, "testdata/dsomm/generated/model.yaml"), "      level: 2\n", "", 1))}
		}, "model.yaml:", "missing level"},
		{"dsomm not a model", importer.DSOMM, func(t *testing.T) []string { return []string{writeTemp(t, "model.yaml", "- a\n- b\n")} },
			"model.yaml:1", "expected a mapping of dimensions, got a list"},
		{"dsomm missing file", importer.DSOMM, func(t *testing.T) []string { return []string{filepath.Join(t.TempDir(), "nope.yaml")} },
			"nope.yaml", "cannot read"},
		{"pemm translation differs", importer.PEMM, func(t *testing.T) []string {
			de := writeTemp(t, "questions-de.yaml", strings.Replace(read(t, "testdata/pemm/questions-de.yaml"), `field_name: "uptake_2"`, `field_name: "uptake_9"`, 1))
			return []string{"testdata/pemm/questions-en.yaml", de}
		}, "questions-de.yaml", "categories[1].questions[1] differs from questions-en.yaml"},
		{"pemm translation lacks a question", importer.PEMM, func(t *testing.T) []string {
			en := read(t, "testdata/pemm/questions-en.yaml")
			i, j := strings.Index(en, "      - id: 2\n        text: \"How do teams learn"), strings.Index(en, "  - id: \"feedback\"")
			return []string{"testdata/pemm/questions-de.yaml", writeTemp(t, "questions-en.yaml", en[:i]+en[j:])}
		}, "questions-de.yaml", "categories[1] (uptake) has 2 questions; in questions-en.yaml it has 1"},
		{"pemm value missing", importer.PEMM, func(t *testing.T) []string {
			return []string{writeTemp(t, "questions-en.yaml", strings.Replace(read(t, "testdata/pemm/questions-en.yaml"), "- value: 3", "- valeur: 3", 1))}
		}, "questions-en.yaml", "categories[0].questions[0].options[2]: missing value"},
		{"pemm same language twice", importer.PEMM, func(t *testing.T) []string {
			return []string{"testdata/pemm/questions-en.yaml", "testdata/pemm/questions-en.yaml"}
		}, "questions-en.yaml", `language "en" is also the language of`},
		{"unknown source", "cmmi", func(t *testing.T) []string { return []string{"x"} }, "", `unknown source "cmmi"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := importer.Import(tc.from, tc.paths(t), importer.Options{})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("message has several lines: %q", msg)
			}
			if !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q lacks %q", msg, tc.msg)
			}
			if tc.file != "" {
				var ie *importer.Error
				if !errors.As(err, &ie) {
					t.Fatalf("%T is not an *importer.Error", err)
				}
				if !strings.Contains(filepath.ToSlash(msg), tc.file) {
					t.Errorf("message %q does not name %s", msg, tc.file)
				}
			}
		})
	}
}

func want[T comparable](t *testing.T, what string, got, wanted T) {
	t.Helper()
	if got != wanted {
		t.Errorf("%s = %v, want %v", what, got, wanted)
	}
}

func areaKeys(q *questionnaires.Questionnaire) string {
	var parts []string
	for _, a := range q.Areas {
		parts = append(parts, a.Key+":"+strings.Join(a.Dimensions, ","))
	}
	return strings.Join(parts, " ")
}

func optionValues(q questionnaires.Question) string {
	var parts []string
	for _, o := range q.Options {
		parts = append(parts, strconv.FormatFloat(*o.Value, 'g', -1, 64))
	}
	return strings.Join(parts, " ")
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func rewrite(t *testing.T, path, old, new string) {
	t.Helper()
	s := read(t, path)
	if !strings.Contains(s, old) {
		t.Fatalf("%s lacks %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(s, old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
