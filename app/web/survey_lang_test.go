package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gapmap/app/store/storetest"
)

// TestSurveyLanguage: Accept-Language: de gives the survey in German
// (interface and questionnaire texts, <html lang>), ?lang=en overrides it
// and is remembered for the link only, an unknown ?lang= is ignored, and
// the page cache keeps the languages apart.
func TestSurveyLanguage(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		r := ts.newRound(o)
		base := "/s/" + r.Tokens[0]
		de := map[string]string{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
		b := ts.client()
		get := func(path string, headers map[string]string) string {
			t.Helper()
			res := b.doHeaders("GET", path, "", "", headers)
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %s", path, res)
			}
			return res.text()
		}
		page := func(body string, want, not []string) {
			t.Helper()
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range not {
				if strings.Contains(body, w) {
					t.Errorf("page has %q", w)
				}
			}
		}
		german := []string{`<html lang="de">`, "Umfrage beginnen", "Wie lange es dauert", "Reifegrad des Platform Engineering", `hreflang="en"`, "Deutsch"}
		english := []string{`<html lang="en">`, "Start the survey", "How long it takes", "Platform engineering maturity (CNCF five levels)"}

		page(get(base+"/intro", de), german, english)
		p1 := get(base+"/page/1", de)
		page(p1, []string{"Speichern und weiter", "Wie wird die Arbeit an der internen Plattform finanziert?", "Stufe 1 · Provisorisch", "Trifft auf mein Team nicht zu", `id="survey-messages"`, "Gespeichert"},
			[]string{"Save and continue", "How is work on the internal platform funded?", "Not applicable to my team"})
		page(get(base+"/review", de), []string{"Prüfen und absenden", "Antworten absenden"}, []string{"Submit answers"})

		// Without a preference the survey is English; the cache keeps both.
		page(get(base+"/intro", nil), english, german[:3])

		// ?lang=en overrides Accept-Language and is remembered for this link.
		page(get(base+"/intro?lang=en", de), english, german[:3])
		ck := b.lastSet("gapmap_lang")
		if ck == nil || ck.Value != "en" || ck.Path != base || !ck.HttpOnly {
			t.Fatalf("language cookie: %+v", ck)
		}
		page(get(base+"/page/1", de), []string{"Save and continue"}, []string{"Speichern und weiter"})
		// Another link of the same browser still follows Accept-Language.
		page(get("/s/"+r.Tokens[1]+"/intro", de), german, nil)
		// An unknown or malformed ?lang= changes nothing.
		page(get(base+"/intro?lang=xx-%3Cb%3E", de), english, nil)
		page(get(base+"/intro?lang=de", nil), german, nil)

		// The API keeps the source texts whatever the browser prefers.
		api := b.doHeaders("GET", "/api/v1/survey/"+r.Tokens[0], "", "", de)
		if !strings.Contains(api.text(), "How is work on the internal platform funded?") {
			t.Errorf("survey API in another language: %.300s", api.text())
		}

		// German form errors and submission state.
		fresh := ts.client()
		res := fresh.doHeaders("GET", "/s/"+r.Tokens[1]+"/review", "", "", de)
		page(res.text(), []string{"Diese Fragen haben noch keine Antwort"}, nil)
	})
}

// TestSurveyDoneInGerman: after submitting, a German respondent of a small
// team in an anonymous round reads why the team's results are withheld,
// and the results table, in German.
func TestSurveyDoneInGerman(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	r := newAnonRound(t, ts)
	small := r.tokens[len(r.tokens)-1]
	res := ts.client().doHeaders("GET", "/s/"+small, "", "", map[string]string{"Accept-Language": "de"})
	body := res.text()
	for _, want := range []string{"Die Ergebnisse Ihres Teams werden vorerst zurückgehalten: zu wenige Antworten (3 von 5).", "Wo Ihr Team steht", "Investition", `<html lang="de">`} {
		if !strings.Contains(body, want) {
			t.Errorf("done page lacks %q", want)
		}
	}
	for _, not := range []string{notEnough, "Where your team stands", "Investment"} {
		if strings.Contains(body, not) {
			t.Errorf("done page shows the English %q", not)
		}
	}
}

// TestSurveyMeasuresInGerman: likert statements, nps, number and text
// questions of the developer-experience survey read in German.
func TestSurveyMeasuresInGerman(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Acme", "Blue")
	r := ts.newRound(o, devx)
	b := ts.client()
	de := map[string]string{"Accept-Language": "de"}
	var all strings.Builder
	for n := 1; n <= 5; n++ {
		res := b.doHeaders("GET", fmt.Sprintf("/s/%s/page/%d", r.Tokens[0], n), "", "", de)
		if res.Status != http.StatusOK {
			t.Fatalf("page %d: %s", n, res)
		}
		all.WriteString(res.text())
	}
	body := all.String()
	for _, want := range []string{"Stimme voll zu", "Stimme überhaupt nicht zu", "Weder noch", "Trifft auf mich nicht zu", "(freiwillig)",
		"von 2000 Zeichen", "Ihre Antwort in Stunden", "Überhaupt nicht wahrscheinlich", "Rückmeldeschleifen", "Wie viele Stunden verlieren Sie"} {
		if !strings.Contains(body, want) {
			t.Errorf("German measure pages lack %q", want)
		}
	}
	for _, not := range []string{"Strongly agree", "Not applicable to me", "(optional)", "characters", "Your answer in", "Not at all likely"} {
		if strings.Contains(body, not) {
			t.Errorf("German measure pages show the English %q", not)
		}
	}
}
