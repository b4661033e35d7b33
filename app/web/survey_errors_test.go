package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gapmap/app/config"
	"gapmap/app/store/storetest"
)

// TestSurveyErrorsInRespondentLanguage: the error pages of survey and
// open links (invalid or revoked link, no such page, a closed round, a
// full link, too many requests) read in the respondent's language, chosen
// as the survey's: ?lang=, the link's cookie, Accept-Language.
func TestSurveyErrorsInRespondentLanguage(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), func(c *config.Config) { c.Limits.SurveyMisses = 8 })
	o := ts.newOrg("Acme", "Blue")
	r := ts.newRound(o, "cncf-platform-maturity")
	links := fmt.Sprintf("/api/v1/assessments/%d/open-links", r.ID)
	openLink := func(body map[string]any) string {
		l := ts.want(ts.call("POST", links, o.Token, body), http.StatusCreated, "open link")
		return l.field(t, "token").(string)
	}
	full := openLink(map[string]any{"team_id": o.Teams[0].ID, "max_responses": 1})
	ts.want(ts.call("POST", "/api/v1/join/"+full, "", nil), http.StatusCreated, "join")
	closed := ts.newRound(o, "cncf-platform-maturity")
	closedLink := fmt.Sprintf("/api/v1/assessments/%d/open-links", closed.ID)
	cl := ts.want(ts.call("POST", closedLink, o.Token, map[string]any{"team_id": o.Teams[0].ID}), http.StatusCreated, "open link").field(t, "token").(string)
	ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/close", closed.ID), o.Token, nil), http.StatusOK, "close")

	// A browser that chose German on its link with ?lang=de.
	chose := ts.client()
	ts.want(chose.get("/s/"+r.Tokens[0]+"/intro?lang=de"), http.StatusOK, "intro")

	de := map[string]string{"Accept-Language": "de-AT,de;q=0.9"}
	tests := []struct {
		name    string
		c       *testClient
		path    string
		headers map[string]string
		status  int
		want    []string
	}{
		{"unknown link, Accept-Language", nil, "/s/s_unknown", de, 404,
			[]string{`<html lang="de">`, "Nicht gefunden", "Dieser Umfragelink ist nicht gültig."}},
		{"unknown link, ?lang", nil, "/s/s_unknown/intro?lang=de", nil, 404, []string{"Dieser Umfragelink ist nicht gültig."}},
		{"unknown link, cookie", nil, "/s/s_unknown", map[string]string{"Cookie": "gapmap_lang=de"}, 404, []string{"Dieser Umfragelink ist nicht gültig."}},
		{"unknown link, English", nil, "/s/s_unknown", nil, 404, []string{`<html lang="en">`, "This survey link is not valid."}},
		{"?lang beats Accept-Language", nil, "/s/s_unknown?lang=en", de, 404, []string{"This survey link is not valid."}},
		{"no such page", nil, "/s/" + r.Tokens[0] + "/page/99", de, 404,
			[]string{"Diese Seite gibt es in dieser Umfrage nicht.", `href="/s/` + r.Tokens[0] + `"`, "Zurück zur Umfrage"}},
		{"no such page, the link's cookie", chose, "/s/" + r.Tokens[0] + "/page/99", nil, 404, []string{"Diese Seite gibt es in dieser Umfrage nicht."}},
		{"no such route", nil, "/s/" + r.Tokens[0] + "/nope", de, 404, []string{"Diese Seite gibt es nicht."}},
		{"unknown open link", nil, "/j/j_unknown", de, 404, []string{"Dieser Umfragelink ist nicht gültig.", "geteilt hat"}},
		{"full open link", nil, "/j/" + full, de, 410, []string{"Nicht mehr verfügbar", "die Zahl der Antworten erreicht"}},
		{"closed round", nil, "/j/" + cl, de, 409, []string{"Derzeit nicht möglich", "Diese Runde ist abgeschlossen"}},
		{"closed round, English", nil, "/j/" + cl, nil, 409, []string{"This round is closed, so it takes no new responses."}},
	}
	for _, tt := range tests {
		c := tt.c
		if c == nil {
			c = ts.client()
		}
		res := c.doHeaders("GET", tt.path, "", "", tt.headers)
		if res.Status != tt.status {
			t.Errorf("%s: GET %s = %d, want %d", tt.name, tt.path, res.Status, tt.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(res.text(), w) {
				t.Errorf("%s: page lacks %q: %.600s", tt.name, w, res.text())
			}
		}
		if strings.Contains(res.text(), "Back to the start page") {
			t.Errorf("%s: a leader's error page", tt.name)
		}
		if ck := c.lastSet("gapmap_lang"); ck != nil && c != chose {
			t.Errorf("%s: an error page set the language cookie", tt.name)
		}
	}

	// Guessing links: too many requests, in German.
	var last apiResult
	for range 10 {
		if last = ts.client().doHeaders("GET", "/s/s_guess", "", "", de); last.Status == http.StatusTooManyRequests {
			break
		}
	}
	if last.Status != http.StatusTooManyRequests || !strings.Contains(last.text(), "Zu viele ungültige Umfragelinks") || !strings.Contains(last.text(), "Zu viele Anfragen") {
		t.Errorf("guessing: %s", last)
	}
	// The API answers as before, in English JSON.
	if res := ts.call("GET", "/api/v1/survey/s_unknown", "", nil); res.Status != http.StatusTooManyRequests && !strings.Contains(res.text(), `"error":"This survey link is not valid.`) {
		t.Errorf("API: %s", res)
	}
}
