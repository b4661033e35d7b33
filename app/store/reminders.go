package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"
)

// Reminder limits.
const (
	MaxReminderDays      = 10  // entries of a round's reminder list
	MaxReminderDaysAhead = 365 // the largest number of days before the due date
)

// UnsubscribeTokenPrefix starts every reminder's unsubscribe token.
const UnsubscribeTokenPrefix = "u_"

// CleanReminderDays checks a round's reminder days (positive, unique, at
// most MaxReminderDays of them) and returns their stored form: a JSON list
// from the earliest reminder to the latest, or "" for none.
func CleanReminderDays(days []int) (string, error) {
	if len(days) == 0 {
		return "", nil
	}
	if len(days) > MaxReminderDays {
		return "", apperr.Field("reminders", "A round has at most %d reminder days.", MaxReminderDays)
	}
	seen := map[int]bool{}
	for _, d := range days {
		if d < 1 || d > MaxReminderDaysAhead {
			return "", apperr.Field("reminders", "Reminder days are whole numbers of days before the due date, from 1 to %d.", MaxReminderDaysAhead)
		}
		if seen[d] {
			return "", apperr.Field("reminders", "The reminder day %d is given twice.", d)
		}
		seen[d] = true
	}
	sorted := slices.Clone(days)
	slices.Sort(sorted)
	slices.Reverse(sorted)
	b, err := json.Marshal(sorted)
	if err != nil {
		return "", fmt.Errorf("encode reminder days: %w", err)
	}
	return string(b), nil
}

// ReminderDaysOf reads a round's stored reminder days (never nil).
func ReminderDaysOf(a *models.Assessment) []int {
	out := []int{}
	if a.ReminderDays != "" {
		_ = json.Unmarshal([]byte(a.ReminderDays), &out)
	}
	return out
}

// ReminderDue reports whether a reminder of round a goes out on the UTC day
// of now: the round is open, has a due date, and now's day is one of its
// reminder days before it.
func ReminderDue(a *models.Assessment, now time.Time) bool {
	if a.Status != models.AssessmentOpen || a.Due == nil {
		return false
	}
	today := models.Day(now)
	for _, d := range ReminderDaysOf(a) {
		if models.Day(*a.Due).AddDate(0, 0, -d).Equal(today) {
			return true
		}
	}
	return false
}

// RoundsWithReminders lists the open rounds of every organization that have
// a due date and reminder days (the periodic reminder job checks each).
func (s *Store) RoundsWithReminders(ctx context.Context) ([]models.Assessment, error) {
	var out []models.Assessment
	err := s.conn(ctx).Where("status = ? AND due IS NOT NULL AND reminder_days <> ''", models.AssessmentOpen).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("rounds with reminders: %w", err)
	}
	return out, nil
}

// rememberAddress records the address a respondent link was emailed to,
// with its token, in the transaction that queues the invitation email.
func rememberAddress(tx *gorm.DB, inv *models.Invitation, addr, token string) error {
	err := tx.Exec(`INSERT INTO invitation_addresses (invitation_id, org_id, assessment_id, address, token, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (invitation_id) DO UPDATE SET address = excluded.address, token = excluded.token`,
		inv.ID, inv.OrgID, inv.AssessmentID, addr, token, now()).Error
	if err != nil {
		return fmt.Errorf("remember the invitation's address: %w", err)
	}
	return nil
}

// ReminderInfo is what a reminder email says.
type ReminderInfo struct {
	OrgName, RoundName, TeamName string
	Due                          *time.Time
	To                           string // the address
	LinkToken                    string // the respondent link's token; "" when it cannot be sent again
	UnsubscribeToken             string
}

// ReminderMail writes a reminder (subject, text, HTML and the
// List-Unsubscribe URL; the store fills in the rest).
type ReminderMail func(ReminderInfo) NewEmail

// reminderRecipient is one address that a reminder may go to.
type reminderRecipient struct {
	InvitationID int64
	Address      string
	Token        string
	TokenHash    string
	TeamName     string
}

