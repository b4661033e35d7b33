package web

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/export"
	"gapmap/app/mail"
	"gapmap/app/store"
	"gapmap/models"
)

// surveyLink is the public URL of a survey token.
func (s *Server) surveyLink(token string) string {
	return s.cfg.BaseURL + "/s/" + token
}

type invitationJSON struct {
	ID          int64      `json:"id"`
	TeamID      int64      `json:"team_id"`
	Team        string     `json:"team"`
	Label       string     `json:"label"`
	Status      string     `json:"status"`
	Answered    int        `json:"answered"`
	Total       int        `json:"total"`
	CreatedAt   time.Time  `json:"created_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
	SubmittedAt *time.Time `json:"submitted_at"`
	Email       *string    `json:"email"`
	EmailStatus *string    `json:"email_status"`
	EmailError  string     `json:"email_error"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toInvitationJSON(inv store.InvitationStatus) invitationJSON {
	return invitationJSON{
		ID: inv.ID, TeamID: inv.TeamID, Team: inv.TeamName, Label: inv.Label, Status: inv.Status,
		Answered: inv.Answered, Total: inv.Total, CreatedAt: inv.CreatedAt, RevokedAt: inv.RevokedAt, SubmittedAt: inv.SubmittedAt,
		Email: nullable(inv.Email), EmailStatus: nullable(inv.EmailStatus), EmailError: inv.EmailError,
	}
}

// createInvitations checks the principal may invite for each team and
// creates the links.
func (s *Server) createInvitations(c *fiber.Ctx, assessmentID int64, reqs []store.NewInvitation) ([]store.CreatedInvitation, error) {
	p := principalOf(c)
	round, err := s.store.Assessment(c.UserContext(), p.OrgID, assessmentID)
	if err != nil {
		return nil, err
	}
	scope, err := s.manageScope(c, p)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		if !inScope(scope, r.TeamID) {
			return nil, apperr.Errorf(apperr.EForbidden, "You can create invitations only for the teams assigned to you.")
		}
	}
	uid := p.UserID
	var compose store.InvitationMail
	if s.cfg.MailEnabled() {
		compose = func(inv store.CreatedInvitation) store.NewEmail {
			d := mail.InvitationData{Org: p.OrgName, Round: round.Name, Team: inv.TeamName, Link: s.surveyLink(inv.Token)}
			if round.Due != nil {
				d.Due = round.Due.Format(time.DateOnly)
			}
			m := mail.Invitation(d)
			return store.NewEmail{Subject: m.Subject, Text: m.Text, HTML: m.HTML}
		}
	}
	return s.store.CreateInvitationsMailed(c.UserContext(), p.OrgID, assessmentID, &uid, reqs, compose)
}

// invitationInScope loads an invitation and checks the principal may manage it.
func (s *Server) invitationInScope(c *fiber.Ctx) (*store.InvitationStatus, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	invID, err := paramID(c, "invitation_id")
	if err != nil {
		return nil, err
	}
	p := principalOf(c)
	inv, err := s.store.Invitation(c.UserContext(), p.OrgID, id, invID)
	if err != nil {
		return nil, err
	}
	scope, err := s.manageScope(c, p)
	if err != nil {
		return nil, err
	}
	if !inScope(scope, inv.TeamID) {
		view, err := s.viewScope(c, p)
		if err != nil {
			return nil, err
		}
		if !inScope(view, inv.TeamID) {
			return nil, apperr.NotFound("invitation")
		}
		return nil, apperr.Errorf(apperr.EForbidden, "You can manage invitations only for the teams assigned to you.")
	}
	return inv, nil
}

// revoke revokes an invitation and refreshes results when a submitted
// response stops counting.
func (s *Server) revoke(c *fiber.Ctx) (*store.InvitationStatus, error) {
	inv, err := s.invitationInScope(c)
	if err != nil {
		return nil, err
	}
	p := principalOf(c)
	if _, err := s.store.RevokeInvitation(c.UserContext(), p.OrgID, inv.AssessmentID, inv.ID); err != nil {
		return nil, err
	}
	return inv, nil
}

// reopen turns a submitted response back into a draft.
func (s *Server) reopen(c *fiber.Ctx) (*store.InvitationStatus, error) {
	inv, err := s.invitationInScope(c)
	if err != nil {
		return nil, err
	}
	p := principalOf(c)
	if err := s.store.ReopenResponse(c.UserContext(), p.OrgID, inv.AssessmentID, inv.ID); err != nil {
		return nil, err
	}
	return inv, nil
}

// ---------------------------------------------------------------- API

func (s *Server) apiInvitations(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principalOf(c)
	scope, err := s.viewScope(c, p)
	if err != nil {
		return err
	}
	invs, err := s.store.Invitations(c.UserContext(), p.OrgID, id, scope)
	if err != nil {
		return err
	}
	out := make([]invitationJSON, 0, len(invs))
	for _, inv := range invs {
		out = append(out, toInvitationJSON(inv))
	}
	return c.JSON(out)
}

