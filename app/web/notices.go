package web

import (
	"context"
	"fmt"

	"gapmap/app/mail"
	"gapmap/app/store"
	"gapmap/models"
)

// memberInviteMail writes the email of an invitation to join the
// organization; nil when email is off.
func (s *Server) memberInviteMail(orgName string) store.InviteMail {
	if !s.cfg.MailEnabled() {
		return nil
	}
	return func(plain string, inv *models.OrgInvite) store.NewEmail {
		c := mail.MemberInvite(mail.MemberInviteData{Org: orgName, Role: string(inv.Role), Link: s.cfg.BaseURL + "/invite/" + plain, Valid: "7 days"})
		return store.NewEmail{Subject: c.Subject, Text: c.Text, HTML: c.HTML}
	}
}

// closeRound closes a round and, when email is on, queues its summary to
// the owners and admins in the same transaction.
func (s *Server) closeRound(ctx context.Context, orgID, id int64) (*store.AssessmentInfo, error) {
	var compose store.RoundSummaryMail
	if s.cfg.MailEnabled() {
		compose = func(r store.RoundSummary) store.NewEmail {
			c := mail.RoundSummary(mail.RoundSummaryData{Org: r.OrgName, Round: r.RoundName, Links: r.Links, Submitted: r.Submitted,
				InProgress: r.InProgress, NotStarted: r.NotStarted, Dashboard: fmt.Sprintf("%s/assessments/%d/dashboard", s.cfg.BaseURL, r.RoundID)})
			return store.NewEmail{Subject: c.Subject, Text: c.Text, HTML: c.HTML}
		}
	}
	return s.store.CloseAssessmentMailed(ctx, orgID, id, compose)
}
