package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/store"
)

// patchAssessmentBody is the JSON of PATCH /api/v1/assessments/{id}: every
// field is optional; "due": null clears the due date.
type patchAssessmentBody struct {
	Name          *string         `json:"name"`
	Due           json.RawMessage `json:"due"`
	DefaultTarget *int            `json:"default_target"`
	Targets       *map[string]int `json:"targets"`
	Capacity      *int            `json:"capacity"`
	TeamIDs       *[]int64        `json:"team_ids"`
	Reminders     *remindersJSON  `json:"reminders"`
}

// duplicateBody is the optional JSON of POST .../duplicate.
type duplicateBody struct {
	Name string  `json:"name"`
	Due  *string `json:"due"`
}

// deleteBody is the JSON of DELETE /api/v1/assessments/{id}.
type deleteBody struct {
	Confirm string `json:"confirm"`
}

// parseDue reads a due date typed as YYYY-MM-DD; "" is no date.
func parseDue(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, apperr.Field("due", "The due date must be a date such as 2026-12-31.")
	}
	return &d, nil
}

func (b patchAssessmentBody) patch() (store.AssessmentPatch, error) {
	p := store.AssessmentPatch{Name: b.Name, DefaultTarget: b.DefaultTarget, Capacity: b.Capacity}
	if len(b.Due) > 0 {
		var due *time.Time
		if !bytes.Equal(bytes.TrimSpace(b.Due), []byte("null")) {
			var s string
			if err := json.Unmarshal(b.Due, &s); err != nil {
				return p, apperr.Field("due", "The due date must be a date such as 2026-12-31, or null.")
			}
			d, err := parseDue(s)
			if err != nil {
				return p, err
			}
			due = d
		}
		p.Due = &due
	}
	if b.Targets != nil {
		p.Targets, p.TargetsSet = *b.Targets, true
	}
	if b.TeamIDs != nil {
		p.TeamIDs, p.TeamsSet = *b.TeamIDs, true
	}
	if b.Reminders != nil {
		days := nonNil(b.Reminders.DaysBeforeDue)
		p.ReminderDays = &days
	}
	return p, nil
}

// ownAssessment loads the round of :id of the principal's organization, so
// that another organization's id is 404 before the body is read.
func (s *Server) ownAssessment(c *fiber.Ctx) (*store.AssessmentInfo, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.store.Assessment(c.UserContext(), principalOf(c).OrgID, id)
}

func (s *Server) apiPatchAssessment(c *fiber.Ctx) error {
	a, err := s.ownAssessment(c)
	if err != nil {
		return err
	}
	var b patchAssessmentBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	p, err := b.patch()
	if err != nil {
		return err
	}
	out, err := s.store.UpdateAssessment(c.UserContext(), a.OrgID, a.ID, p)
	if err != nil {
		return err
	}
	return s.apiAssessmentJSON(c, out, fiber.StatusOK)
}

// apiAssessmentJSON answers with a round as GET /api/v1/assessments/{id}.
func (s *Server) apiAssessmentJSON(c *fiber.Ctx, a *store.AssessmentInfo, status int) error {
	acc, err := s.accessOf(c)
	if err != nil {
		return err
	}
	invs, err := s.store.Invitations(c.UserContext(), a.OrgID, a.ID, acc.Visible())
	if err != nil {
		return err
	}
	progress := progressOf(invs)
	return c.Status(status).JSON(toAssessmentJSON(a, &progress))
}

func (s *Server) apiDuplicateAssessment(c *fiber.Ctx) error {
	a, err := s.ownAssessment(c)
	if err != nil {
		return err
	}
	var b duplicateBody
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := decodeJSON(c, &b); err != nil {
			return err
		}
	}
	var due *time.Time
	if b.Due != nil {
		if due, err = parseDue(*b.Due); err != nil {
			return err
		}
	}
	out, err := s.store.DuplicateAssessment(c.UserContext(), a.OrgID, a.ID, b.Name, due)
	if err != nil {
		return err
	}
	return s.apiAssessmentJSON(c, out, fiber.StatusCreated)
}

