// Package mail sends the emails of the outbox (app/store) over SMTP. Emails
// are rows written in the transaction of the action that causes them,
// together with a job of the durable runner (app/jobs) that sends each one:
// a crash never loses a queued email, failures are retried with back-off,
// and an email still undelivered after the configured age is given up and
// marked failed with its last error. Each email keeps the Message-ID it was
// given when queued, so a message sent again after a crash (accepted by the
// relay but not yet marked sent) is recognisable as the same one.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// Message is one email to send.
type Message struct {
	To        string
	Subject   string
	Text      string
	HTML      string // optional
	MessageID string // the full Message-ID, with angle brackets
	Date      time.Time
	// ListUnsubscribe, when set, is an https URL sent as List-Unsubscribe
	// with List-Unsubscribe-Post for one-click unsubscribe (RFC 8058).
	ListUnsubscribe string
}

// Sender delivers messages to one SMTP relay. It is built from the
// configuration's --smtp-url and --mail-from.
type Sender struct {
	scheme   string // smtp or smtps
	host     string
	addr     string
	user     string
	pass     string
	insecure bool
	from     *mail.Address
	timeout  time.Duration
}

// NewSender parses smtpURL (smtp://user:pass@host:port, smtps://…,
// ?insecure=1 for tests) and the From address. Errors never show the
// password.
func NewSender(smtpURL, from string) (*Sender, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("mail: the SMTP URL must be smtp://user:pass@host:port or smtps://…")
	}
	f, err := mail.ParseAddress(from)
	if err != nil || strings.ContainsAny(from, "\r\n") {
		return nil, fmt.Errorf("mail: invalid From address %q", from)
	}
	s := &Sender{scheme: u.Scheme, host: u.Hostname(), from: f, timeout: 30 * time.Second, insecure: u.Query().Get("insecure") == "1"}
	port := u.Port()
	if port == "" {
		port = map[string]string{"smtp": "587", "smtps": "465"}[u.Scheme]
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// MessageID returns the Message-ID header of the outbox email whose stored
// identifier is local: the From address's domain keeps it unique.
func (s *Sender) MessageID(local string) string {
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	return "<" + local + "@" + domain + ">"
}

// Send delivers one message. Errors carry the server's reply (a 4xx or 5xx
// code) or the connection failure.
func (s *Sender) Send(ctx context.Context, m Message) error {
	if strings.ContainsAny(m.To+m.Subject+m.MessageID+m.ListUnsubscribe, "\r\n") {
		return errors.New("mail: line break in a header")
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("mail: invalid recipient: %w", err)
	}
	body, err := s.compose(m, to)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w", s.addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	tlsConf := &tls.Config{ServerName: s.host, InsecureSkipVerify: s.insecure, MinVersion: tls.VersionTLS12} //nolint:gosec // insecure=1 is for tests only, documented
	if s.scheme == "smtps" {
		tc := tls.Client(conn, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("mail: TLS with %s: %w", s.addr, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("mail: greeting of %s: %w", s.addr, err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("mail: EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && s.scheme == "smtp" {
		if err := c.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("mail: authentication as %s: %w", s.user, err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("mail: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: message refused: %w", err)
	}
	_ = c.Quit()
	return nil
}

// compose writes the message: headers, then a text part and, when given, an
// HTML part as multipart/alternative, both quoted-printable.
func (s *Sender) compose(m Message, to *mail.Address) ([]byte, error) {
	var b bytes.Buffer
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	id := m.MessageID
	if id == "" {
		var r [16]byte
		_, _ = rand.Read(r[:])
		id = s.MessageID(hex.EncodeToString(r[:]))
	}
	hdr := [][2]string{
		{"From", s.from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", date.Format(time.RFC1123Z)},
		{"Message-ID", id},
		{"MIME-Version", "1.0"},
		{"Auto-Submitted", "auto-generated"},
	}
	if m.ListUnsubscribe != "" {
		hdr = append(hdr, [2]string{"List-Unsubscribe", "<" + m.ListUnsubscribe + ">"},
			[2]string{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
	}
	for _, h := range hdr {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	part := func(w *bytes.Buffer, text string) error {
		q := quotedprintable.NewWriter(w)
		if _, err := q.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n"))); err != nil {
			return err
		}
		return q.Close()
	}
	if m.HTML == "" {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		if err := part(&b, m.Text); err != nil {
			return nil, fmt.Errorf("mail: compose: %w", err)
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", mw.Boundary())
	for _, p := range []struct{ typ, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("mail: compose: %w", err)
		}
		var pb bytes.Buffer
		if err := part(&pb, p.text); err != nil {
			return nil, fmt.Errorf("mail: compose: %w", err)
		}
		if _, err := w.Write(pb.Bytes()); err != nil {
			return nil, fmt.Errorf("mail: compose: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}
