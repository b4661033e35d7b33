package web

import (
	"github.com/gofiber/fiber/v2"

	"gapmap/models"
)

func (s *Server) membersPage(c *fiber.Ctx) error { return s.renderMembers(c, fiber.Map{}) }

func (s *Server) renderMembers(c *fiber.Ctx, data fiber.Map) error {
	p := principalOf(c)
	members, err := s.store.Members(c.UserContext(), p.OrgID)
	if err != nil {
		return err
	}
	invites, err := s.store.Invites(c.UserContext(), p.OrgID)
	if err != nil {
		return err
	}
	data["Title"] = "People"
	data["Members"] = members
	data["Invites"] = invites
	data["Roles"] = models.Roles()
	data["IsOwner"] = p.Role == models.RoleOwner
	return s.render(c, "members/index", data)
}

func (s *Server) inviteMember(c *fiber.Ctx) error {
	p := principalOf(c)
	role := models.Role(c.FormValue("role"))
	if role == models.RoleOwner && p.Role != models.RoleOwner {
		role = ""
	}
	plain, inv, err := s.store.CreateInviteMailed(c.UserContext(), p.OrgID, p.UserID, c.FormValue("email"), role, s.memberInviteMail(p.OrgName))
	if err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error {
			data["InviteEmail"], data["InviteRole"] = c.FormValue("email"), c.FormValue("role")
			return s.renderMembers(c, data)
		})
	}
	c.Status(fiber.StatusCreated)
	return s.renderMembers(c, fiber.Map{"InviteLink": s.cfg.BaseURL + "/invite/" + plain, "InvitedEmail": inv.Email, "InviteMailed": s.cfg.MailEnabled()})
}

func (s *Server) setMemberRole(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principalOf(c)
	role := models.Role(c.FormValue("role"))
	if p.Role != models.RoleOwner {
		target, err := s.store.Principal(c.UserContext(), id, p.OrgID)
		if err != nil {
			return err
		}
		if role == models.RoleOwner || target.Role == models.RoleOwner {
			return s.redirectFlash(c, "/members", "error", "Only an owner can make someone an owner or change an owner's role.")
		}
	}
	if err := s.store.SetRole(c.UserContext(), p.OrgID, id, role); err != nil {
		return err
	}
	return s.redirectFlash(c, "/members", "success", "Role updated.")
}

func (s *Server) removeMember(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principalOf(c)
	if p.Role != models.RoleOwner {
		target, err := s.store.Principal(c.UserContext(), id, p.OrgID)
		if err != nil {
			return err
		}
		if target.Role == models.RoleOwner {
			return s.redirectFlash(c, "/members", "error", "Only an owner can remove an owner.")
		}
	}
	if err := s.store.RemoveMember(c.UserContext(), p.OrgID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/members", "success", "Person removed from the organization.")
}

func (s *Server) revokeInvite(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.RevokeInvite(c.UserContext(), principalOf(c).OrgID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/members", "success", "Invitation revoked.")
}

func (s *Server) apiMembers(c *fiber.Ctx) error {
	members, err := s.store.Members(c.UserContext(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(nonNil(members))
}
