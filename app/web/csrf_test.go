package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"gapmap/app/store"
)

// kvRows counts the rows of the key-value table (sessions, secrets).
func kvRows(t *testing.T, ts *testServer) int64 {
	t.Helper()
	var n int64
	if err := ts.gormDB().Table("kv").Count(&n).Error; err != nil {
		t.Fatalf("count kv rows: %v", err)
	}
	return n
}

// TestReadsWriteNothing: anonymous page views, with no cookie or with a
// session cookie the server never issued, store nothing (no CSRF token,
// no session); only pages that write a form set a CSRF cookie.
func TestReadsWriteNothing(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Core")
		round := ts.newRound(o)
		pages := []struct {
			path     string
			wantCSRF bool // the page writes a form
		}{
			{path: "/s/" + round.Tokens[0], wantCSRF: false},
			{path: "/login", wantCSRF: true},
			{path: "/", wantCSRF: false},
			{path: "/signup", wantCSRF: true},
		}
		before := kvRows(t, ts)
		for _, pg := range pages {
			for i := range 200 {
				req := httptest.NewRequest("GET", pg.path, nil)
				if i%2 == 1 {
					req.AddCookie(&http.Cookie{Name: "gapmap_session", Value: "never-issued-" + strings.Repeat("x", i%7)})
				}
				r := ts.send(req)
				if r.Status != http.StatusOK {
					t.Fatalf("GET %s (request %d) = %s", pg.path, i, r)
				}
				cookies := (&http.Response{Header: r.Header}).Cookies()
				var csrf bool
				for _, ck := range cookies {
					switch ck.Name {
					case "gapmap_session":
						if ck.MaxAge >= 0 && ck.Value != "" {
							t.Fatalf("GET %s (request %d) set a session cookie: %v", pg.path, i, ck)
						}
					case "gapmap_csrf":
						csrf = true
					}
				}
				if csrf != pg.wantCSRF {
					t.Fatalf("GET %s (request %d): CSRF cookie set = %v, want %v", pg.path, i, csrf, pg.wantCSRF)
				}
			}
		}
		if after := kvRows(t, ts); after != before {
			t.Fatalf("kv rows: %d before %d cookieless page views, %d after", before, 200*len(pages), after)
		}
	})
}

// TestCSRFTokenLifecycle: a token verifies only for the session it was
// issued to; logging in and out rotates it; a page with a form reuses a
// valid token instead of setting a new cookie.
func TestCSRFTokenLifecycle(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Core")
		c := ts.client()
		anonTok := c.csrf("/login")
		if c.cookie("gapmap_csrf") != anonTok {
			t.Fatalf("login form token %q differs from the cookie %q", anonTok, c.cookie("gapmap_csrf"))
		}
		ts.want(c.post("/login", url.Values{"_csrf": {anonTok}, "email": {o.Owner.Email}, "password": {testPassword}}), http.StatusSeeOther, "log in")
		loggedTok := c.cookie("gapmap_csrf")
		if loggedTok == "" || loggedTok == anonTok {
			t.Fatalf("login did not rotate the CSRF token: before %q, after %q", anonTok, loggedTok)
		}

		// The anonymous token, sent with its own cookie, no longer works
		// with the new session.
		planted := ts.client()
		for _, ck := range c.jar.Cookies(ts.origin) {
			if ck.Name == "gapmap_session" {
				planted.setCookie(ck.Name, ck.Value)
			}
		}
		planted.setCookie("gapmap_csrf", anonTok)
		ts.want(planted.post("/teams", url.Values{"_csrf": {anonTok}, "name": {"Stale"}}), http.StatusForbidden, "anonymous token with a session")

		// A page with a form reuses the token: no new cookie.
		c.set = map[string]*http.Cookie{}
		if tok := c.csrf("/teams"); tok != loggedTok {
			t.Fatalf("teams form token %q, want the cookie's %q", tok, loggedTok)
		}
		if ck := c.lastSet("gapmap_csrf"); ck != nil {
			t.Fatalf("a page with a valid token set a new CSRF cookie: %v", ck)
		}
		ts.want(c.post("/teams", url.Values{"_csrf": {loggedTok}, "name": {"Payments"}}), http.StatusSeeOther, "add team with the session's token")
		ts.want(c.post("/teams", url.Values{"_csrf": {loggedTok[:len(loggedTok)-2] + "AA"}, "name": {"Tampered"}}), http.StatusForbidden, "tampered token")

		// After logout the session's token is dead; the login form gives a
		// new one.
		ts.want(c.post("/logout", url.Values{"_csrf": {loggedTok}}), http.StatusSeeOther, "log out")
		if got := c.cookie("gapmap_csrf"); got == loggedTok {
			t.Fatal("logout kept the session's CSRF token")
		}
		stale := ts.client()
		stale.setCookie("gapmap_csrf", loggedTok)
		ts.want(stale.post("/login", url.Values{"_csrf": {loggedTok}, "email": {o.Owner.Email}, "password": {testPassword}}), http.StatusForbidden, "login with a logged-out session's token")
		c.login(o.Owner.Email)
	})
}

// TestKVPurgeJob: the scheduled purge deletes expired sessions, keeps live
// ones and the CSRF secret, and schedules the next purge.
func TestKVPurgeJob(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Core")
		c := ts.client()
		c.login(o.Owner.Email) // a live session
		now := time.Now().Unix()
		db := ts.gormDB()
		for _, k := range []string{"session:expired1", "session:expired2", "csrf:legacy"} {
			if err := db.Exec("INSERT INTO kv (k, v, expires_at) VALUES (?, ?, ?)", k, []byte("x"), now-60).Error; err != nil {
				t.Fatalf("insert %s: %v", k, err)
			}
		}
		before := kvRows(t, ts)
		ctx := context.Background()
		if err := ts.st.ScheduleKVPurge(ctx, time.Now()); err != nil {
			t.Fatalf("schedule purge: %v", err)
		}
		// The server settles due jobs after each request (no worker pool
		// runs in tests).
		ts.want(ts.call("GET", "/healthz", "", nil), http.StatusOK, "a request after the purge is due")
		if after := kvRows(t, ts); after != before-3 {
			t.Fatalf("kv rows %d after the purge, want %d (three expired rows gone)", after, before-3)
		}
		var expired int64
		if err := db.Table("kv").Where("expires_at <> 0 AND expires_at <= ?", now).Count(&expired).Error; err != nil || expired != 0 {
			t.Fatalf("expired rows left: %d, %v", expired, err)
		}
		ts.want(c.post("/teams", url.Values{"_csrf": {c.csrf("/teams")}, "name": {"Payments"}}), http.StatusSeeOther, "the live session still works")
		jobs, err := ts.st.Jobs(ctx, store.KVPurgeKind)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 || !jobs[0].RunAt.After(time.Now()) {
			t.Fatalf("after a purge, jobs %+v; want the next one scheduled", jobs)
		}
	})
}