func (s *Server) apiDeleteAssessment(c *fiber.Ctx) error {
	a, err := s.ownAssessment(c)
	if err != nil {
		return err
	}
	var b deleteBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if err := s.store.DeleteAssessment(c.UserContext(), a.OrgID, a.ID, b.Confirm); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ---------------------------------------------------------------- pages

// editAssessmentForm saves the edit form of the round page.
func (s *Server) editAssessmentForm(c *fiber.Ctx) error {
	a, err := s.ownAssessment(c)
	if err != nil {
		return err
	}
	name := c.FormValue("name")
	dueText := c.FormValue("due")
	p := store.AssessmentPatch{Name: &name}
	fail := func(err error) error {
		return s.withFormError(c, err, func(data fiber.Map) error {
			data["EditOpen"] = true
			return s.renderAssessment(c, data)
		})
	}
	due, err := parseDue(dueText)
	if err != nil {
		return fail(err)
	}
	p.Due = &due
	if days, ok, err := formReminderDays(c); err != nil {
		return fail(err)
	} else if ok {
		p.ReminderDays = &days
	}
	for _, f := range []struct {
		key string
		dst **int
		msg string
	}{
		{"default_target", &p.DefaultTarget, "The default target must be a whole number."},
		{"capacity", &p.Capacity, "Capacity must be a whole number."},
	} {
		v := strings.TrimSpace(c.FormValue(f.key))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return fail(apperr.Field(f.key, "%s", f.msg))
		}
		*f.dst = &n
	}
	targets := map[string]int{}
	var formErr error
	c.Context().PostArgs().VisitAll(func(k, v []byte) {
		key, ok := strings.CutPrefix(string(k), "target:")
		val := strings.TrimSpace(string(v))
		if !ok || val == "" {
			return
		}
		n, err := strconv.Atoi(val)
		if err != nil && formErr == nil {
			formErr = apperr.Field("targets", "Targets must be whole numbers (level %q is not).", clip(val))
		}
		targets[key] = n
	})
	if formErr != nil {
		return fail(formErr)
	}
	if c.FormValue("targets_form") != "" {
		p.Targets, p.TargetsSet = targets, true
	}
	if c.FormValue("teams_form") != "" {
		ids, err := formIDs(c, "team_ids")
		if err != nil {
			return fail(err)
		}
		p.TeamIDs, p.TeamsSet = ids, true
	}
	out, err := s.store.UpdateAssessment(c.UserContext(), a.OrgID, a.ID, p)
	if err != nil {
		return fail(err)
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d", out.ID), "success", "Round “"+out.Name+"” saved.")
}

// duplicateAssessmentForm copies a round from the round page.
func (s *Server) duplicateAssessmentForm(c *fiber.Ctx) error {
	a, err := s.ownAssessment(c)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		return s.withFormError(c, err, func(data fiber.Map) error { return s.renderAssessment(c, data) })
	}
	due, err := parseDue(c.FormValue("due"))
	if err != nil {
		return fail(err)
	}
	out, err := s.store.DuplicateAssessment(c.UserContext(), a.OrgID, a.ID, c.FormValue("name"), due)
	if err != nil {
		return fail(err)
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d", out.ID), "success", "Round “"+out.Name+"” created as a copy of “"+a.Name+"”.")
}

// deleteAssessmentForm deletes a round once its name is typed.
func (s *Server) deleteAssessmentForm(c *fiber.Ctx) error {
	a, err := s.ownAssessment(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAssessment(c.UserContext(), a.OrgID, a.ID, c.FormValue("confirm")); err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error { return s.renderAssessment(c, data) })
	}
	return s.redirectFlash(c, "/assessments", "success", "Round “"+a.Name+"” deleted with its links, responses and results.")
}

// manageTarget is one dimension's target field of the edit form.
type manageTarget struct {
	Field, Title, Value string
}

// addManageData adds what the round page's edit, duplicate and delete
// forms need: every team of the organization and the target fields.
func (s *Server) addManageData(c *fiber.Ctx, a *store.AssessmentInfo, data fiber.Map) error {
	teams, err := s.store.Teams(c.UserContext(), a.OrgID)
	if err != nil {
		return err
	}
	qs, err := s.pinnedQuestionnaires(c.UserContext(), a.Questionnaires)
	if err != nil {
		return err
	}
	type group struct {
		Title   string
		Levels  int
		Targets []manageTarget
	}
	var groups []group
	for i, rq := range a.Questionnaires {
		g := group{Title: rq.Title, Levels: len(qs[i].Levels)}
		for _, d := range qs[i].Dimensions {
			key := rq.Key + "/" + d.Key
			v := ""
			if t, ok := a.TargetMap[key]; ok {
				v = strconv.Itoa(t)
			}
			g.Targets = append(g.Targets, manageTarget{Field: "target:" + key, Title: d.Title, Value: v})
		}
		groups = append(groups, g)
	}
	data["OrgTeams"] = teams
	data["TargetGroups"] = groups
	if a.Due != nil {
		data["DueValue"] = a.Due.UTC().Format(time.DateOnly)
	}
	data["ReminderDaysValue"] = reminderDaysText(&a.Assessment)
	return nil
}

// regenerateInvitationForm replaces a lost link from the round page and
// shows the new one once, like newly created links.
func (s *Server) regenerateInvitationForm(c *fiber.Ctx) error {
	inv, err := s.invitationInScope(c)
	if err != nil {
		return err
	}
	p := principalOf(c)
	token, err := s.store.RegenerateInvitation(c.UserContext(), p.OrgID, inv.AssessmentID, inv.ID)
	if err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error { return s.renderAssessment(c, data) })
	}
	a, err := s.store.Assessment(c.UserContext(), p.OrgID, inv.AssessmentID)
	if err != nil {
		return err
	}
	type link struct {
		TeamName, Label, Token, URL string
	}
	return s.render(c, "assessments/links", fiber.Map{
		"Title": "New link", "A": a,
		"Links": []link{{TeamName: inv.TeamName, Label: inv.Label, Token: token, URL: s.surveyLink(token)}},
	})
}
