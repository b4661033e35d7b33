package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gapmap/app/mail/mailtest"
)

// TestServeDemoSendsMail runs `gapmap serve --demo` with GAPMAP_SMTP_URL
// pointing at a real SMTP server started by the test, asks for a password
// reset of the demo owner through the web form, and waits (with a
// deadline) until the reset email reaches the server: the outbox, its
// worker and the relay configuration work end to end in the real process.
func TestServeDemoSendsMail(t *testing.T) {
	relay := mailtest.Start(t, 0)
	db := filepath.Join(t.TempDir(), "gapmap.db")
	env := map[string]string{"GAPMAP_SMTP_URL": "smtp://" + relay.Addr + "?insecure=1", "GAPMAP_MAIL_FROM": "gapmap@example.com"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--demo"}, &out, &errOut, func(k string) string { return env[k] })
	}()
	addrRe := regexp.MustCompile(`addr=(127\.0\.0\.1:[0-9]+)`)
	emailRe := regexp.MustCompile(`Email:\s+(\S+)`)
	var addr, owner string
	deadline := time.Now().Add(60 * time.Second)
	for addr == "" || owner == "" {
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start; stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
		}
		if m := addrRe.FindStringSubmatch(errOut.String()); m != nil {
			addr = m[1]
		}
		if m := emailRe.FindStringSubmatch(out.String()); m != nil {
			owner = m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(errOut.String(), "email is on") {
		t.Fatalf("the log does not say that email is on:\n%s", errOut.String())
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + addr
	resp, err := client.Get(base + "/password/forgot")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="_csrf"\s+value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the form:\n%s", page)
	}
	resp, err = client.PostForm(base+"/password/forgot", url.Values{"_csrf": {string(m[1])}, "email": {owner}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("POST /password/forgot = %d", resp.StatusCode)
	}

	deadline = time.Now().Add(30 * time.Second)
	for {
		got := relay.Messages()
		if len(got) > 0 {
			if got[0].To != owner || !strings.Contains(strings.ReplaceAll(got[0].Body, "=\r\n", ""), "/password/reset/pr_") {
				t.Fatalf("message to %s:\n%s", got[0].To, got[0].Body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email reached the relay within 30 s; stderr:\n%s", errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}
