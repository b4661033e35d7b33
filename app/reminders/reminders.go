// Package reminders sends the reminders of rounds: on each of a round's
// reminder days before its due date, every address a link was emailed to
// whose response is not submitted gets one email, through the outbox
// (app/store, app/mail). A periodic job of the durable runner (app/jobs)
// looks every hour; the store's unique key (round, address, UTC day) makes
// a second reminder on one day impossible, so that scans, several
// instances and POST …/reminders can all run on one day. Every reminder
// carries a one-click unsubscribe link (RFC 8058).
package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"gapmap/app/jobs"
	"gapmap/app/mail"
	"gapmap/app/store"
)

// ScanKind is the kind of the periodic job that sends the reminders due
// today.
const ScanKind = "reminders.scan"

// ScanEvery is how often the scan runs.
const ScanEvery = time.Hour

// Service queues reminders. The zero Clock is time.Now; tests inject one.
type Service struct {
	Store   *store.Store
	BaseURL string // public URL of the links, without a trailing slash
	Clock   func() time.Time
	Log     *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now().UTC()
	}
	return s.Clock().UTC()
}

// UnsubscribeURL is the page and one-click endpoint of an unsubscribe
// token.
func (s *Service) UnsubscribeURL(token string) string { return s.BaseURL + "/unsubscribe/" + token }

// compose writes one reminder.
func (s *Service) compose(in store.ReminderInfo) store.NewEmail {
	d := mail.ReminderData{Org: in.OrgName, Round: in.RoundName, Team: in.TeamName, Unsubscribe: s.UnsubscribeURL(in.UnsubscribeToken)}
	if in.LinkToken != "" {
		d.Link = s.BaseURL + "/s/" + in.LinkToken
	}
	if in.Due != nil {
		d.Due = in.Due.UTC().Format(time.DateOnly)
	}
	c := mail.Reminder(d)
	return store.NewEmail{Subject: c.Subject, Text: c.Text, HTML: c.HTML, ListUnsubscribe: d.Unsubscribe}
}

// SendNow queues a reminder of a round to every address that has not had
// one today; it returns how many were queued.
func (s *Service) SendNow(ctx context.Context, orgID, roundID int64) (int, error) {
	return s.Store.QueueReminders(ctx, orgID, roundID, s.now(), s.compose)
}

// Scan queues the reminders due today (by the service's clock) for every
// round; it returns how many were queued. A round whose reminders fail is
// logged and the others go on; the error is returned at the end, so that
// the job is retried (what was queued stays queued once).
func (s *Service) Scan(ctx context.Context) (int, error) {
	now := s.now()
	rounds, err := s.Store.RoundsWithReminders(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var first error
	for i := range rounds {
		a := &rounds[i]
		if !store.ReminderDue(a, now) {
			continue
		}
		n, err := s.Store.QueueReminders(ctx, a.OrgID, a.ID, now, s.compose)
		if err != nil {
			if first == nil {
				first = fmt.Errorf("reminders of round %d: %w", a.ID, err)
			}
			continue
		}
		total += n
		if n > 0 && s.Log != nil {
			s.Log.Info("reminders queued", "org", a.OrgID, "round", a.ID, "emails", n)
		}
	}
	return total, first
}

// Schedule enqueues a scan at at. Scans are coalesced per ScanEvery slot,
// so instances that all schedule the next one store a single job.
func (s *Service) Schedule(ctx context.Context, at time.Time) error {
	slot := at.UTC().Truncate(ScanEvery).Unix()
	return s.Store.EnqueueJob(ctx, store.NewJob{Kind: ScanKind, DedupeKey: strconv.FormatInt(slot, 10), RunAt: at})
}

// Register registers the scan job on r: each run schedules the next one at
// the start of the next slot and sends the reminders due.
func (s *Service) Register(r *jobs.Runner) {
	r.Register(jobs.Kind{
		Name:       ScanKind,
		Backoff:    time.Minute,
		MaxBackoff: 30 * time.Minute,
		Handle: func(ctx context.Context, _ []byte) error {
			// The next run is scheduled first: a failing scan is retried
			// without ending the schedule.
			if err := s.Schedule(ctx, s.now().Truncate(ScanEvery).Add(ScanEvery)); err != nil {
				return err
			}
			_, err := s.Scan(ctx)
			return err
		},
	})
}
