package reminders_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/jobs"
	gmail "gapmap/app/mail"
	"gapmap/app/mail/mailtest"
	"gapmap/app/reminders"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
	"gapmap/questionnaires"
)

const baseURL = "https://gapmap.example"

// fixture is an organization with two teams and an open round due on due,
// reminding 7 and 2 days before.
type fixture struct {
	st      *store.Store
	orgID   int64
	teams   []int64
	roundID int64
	due     time.Time
}

func newFixture(t *testing.T, st *store.Store, days []int) *fixture {
	t.Helper()
	ctx := context.Background()
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	org, _, err := st.SignUp(ctx, "Acme <Ops>", "owner@acme.example", "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	teams, err := st.SeedTeams(ctx, org.ID, []string{"Blue", "Green"})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2030, 1, 20, 0, 0, 0, 0, time.UTC)
	a, err := st.CreateAssessment(ctx, org.ID, store.AssessmentInput{Name: "Q1 & <2030>", Questionnaires: []store.QuestionnaireChoice{{Q: qs[0]}},
		TeamIDs: []int64{teams[0].ID, teams[1].ID}, Due: &due, ReminderDays: days})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, orgID: org.ID, teams: []int64{teams[0].ID, teams[1].ID}, roundID: a.ID, due: due}
}

// invite emails a link of team i to addr and returns the invitation.
func (f *fixture) invite(t *testing.T, team int, addr string) store.CreatedInvitation {
	t.Helper()
	out, err := f.st.CreateInvitationsMailed(context.Background(), f.orgID, f.roundID, nil, []store.NewInvitation{{TeamID: f.teams[team], Email: addr}},
		func(store.CreatedInvitation) store.NewEmail {
			return store.NewEmail{Subject: "Your survey", Text: "invitation"}
		})
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

// deliver sends every queued email to a fresh relay and returns what it got
// (the invitations, then the reminders).
func deliver(t *testing.T, st *store.Store) []mailtest.Received {
	t.Helper()
	srv := mailtest.Start(t, 0)
	r := jobs.New(st, jobs.Options{Jitter: func() float64 { return 0 }})
	s, err := gmail.NewSender("smtp://"+srv.Addr+"?insecure=1", "Gapmap <gapmap@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	gmail.Register(r, st, s, gmail.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	return srv.Messages()
}

func reminderMessages(ms []mailtest.Received) []mailtest.Received {
	var out []mailtest.Received
	for _, m := range ms {
		if strings.HasPrefix(m.Subject, "Reminder:") {
			out = append(out, m)
		}
	}
	return out
}

// TestRemindersOnTheirDays steps an injected clock through the days before
// the due date, scanning twice a day, and checks who gets a reminder when:
// only on the round's reminder days, once a day, never after a submission,
// a revoked link or an unsubscribe. The reminders reach a real SMTP server
// with List-Unsubscribe headers and the respondent's link.
func TestRemindersOnTheirDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st, []int{7, 2})
		ana := f.invite(t, 0, "Ana@Example.org")
		bo := f.invite(t, 0, "bo@example.org")
		cy := f.invite(t, 1, "cy@example.org")
		f.invite(t, 1, "dee@example.org")
		if err := st.Exec(ctx, "UPDATE responses SET status = 'submitted' WHERE invitation_id = ?", bo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RevokeInvitation(ctx, f.orgID, f.roundID, cy.ID); err != nil {
			t.Fatal(err)
		}
		if n := len(deliver(t, st)); n != 4 {
			t.Fatalf("%d invitations delivered, want 4", n)
		}

		var now time.Time
		svc := &reminders.Service{Store: st, BaseURL: baseURL, Clock: func() time.Time { return now }}
		got := map[string][]int{} // address -> days before due with a reminder
		checked := 0
		for before := 10; before >= 0; before-- {
			day := f.due.AddDate(0, 0, -before)
			for _, hour := range []int{0, 9, 23} {
				now = day.Add(time.Duration(hour) * time.Hour)
				if _, err := svc.Scan(ctx); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range reminderMessages(deliver(t, st)) {
				got[strings.ToLower(m.To)] = append(got[strings.ToLower(m.To)], before)
				if m.To == "dee@example.org" { // dee unsubscribes from her first reminder, by one click
					u := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
					tok := strings.TrimPrefix(u, baseURL+"/unsubscribe/")
					if _, err := st.Unsubscribe(ctx, tok); err != nil {
						t.Fatalf("unsubscribe with %q: %v", u, err)
					}
				}
				if m.To == "Ana@Example.org" {
					checkReminder(t, m, ana.Token)
					checked++
				}
			}
		}
		want := map[string][]int{"ana@example.org": {7, 2}, "dee@example.org": {7}}
		if checked != 2 {
			t.Fatalf("%d reminders to Ana checked, want 2", checked)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("reminders by address and days before due: %v, want %v", got, want)
		}
	})
}

