package web

import (
	"github.com/gofiber/fiber/v2"
)

// emailsPage lists the organization's emails that were given up or are
// failing, with their last error and a retry button.
func (s *Server) emailsPage(c *fiber.Ctx) error {
	return s.renderEmails(c, fiber.Map{})
}

func (s *Server) renderEmails(c *fiber.Ctx, data fiber.Map) error {
	list, err := s.store.ProblemEmails(c.UserContext(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	data["Title"], data["Emails"], data["MailOn"] = "Failed emails", list, s.cfg.MailEnabled()
	return s.render(c, "members/emails", data)
}

// retryEmailForm sends a failed or failing email again at once.
func (s *Server) retryEmailForm(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.OrgEmail(c.UserContext(), principalOf(c).OrgID, id); err != nil {
		return err
	}
	if !s.cfg.MailEnabled() {
		return s.redirectFlash(c, "/emails", "error", "Email is off on this server (no SMTP relay is configured): nothing can be sent.")
	}
	if err := s.store.RetryEmail(c.UserContext(), principalOf(c).OrgID, id); err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error { return s.renderEmails(c, data) })
	}
	return s.redirectFlash(c, "/emails", "success", "The email is queued to be sent again.")
}
