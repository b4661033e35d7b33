package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/reminders"
	"gapmap/app/store"
	"gapmap/models"
)

// remindersJSON is a round's "reminders" object.
type remindersJSON struct {
	DaysBeforeDue []int `json:"days_before_due"`
}

// reminderService is the service that queues reminders with the server's
// public URL.
func (s *Server) reminderService() *reminders.Service {
	return &reminders.Service{Store: s.store, BaseURL: s.cfg.BaseURL, Log: s.log}
}

// scheduleReminders starts the reminder scans (when email is on): one now,
// which schedules the next.
func (s *Server) scheduleReminders() {
	if !s.cfg.MailEnabled() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.reminderService().Schedule(ctx, time.Now()); err != nil {
		s.log.Error("schedule "+reminders.ScanKind, "err", err)
	}
}

// errMailOff answers a request that needs email on a server without it.
func errMailOff() error {
	return apperr.Errorf(apperr.EConflict, "Email is off on this server (no SMTP relay is configured): no reminder can be sent.")
}

// apiSendReminders queues a reminder now to every emailed link of the
// round whose response is not submitted (one per address and day).
func (s *Server) apiSendReminders(c *fiber.Ctx) error {
	a, err := s.ownAssessment(c)
	if err != nil {
		return err
	}
	if !s.cfg.MailEnabled() {
		return errMailOff()
	}
	n, err := s.reminderService().SendNow(c.UserContext(), a.OrgID, a.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"queued": n})
}

// sendRemindersForm is the round page's "Send a reminder now".
func (s *Server) sendRemindersForm(c *fiber.Ctx) error {
	a, err := s.ownAssessment(c)
	if err != nil {
		return err
	}
	to := fmt.Sprintf("/assessments/%d#invite", a.ID)
	if !s.cfg.MailEnabled() {
		return s.redirectFlash(c, to, "error", "Email is off on this server (no SMTP relay is configured): no reminder can be sent.")
	}
	n, err := s.reminderService().SendNow(c.UserContext(), a.OrgID, a.ID)
	if err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error { return s.renderAssessment(c, data) })
	}
	msg := fmt.Sprintf("%d reminders queued.", n)
	switch n {
	case 0:
		msg = "No reminder queued: every emailed link is submitted, unsubscribed or already reminded today."
	case 1:
		msg = "1 reminder queued."
	}
	return s.redirectFlash(c, to, "success", msg)
}

// formReminderDays reads the edit form's reminder days ("7, 2"); ok is
// false when the form has no such field.
func formReminderDays(c *fiber.Ctx) ([]int, bool, error) {
	if c.Context().PostArgs().Peek("reminder_days") == nil {
		return nil, false, nil
	}
	days := []int{}
	for _, f := range strings.FieldsFunc(c.FormValue("reminder_days"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, false, apperr.Field("reminders", "Reminder days are whole numbers of days before the due date, such as 7, 2.")
		}
		days = append(days, n)
	}
	return days, true, nil
}

// reminderDaysText writes a round's reminder days for the edit form.
func reminderDaysText(a *models.Assessment) string {
	var parts []string
	for _, d := range store.ReminderDaysOf(a) {
		parts = append(parts, strconv.Itoa(d))
	}
	return strings.Join(parts, ", ")
}

// unsubscribePage shows what an unsubscribe link stops, with a button.
func (s *Server) unsubscribePage(c *fiber.Ctx) error {
	u, err := s.store.UnsubscribeLink(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.render(c, "auth/unsubscribe", fiber.Map{"Title": "Unsubscribe", "U": u, "Token": c.Params("token")})
}

// unsubscribe stops a round's reminders to an address. It answers both the
// page's button and the one-click POST of mail clients (RFC 8058), which
// carries no CSRF token: the unguessable token in the path is the only
// credential, and no session is used.
func (s *Server) unsubscribe(c *fiber.Ctx) error {
	u, err := s.store.Unsubscribe(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.render(c, "auth/unsubscribe", fiber.Map{"Title": "Unsubscribed", "U": u, "Done": true})
}

// privateLink keeps a page whose URL carries a token out of Referer
// headers and caches, on errors too.
func privateLink(c *fiber.Ctx) error {
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}
