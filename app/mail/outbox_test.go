package mail_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"gapmap/app/apperr"
	"gapmap/app/jobs"
	gmail "gapmap/app/mail"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

// received is one message the test server was given (accepted or not).
type received struct {
	from, to  string
	messageID string
	subject   string
	body      string
	accepted  bool
}

// server is a real SMTP server (github.com/emersion/go-smtp) on a loopback
// port. refuse says how many DATA commands in a row it answers with 451
// before it accepts (-1: always).
type server struct {
	mu     sync.Mutex
	got    []received
	refuse int
	addr   string
	srv    *smtp.Server
}

func startServer(t *testing.T, refuse int) *server {
	t.Helper()
	s := &server{refuse: refuse}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

func (s *server) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

type session struct {
	s        *server
	from, to string
}

func (x *session) Reset()        { x.from, x.to = "", "" }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = to
	return nil
}
func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	rec := received{from: x.from, to: x.to, messageID: m.Header.Get("Message-ID"), subject: subject, body: string(body)}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse != 0 {
		if x.s.refuse > 0 {
			x.s.refuse--
		}
		x.s.got = append(x.s.got, rec)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	rec.accepted = true
	x.s.got = append(x.s.got, rec)
	return nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup returns a runner with the email job registered against a sender
// of addr, and its clock.
func setup(t *testing.T, st *store.Store, addr string) (*jobs.Runner, *clock) {
	t.Helper()
	// The clock runs a little ahead of the store, which stamps queued emails.
	c := &clock{t: time.Now().Add(time.Second)}
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

func drain(t *testing.T, r *jobs.Runner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := r.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
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
				srv := startServer(t, tt.refuse)
				r, c := setup(t, st, srv.addr)
				id := queue(t, st, "Alice <alice@example.org>")
				if e := email(t, st, id); e.Status != models.EmailQueued {
					t.Fatalf("queued email: status %q", e.Status)
				}
				drain(t, r)
				for _, w := range tt.waits {
					c.Add(w)
					drain(t, r)
				}
				e := email(t, st, id)
				if e.Status != tt.status {
					t.Fatalf("status = %q (last error %q), want %q", e.Status, e.LastError, tt.status)
				}
				if !strings.Contains(e.LastError, tt.errSubstr) {
					t.Fatalf("last error = %q, want it to contain %q", e.LastError, tt.errSubstr)
				}
				got := srv.messages()
				if len(got) != tt.attempts {
					t.Fatalf("server saw %d attempts, want %d", len(got), tt.attempts)
				}
				want := "<" + e.MessageID + "@example.com>"
				for i, m := range got {
					if m.messageID != want {
						t.Fatalf("attempt %d: Message-ID %q, want %q (stable across retries)", i+1, m.messageID, want)
					}
					if m.from != "gapmap@example.com" || m.to != "alice@example.org" || m.subject != "Your survey — Ünïcode" {
						t.Fatalf("attempt %d: from %q to %q subject %q", i+1, m.from, m.to, m.subject)
					}
					if !strings.Contains(m.body, "please answer.") || !strings.Contains(m.body, "&lt;you&gt;") {
						t.Fatalf("attempt %d: body lacks the text or HTML part:\n%s", i+1, m.body)
					}
				}
				accepted := 0
				for _, m := range got {
					if m.accepted {
						accepted++
					}
				}
				if wantAcc := map[bool]int{true: 1, false: 0}[tt.status == models.EmailSent]; accepted != wantAcc {
					t.Fatalf("accepted %d messages, want %d", accepted, wantAcc)
				}
				if n, _ := st.OutboxPending(context.Background()); n != 0 {
					t.Fatalf("pending after the end: %d", n)
				}
				c.Add(24 * time.Hour)
				drain(t, r)
				if n := len(srv.messages()); n != tt.attempts {
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
		drain(t, r)
		for _, id := range ids {
			e := email(t, st, id)
			if e.Status != models.EmailQueued || !strings.Contains(e.LastError, "connect") {
				t.Fatalf("email %d with the relay down: status %q, error %q", id, e.Status, e.LastError)
			}
		}
		if n, _ := st.OutboxPending(context.Background()); n != 3 {
			t.Fatalf("pending = %d, want 3", n)
		}
		srv := startServer(t, 0)
		r2, c2 := setup(t, st, srv.addr)
		c2.Add(time.Hour) // past the back-off of the failed attempts
		drain(t, r2)
		for _, id := range ids {
			if e := email(t, st, id); e.Status != models.EmailSent {
				t.Fatalf("email %d after the relay came back: status %q, error %q", id, e.Status, e.LastError)
			}
		}
		if got := srv.messages(); len(got) != 3 {
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
