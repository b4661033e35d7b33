package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"gapmap/app/mail/mailtest"
	"gapmap/app/store"
	"gapmap/models"
)

// TestMemberInviteEmail: inviting someone from the People page emails them
// the link when email is on (the organization's name escaped in HTML); an
// address with a line break is refused and nothing is sent; with email off
// the page hands out the link as before and nothing is queued.
func TestMemberInviteEmail(t *testing.T) {
	srv := mailtest.Start(t, 0)
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("mail=%v", on), func(t *testing.T) {
			eachServer(t, mailIf(srv, on), func(t *testing.T, ts *testServer) {
				o := ts.newOrgOwnedBy("Acme <Ops>", fmt.Sprintf("owner-%v@acme.example", on), "Blue")
				c := ts.client()
				c.login(o.Owner.Email)
				before := len(srv.Messages())
				tok := c.csrf("/members")
				if r := c.post("/members/invite", url.Values{"_csrf": {tok}, "email": {"eve@example.org\r\nBcc: x@example.org"}, "role": {"member"}}); r.Status != 422 {
					t.Fatalf("address with a line break: %s", r)
				}
				r := c.post("/members/invite", url.Values{"_csrf": {tok}, "email": {"eve@example.org"}, "role": {"admin"}})
				if r.Status != 201 || !strings.Contains(r.text(), "/invite/inv_") {
					t.Fatalf("invite: %s", r)
				}
				got := srv.Messages()[before:]
				if !on {
					if len(got) != 0 || !strings.Contains(r.text(), "Send them this link") {
						t.Fatalf("email off: %d messages sent", len(got))
					}
					return
				}
				if len(got) != 1 || got[0].To != "eve@example.org" || got[0].Subject != "You are invited to join Acme <Ops> on gapmap" {
					t.Fatalf("messages: %+v", got)
				}
				body := strings.ReplaceAll(got[0].Body, "=\r\n", "")
				if !strings.Contains(body, "http://gapmap.test/invite/inv_") || !strings.Contains(body, "Acme &lt;Ops&gt;") || !strings.Contains(body, "as admin") {
					t.Fatalf("body:\n%s", body)
				}
				if !strings.Contains(r.text(), "on its way by email") {
					t.Fatal("the page does not say the invitation was emailed")
				}
			})
		})
	}
}

// TestRoundSummaryEmail: closing a round emails its counts and the
// dashboard's address to every owner and admin, once; leaders and members
// get nothing, and with email off nothing is queued.
func TestRoundSummaryEmail(t *testing.T) {
	srv := mailtest.Start(t, 0)
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("mail=%v", on), func(t *testing.T) {
			eachServer(t, mailIf(srv, on), func(t *testing.T, ts *testServer) {
				o := ts.newOrgOwnedBy("Acme <Ops>", fmt.Sprintf("owner-%v@acme.example", on), "Blue", "Green")
				ts.addPerson(o, fmt.Sprintf("admin-%v@acme.example", on), models.RoleAdmin)
				ts.addPerson(o, fmt.Sprintf("lead-%v@acme.example", on), models.RoleLeader)
				r := ts.newRound(o) // one link per team, not started
				ts.seed(o, r.ID, []store.SeedResponse{{TeamID: o.Teams[0].ID, Submitted: true, Answers: ts.levelAnswers([]string{"cncf-platform-maturity"}, 2, 3)}})
				before := len(srv.Messages())
				path := fmt.Sprintf("/api/v1/assessments/%d", r.ID)
				ts.want(ts.call("POST", path+"/close", o.Token, nil), 200, "close")
				ts.want(ts.call("POST", path+"/close", o.Token, nil), 200, "close again")
				got := srv.Messages()[before:]
				if !on {
					var n int64
					if err := ts.gormDB().Table("outbox").Where("purpose = 'round_summary'").Count(&n).Error; err != nil || n != 0 || len(got) != 0 {
						t.Fatalf("email off: %d queued, %d sent (%v)", n, len(got), err)
					}
					return
				}
				var to []string
				for _, m := range got {
					to = append(to, m.To)
					body := strings.ReplaceAll(m.Body, "=\r\n", "")
					if !strings.Contains(m.Subject, "closed, 1 of 3 submitted") ||
						!strings.Contains(body, fmt.Sprintf("http://gapmap.test/assessments/%d/dashboard", r.ID)) || !strings.Contains(body, "Acme &lt;Ops&gt;") {
						t.Fatalf("summary %q:\n%s", m.Subject, body)
					}
				}
				want := fmt.Sprintf("[owner-%v@acme.example admin-%v@acme.example]", on, on)
				if fmt.Sprint(to) != want {
					t.Fatalf("summaries to %v, want %s", to, want)
				}
			})
		})
	}
}
