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