func (s *Server) apiCreateInvitation(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var b struct {
		TeamID int64  `json:"team_id"`
		Label  string `json:"label"`
		Email  string `json:"email"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if b.TeamID <= 0 {
		if _, err := s.store.Assessment(c.UserContext(), principalOf(c).OrgID, id); err != nil {
			return err
		}
		return apperr.Field("team_id", "team_id is required: the id of a team taking part in the round.")
	}
	created, err := s.createInvitations(c, id, []store.NewInvitation{{TeamID: b.TeamID, Label: b.Label, Email: b.Email}})
	if err != nil {
		return err
	}
	inv := created[0]
	email := strings.TrimSpace(b.Email)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"id": inv.ID, "token": inv.Token, "url": s.surveyLink(inv.Token), "team_id": inv.TeamID, "label": inv.Label,
		"email": nullable(email), "email_status": nullable(map[bool]string{true: models.EmailQueued}[email != ""]),
	})
}

func (s *Server) apiRevokeInvitation(c *fiber.Ctx) error {
	if _, err := s.revoke(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiReopenResponse(c *fiber.Ctx) error {
	inv, err := s.reopen(c)
	if err != nil {
		return err
	}
	fresh, err := s.store.Invitation(c.UserContext(), principalOf(c).OrgID, inv.AssessmentID, inv.ID)
	if err != nil {
		return err
	}
	return c.JSON(toInvitationJSON(*fresh))
}

// apiRegenerateInvitation replaces a lost link's token: the old one answers
// 404 from then on, the answers already given stay.
func (s *Server) apiRegenerateInvitation(c *fiber.Ctx) error {
	inv, err := s.invitationInScope(c)
	if err != nil {
		return err
	}
	token, err := s.store.RegenerateInvitation(c.UserContext(), principalOf(c).OrgID, inv.AssessmentID, inv.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": inv.ID, "token": token, "url": s.surveyLink(token)})
}

// ---------------------------------------------------------------- pages

// createInvitationsForm creates one link per label line (or count links
// without labels) and shows them once, with copy buttons and a CSV download.
func (s *Server) createInvitationsForm(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	labels, emails := c.FormValue("labels"), c.FormValue("emails")
	countText := strings.TrimSpace(c.FormValue("count"))
	fail := func(err error) error {
		return s.withFormError(c, err, func(data fiber.Map) error {
			data["Labels"], data["Emails"], data["Count"], data["TeamID"] = labels, emails, countText, c.FormValue("team_id")
			return s.renderAssessment(c, data)
		})
	}
	teamID, err := formInt(c, "team_id")
	if err != nil {
		return fail(apperr.Field("team_id", "Choose the team the links are for."))
	}
	var reqs []store.NewInvitation
	for _, line := range strings.Split(labels, "\n") {
		if l := strings.TrimSpace(line); l != "" {
			reqs = append(reqs, store.NewInvitation{TeamID: teamID, Label: l})
		}
	}
	// Each address gets a link of its own by email, labelled with it.
	for _, line := range strings.Split(emails, "\n") {
		if e := strings.TrimSpace(line); e != "" {
			reqs = append(reqs, store.NewInvitation{TeamID: teamID, Label: e, Email: e})
		}
	}
	if len(reqs) == 0 {
		n := 1
		if countText != "" {
			if n, err = strconv.Atoi(countText); err != nil || n < 1 || n > store.MaxInvitationsAtOnce {
				return fail(apperr.Field("count", "The number of links must be from 1 to %d.", store.MaxInvitationsAtOnce))
			}
		}
		for range n {
			reqs = append(reqs, store.NewInvitation{TeamID: teamID})
		}
	}
	created, err := s.createInvitations(c, id, reqs)
	if err != nil {
		return fail(err)
	}
	p := principalOf(c)
	a, err := s.store.Assessment(c.UserContext(), p.OrgID, id)
	if err != nil {
		return err
	}
	type link struct {
		store.CreatedInvitation
		URL string
	}
	links := make([]link, 0, len(created))
	for _, inv := range created {
		links = append(links, link{CreatedInvitation: inv, URL: s.surveyLink(inv.Token)})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusCreated)
	return s.render(c, "assessments/links", fiber.Map{"Title": "New links · " + a.Name, "A": a, "Links": links})
}

// invitationsCSV answers POST /assessments/{id}/invitations.csv: the links
// just created, as a CSV attachment. Only hashes of tokens are stored, so
// the page that shows new links posts their tokens back; each is checked
// against this assessment and the caller's teams.
func (s *Server) invitationsCSV(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principalOf(c)
	a, err := s.store.Assessment(c.UserContext(), p.OrgID, id)
	if err != nil {
		return err
	}
	var tokens []string
	for _, v := range c.Context().PostArgs().PeekMulti("token") {
		if len(v) > 0 && len(v) <= 200 && len(tokens) < store.MaxInvitationsAtOnce {
			tokens = append(tokens, string(v))
		}
	}
	invs, plain, err := s.store.InvitationsByTokens(c.UserContext(), p.OrgID, id, tokens)
	if err != nil {
		return err
	}
	scope, err := s.manageScope(c, p)
	if err != nil {
		return err
	}
	links := make([]export.Link, 0, len(invs))
	for i, inv := range invs {
		if inScope(scope, inv.TeamID) {
			links = append(links, export.Link{Team: inv.TeamName, Label: inv.Label, URL: s.surveyLink(plain[i])})
		}
	}
	name := export.FileName(a.Name, "", export.KindLinks, time.Now(), ".csv")
	return sendFile(c, attachment, name, mimeCSV, func(w io.Writer) error { return export.WriteLinksCSV(w, links) })
}

func (s *Server) revokeInvitationForm(c *fiber.Ctx) error {
	inv, err := s.revoke(c)
	if err != nil {
		return err
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d", inv.AssessmentID), "success", "Link revoked: it no longer opens the survey.")
}

func (s *Server) reopenResponseForm(c *fiber.Ctx) error {
	inv, err := s.reopen(c)
	if err != nil {
		return err
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d", inv.AssessmentID), "success", "Response reopened: the respondent can change answers and submit again.")
}