// checkReminder checks the headers and bodies of a reminder to the holder
// of link token.
func checkReminder(t *testing.T, m mailtest.Received, token string) {
	t.Helper()
	u := m.Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(u, "<"+baseURL+"/unsubscribe/u_") || !strings.HasSuffix(u, ">") {
		t.Fatalf("List-Unsubscribe = %q", u)
	}
	if p := m.Header.Get("List-Unsubscribe-Post"); p != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe-Post = %q", p)
	}
	body := strings.ReplaceAll(m.Body, "=\r\n", "")
	if !strings.Contains(body, baseURL+"/s/"+token) {
		t.Fatalf("the reminder does not carry the respondent's link:\n%s", body)
	}
	if !strings.Contains(body, "Acme &lt;Ops&gt;") || strings.Contains(body, "<Ops>\"") {
		t.Fatalf("the organization's name is not escaped in the HTML part:\n%s", body)
	}
}

// TestOneReminderPerAddressAndDay: an address with links in two teams gets
// one reminder a day, however often reminders are asked for; the database
// itself refuses a second row for the same round, address and day.
func TestOneReminderPerAddressAndDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st, nil)
		f.invite(t, 0, "ana@example.org")
		f.invite(t, 1, "ANA@example.org")
		f.invite(t, 1, "bo@example.org")
		day := time.Date(2030, 1, 10, 8, 0, 0, 0, time.UTC)
		svc := &reminders.Service{Store: st, BaseURL: baseURL, Clock: func() time.Time { return day }}
		for i, want := range []int{2, 0, 0} {
			n, err := svc.SendNow(ctx, f.orgID, f.roundID)
			if err != nil || n != want {
				t.Fatalf("send #%d: queued %d (%v), want %d", i+1, n, err, want)
			}
		}
		day = day.Add(24 * time.Hour)
		if n, err := svc.SendNow(ctx, f.orgID, f.roundID); err != nil || n != 2 {
			t.Fatalf("the next day: queued %d (%v), want 2", n, err)
		}
		err := st.Exec(ctx, "INSERT INTO reminders (org_id, assessment_id, address, day, unsubscribe_hash, created_at) VALUES (?, ?, 'bo@example.org', '2030-01-11', 'x', ?)",
			f.orgID, f.roundID, time.Now().UTC())
		if err == nil {
			t.Fatal("the database took a second reminder for one address and day")
		}
		if n := len(reminderMessages(deliver(t, st))); n != 4 {
			t.Fatalf("%d reminders delivered, want 4", n)
		}
	})
}

// TestRemindersRefused: a closed round and a missing composer (email off)
// queue nothing.
func TestRemindersRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st, []int{1})
		f.invite(t, 0, "ana@example.org")
		if _, err := st.QueueReminders(ctx, f.orgID, f.roundID, time.Now(), nil); apperr.Code(err) != apperr.EConflict {
			t.Fatalf("without email: %v, want a conflict", err)
		}
		if _, err := st.CloseAssessment(ctx, f.orgID, f.roundID); err != nil {
			t.Fatal(err)
		}
		svc := &reminders.Service{Store: st, BaseURL: baseURL, Clock: func() time.Time { return f.due.AddDate(0, 0, -1) }}
		if _, err := svc.SendNow(ctx, f.orgID, f.roundID); apperr.Code(err) != apperr.EConflict {
			t.Fatalf("closed round: %v, want a conflict", err)
		}
		if n, err := svc.Scan(ctx); err != nil || n != 0 {
			t.Fatalf("scan of a closed round: %d, %v", n, err)
		}
		if n := len(reminderMessages(deliver(t, st))); n != 0 {
			t.Fatalf("%d reminders delivered", n)
		}
	})
}

