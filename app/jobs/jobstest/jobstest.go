// Package jobstest helps tests of job handlers (app/jobs): a clock that
// moves only when told, a step that runs the due jobs, and an HTTP
// endpoint for delivery jobs that fails as many times as told (the SMTP
// counterpart is app/mail/mailtest).
package jobstest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"gapmap/app/jobs"
)

// Clock is a test clock that moves only when told; pass its Now as a
// runner's and a handler's clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock that reads start.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// RunDue runs the jobs due by r's clock, with a deadline, and fails the
// test on an error.
func RunDue(t testing.TB, r *jobs.Runner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := r.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
}

// Request is one request a Receiver was sent.
type Request struct {
	URL    *url.URL
	Header http.Header
	Body   []byte
}

// Receiver is an HTTP endpoint on a loopback port that answers its first
// requests with 503 (as many as StartReceiver's fail says, -1: always),
// then 204, and keeps every request.
type Receiver struct {
	URL  string // the server's base URL
	mu   sync.Mutex
	fail int
	got  []Request
}

// StartReceiver starts a receiver that lives until the test ends.
func StartReceiver(t testing.TB, fail int) *Receiver {
	t.Helper()
	rc := &Receiver{fail: fail}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

// ServeHTTP keeps the request and answers it.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got = append(rc.got, Request{URL: r.URL, Header: r.Header.Clone(), Body: b})
	if rc.fail != 0 {
		if rc.fail > 0 {
			rc.fail--
		}
		http.Error(w, "busy, try later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Requests returns the requests received so far, answered with 503 or not.
func (rc *Receiver) Requests() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Request(nil), rc.got...)
}
