package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gapmap/app/config"
	"gapmap/app/mail/mailtest"
	"gapmap/models"
)

// mailOn turns email on, through srv.
func mailOn(srv *mailtest.Server) func(*config.Config) {
	return func(c *config.Config) { c.SMTPURL, c.MailFrom = "smtp://"+srv.Addr+"?insecure=1", "gapmap@example.com" }
}

// mailIf is mailOn when on, and changes nothing otherwise.
func mailIf(srv *mailtest.Server, on bool) func(*config.Config) {
	if !on {
		return nil
	}
	return mailOn(srv)
}

// TestRemindersSetting: a round takes reminder days on creation and by
// PATCH, and shows them; bad lists are refused with nothing changed.
func TestRemindersSetting(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Remind Org", "Blue")
		base := map[string]any{"name": "Autumn", "questionnaires": []string{"cncf-platform-maturity"}, "team_ids": []int64{o.Teams[0].ID}, "due": "2030-01-20"}
		with := func(days any) map[string]any {
			b := map[string]any{}
			for k, v := range base {
				b[k] = v
			}
			b["reminders"] = map[string]any{"days_before_due": days}
			return b
		}
		var a struct {
			ID        int64
			Reminders struct {
				DaysBeforeDue []int `json:"days_before_due"`
			}
		}
		ts.want(ts.call("POST", "/api/v1/assessments", o.Token, with([]int{2, 7})), 201, "create with reminders").decode(t, &a)
		if fmt.Sprint(a.Reminders.DaysBeforeDue) != "[7 2]" {
			t.Fatalf("reminders = %v, want [7 2]", a.Reminders.DaysBeforeDue)
		}
		path := fmt.Sprintf("/api/v1/assessments/%d", a.ID)
		bad := []struct {
			name string
			days []int
		}{
			{"zero", []int{0}},
			{"negative", []int{-1}},
			{"twice", []int{3, 3}},
			{"too many", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		}
		for _, tt := range bad {
			ts.want(ts.call("POST", "/api/v1/assessments", o.Token, with(tt.days)), 422, "create: "+tt.name).wantError(t, "reminders")
			ts.want(ts.call("PATCH", path, o.Token, map[string]any{"reminders": map[string]any{"days_before_due": tt.days}}), 422, "patch: "+tt.name).wantError(t, "reminders")
		}
		ts.want(ts.call("GET", path, o.Token, nil), 200, "get").decode(t, &a)
		if fmt.Sprint(a.Reminders.DaysBeforeDue) != "[7 2]" {
			t.Fatalf("after refused changes: reminders = %v", a.Reminders.DaysBeforeDue)
		}
		ts.want(ts.call("PATCH", path, o.Token, map[string]any{"reminders": map[string]any{"days_before_due": []int{}}}), 200, "turn off").decode(t, &a)
		if len(a.Reminders.DaysBeforeDue) != 0 {
			t.Fatalf("after turning off: %v", a.Reminders.DaysBeforeDue)
		}

		// The round page's edit form.
		c := ts.client()
		c.login(o.Owner.Email)
		page := fmt.Sprintf("/assessments/%d", a.ID)
		tok := c.csrf(page)
		if r := c.post(page+"/edit", url.Values{"_csrf": {tok}, "name": {"Autumn"}, "reminder_days": {"3, x"}}); r.Status != 422 || !strings.Contains(r.text(), "Reminder days are whole numbers") {
			t.Fatalf("bad form: %s", r)
		}
		if r := c.post(page+"/edit", url.Values{"_csrf": {tok}, "name": {"Autumn"}, "due": {"2030-01-20"}, "reminder_days": {"3, 10"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("form: %s", r)
		}
		ts.want(ts.call("GET", path, o.Token, nil), 200, "get").decode(t, &a)
		if fmt.Sprint(a.Reminders.DaysBeforeDue) != "[10 3]" {
			t.Fatalf("after the form: %v", a.Reminders.DaysBeforeDue)
		}
		if !strings.Contains(c.get(page).text(), `value="10, 3"`) {
			t.Fatal("the edit form does not show the reminder days")
		}
	})
}

// TestSendRemindersNow: POST …/reminders answers 202 with the number
// queued, once a day per address; the reminders reach the relay with a
// one-click unsubscribe link, which works without a session or CSRF token
// and stops the round's reminders to that address.
func TestSendRemindersNow(t *testing.T) {
	srv := mailtest.Start(t, 0)
	eachServer(t, mailOn(srv), func(t *testing.T, ts *testServer) {
		o := ts.newOrgOwnedBy("Acme <Ops>", "owner@acme.example", "Blue")
		r := ts.newRound(o)
		path := fmt.Sprintf("/api/v1/assessments/%d", r.ID)
		for _, addr := range []string{"ana@example.org", "bo@example.org"} {
			ts.want(ts.call("POST", path+"/invitations", o.Token, map[string]any{"team_id": o.Teams[0].ID, "email": addr}), 201, "invite "+addr)
		}
		_, member := ts.addPerson(o, "member@acme.example", models.RoleMember, o.Teams[0].ID)
		ts.want(ts.call("POST", path+"/reminders", member, nil), 403, "a member")
		before := len(srv.Messages())
		var q struct{ Queued int }
		ts.want(ts.call("POST", path+"/reminders", o.Token, nil), 202, "send").decode(t, &q)
		if q.Queued != 2 {
			t.Fatalf("queued %d, want 2", q.Queued)
		}
		ts.want(ts.call("POST", path+"/reminders", o.Token, nil), 202, "send again").decode(t, &q)
		if q.Queued != 0 {
			t.Fatalf("the same day: queued %d, want 0", q.Queued)
		}
		got := srv.Messages()[before:]
		if len(got) != 2 {
			t.Fatalf("the relay got %d reminders, want 2", len(got))
		}
		u := strings.Trim(got[0].Header.Get("List-Unsubscribe"), "<>")
		if !strings.HasPrefix(u, "http://gapmap.test/unsubscribe/u_") || got[0].Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("List-Unsubscribe %q", u)
		}
		link := strings.TrimPrefix(u, "http://gapmap.test")
		c := ts.client()
		if p := c.get(link); p.Status != 200 || !strings.Contains(p.text(), "Stop reminders?") || p.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("unsubscribe page: %s", p)
		}
		if p := c.send("POST", link, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click", false); p.Status != 200 || !strings.Contains(p.text(), "No more reminders") {
			t.Fatalf("one-click unsubscribe: %s", p)
		}
		if p := c.get(link); !strings.Contains(p.text(), "Already unsubscribed") {
			t.Fatalf("unsubscribe page after: %s", p)
		}
		if p := c.get("/unsubscribe/u_nothing"); p.Status != 404 {
			t.Fatalf("unknown token: %d", p.Status)
		}
		var n int64
		if err := ts.gormDB().Table("reminder_optouts").Count(&n).Error; err != nil || n != 1 {
			t.Fatalf("opt-outs: %d (%v)", n, err)
		}

		// The round page sends too.
		cl := ts.client()
		cl.login(o.Owner.Email)
		page := fmt.Sprintf("/assessments/%d", r.ID)
		if res := cl.post(page+"/reminders", url.Values{"_csrf": {cl.csrf(page)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("page form: %s", res)
		}
		if !strings.Contains(cl.get(page).text(), "No reminder queued") {
			t.Fatal("the page does not say that nothing was queued")
		}
	})
}

// TestRemindersWithEmailOff: without SMTP a round keeps its reminder days,
// but asking for reminders says email is off, and nothing is queued or
// sent.
func TestRemindersWithEmailOff(t *testing.T) {
	srv := mailtest.Start(t, 0) // running, but not configured
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Dry Org", "Blue")
		r := ts.newRound(o)
		path := fmt.Sprintf("/api/v1/assessments/%d", r.ID)
		ts.want(ts.call("PATCH", path, o.Token, map[string]any{"due": "2030-01-20", "reminders": map[string]any{"days_before_due": []int{7}}}), 200, "set reminders")
		res := ts.want(ts.call("POST", path+"/reminders", o.Token, nil), 409, "send")
		if !strings.Contains(res.text(), "Email is off") {
			t.Fatalf("answer: %s", res)
		}
		c := ts.client()
		c.login(o.Owner.Email)
		page := c.get(fmt.Sprintf("/assessments/%d", r.ID)).text()
		if !strings.Contains(page, "reminders are kept but not sent") || strings.Contains(page, "Send a reminder now") {
			t.Fatal("the round page does not say that email is off")
		}
		var n int64
		if err := ts.gormDB().Table("outbox").Count(&n).Error; err != nil || n != 0 {
			t.Fatalf("outbox rows: %d (%v)", n, err)
		}
		if len(srv.Messages()) != 0 {
			t.Fatal("a message was sent")
		}
	})
}
