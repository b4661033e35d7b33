package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gapmap/app/mail/mailtest"
)

// TestInvitationEmail: with an SMTP relay configured, an invitation with an
// address emails the link to it (the test server drains the outbox after
// each request) and the list shows the delivery; a relay answering 451
// leaves it queued with the error. Without a relay, and in anonymous
// rounds, an address is refused and nothing changes.
func TestInvitationEmail(t *testing.T) {
	tests := []struct {
		name    string
		mail    bool
		refuse  int
		email   string
		status  int
		sent    int // messages the relay accepted
		state   any // email_status in the list
		errPart string
	}{
		{name: "sent", mail: true, email: "ana@example.org", status: 201, sent: 1, state: "sent"},
		{name: "relay busy", mail: true, refuse: -1, email: "ana@example.org", status: 201, state: "queued", errPart: "451"},
		{name: "no email asked", mail: true, status: 201, state: nil},
		{name: "bad address", mail: true, email: "ana at example", status: 422},
		{name: "header injection", mail: true, email: "ana@example.org\r\nBcc: x@example.org", status: 422},
		{name: "email off", email: "ana@example.org", status: 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.Start(t, tt.refuse)
			eachServer(t, mailIf(srv, tt.mail), func(t *testing.T, ts *testServer) {
				o := ts.newOrgOwnedBy("Acme <Ops>", "owner@acme.example", "Blue")
				r := ts.newRound(o)
				path := fmt.Sprintf("/api/v1/assessments/%d/invitations", r.ID)
				body := map[string]any{"team_id": o.Teams[0].ID}
				if tt.email != "" {
					body["email"] = tt.email
				}
				before := len(srv.Messages())
				res := ts.want(ts.call("POST", path, o.Token, body), tt.status, "invite")
				if tt.status != 201 {
					res.wantError(t, "email")
					var list []map[string]any
					ts.want(ts.call("GET", path, o.Token, nil), 200, "list").decode(t, &list)
					if len(list) != len(r.Tokens) {
						t.Fatalf("a refused invitation was stored: %d links, want %d", len(list), len(r.Tokens))
					}
					if n := len(srv.Messages()); n != before {
						t.Fatalf("the relay saw %d messages for a refused invitation", n-before)
					}
					return
				}
				var created struct {
					ID  int64
					URL string
				}
				res.decode(t, &created)
				var list []map[string]any
				ts.want(ts.call("GET", path, o.Token, nil), 200, "list").decode(t, &list)
				var got map[string]any
				for _, inv := range list {
					if int64(inv["id"].(float64)) == created.ID {
						got = inv
					}
				}
				if got["email_status"] != tt.state || !strings.Contains(fmt.Sprint(got["email_error"]), tt.errPart) {
					t.Fatalf("listed %v, want email_status %v with an error containing %q", got, tt.state, tt.errPart)
				}
				accepted := 0
				for _, m := range srv.Messages()[before:] {
					if !m.Accepted {
						continue
					}
					accepted++
					if m.To != tt.email || !strings.Contains(m.Body, created.URL) || !strings.Contains(m.Body, "Acme &lt;Ops&gt;") {
						t.Fatalf("email to %q lacks the link %s or escapes nothing:\n%s", m.To, created.URL, m.Body)
					}
				}
				if accepted != tt.sent {
					t.Fatalf("relay accepted %d messages, want %d", accepted, tt.sent)
				}
			})
		})
	}
}

// TestAnonymousRoundRefusesEmail: an address would tell who holds a link.
func TestAnonymousRoundRefusesEmail(t *testing.T) {
	srv := mailtest.Start(t, 0)
	eachServer(t, mailOn(srv), func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Anon Org", "Big")
		var a struct{ ID int64 }
		ts.want(ts.call("POST", "/api/v1/assessments", o.Token, map[string]any{
			"name": "Developer survey", "questionnaires": []string{"cncf-platform-maturity"},
			"team_ids": []int64{o.Teams[0].ID}, "anonymity": map[string]any{"mode": "anonymous", "min_group": 5},
		}), http.StatusCreated, "create anonymous round").decode(t, &a)
		path := fmt.Sprintf("/api/v1/assessments/%d/invitations", a.ID)
		ts.want(ts.call("POST", path, o.Token, map[string]any{"team_id": o.Teams[0].ID, "email": "ana@example.org"}), 422, "email in an anonymous round").wantError(t, "email")
		ts.want(ts.call("POST", path, o.Token, map[string]any{"team_id": o.Teams[0].ID}), 201, "plain link in an anonymous round")
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("relay saw %d messages", n)
		}
	})
}

// TestInvitationEmailForm invites a list of addresses from the round page:
// one link per address, labelled with it, each emailed, and the page lists
// their email status. Without SMTP the page offers no such field.
func TestInvitationEmailForm(t *testing.T) {
	srv := mailtest.Start(t, 0)
	for _, on := range []bool{true, false} {
		eachServer(t, mailIf(srv, on), func(t *testing.T, ts *testServer) {
			o := ts.newOrg("Form Org", "Blue")
			r := ts.newRound(o)
			c := ts.client()
			c.login(o.Owner.Email)
			page := fmt.Sprintf("/assessments/%d", r.ID)
			if got := strings.Contains(c.get(page).text(), `name="emails"`); got != on {
				t.Fatalf("email on %v: the round page offers the email field: %v", on, got)
			}
			if !on {
				return
			}
			res := c.send("POST", page+"/invitations", "application/x-www-form-urlencoded",
				"team_id="+fmt.Sprint(o.Teams[0].ID)+"&emails="+url.QueryEscape("ana@example.org\n\nbo@example.org\n"), true)
			if res.Status != http.StatusCreated {
				t.Fatalf("invite by email from the page: %s", res)
			}
			var list []map[string]any
			ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/invitations", r.ID), o.Token, nil), 200, "list").decode(t, &list)
			emailed := map[string]bool{}
			for _, inv := range list {
				if inv["email_status"] != nil {
					emailed[fmt.Sprint(inv["label"])] = true
				}
			}
			if len(emailed) != 2 || !emailed["ana@example.org"] || !emailed["bo@example.org"] {
				t.Fatalf("emailed links %v, want one per address", emailed)
			}
			if body := c.get(page).text(); !strings.Contains(body, "email ") {
				t.Error("the round page does not show the links' email status")
			}
			bad := c.send("POST", page+"/invitations", "application/x-www-form-urlencoded",
				"team_id="+fmt.Sprint(o.Teams[0].ID)+"&emails="+url.QueryEscape("not an address"), true)
			if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.text(), "not an address") {
				t.Errorf("a bad address from the page: %d, want 422 with the address kept in the form", bad.Status)
			}
		})
	}
}
