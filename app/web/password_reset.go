package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"gapmap/app/apperr"
	"gapmap/app/mail"
	"gapmap/app/store"
)

// forgotForm asks for the address of the account whose password to reset.
func (s *Server) forgotForm(c *fiber.Ctx) error {
	return s.render(c, "auth/forgot", fiber.Map{"Title": "Forgot your password?", "MailOff": !s.cfg.MailEnabled()})
}

// forgot queues a reset link for the account, if one uses the address. The
// answer is the same whether or not it does.
func (s *Server) forgot(c *fiber.Ctx) error {
	data := fiber.Map{"Title": "Forgot your password?", "MailOff": !s.cfg.MailEnabled()}
	if !s.cfg.MailEnabled() {
		return s.render(c, "auth/forgot", data) // says that email is off
	}
	compose := func(token string) store.NewEmail {
		m := mail.PasswordReset(mail.ResetData{Link: s.cfg.BaseURL + "/password/reset/" + token, Valid: "one hour"})
		return store.NewEmail{Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	}
	if err := s.store.RequestPasswordReset(c.UserContext(), utils.CopyString(c.FormValue("email")), compose); err != nil {
		return err
	}
	data["Sent"] = true
	return s.render(c, "auth/forgot", data)
}

// resetForm asks for the new password, or says the link cannot be used.
func (s *Server) resetForm(c *fiber.Ctx) error {
	token := c.Params("token")
	data := fiber.Map{"Title": "Choose a new password", "Token": token}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	if err := s.store.CheckPasswordReset(c.UserContext(), token); err != nil {
		if apperr.Code(err) != apperr.EInvalid {
			return err
		}
		data["Invalid"] = err.Error()
		c.Status(fiber.StatusNotFound)
	}
	return s.render(c, "auth/reset", data)
}

// reset sets the new password: the link is used up and every session of
// the account ends, this one included; the user then logs in again.
func (s *Server) reset(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	data := fiber.Map{"Title": "Choose a new password", "Token": token}
	c.Set(fiber.HeaderCacheControl, "no-store")
	err := s.store.ResetPassword(c.UserContext(), token, c.FormValue("password"))
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Field == "" && e.Code == apperr.EInvalid {
			data["Invalid"] = err.Error()
			c.Status(fiber.StatusNotFound)
			return s.render(c, "auth/reset", data)
		}
		return s.formError(c, "auth/reset", data, err)
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	s.rebindCSRF(c, "")
	return s.redirectFlash(c, "/login", "success", "Your password is changed, and every other session is signed out. Log in with the new password.")
}