// QueueReminders queues, in one transaction, a reminder to every address
// of an open round whose link is not revoked, whose response is not
// submitted and that has not unsubscribed from the round, unless it already
// got one on day (a UTC day). It returns how many were queued. The unique
// key of the reminders table (round, address, day) is what guarantees one
// reminder per address and day, also across processes.
func (s *Store) QueueReminders(ctx context.Context, orgID, roundID int64, day time.Time, compose ReminderMail) (int, error) {
	if compose == nil {
		return 0, apperr.Errorf(apperr.EConflict, "Email is off on this server (no SMTP relay is configured): no reminder can be sent.")
	}
	dayKey := models.Day(day).Format(time.DateOnly)
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var round models.Assessment
		if err := tx.Where("org_id = ? AND id = ?", orgID, roundID).Take(&round).Error; err != nil {
			return notFound(err, "assessment")
		}
		if round.Status != models.AssessmentOpen {
			return apperr.Errorf(apperr.EConflict, "This round is closed: no reminder is sent for it.")
		}
		var org models.Org
		if err := tx.Where("id = ?", orgID).Take(&org).Error; err != nil {
			return fmt.Errorf("read organization: %w", err)
		}
		var rs []reminderRecipient
		err := tx.Table("invitation_addresses ia").
			Select("ia.invitation_id, ia.address, ia.token, i.token_hash, t.name AS team_name").
			Joins("JOIN invitations i ON i.id = ia.invitation_id").
			Joins("JOIN responses r ON r.invitation_id = i.id").
			Joins("JOIN teams t ON t.id = i.team_id").
			Where("ia.org_id = ? AND ia.assessment_id = ? AND i.revoked_at IS NULL AND r.status <> ?", orgID, roundID, models.ResponseSubmitted).
			Where("NOT EXISTS (SELECT 1 FROM reminder_optouts x WHERE x.assessment_id = ia.assessment_id AND x.address = LOWER(ia.address))").
			Order("ia.invitation_id").Scan(&rs).Error
		if err != nil {
			return fmt.Errorf("find reminder recipients: %w", err)
		}
		for _, r := range rs {
			plain, hash, err := secret.NewToken(UnsubscribeTokenPrefix)
			if err != nil {
				return err
			}
			row := models.Reminder{OrgID: orgID, AssessmentID: roundID, InvitationID: &r.InvitationID,
				Address: strings.ToLower(r.Address), Day: dayKey, UnsubscribeHash: hash, CreatedAt: now()}
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
			if res.Error != nil {
				return fmt.Errorf("record reminder: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				continue // this address already got one today
			}
			info := ReminderInfo{OrgName: org.Name, RoundName: round.Name, TeamName: r.TeamName, Due: round.Due, To: r.Address, UnsubscribeToken: plain}
			if r.Token != "" && secret.HashToken(r.Token) == r.TokenHash {
				info.LinkToken = r.Token
			}
			e := compose(info)
			e.OrgID, e.InvitationID, e.Purpose, e.To = &orgID, &r.InvitationID, "reminder", r.Address
			id, err := queueEmail(tx, e)
			if err != nil {
				return err
			}
			if err := tx.Model(&models.Reminder{}).Where("id = ?", row.ID).Update("email_id", id).Error; err != nil {
				return fmt.Errorf("record reminder: %w", err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("queue reminders: %w", err)
	}
	return n, nil
}

// Unsubscription is what an unsubscribe link stands for.
type Unsubscription struct {
	OrgName, RoundName string
	Address            string
	Done               bool // the address has already unsubscribed from the round
}

// reminderByToken finds the reminder that carried an unsubscribe token.
func reminderByToken(tx *gorm.DB, token string) (models.Reminder, error) {
	var r models.Reminder
	if !strings.HasPrefix(token, UnsubscribeTokenPrefix) || len(token) > 100 {
		return r, apperr.NotFound("unsubscribe link")
	}
	err := tx.Where("unsubscribe_hash = ?", secret.HashToken(token)).Take(&r).Error
	return r, notFound(err, "unsubscribe link")
}

// UnsubscribeLink describes an unsubscribe link for its page.
func (s *Store) UnsubscribeLink(ctx context.Context, token string) (Unsubscription, error) {
	r, err := reminderByToken(s.conn(ctx), token)
	if err != nil {
		return Unsubscription{}, err
	}
	return s.unsubscription(s.conn(ctx), r)
}

func (s *Store) unsubscription(tx *gorm.DB, r models.Reminder) (Unsubscription, error) {
	var u Unsubscription
	err := tx.Table("assessments a").Select("a.name AS round_name, o.name AS org_name").
		Joins("JOIN orgs o ON o.id = a.org_id").Where("a.id = ?", r.AssessmentID).Scan(&u).Error
	if err != nil {
		return u, fmt.Errorf("read unsubscribe link: %w", err)
	}
	var n int64
	if err := tx.Table("reminder_optouts").Where("assessment_id = ? AND address = ?", r.AssessmentID, r.Address).Count(&n).Error; err != nil {
		return u, fmt.Errorf("read unsubscribe link: %w", err)
	}
	u.Address, u.Done = r.Address, n > 0
	return u, nil
}

// Unsubscribe stops the reminders of a round to the address whose reminder
// carried token. Unsubscribing twice changes nothing.
func (s *Store) Unsubscribe(ctx context.Context, token string) (Unsubscription, error) {
	var u Unsubscription
	err := s.tx(ctx, func(tx *gorm.DB) error {
		r, err := reminderByToken(tx, token)
		if err != nil {
			return err
		}
		err = tx.Exec(`INSERT INTO reminder_optouts (assessment_id, address, org_id, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (assessment_id, address) DO NOTHING`, r.AssessmentID, r.Address, r.OrgID, now()).Error
		if err != nil {
			return fmt.Errorf("unsubscribe: %w", err)
		}
		u, err = s.unsubscription(tx, r)
		return err
	})
	return u, err
}
