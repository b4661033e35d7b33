// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp)
// on a loopback port for tests of the email outbox.
package mailtest

import (
	"bytes"
	"io"
	"mime"
	"net"
	"net/mail"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// Received is one message the test server was given (accepted or not).
type Received struct {
	From, To  string
	MessageID string
	Subject   string
	Body      string // the raw body after the headers
	Header    mail.Header
	Accepted  bool
}

// Server is a real SMTP server (github.com/emersion/go-smtp) on a loopback
// port. Start's refuse says how many DATA commands in a row it answers with 451
// before it accepts (-1: always).
type Server struct {
	mu     sync.Mutex
	got    []Received
	refuse int
	Addr   string // host:port to connect to
	srv    *smtp.Server
	ln     net.Listener
	stop   int // accept this many messages, then take no new connection (0: no limit)
}

// Start starts a server that lives until the test ends.
func Start(t testing.TB, refuse int) *Server {
	t.Helper()
	s := &Server{refuse: refuse}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr, s.ln = l.Addr().String(), l
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// StopAfter makes the server stop listening once it has accepted n more
// messages, as a relay that dies in the middle of a batch: the n-th is
// acknowledged, later connections are refused.
func (s *Server) StopAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop = n
}

// Messages returns the messages given so far, accepted or not.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

type session struct {
	s        *Server
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
	rec := Received{From: x.from, To: x.to, MessageID: m.Header.Get("Message-ID"), Subject: subject, Body: string(body), Header: m.Header}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse != 0 {
		if x.s.refuse > 0 {
			x.s.refuse--
		}
		x.s.got = append(x.s.got, rec)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	rec.Accepted = true
	x.s.got = append(x.s.got, rec)
	if x.s.stop > 0 {
		if x.s.stop--; x.s.stop == 0 {
			_ = x.s.ln.Close()
		}
	}
	return nil
}
