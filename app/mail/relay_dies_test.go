package mail_test

import (
	"testing"
	"time"

	"gapmap/app/jobs/jobstest"
	"gapmap/app/mail/mailtest"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

// TestRelayDiesMidBatch: the relay accepts two messages of a batch of five
// and then dies. Nothing is lost: the two are marked sent, the other three
// stay queued with the connection error, and a relay that comes back later
// gets exactly those three, each with the Message-ID it was queued with.
func TestRelayDiesMidBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		first := mailtest.Start(t, 0)
		first.StopAfter(2)
		r, _ := setup(t, st, first.Addr)
		var ids []int64
		for _, to := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org"} {
			ids = append(ids, queue(t, st, to))
		}
		jobstest.RunDue(t, r)
		sent, queued := 0, 0
		for _, id := range ids {
			switch e := email(t, st, id); e.Status {
			case models.EmailSent:
				sent++
			case models.EmailQueued:
				queued++
				if e.LastError == "" {
					t.Fatalf("email %d is queued without the error of its failed attempt", id)
				}
			default:
				t.Fatalf("email %d: status %q", id, e.Status)
			}
		}
		if got := len(first.Messages()); sent != 2 || queued != 3 || got != 2 {
			t.Fatalf("after the relay died: %d sent, %d queued, relay saw %d; want 2, 3, 2", sent, queued, got)
		}
		second := mailtest.Start(t, 0)
		r2, c2 := setup(t, st, second.Addr)
		c2.Advance(time.Hour) // past the back-off
		jobstest.RunDue(t, r2)
		seen := map[string]int{}
		for _, m := range append(first.Messages(), second.Messages()...) {
			seen[m.MessageID]++
		}
		for _, id := range ids {
			e := email(t, st, id)
			if e.Status != models.EmailSent {
				t.Fatalf("email %d after the relay came back: %q (%s)", id, e.Status, e.LastError)
			}
			if n := seen["<"+e.MessageID+"@example.com>"]; n != 1 {
				t.Fatalf("email %d delivered %d times, want once", id, n)
			}
		}
		if n := len(second.Messages()); n != 3 {
			t.Fatalf("the second relay got %d messages, want the 3 left", n)
		}
	})
}
