package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/jobs"
	"gapmap/app/store"
)

// Options configure the outbox sender.
type Options struct {
	MaxAge time.Duration    // give an email up this long after it was queued (default 48 h)
	Clock  func() time.Time // default time.Now; tests inject one
}

// Register registers the job that sends one outbox email
// (store.SendEmailKind). Every failure is retried with the runner's
// exponential back-off (30 s, doubling up to 30 min) until the email is
// older than MaxAge; then it is marked failed with its last error. A
// runner without a sender (email off) registers nothing: emails are then
// never queued, see the callers.
func Register(r *jobs.Runner, st *store.Store, s *Sender, opt Options) {
	if opt.MaxAge <= 0 {
		opt.MaxAge = 48 * time.Hour
	}
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	r.Register(jobs.Kind{
		Name: store.SendEmailKind,
		// The age decides when to give up, not a count of attempts.
		MaxAttempts: 1 << 20,
		Backoff:     30 * time.Second,
		MaxBackoff:  30 * time.Minute,
		Handle: func(ctx context.Context, payload []byte) error {
			var p store.SendEmailPayload
			if err := json.Unmarshal(payload, &p); err != nil {
				return fmt.Errorf("send email job payload: %w", err)
			}
			return send(ctx, st, s, opt, p.EmailID)
		},
	})
}

func send(ctx context.Context, st *store.Store, s *Sender, opt Options, id int64) error {
	e, err := st.OutboxEmail(ctx, id)
	if apperr.Code(err) == apperr.ENotFound {
		return nil // deleted with its organization
	}
	if err != nil {
		return err
	}
	if e.Status != "queued" {
		return nil // sent or given up by an earlier run
	}
	now := opt.Clock()
	if now.Sub(e.CreatedAt) > opt.MaxAge {
		last := e.LastError
		if last == "" {
			last = "not sent"
		}
		return st.RecordEmailAttempt(ctx, id, now, fmt.Sprintf("given up after %s: %s", opt.MaxAge, last), true)
	}
	serr := s.Send(ctx, Message{To: e.ToAddr, Subject: e.Subject, Text: e.BodyText, HTML: e.BodyHTML, MessageID: s.MessageID(e.MessageID), Date: now, ListUnsubscribe: e.ListUnsubscribe})
	if serr == nil {
		return st.RecordEmailAttempt(ctx, id, opt.Clock(), "", false)
	}
	if err := st.RecordEmailAttempt(ctx, id, opt.Clock(), serr.Error(), false); err != nil {
		return err
	}
	return serr
}
