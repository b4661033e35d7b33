package questionnaires_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"go.yaml.in/yaml/v3"

	"gapmap/questionnaires"
)

// translated is mini.yaml with a German translation of some of its texts.
const translated = `translations:
  de:
    title: Mini auf Deutsch
    levels:
      2:
        name: Automatisiert
    dimensions:
      delivery:
        title: Auslieferung
    questions:
      deploys:
        text: Wie wird eine Auslieferung gestartet?
        options:
          l1: Jemand führt Befehle auf einem Server aus.
    recommendations:
      add-pipeline:
        title: Eine Pipeline für den meistgenutzten Dienst bauen
  pt-BR:
    title: Mini em português
`

// TestTranslationsErrors: every translated text must name a key, level,
// option or language the questionnaire has, with the line and path of the
// mistake. Missing translations are fine.
func TestTranslationsErrors(t *testing.T) {
	base := readFile(t, "testdata/mini.yaml")
	n := bytes.Count(base, []byte("\n")) // the appended block starts on line n+1
	tests := []struct {
		name  string
		extra string
		want  []wantErr
	}{
		{"valid", translated, nil},
		{"own language", "language: de\ntranslations:\n  de:\n    title: Doppelt\n",
			[]wantErr{{n + 3, "translations.de", "the file's own language"}}},
		{"unknown tag", "translations:\n  xx:\n    title: X\n",
			[]wantErr{{n + 2, "translations.xx", "not a known BCP 47 language tag"}}},
		{"non-canonical tag", "translations:\n  pt-br:\n    title: X\n",
			[]wantErr{{n + 2, "translations.pt-br", `as "pt-BR"`}}},
		{"bad language field", "language: english\n",
			[]wantErr{{n + 1, "language", "not a known BCP 47 language tag"}}},
		{"unknown dimension", "translations:\n  de:\n    dimensions:\n      nope:\n        title: X\n",
			[]wantErr{{n + 4, "translations.de.dimensions.nope", `unknown dimension "nope"`}}},
		{"unknown question and option", "translations:\n  de:\n    questions:\n      deploys:\n        options:\n          l3: X\n      gone:\n        text: X\n",
			[]wantErr{{n + 6, "translations.de.questions.deploys.options.l3", `unknown option "l3"`},
				{n + 7, "translations.de.questions.gone", `unknown question "gone"`}}},
		{"unknown level", "translations:\n  de:\n    levels:\n      7:\n        name: X\n",
			[]wantErr{{n + 4, "translations.de.levels.7", "unknown level 7"}}},
		{"level by name", "translations:\n  de:\n    levels:\n      one:\n        name: X\n",
			[]wantErr{{n + 4, "translations.de.levels.one", "by their number"}}},
		{"unknown recommendation", "translations:\n  de:\n    recommendations:\n      nope:\n        title: X\n",
			[]wantErr{{n + 4, "translations.de.recommendations.nope", `unknown recommendation "nope"`}}},
		{"unknown field", "translations:\n  de:\n    headline: X\n",
			[]wantErr{{n + 3, "translations.de.headline", `unknown field "headline"`}}},
		{"empty text", "translations:\n  de:\n    title: \"\"\n",
			[]wantErr{{n + 3, "translations.de.title", "must not be empty"}}},
		{"unit on a scored question", "translations:\n  de:\n    questions:\n      config:\n        unit: Tage\n",
			[]wantErr{{n + 5, "translations.de.questions.config.unit", "only number questions"}}},
		{"dimension levels without own levels", "translations:\n  de:\n    dimensions:\n      delivery:\n        levels:\n          1:\n            name: X\n",
			[]wantErr{{n + 5, "translations.de.dimensions.delivery.levels", "no levels of its own"}}},
		{"duplicate language", "translations:\n  de:\n    title: A\n  de:\n    title: B\n",
			[]wantErr{{n + 4, "translations.de", "duplicate key"}}},
		{"area of a file without areas", "translations:\n  de:\n    areas:\n      core:\n        title: Kern\n",
			[]wantErr{{n + 4, "translations.de.areas.core", `unknown area "core"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := append(bytes.Clone(base), tt.extra...)
			q, err := questionnaires.Parse("t.yaml", data)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got := q.Languages(); len(got) != 3 || got[0] != "en" || got[1] != "de" || got[2] != "pt-BR" {
					t.Errorf("Languages() = %v, want [en de pt-BR]", got)
				}
				return
			}
			assertErrors(t, err, "t.yaml", tt.want)
		})
	}
}

// TestLocalized: translated texts replace the source texts, missing ones
// fall back to them, regional tags use their language's translation, and
// the source questionnaire is left untouched.
func TestLocalized(t *testing.T) {
	data := append(readFile(t, "testdata/mini.yaml"), translated...)
	q, err := questionnaires.Parse("t.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(q)
	de := q.Localized("de-CH")
	_, deploys, _ := de.Question("deploys")
	_, rollbacks, _ := de.Question("rollbacks")
	d, _ := de.Dimension("delivery")
	tests := []struct {
		name, got, want string
	}{
		{"lang", de.Lang(), "de"},
		{"title", de.Title, "Mini auf Deutsch"},
		{"description falls back", de.Description, q.Description},
		{"level 2", de.LevelName(2), "Automatisiert"},
		{"level 1 falls back", de.LevelName(1), "Manual"},
		{"level 2 description falls back", de.Levels[1].Description, q.Levels[1].Description},
		{"dimension", d.Title, "Auslieferung"},
		{"question", deploys.Text, "Wie wird eine Auslieferung gestartet?"},
		{"help falls back", deploys.Help, "Look at the last ten deployments."},
		{"option l1", deploys.Options[0].Label, "Jemand führt Befehle auf einem Server aus."},
		{"option l2 falls back", deploys.Options[1].Label, "A merge to main starts the pipeline."},
		{"untranslated question", rollbacks.Text, "How is a bad deployment undone?"},
		{"recommendation", de.Recommendations[0].Title, "Eine Pipeline für den meistgenutzten Dienst bauen"},
		{"recommendation detail falls back", de.Recommendations[0].Detail, q.Recommendations[0].Detail},
		{"key unchanged", deploys.Options[0].Key, "l1"},
		{"pt-BR", q.Localized("pt-BR").Title, "Mini em português"},
		{"pt has no translation", q.Localized("pt").Title, "Mini"},
		{"source language", q.Localized("en-GB").Lang(), "en"},
		{"unknown language", q.Localized("fr").Title, "Mini"},
		{"garbage", q.Localized("%%").Title, "Mini"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if q.Localized("en") != q || q.Localized("fr") != q {
		t.Error("Localized to the source or an unknown language should return q itself")
	}
	if after, _ := json.Marshal(q); !bytes.Equal(before, after) {
		t.Error("Localized modified the source questionnaire")
	}
	// The translations travel with the stored JSON snapshot.
	back, err := questionnaires.ParseJSON(before)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Localized("de").Title; got != "Mini auf Deutsch" {
		t.Errorf("after ParseJSON: title = %q", got)
	}
}

// TestShippedGerman: every shipped questionnaire translates every text into
// German: levels, dimensions, questions with help, units and options, and
// recommendations.
func TestShippedGerman(t *testing.T) {
	all, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range all {
		de := q.Translations["de"]
		if de == nil || de.Title == "" || de.Description == "" {
			t.Errorf("%s: no German title or description", q.Key)
			continue
		}
		for _, l := range q.Levels {
			if lt := de.Levels[l.Level]; lt.Name == "" || lt.Description == "" {
				t.Errorf("%s: level %d untranslated", q.Key, l.Level)
			}
		}
		for _, d := range q.Dimensions {
			if dt := de.Dimensions[d.Key]; dt.Title == "" || dt.Description == "" {
				t.Errorf("%s: dimension %s untranslated", q.Key, d.Key)
			}
			for _, qu := range d.Questions {
				qt := de.Questions[qu.Key]
				if qt.Text == "" || qt.Help == "" || (qu.Unit != "") != (qt.Unit != "") {
					t.Errorf("%s: question %s untranslated", q.Key, qu.Key)
				}
				for _, o := range qu.Options {
					if qt.Options[o.Key] == "" {
						t.Errorf("%s: option %s of %s untranslated", q.Key, o.Key, qu.Key)
					}
				}
			}
		}
		for _, r := range q.Recommendations {
			if rt := de.Recommendations[r.Key]; rt.Title == "" || rt.Detail == "" {
				t.Errorf("%s: recommendation %s untranslated", q.Key, r.Key)
			}
		}
	}
}

// TestTranslationYAMLTags: a Translation written with the YAML library
// (as an importer would) loads back as the same texts.
func TestTranslationYAMLTags(t *testing.T) {
	tr := map[string]any{"translations": map[string]*questionnaires.Translation{"de": {
		Title:     "Mini auf Deutsch",
		Levels:    map[int]questionnaires.LevelText{1: {Name: "Von Hand"}},
		Questions: map[string]questionnaires.QuestionText{"deploys": {Text: "Wie startet eine Auslieferung?", Options: map[string]string{"l2": "Ein Merge startet die Pipeline."}}},
	}}}
	out, err := yaml.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	q, err := questionnaires.Parse("t.yaml", append(readFile(t, "testdata/mini.yaml"), out...))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	de := q.Localized("de")
	_, deploys, _ := de.Question("deploys")
	if de.Title != "Mini auf Deutsch" || de.LevelName(1) != "Von Hand" || deploys.Text != "Wie startet eine Auslieferung?" || deploys.Options[1].Label != "Ein Merge startet die Pipeline." {
		t.Errorf("round trip: %q %q %q %q", de.Title, de.LevelName(1), deploys.Text, deploys.Options[1].Label)
	}
}