// TestRegeneratedLinkIsNotResent: after a link is replaced, its reminder
// points to the invitation email instead of carrying a dead link.
func TestRegeneratedLinkIsNotResent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st, nil)
		inv := f.invite(t, 0, "ana@example.org")
		if _, err := st.RegenerateInvitation(ctx, f.orgID, f.roundID, inv.ID); err != nil {
			t.Fatal(err)
		}
		svc := &reminders.Service{Store: st, BaseURL: baseURL}
		if n, err := svc.SendNow(ctx, f.orgID, f.roundID); err != nil || n != 1 {
			t.Fatalf("queued %d (%v)", n, err)
		}
		ms := reminderMessages(deliver(t, st))
		if len(ms) != 1 || strings.Contains(ms[0].Body, "/s/") || !strings.Contains(ms[0].Body, "invitation email") {
			t.Fatalf("reminder after a regenerated link: %+v", ms)
		}
	})
}

func TestCleanReminderDays(t *testing.T) {
	tests := []struct {
		in   []int
		want string
		ok   bool
	}{
		{nil, "", true},
		{[]int{2, 7}, "[7,2]", true},
		{[]int{1}, "[1]", true},
		{[]int{0}, "", false},
		{[]int{-3}, "", false},
		{[]int{7, 7}, "", false},
		{[]int{366}, "", false},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "[10,9,8,7,6,5,4,3,2,1]", true},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "", false},
	}
	for _, tt := range tests {
		got, err := store.CleanReminderDays(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("CleanReminderDays(%v) = %q, %v", tt.in, got, err)
		}
		if err != nil && apperr.Code(err) != apperr.EInvalid {
			t.Errorf("CleanReminderDays(%v): %v is not a validation error", tt.in, err)
		}
	}
}

func TestReminderDue(t *testing.T) {
	due := time.Date(2030, 1, 20, 0, 0, 0, 0, time.UTC)
	a := models.Assessment{Status: models.AssessmentOpen, Due: &due, ReminderDays: "[7,2]"}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2030, 1, 13, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2030, 1, 13, 23, 59, 0, 0, time.UTC), true},
		{time.Date(2030, 1, 13, 23, 30, 0, 0, time.FixedZone("UTC-1", -3600)), false}, // 14 Jan in UTC
		{time.Date(2030, 1, 18, 12, 0, 0, 0, time.UTC), true},
		{time.Date(2030, 1, 19, 12, 0, 0, 0, time.UTC), false},
		{time.Date(2030, 1, 20, 12, 0, 0, 0, time.UTC), false},
	} {
		if got := store.ReminderDue(&a, tt.at); got != tt.want {
			t.Errorf("ReminderDue at %s = %v", tt.at, got)
		}
	}
}

// TestScanJob runs the periodic job through the durable runner with an
// injected clock: the first run queues the day's reminders and schedules
// the next run an hour later, which queues nothing more that day; the day
// after, nothing is due.
func TestScanJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st, []int{3, 2})
		f.invite(t, 0, "ana@example.org")
		now := f.due.AddDate(0, 0, -3).Add(10*time.Hour + 30*time.Minute)
		clock := func() time.Time { return now }
		r := jobs.New(st, jobs.Options{Clock: clock, Jitter: func() float64 { return 0 }})
		svc := &reminders.Service{Store: st, BaseURL: baseURL, Clock: clock}
		svc.Register(r)
		if err := svc.Schedule(ctx, now); err != nil {
			t.Fatal(err)
		}
		reminded := func() int64 {
			rows, err := st.CountOrgRows(ctx, f.orgID)
			if err != nil {
				t.Fatal(err)
			}
			return rows["reminders"]
		}
		for i, step := range []struct {
			advance time.Duration
			ran     int
			total   int64
		}{
			{0, 1, 1},                // the scan of 10:30 sends Ana's reminder
			{10 * time.Minute, 0, 1}, // the next scan waits for 11:00
			{20 * time.Minute, 1, 1}, // 11:00: nothing more today
			{24 * time.Hour, 1, 2},   // the day after is 2 days before due: one more
		} {
			now = now.Add(step.advance)
			ran, err := r.RunDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ran != step.ran || reminded() != step.total {
				t.Fatalf("step %d at %s: %d scans ran, %d reminders; want %d, %d", i, now, ran, reminded(), step.ran, step.total)
			}
		}
	})
}
