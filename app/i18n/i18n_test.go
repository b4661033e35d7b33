package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gapmap/app/i18n"
)

// TestCatalogComplete: German has exactly the English keys, and every key
// is used by a template, the web package or the survey script's messages,
// so neither a missing nor a stale translation can ship.
func TestCatalogComplete(t *testing.T) {
	en, de := i18n.Keys("en"), i18n.Keys("de")
	for _, k := range en {
		if !slices.Contains(de, k) {
			t.Errorf("German lacks %q", k)
		}
	}
	for _, k := range de {
		if !slices.Contains(en, k) {
			t.Errorf("German has %q, which English lacks", k)
		}
	}
	var used strings.Builder
	for _, glob := range []string{"../../views/*/*.html", "../web/*.go", "../../static/js/survey.js"} {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("glob %s: %v", glob, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			used.Write(b)
		}
	}
	src := used.String()
	for _, k := range en {
		quoted := `"` + k + `"`
		js := strings.TrimPrefix(k, "js.")
		if !strings.Contains(src, quoted) && !(strings.HasPrefix(k, "js.") && strings.Contains(src, "msg('"+js+"'")) &&
			!(strings.HasPrefix(k, "survey.likert.") && strings.Contains(src, `"survey.likert."`)) {
			t.Errorf("message %q is not used anywhere", k)
		}
	}
	// Every key the templates and the web package name exists.
	re := regexp.MustCompile(`"((?:survey|join)\.[a-z0-9.]+[a-z0-9])"`)
	for _, m := range re.FindAllStringSubmatch(src, -1) {
		if !slices.Contains(en, m[1]) && m[1] != "survey.likert" {
			t.Errorf("%q is used but not in the catalog", m[1])
		}
	}
}

func TestCatalog(t *testing.T) {
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	html, err := c.HTML("de-AT", "survey.intro.team.html", "<Blau>")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, got, want string }{
		{"interface de-AT", c.Interface("de-AT"), "de"},
		{"interface fr", c.Interface("fr"), "en"},
		{"interface garbage", c.Interface("%%"), "en"},
		{"german", c.MustT("de", "survey.nav.next"), "Speichern und weiter"},
		{"english", c.MustT("en", "survey.nav.next"), "Save and continue"},
		{"fallback", c.MustT("fr", "survey.nav.prev"), "Previous"},
		{"args", c.MustT("de", "survey.progress.answered", 3, 12), "3 von 12 Fragen beantwortet"},
		{"escaped", string(html), "Sie antworten für das Team <strong>&lt;Blau&gt;</strong>."},
		{"unknown key", c.MustT("de", "survey.nope"), "survey.nope"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if _, err := c.T("de", "survey.nope"); err == nil {
		t.Error("T of an unknown key: no error")
	}
	if got := c.Messages("de", "js.")["js.saved"]; got != "Gespeichert" {
		t.Errorf("Messages js.saved = %q", got)
	}
}

// TestPlurals: counted words follow the count by each language's plural
// rules (x/text plural.Selectf), in plain and markup messages alike, and
// no table message keeps an uncompiled {N:one|other}.
func TestPlurals(t *testing.T) {
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	est, err := c.HTML("de", "survey.intro.estimate.html", 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "survey.progress.answered", []any{1, 1}, "1 of 1 question answered"},
		{"en", "survey.progress.answered", []any{0, 1}, "0 of 1 question answered"},
		{"en", "survey.progress.answered", []any{1, 12}, "1 of 12 questions answered"},
		{"en", "survey.progress.answered", []any{0, 2000}, "0 of 2000 questions answered"},
		{"de", "survey.progress.answered", []any{1, 1}, "1 von 1 Frage beantwortet"},
		{"de", "survey.progress.answered", []any{3, 12}, "3 von 12 Fragen beantwortet"},
		{"de", "survey.progress.answered", []any{0, 0}, "0 von 0 Fragen beantwortet"},
		{"de", "survey.intro.sofar", []any{1, 1}, "Bisher ist 1 von 1 Frage beantwortet."},
		{"de", "survey.intro.sofar", []any{2, 5}, "Bisher sind 2 von 5 Fragen beantwortet."},
		{"en", "survey.done.count", []any{1, 1}, "1 of 1 question answered."},
		{"de", "survey.done.count", []any{4, 4}, "4 von 4 Fragen beantwortet."},
		{"en", "survey.review.complete", []any{1}, "The 1 required question is answered."},
		{"en", "survey.review.complete", []any{7}, "All 7 required questions are answered."},
		{"de", "survey.review.complete", []any{1}, "Die 1 Pflichtfrage ist beantwortet."},
		{"de", "survey.review.complete", []any{7}, "Alle 7 Pflichtfragen sind beantwortet."},
		{"en", "survey.intro.time", []any{1, 1, 1}, "There is 1 question on 1 page, one page per topic. Allow about 1 minute "},
		{"en", "survey.intro.time", []any{12, 3, 4}, "There are 12 questions on 3 pages, one page per topic. Allow about 4 minutes "},
		{"de", "survey.intro.time", []any{1, 1, 1}, "Es ist 1 Frage auf 1 Seite, eine Seite je Thema. Planen Sie etwa 1 Minute ein"},
		{"de", "survey.intro.time", []any{12, 3, 4}, "Es sind 12 Fragen auf 3 Seiten, eine Seite je Thema. Planen Sie etwa 4 Minuten ein"},
		{"en", "survey.text.count.html", []any{0, 1}, "<span data-count>0</span> of 1 character"},
		{"de-AT", "survey.review.sofar", []any{1, 1}, "1 von 1 Frage beantwortet."},
	}
	for _, tt := range tests {
		got := c.MustT(tt.lang, tt.key, tt.args...)
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s %s %v = %q, want it to start with %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
	if want := "<strong>Etwa 1 Minute</strong>: 1 Frage auf 1 Seite."; !strings.HasPrefix(string(est), want) {
		t.Errorf("estimate = %q, want %q", est, want)
	}
	// Every message formats cleanly with some number of arguments.
	for _, lang := range []string{"en", "de"} {
		for _, k := range i18n.Keys(lang) {
			var got string
			for n := range 5 {
				args := make([]any, n)
				for i := range args {
					args[i] = 1
				}
				if got = c.MustT(lang, k, args...); !strings.Contains(got, "%!") {
					break
				}
			}
			if regexp.MustCompile(`\{[1-9]:`).MatchString(got) || strings.Contains(got, "%!") {
				t.Errorf("%s %s: %q", lang, k, got)
			}
		}
	}
}
