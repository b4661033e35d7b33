package web

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/models"
)

// visibleTeams lists the teams the principal may see: all of them, or only
// their own for members.
func (s *Server) visibleTeams(c *fiber.Ctx, p *store.Principal) ([]models.Team, error) {
	teams, err := s.store.Teams(c.UserContext(), p.OrgID)
	if err != nil {
		return nil, err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(teams, func(t models.Team) bool { return !acc.CanSee(t.ID) }), nil
}

func (s *Server) apiTeams(c *fiber.Ctx) error {
	teams, err := s.visibleTeams(c, principalOf(c))
	if err != nil {
		return err
	}
	return c.JSON(teams)
}

type teamBody struct {
	Name *string `json:"name"`
	Size optInt  `json:"size"`
}

// optInt is an optional JSON number that tells an absent member from null.
type optInt struct {
	Set bool
	V   *int
}

func (o *optInt) UnmarshalJSON(b []byte) error {
	o.Set = true
	return json.Unmarshal(b, &o.V)
}

func (s *Server) apiCreateTeam(c *fiber.Ctx) error {
	var b teamBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if err := store.CheckTeamSize(b.Size.V); err != nil {
		return err
	}
	name := ""
	if b.Name != nil {
		name = *b.Name
	}
	p := principalOf(c)
	t, err := s.store.CreateTeam(c.UserContext(), p.OrgID, name)
	if err != nil {
		return err
	}
	if b.Size.V != nil {
		if t, err = s.store.SetTeamSize(c.UserContext(), p.OrgID, t.ID, b.Size.V); err != nil {
			return err
		}
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

// apiRenameTeam changes a team's name, its size, or both.
func (s *Server) apiRenameTeam(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var b teamBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if b.Name == nil && !b.Size.Set {
		return apperr.Field("name", "Give a new name, a size, or both.")
	}
	if err := store.CheckTeamSize(b.Size.V); err != nil {
		return err
	}
	p := principalOf(c)
	t, err := s.store.Team(c.UserContext(), p.OrgID, id)
	if err != nil {
		return err
	}
	if b.Name != nil {
		if t, err = s.store.RenameTeam(c.UserContext(), p.OrgID, id, *b.Name); err != nil {
			return err
		}
	}
	if b.Size.Set {
		if t, err = s.store.SetTeamSize(c.UserContext(), p.OrgID, id, b.Size.V); err != nil {
			return err
		}
	}
	return c.JSON(t)
}

// formSize reads the optional "size" field of a team form: present tells
// whether the form has the field, nil an empty one.
func formSize(c *fiber.Ctx) (size *int, present bool, err error) {
	if !c.Request().PostArgs().Has("size") {
		if mf, err := c.MultipartForm(); err != nil || len(mf.Value["size"]) == 0 {
			return nil, false, nil
		}
	}
	v := strings.TrimSpace(c.FormValue("size"))
	if v == "" {
		return nil, true, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, true, apperr.Field("size", "The team size must be a whole number, or empty when unknown.")
	}
	return &n, true, store.CheckTeamSize(&n)
}

func (s *Server) apiDeleteTeam(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteTeam(c.UserContext(), principalOf(c).OrgID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiTeam(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principalOf(c)
	t, err := s.store.Team(c.UserContext(), p.OrgID, id)
	if err != nil {
		return err
	}
	members, err := s.store.TeamMemberIDs(c.UserContext(), p.OrgID, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": t.ID, "name": t.Name, "size": t.Size, "member_ids": nonNil(members)})
}

func (s *Server) apiSetTeamMembers(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var b struct {
		UserIDs []int64 `json:"user_ids"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if err := s.store.SetTeamMembers(c.UserContext(), principalOf(c).OrgID, id, b.UserIDs); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// teamsPage lists teams with forms to add, rename, assign and delete.
func (s *Server) teamsPage(c *fiber.Ctx) error {
	return s.renderTeams(c, fiber.Map{})
}

func (s *Server) renderTeams(c *fiber.Ctx, data fiber.Map) error {
	p := principalOf(c)
	teams, err := s.visibleTeams(c, p)
	if err != nil {
		return err
	}
	type row struct {
		models.Team
		MemberIDs []int64
	}
	rows := make([]row, 0, len(teams))
	for _, t := range teams {
		ids, err := s.store.TeamMemberIDs(c.UserContext(), p.OrgID, t.ID)
		if err != nil {
			return err
		}
		rows = append(rows, row{Team: t, MemberIDs: ids})
	}
	data["Title"] = "Teams"
	if data["EditID"] == nil {
		data["EditID"] = int64(0)
	}
	data["Teams"] = rows
	data["CanManage"] = p.Role.AtLeast(models.RoleAdmin)
	if p.Role.AtLeast(models.RoleAdmin) {
		members, err := s.store.Members(c.UserContext(), p.OrgID)
		if err != nil {
			return err
		}
		data["Members"] = members
	}
	return s.render(c, "teams/index", data)
}

func (s *Server) createTeam(c *fiber.Ctx) error {
	p := principalOf(c)
	size, _, err := formSize(c)
	var t *models.Team
	if err == nil {
		t, err = s.store.CreateTeam(c.UserContext(), p.OrgID, c.FormValue("name"))
	}
	if err == nil && size != nil {
		t, err = s.store.SetTeamSize(c.UserContext(), p.OrgID, t.ID, size)
	}
	if err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error {
			data["NewName"] = c.FormValue("name")
			return s.renderTeams(c, data)
		})
	}
	return s.redirectFlash(c, "/teams", "success", "Team “"+t.Name+"” added.")
}

func (s *Server) renameTeam(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principalOf(c)
	size, hasSize, err := formSize(c)
	var t *models.Team
	if err == nil {
		t, err = s.store.RenameTeam(c.UserContext(), p.OrgID, id, c.FormValue("name"))
	}
	if err == nil && hasSize {
		t, err = s.store.SetTeamSize(c.UserContext(), p.OrgID, id, size)
	}
	if err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error {
			data["EditID"] = id
			return s.renderTeams(c, data)
		})
	}
	return s.redirectFlash(c, "/teams", "success", "Team renamed to “"+t.Name+"”.")
}

func (s *Server) deleteTeam(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteTeam(c.UserContext(), principalOf(c).OrgID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/teams", "success", "Team deleted.")
}

func (s *Server) setTeamMembers(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ids, err := formIDs(c, "user_ids")
	if err != nil {
		return err
	}
	if err := s.store.SetTeamMembers(c.UserContext(), principalOf(c).OrgID, id, ids); err != nil {
		return err
	}
	return s.redirectFlash(c, "/teams", "success", "Team members saved.")
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
