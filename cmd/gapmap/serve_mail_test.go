package main

import (
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
	srv := startRun(t, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--demo"}, env)
	emailRe := regexp.MustCompile(`Email:\s+(\S+)`)
	var owner string
	deadline := time.Now().Add(60 * time.Second)
	for owner == "" {
		if time.Now().After(deadline) {
			t.Fatalf("serve --demo printed no owner; stdout:\n%s", srv.out.String())
		}
		if m := emailRe.FindStringSubmatch(srv.out.String()); m != nil {
			owner = m[1]
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !strings.Contains(srv.errOut.String(), "email is on") {
		t.Fatalf("the log does not say that email is on:\n%s", srv.errOut.String())
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + srv.addr
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
			t.Fatalf("no email reached the relay within 30 s; stderr:\n%s", srv.errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv.stop()
}
