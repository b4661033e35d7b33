package mail_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/jobs"
	"gapmap/app/jobs/jobstest"
	gmail "gapmap/app/mail"
	"gapmap/app/mail/mailtest"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

// setup returns a runner with the email job registered against a sender
// of addr, and its clock.
func setup(t *testing.T, st *store.Store, addr string) (*jobs.Runner, *jobstest.Clock) {
	t.Helper()
	// The clock runs a little ahead of the store, which stamps queued emails.
	c := jobstest.NewClock(time.Now().Add(time.Second))
	r := jobs.New(st, jobs.Options{Clock: c.Now, Jitter: func() float64 { return 0 }})
	s, err := gmail.NewSender("smtp://"+addr+"?insecure=1", "Gapmap <gapmap@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	gmail.Register(r, st, s, gmail.Options{MaxAge: 2 * time.Hour, Clock: c.Now})
	return r, c
}

func queue(t *testing.T, st *store.Store, to string) int64 {
	t.Helper()
	id, err := st.QueueEmail(context.Background(), store.NewEmail{Purpose: "test", To: to, Subject: "Your survey — Ünïcode", Text: "Hello,\nplease answer.", HTML: "<p>Hello &lt;you&gt;</p>"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func email(t *testing.T, st *store.Store, id int64) models.Email {
	t.Helper()
	e, err := st.OutboxEmail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestOutbox(t *testing.T) {
	tests := []struct {
		name      string
		refuse    int             // 451 answers before the server accepts (-1: always)
		waits     []time.Duration // clock advances, each followed by a run of due jobs
		status    string
		attempts  int // delivery attempts the server saw
		errSubstr string
	}{
		{name: "delivered", status: models.EmailSent, attempts: 1},
		{name: "451 then accepted", refuse: 1, waits: []time.Duration{time.Minute}, status: models.EmailSent, attempts: 2},
		{name: "451 twice, backed off", refuse: 2, waits: []time.Duration{time.Minute, 20 * time.Second, time.Minute}, status: models.EmailSent, attempts: 3},
		{name: "given up after the age", refuse: -1, waits: []time.Duration{time.Minute, 3 * time.Hour}, status: models.EmailFailed, attempts: 2, errSubstr: "given up after 2h0m0s: mail: message refused: 451"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				srv := mailtest.Start(t, tt.refuse)
				r, c := setup(t, st, srv.Addr)
				id := queue(t, st, "Alice <alice@example.org>")
				if e := email(t, st, id); e.Status != models.EmailQueued {
					t.Fatalf("queued email: status %q", e.Status)
				}
				jobstest.RunDue(t, r)
				for _, w := range tt.waits {
					c.Advance(w)
					jobstest.RunDue(t, r)
				}
				e := email(t, st, id)
				if e.Status != tt.status {
					t.Fatalf("status = %q (last error %q), want %q", e.Status, e.LastError, tt.status)
				}
				if !strings.Contains(e.LastError, tt.errSubstr) {
					t.Fatalf("last error = %q, want it to contain %q", e.LastError, tt.errSubstr)
				}
				got := srv.Messages()
				if len(got) != tt.attempts {
					t.Fatalf("server saw %d attempts, want %d", len(got), tt.attempts)
				}
				want := "<" + e.MessageID + "@example.com>"
				for i, m := range got {
					if m.MessageID != want {
						t.Fatalf("attempt %d: Message-ID %q, want %q (stable across retries)", i+1, m.MessageID, want)
					}
					if m.From != "gapmap@example.com" || m.To != "alice@example.org" || m.Subject != "Your survey — Ünïcode" {
						t.Fatalf("attempt %d: from %q to %q subject %q", i+1, m.From, m.To, m.Subject)
					}
					if !strings.Contains(m.Body, "please answer.") || !strings.Contains(m.Body, "&lt;you&gt;") {
						t.Fatalf("attempt %d: body lacks the text or HTML part:\n%s", i+1, m.Body)
					}
				}
				accepted := 0
				for _, m := range got {
					if m.Accepted {
						accepted++
					}
				}
				if wantAcc := map[bool]int{true: 1, false: 0}[tt.status == models.EmailSent]; accepted != wantAcc {
					t.Fatalf("accepted %d messages, want %d", accepted, wantAcc)
				}
				if n, _ := st.OutboxPending(context.Background()); n != 0 {
					t.Fatalf("pending after the end: %d", n)
				}
				c.Advance(24 * time.Hour)
				jobstest.RunDue(t, r)
				if n := len(srv.Messages()); n != tt.attempts {
					t.Fatalf("a finished email was tried again: %d attempts", n)
				}
			})
		})
	}
}

// TestServerDown: while the relay cannot be reached, emails stay queued
// with the connection error; a later sender (another process, after a
// restart) delivers every one of them.
func TestServerDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dead := l.Addr().String()
		l.Close()
		r, _ := setup(t, st, dead)
		ids := []int64{queue(t, st, "a@example.org"), queue(t, st, "b@example.org"), queue(t, st, "c@example.org")}
		jobstest.RunDue(t, r)
		for _, id := range ids {
			e := email(t, st, id)
			if e.Status != models.EmailQueued || !strings.Contains(e.LastError, "connect") {
				t.Fatalf("email %d with the relay down: status %q, error %q", id, e.Status, e.LastError)
			}
		}
		if n, _ := st.OutboxPending(context.Background()); n != 3 {
			t.Fatalf("pending = %d, want 3", n)
		}
		srv := mailtest.Start(t, 0)
		r2, c2 := setup(t, st, srv.Addr)
		c2.Advance(time.Hour) // past the back-off of the failed attempts
		jobstest.RunDue(t, r2)
		for _, id := range ids {
			if e := email(t, st, id); e.Status != models.EmailSent {
				t.Fatalf("email %d after the relay came back: status %q, error %q", id, e.Status, e.LastError)
			}
		}
		if got := srv.Messages(); len(got) != 3 {
			t.Fatalf("delivered %d messages, want 3", len(got))
		}
	})
}

func TestQueueRefusesHeaderInjection(t *testing.T) {
	st := storetest.SQLite(t)
	for _, e := range []store.NewEmail{
		{Purpose: "test", To: "a@example.org\r\nBcc: victim@example.org", Subject: "s", Text: "t"},
		{Purpose: "test", To: "a@example.org", Subject: "hi\nBcc: victim@example.org", Text: "t"},
	} {
		_, err := st.QueueEmail(context.Background(), e)
		if apperr.Code(err) != apperr.EInvalid {
			t.Fatalf("QueueEmail(%q, %q) = %v, want an invalid-input error", e.To, e.Subject, err)
		}
	}
	if n, _ := st.OutboxPending(context.Background()); n != 0 {
		t.Fatalf("pending = %d after refused emails", n)
	}
}

func TestNewSenderRefusesBadSettings(t *testing.T) {
	for _, tt := range []struct{ url, from string }{
		{"http://h:25", "a@b.example"},
		{"smtp://h:25", "not an address"},
		{"smtp://h:25", "a@b.example\r\nBcc: x@y"},
	} {
		if _, err := gmail.NewSender(tt.url, tt.from); err == nil {
			t.Fatalf("NewSender(%q, %q) accepted", tt.url, tt.from)
		}
	}
}
