package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gapmap/app/mail/mailtest"
)

// TestPasswordReset: the request answers the same for an unknown address,
// the emailed link sets a new password once, every session of the account
// ends, and the old password stops working.
func TestPasswordReset(t *testing.T) {
	srv := mailtest.Start(t, 0)
	eachServer(t, mailOn(srv), func(t *testing.T, ts *testServer) {
		o := ts.newOrgOwnedBy("Acme", "owner@acme.example", "Blue")
		other := ts.client()
		other.login("owner@acme.example")
		if r := other.get("/api/v1/me"); r.Status != http.StatusOK {
			t.Fatalf("session before the reset: %s", r)
		}
		before := len(srv.Messages())
		anon := ts.client()
		unknown := anon.post("/password/forgot", url.Values{"_csrf": {anon.csrf("/password/forgot")}, "email": {"nobody@acme.example"}})
		known := anon.post("/password/forgot", url.Values{"_csrf": {anon.csrf("/password/forgot")}, "email": {"owner@acme.example"}})
		if unknown.Status != http.StatusOK || known.Status != http.StatusOK || unknown.text() != known.text() {
			t.Fatalf("answers differ: unknown %d, known %d", unknown.Status, known.Status)
		}
		msgs := srv.Messages()[before:]
		if len(msgs) != 1 || msgs[0].To != "owner@acme.example" {
			t.Fatalf("reset emails %+v", msgs)
		}
		body := strings.ReplaceAll(msgs[0].Body, "=\r\n", "")
		link := regexp.MustCompile(`http://gapmap\.test(/password/reset/pr_[A-Za-z0-9_-]+)`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no reset link in:\n%s", body)
		}
		path := link[1]
		if r := anon.get(path); r.Status != http.StatusOK {
			t.Fatalf("reset form: %s", r)
		}
		weak := anon.post(path, url.Values{"_csrf": {anon.csrf(path)}, "password": {"short"}})
		if weak.Status != http.StatusUnprocessableEntity {
			t.Fatalf("weak password: %s", weak)
		}
		done := anon.post(path, url.Values{"_csrf": {anon.csrf(path)}, "password": {"a brand new password"}})
		if done.Status != http.StatusSeeOther || done.location() != "/login" {
			t.Fatalf("reset: %s", done)
		}
		if r := anon.get(path); r.Status != http.StatusNotFound {
			t.Fatalf("used link: %s", r)
		}
		if r := other.get("/api/v1/me"); r.Status != http.StatusUnauthorized {
			t.Fatalf("the other session survived the reset: %s", r)
		}
		fresh := ts.client()
		old := fresh.post("/login", url.Values{"_csrf": {fresh.csrf("/login")}, "email": {"owner@acme.example"}, "password": {testPassword}})
		if old.Status == http.StatusSeeOther {
			t.Fatal("the old password still logs in")
		}
		ok := fresh.post("/login", url.Values{"_csrf": {fresh.csrf("/login")}, "email": {"owner@acme.example"}, "password": {"a brand new password"}})
		if ok.Status != http.StatusSeeOther {
			t.Fatalf("the new password does not log in: %s", ok)
		}
		var log struct {
			Entries []struct{ Action string } `json:"entries"`
		}
		ts.want(ts.call("GET", "/api/v1/audit?action=auth.password_reset", o.Token, nil), 200, "audit").decode(t, &log)
		if len(log.Entries) != 1 {
			t.Fatalf("audit entries %+v", log)
		}
	})
}

// TestPasswordResetMailOff: without a relay the page says email is off.
func TestPasswordResetMailOff(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		c := ts.client()
		r := c.get("/password/forgot")
		if r.Status != http.StatusOK || !strings.Contains(r.text(), "Email is off") {
			t.Fatalf("forgot form without email: %s", r)
		}
	})
}
