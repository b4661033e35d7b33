package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"gapmap/app/config"
	"gapmap/app/mail/mailtest"
	"gapmap/app/store"
)

// TestFailedEmailsPage: an email the relay refused is listed with its
// error for admins; "Retry now" sends it at once (CSRF-protected); a
// given-up email can be retried too; sent emails leave the list, and
// another organization's admins see and retry none of them.
func TestFailedEmailsPage(t *testing.T) {
	var srv *mailtest.Server
	mutate := func(c *config.Config) { // a relay per server: the first DATA gets 451, later ones are accepted
		srv = mailtest.Start(t, 1)
		mailOn(srv)(c)
	}
	eachServer(t, mutate, func(t *testing.T, ts *testServer) {
		o := ts.newOrgOwnedBy("Acme <Ops>", "owner@acme.example", "Blue")
		r := ts.newRound(o)
		ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/invitations", r.ID), o.Token, map[string]any{"team_id": o.Teams[0].ID, "email": "ana@example.org"}), 201, "invite")
		ctx := context.Background()
		gone, err := ts.st.QueueEmail(ctx, store.NewEmail{OrgID: &o.ID, Purpose: "test", To: "bo@example.org", Subject: "Old <news>", Text: "t"})
		if err != nil {
			t.Fatal(err)
		}
		if err := ts.st.RecordEmailAttempt(ctx, gone, time.Now(), "550 mailbox <unknown>", true); err != nil {
			t.Fatal(err)
		}
		c := ts.client()
		c.login(o.Owner.Email)
		page := c.get("/emails").text()
		for _, want := range []string{"ana@example.org", "451", "retrying", "bo@example.org", "given up", "550 mailbox &lt;unknown&gt;", "Old &lt;news&gt;"} {
			if !strings.Contains(page, want) {
				t.Fatalf("the page lacks %q:\n%s", want, page)
			}
		}
		other := ts.newOrgOwnedBy("Other", "owner@other.example", "Red")
		oc := ts.client()
		oc.login(other.Owner.Email)
		if strings.Contains(oc.get("/emails").text(), "ana@example.org") {
			t.Fatal("another organization sees the emails")
		}
		if res := oc.post(fmt.Sprintf("/emails/%d/retry", gone), url.Values{"_csrf": {oc.csrf("/emails")}}); res.Status != 404 {
			t.Fatalf("another organization's retry: %s", res)
		}
		if res := c.post(fmt.Sprintf("/emails/%d/retry", gone), url.Values{}); res.Status != 403 {
			t.Fatalf("retry without a CSRF token: %s", res)
		}
		before := len(srv.Messages())
		tok := c.csrf("/emails")
		for _, to := range []string{"ana@example.org", "bo@example.org"} {
			var id int64
			if err := ts.gormDB().Table("outbox").Where("to_addr = ?", to).Pluck("id", &id).Error; err != nil {
				t.Fatal(err)
			}
			if res := c.post(fmt.Sprintf("/emails/%d/retry", id), url.Values{"_csrf": {tok}}); res.Status != 303 {
				t.Fatalf("retry %s: %s", to, res)
			}
		}
		if n := len(srv.Messages()) - before; n != 2 {
			t.Fatalf("the relay got %d messages after the retries, want 2", n)
		}
		if page := c.get("/emails").text(); !strings.Contains(page, "No failed email") {
			t.Fatalf("sent emails are still listed:\n%s", page)
		}
	})
}
