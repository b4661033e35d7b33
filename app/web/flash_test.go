package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gapmap/app/store/storetest"
)

// TestFlashShowsOnce: a message flashed by a form shows on the page the
// form leads to, and on no page after it, whatever the paths of the pages.
func TestFlashShowsOnce(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Acme", "Blue")
	r := ts.newRound(o, cncf)
	br := ts.client()
	br.login("acme@example.com")
	round := fmt.Sprintf("/assessments/%d", r.ID)
	const msg = "The round is closed."
	tok := br.csrf(round)
	ts.want(br.post(round+"/close", url.Values{"_csrf": {tok}}), http.StatusSeeOther, "close form")
	steps := []struct {
		path string
		show bool
	}{
		{round, true},
		{round + "/results", false},
		{"/assessments", false},
		{round, false},
	}
	for _, s := range steps {
		body := string(ts.want(br.get(s.path), http.StatusOK, "GET "+s.path).Body)
		if got := strings.Contains(body, msg); got != s.show {
			t.Errorf("GET %s: shows %q: %v, want %v", s.path, msg, got, s.show)
		}
	}
}
