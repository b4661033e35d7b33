package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/models"
)

func (s *Server) home(c *fiber.Ctx) error {
	p := principalOf(c)
	if p == nil {
		return s.render(c, "auth/welcome", fiber.Map{"Title": "gapmap — platform engineering maturity"})
	}
	if p.Role.AtLeast(models.RoleLeader) {
		return c.Redirect("/dashboard", fiber.StatusSeeOther)
	}
	return c.Redirect("/assessments", fiber.StatusSeeOther)
}

func (s *Server) signupForm(c *fiber.Ctx) error {
	return s.render(c, "auth/signup", fiber.Map{"Title": "Create your organization"})
}

func (s *Server) signup(c *fiber.Ctx) error {
	form := fiber.Map{"Title": "Create your organization", "OrgName": c.FormValue("org_name"), "Email": c.FormValue("email")}
	org, user, err := s.store.SignUp(c.UserContext(), c.FormValue("org_name"), c.FormValue("email"), c.FormValue("password"))
	if err != nil {
		return s.formError(c, "auth/signup", form, err)
	}
	if err := s.startSession(c, user.ID, org.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/teams", "success", "Welcome to gapmap. Start by adding the teams you want to assess.")
}

func (s *Server) loginForm(c *fiber.Ctx) error {
	return s.render(c, "auth/login", fiber.Map{"Title": "Log in", "Next": safeNext(c.Query("next"))})
}

func (s *Server) login(c *fiber.Ctx) error {
	next := safeNext(c.FormValue("next"))
	form := fiber.Map{"Title": "Log in", "Email": c.FormValue("email"), "Next": next}
	user, err := s.store.Authenticate(c.UserContext(), c.FormValue("email"), c.FormValue("password"))
	if err != nil {
		if apperr.Code(err) == apperr.EUnauthorized {
			if aerr := s.store.RecordSignIn(c.UserContext(), c.FormValue("email"), 0, 0, false); aerr != nil {
				return aerr
			}
		}
		return s.formError(c, "auth/login", form, err)
	}
	ms, err := s.store.Memberships(c.UserContext(), user.ID)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return s.formError(c, "auth/login", form, apperr.Errorf(apperr.EForbidden, "This account no longer belongs to any organization."))
	}
	if ms, err = s.passwordOrgs(c, ms); err != nil {
		return s.formError(c, "auth/login", form, err)
	}
	if err := s.store.RecordSignIn(c.UserContext(), user.Email, user.ID, ms[0].OrgID, true); err != nil {
		return err
	}
	if err := s.startSession(c, user.ID, ms[0].OrgID); err != nil {
		return err
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// startSession logs a user in under a new session id (no fixation).
func (s *Server) startSession(c *fiber.Ctx, userID, orgID int64) error {
	return s.startSessionVia(c, userID, orgID, 0)
}

// startSessionVia starts a session; ssoOrg names the organization whose
// single sign-on it went through (0: a password).
func (s *Server) startSessionVia(c *fiber.Ctx, userID, orgID, ssoOrg int64) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Reset(); err != nil {
		return err
	}
	if err := sess.Regenerate(); err != nil {
		return err
	}
	now := time.Now().Unix()
	sess.Set(sessUser, userID)
	sess.Set(sessOrg, orgID)
	sess.Set(sessLogin, now)
	sess.Set(sessSeen, now)
	if ssoOrg != 0 {
		sess.Set(sessSSO, ssoOrg)
	}
	id := sess.ID() // Save releases sess
	if err := sess.Save(); err != nil {
		return err
	}
	s.rebindCSRF(c, id)
	return nil
}

func (s *Server) logout(c *fiber.Ctx) error {
	if p := principalOf(c); p != nil {
		if err := s.store.RecordSignOut(c.UserContext(), p.OrgID); err != nil {
			return err
		}
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	s.rebindCSRF(c, "")
	return s.redirectFlash(c, "/login", "info", "You are logged out.")
}

func (s *Server) switchOrg(c *fiber.Ctx) error {
	p := principalOf(c)
	orgID, err := formInt(c, "org_id")
	if err != nil {
		return err
	}
	m, err := s.store.Membership(c.UserContext(), p.UserID, orgID)
	if err != nil {
		return err
	}
	if err := s.passwordSwitchAllowed(c, m); err != nil {
		return err
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	sess.Set(sessOrg, orgID)
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) inviteForm(c *fiber.Ctx) error {
	info, err := s.store.InviteByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.render(c, "auth/invite", fiber.Map{"Title": "Join " + info.OrgName, "Invite": info, "Token": c.Params("token")})
}

func (s *Server) acceptInvite(c *fiber.Ctx) error {
	token := c.Params("token")
	info, err := s.store.InviteByToken(c.UserContext(), token)
	if err != nil {
		return err
	}
	user, orgID, err := s.store.AcceptInvite(c.UserContext(), token, c.FormValue("password"))
	if err != nil {
		return s.formError(c, "auth/invite", fiber.Map{"Title": "Join " + info.OrgName, "Invite": info, "Token": token}, err)
	}
	if _, err := s.passwordOrgs(c, []store.Membership{{OrgID: orgID, OrgName: info.OrgName, Role: info.Invite.Role}}); err != nil {
		return s.redirectFlash(c, "/login", "success", "You joined "+info.OrgName+", which signs in with single sign-on: use “Sign in with SSO”.")
	}
	if err := s.startSession(c, user.ID, orgID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/assessments", "success", "You joined "+info.OrgName+".")
}

// me answers GET /api/v1/me.
func (s *Server) me(c *fiber.Ctx) error {
	p := principalOf(c)
	return c.JSON(meJSON(p))
}

func meJSON(p *store.Principal) fiber.Map {
	return fiber.Map{
		"user": fiber.Map{"id": p.UserID, "email": p.Email},
		"org":  fiber.Map{"id": p.OrgID, "name": p.OrgName},
		"role": p.Role,
	}
}
