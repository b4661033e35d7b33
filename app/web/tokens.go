package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/models"
)

type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Scopes     []string   `json:"scopes"`
}

func toTokenJSON(t models.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt, Scopes: nonNil(strings.Fields(t.Scopes))}
}

func (s *Server) apiTokens(c *fiber.Ctx) error {
	p := principalOf(c)
	ts, err := s.store.Tokens(c.UserContext(), p.OrgID, p.UserID)
	if err != nil {
		return err
	}
	out := make([]tokenJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, toTokenJSON(t))
	}
	return c.JSON(out)
}

func (s *Server) apiCreateToken(c *fiber.Ctx) error {
	var b struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	p := principalOf(c)
	plain, t, err := s.store.CreateScopedToken(c.UserContext(), p.OrgID, p.UserID, b.Name, b.Scopes)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(struct {
		tokenJSON
		Token string `json:"token"`
	}{toTokenJSON(*t), plain})
}

// revokeTokenOf revokes the principal's token :id.
func (s *Server) revokeTokenOf(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principalOf(c)
	return s.store.RevokeToken(c.UserContext(), p.OrgID, p.UserID, id)
}

func (s *Server) apiRevokeToken(c *fiber.Ctx) error {
	if err := s.revokeTokenOf(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) tokensPage(c *fiber.Ctx) error {
	return s.renderTokens(c, fiber.Map{})
}

func (s *Server) renderTokens(c *fiber.Ctx, data fiber.Map) error {
	p := principalOf(c)
	ts, err := s.store.Tokens(c.UserContext(), p.OrgID, p.UserID)
	if err != nil {
		return err
	}
	data["Title"] = "API tokens"
	data["Tokens"] = ts
	return s.render(c, "tokens/index", data)
}

func (s *Server) createToken(c *fiber.Ctx) error {
	p := principalOf(c)
	var scopes []string
	if c.FormValue("scope") != "" {
		scopes = []string{c.FormValue("scope")}
	}
	plain, t, err := s.store.CreateScopedToken(c.UserContext(), p.OrgID, p.UserID, c.FormValue("name"), scopes)
	if err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error {
			data["NewName"] = c.FormValue("name")
			return s.renderTokens(c, data)
		})
	}
	c.Status(fiber.StatusCreated)
	return s.renderTokens(c, fiber.Map{"NewToken": plain, "NewTokenName": t.Name})
}

func (s *Server) revokeToken(c *fiber.Ctx) error {
	if err := s.revokeTokenOf(c); err != nil {
		return err
	}
	return s.redirectFlash(c, "/tokens", "success", "Token revoked.")
}
