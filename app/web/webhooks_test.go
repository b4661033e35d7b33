package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gapmap/app/config"
	"gapmap/app/jobs/jobstest"
	"gapmap/app/store/storetest"
	"gapmap/app/webhooks"
)

// TestWebhooksEndToEnd: a webhook added through the API receives the
// signed events of a submission (the test server settles jobs after each
// request), and its delivery log says so.
func TestWebhooksEndToEnd(t *testing.T) {
	allowPrivate := func(c *config.Config) { c.WebhookAllowPrivate = true }
	eachServer(t, allowPrivate, func(t *testing.T, ts *testServer) {
		rc := jobstest.StartReceiver(t, 0)
		o := ts.newOrg("Hooked", "Blue")
		other := ts.newOrg("Unhooked", "Red")
		const secret = "a long enough secret"
		hook := ts.want(ts.call("POST", "/api/v1/webhooks", o.Token, map[string]any{
			"url": rc.URL + "/in", "events": []string{"response.submitted", "results.updated"}, "secret": secret,
		}), http.StatusCreated, "create webhook")
		id := int64(hook.field(t, "id").(float64))

		// Another organization's submission sends nothing here.
		ro := ts.newRound(other)
		ts.answerAll(ro.Tokens[0])
		ts.want(ts.call("POST", "/api/v1/survey/"+ro.Tokens[0]+"/submit", "", nil), http.StatusOK, "submit elsewhere")

		r := ts.newRound(o)
		ts.answerAll(r.Tokens[0])
		ts.want(ts.call("POST", "/api/v1/survey/"+r.Tokens[0]+"/submit", "", nil), http.StatusOK, "submit")

		got := rc.Requests()
		var events []string
		for _, req := range got {
			events = append(events, req.Header.Get("X-Gapmap-Event"))
		}
		if strings.Join(events, ",") != "response.submitted,results.updated" {
			t.Fatalf("received events %v, want response.submitted then results.updated", events)
		}
		for i, req := range got {
			b, sig := req.Body, req.Header.Get("X-Gapmap-Signature")
			if sig != webhooks.Sign(secret, b) {
				t.Errorf("event %d: signature %q does not match the body", i, sig)
			}
			var env struct {
				Event string         `json:"event"`
				OrgID int64          `json:"organization_id"`
				Data  map[string]any `json:"data"`
			}
			if err := json.Unmarshal(b, &env); err != nil || env.OrgID != o.ID || env.Data["round_id"] != float64(r.ID) {
				t.Errorf("event %d body %s (%v)", i, b, err)
			}
		}
		var log []map[string]any
		ts.want(ts.call("GET", "/api/v1/webhooks/"+strconv.FormatInt(id, 10)+"/deliveries", o.Token, nil), http.StatusOK, "deliveries").decode(t, &log)
		if len(log) != 2 || log[0]["status"] != "sent" || log[1]["status"] != "sent" || log[0]["event"] != "results.updated" {
			t.Errorf("delivery log %v", log)
		}
		// The secret never comes back.
		list := ts.want(ts.call("GET", "/api/v1/webhooks", o.Token, nil), http.StatusOK, "list")
		if bytes.Contains(list.Body, []byte(secret)) || bytes.Contains(hook.Body, []byte(secret)) {
			t.Errorf("the secret was returned: %s", list.Body)
		}
		// Another organization sees none of it.
		ts.want(ts.call("GET", "/api/v1/webhooks/"+strconv.FormatInt(id, 10)+"/deliveries", other.Token, nil), http.StatusNotFound, "other org's log")
		ts.want(ts.call("DELETE", "/api/v1/webhooks/"+strconv.FormatInt(id, 10), other.Token, nil), http.StatusNotFound, "other org's delete")
		if l := ts.want(ts.call("GET", "/api/v1/webhooks", other.Token, nil), http.StatusOK, "other list"); strings.TrimSpace(string(l.Body)) != "[]" {
			t.Errorf("another organization lists %s", l.Body)
		}
	})
}

// TestWebhooksPage: the page adds a webhook through a CSRF-protected form,
// escapes the URL, shows field errors and lists the deliveries.
func TestWebhooksPage(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Paged", "Blue")
	c := ts.client()
	c.login(o.Owner.Email)
	form := url.Values{"url": {"https://203.0.113.5/in?a=<b>"}, "event_round.closed": {"1"}, "secret": {"sixteen characters"}}
	if r := c.post("/webhooks", form); r.Status != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", r.Status)
	}
	form.Set("_csrf", c.csrf("/webhooks"))
	if r := c.post("/webhooks", form); r.Status != http.StatusSeeOther {
		t.Fatalf("add: %s", r)
	}
	page := c.get("/webhooks")
	if !bytes.Contains(page.Body, []byte("https://203.0.113.5/in?a=&lt;b&gt;")) || bytes.Contains(page.Body, []byte("<b>")) {
		t.Errorf("the page does not list the escaped URL")
	}
	bad := url.Values{"_csrf": {c.csrf("/webhooks")}, "url": {"http://10.0.0.1/"}, "event_round.closed": {"1"}, "secret": {"sixteen characters"}}
	r := c.post("/webhooks", bad)
	if r.Status != http.StatusUnprocessableEntity || !bytes.Contains(r.Body, []byte("a private address")) || !bytes.Contains(r.Body, []byte(`value="http://10.0.0.1/"`)) {
		t.Errorf("private target: %d %.400s", r.Status, r.Body)
	}
	hooks := ts.want(ts.call("GET", "/api/v1/webhooks", o.Token, nil), http.StatusOK, "list")
	var list []map[string]any
	hooks.decode(t, &list)
	if len(list) != 1 {
		t.Fatalf("%d webhooks", len(list))
	}
	id := strconv.FormatInt(int64(list[0]["id"].(float64)), 10)
	if r := c.get("/webhooks/" + id); r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte("No deliveries yet")) {
		t.Errorf("deliveries page: %d", r.Status)
	}
	if r := c.post("/webhooks/"+id+"/delete", url.Values{"_csrf": {c.csrf("/webhooks")}}); r.Status != http.StatusSeeOther {
		t.Errorf("delete: %s", r)
	}
}
