package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// TestReadingLanguage: leaders choose the questionnaire language of the
// results API, the dashboard, the team view, the report (HTML and
// Markdown) and the workbook with ?lang=; without it, and with a language
// nobody offers, they read the questionnaire's own; the scores are the same
// and the interface stays English.
func TestReadingLanguage(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		r := ts.newRound(o)
		ts.seedLevels(o, r.ID, map[int64]int{o.Teams[0].ID: 2, o.Teams[1].ID: 3}, map[int64]int{o.Teams[0].ID: 3, o.Teams[1].ID: 4})
		b := ts.client()
		b.login(o.Owner.Email)

		api := func(query string) string {
			t.Helper()
			res := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/results%s", r.ID, query), o.Token, nil), 200, "results "+query)
			return res.text()
		}
		en, de := api(""), api("?lang=de")
		if !strings.Contains(en, `"title":"Investment"`) || strings.Contains(en, "Investition") {
			t.Errorf("results without lang are not English: %.300s", en)
		}
		for _, w := range []string{`"title":"Investition"`, `"title":"Reifegrad des Platform Engineering (fünf Stufen nach CNCF)"`, `"level_name":"Betriebsfähig"`} {
			if !strings.Contains(de, w) {
				t.Errorf("results ?lang=de lack %s", w)
			}
		}
		if !strings.Contains(de, "Reifegrad des Plattformprogramms auf vier Achsen") {
			t.Error("results ?lang=de lost a questionnaire")
		}
		if !reflect.DeepEqual(strip(t, de), strip(t, en)) {
			t.Error("scores differ between languages")
		}
		if got := api("?lang=de-AT"); !strings.Contains(got, `"title":"Investition"`) {
			t.Error("results ?lang=de-AT are not German")
		}
		var fr, plain any
		_ = json.Unmarshal([]byte(api("?lang=fr")), &fr)
		_ = json.Unmarshal([]byte(en), &plain)
		if !reflect.DeepEqual(fr, plain) {
			t.Error("an unoffered language changed the results")
		}

		pages := []struct {
			path string
			want []string
		}{
			{fmt.Sprintf("/assessments/%d/dashboard", r.ID), []string{"Investition", "Questionnaire language:", `hreflang="en"`, "Report and roadmap",
				fmt.Sprintf(`href="/assessments/%d/report?lang=de">Report and roadmap`, r.ID), fmt.Sprintf(`href="/assessments/%d/export.xlsx?lang=de"`, r.ID),
				fmt.Sprintf(`href="/assessments/%d/results?lang=de"`, r.ID), fmt.Sprintf(`href="/assessments/%d/teams/%d?lang=de"`, r.ID, o.Teams[0].ID)}},
			{fmt.Sprintf("/assessments/%d/teams/%d", r.ID, o.Teams[0].ID), []string{"Investition", "Questionnaire language:",
				fmt.Sprintf(`href="/assessments/%d/results?team_id=%d&amp;lang=de"`, r.ID, o.Teams[0].ID), fmt.Sprintf(`href="/assessments/%d/dashboard?lang=de"`, r.ID)}},
			{fmt.Sprintf("/assessments/%d/results", r.ID), []string{"Investition", "Questionnaire language:", `<strong lang="de" aria-current="true">Deutsch</strong>`,
				fmt.Sprintf(`href="/assessments/%d/results?lang=en"`, r.ID)}},
			{fmt.Sprintf("/assessments/%d/report", r.ID), []string{"Investition", "Questionnaire language:", "/report.md?lang=de", "/report.md?download=1&amp;lang=de", "/export.xlsx?lang=de"}},
			{fmt.Sprintf("/assessments/%d/report.md", r.ID), []string{"Investition"}},
		}
		for _, p := range pages {
			plain := b.get(p.path)
			if plain.Status != 200 || strings.Contains(plain.text(), "Investition") {
				t.Errorf("%s without lang: %d, German shown", p.path, plain.Status)
			}
			got := b.get(p.path + "?lang=de")
			if got.Status != 200 {
				t.Fatalf("%s?lang=de: %s", p.path, got)
			}
			for _, w := range p.want {
				if !strings.Contains(got.text(), w) {
					t.Errorf("%s?lang=de lacks %q", p.path, w)
				}
			}
			// The dashboard's cache keeps the languages apart.
			if again := b.get(p.path); strings.Contains(again.text(), "Investition") {
				t.Errorf("%s after ?lang=de: German shown", p.path)
			}
		}

		// The team's results tables keep the team in the picker's links.
		team := b.get(fmt.Sprintf("/assessments/%d/results?team_id=%d&lang=de", r.ID, o.Teams[0].ID))
		if w := fmt.Sprintf(`href="/assessments/%d/results?lang=en&amp;team_id=%d"`, r.ID, o.Teams[0].ID); team.Status != 200 || !strings.Contains(team.text(), w) || !strings.Contains(team.text(), "Investition") {
			t.Errorf("team results ?lang=de: %d, lacks %s or German", team.Status, w)
		}
		// The dashboard's links carry the picker's language, not the raw ?lang=.
		if at := b.get(fmt.Sprintf("/assessments/%d/dashboard?lang=de-AT", r.ID)); !strings.Contains(at.text(), `/report?lang=de"`) {
			t.Errorf("dashboard ?lang=de-AT: report link without lang=de")
		}

		xlsx := b.get(fmt.Sprintf("/assessments/%d/export.xlsx?lang=de", r.ID))
		if xlsx.Status != 200 || !bytes.Contains(unzipAll(t, xlsx.Body), []byte("Investition")) {
			t.Errorf("workbook ?lang=de: %d, no German dimension title", xlsx.Status)
		}
	})
}

// strip decodes a results body without the texts a language changes
// (titles and level names), keeping keys, levels and scores.
func strip(t *testing.T, body string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "title")
			delete(x, "level_name")
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return v
}

func unzipAll(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(&out, rc)
		rc.Close()
	}
	return out.Bytes()
}
