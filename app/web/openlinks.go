package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"gapmap/app/apperr"
	"gapmap/app/store"
)

// joinCookie holds, on one open link's path only, the survey token of the
// response that this browser started from it.
const joinCookie = "gapmap_join"

// joinCookieAge is how long a browser remembers its response of an open link.
const joinCookieAge = 180 * 24 * time.Hour

// openLinkURL is the public URL of an open link token.
func (s *Server) openLinkURL(token string) string {
	return s.cfg.BaseURL + "/j/" + token
}

type openLinkJSON struct {
	ID           int64      `json:"id"`
	TeamID       int64      `json:"team_id"`
	Team         string     `json:"team"`
	MaxResponses *int       `json:"max_responses"`
	Joined       int        `json:"joined"`
	Submitted    int        `json:"submitted"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	RevokedAt    *time.Time `json:"revoked_at"`
}

func toOpenLinkJSON(l store.OpenLinkStatus) openLinkJSON {
	return openLinkJSON{
		ID: l.ID, TeamID: l.TeamID, Team: l.TeamName, MaxResponses: l.MaxResponses, Joined: l.Joined, Submitted: l.Submitted,
		Status: openLinkState(l), CreatedAt: l.CreatedAt, RevokedAt: l.RevokedAt,
	}
}

// openLinkState is "active", "full" (max_responses reached) or "revoked".
func openLinkState(l store.OpenLinkStatus) string {
	switch {
	case l.RevokedAt != nil:
		return "revoked"
	case l.MaxResponses != nil && l.Joined >= *l.MaxResponses:
		return "full"
	}
	return "active"
}

// createOpenLink checks that the principal manages the team (an admin, or a
// lead of that team) and creates the link.
func (s *Server) createOpenLink(c *fiber.Ctx, teamID int64, max *int) (*store.CreatedOpenLink, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	p := principalOf(c)
	a, err := s.store.Assessment(c.UserContext(), p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if teamID <= 0 {
		return nil, apperr.Field("team_id", "team_id is required: the id of a team taking part in the assessment.")
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return nil, err
	}
	if !acc.CanManage(teamID) {
		return nil, apperr.Errorf(apperr.EForbidden, "You can create links only for the teams assigned to you.")
	}
	uid := p.UserID
	return s.store.CreateOpenLink(c.UserContext(), p.OrgID, a.ID, teamID, &uid, max)
}

// openLinkInScope loads the open link of :id/:link_id and checks the
// principal may manage it; links of teams they cannot see are not found.
func (s *Server) openLinkInScope(c *fiber.Ctx) (*store.OpenLinkStatus, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	linkID, err := paramID(c, "link_id")
	if err != nil {
		return nil, err
	}
	p := principalOf(c)
	if _, err := s.store.Assessment(c.UserContext(), p.OrgID, id); err != nil {
		return nil, err
	}
	l, err := s.store.OpenLink(c.UserContext(), p.OrgID, id, linkID)
	if err != nil {
		return nil, err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return nil, err
	}
	switch {
	case !acc.CanSee(l.TeamID):
		return nil, apperr.NotFound("open link")
	case !acc.CanManage(l.TeamID):
		return nil, apperr.Errorf(apperr.EForbidden, "You can manage links only for the teams assigned to you.")
	}
	return l, nil
}

func (s *Server) apiOpenLinks(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return err
	}
	links, err := s.store.OpenLinks(c.UserContext(), principalOf(c).OrgID, id, acc.Visible())
	if err != nil {
		return err
	}
	out := make([]openLinkJSON, 0, len(links))
	for _, l := range links {
		out = append(out, toOpenLinkJSON(l))
	}
	return c.JSON(out)
}

func (s *Server) apiCreateOpenLink(c *fiber.Ctx) error {
	var b struct {
		TeamID       int64 `json:"team_id"`
		MaxResponses *int  `json:"max_responses"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	link, err := s.createOpenLink(c, b.TeamID, b.MaxResponses)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"id": link.ID, "token": link.Token, "url": s.openLinkURL(link.Token), "team_id": link.TeamID, "max_responses": link.MaxResponses,
	})
}

func (s *Server) apiRevokeOpenLink(c *fiber.Ctx) error {
	l, err := s.openLinkInScope(c)
	if err != nil {
		return err
	}
	if err := s.store.RevokeOpenLink(c.UserContext(), principalOf(c).OrgID, l.AssessmentID, l.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// createOpenLinkForm answers the round page's form; the new link is shown
// once in the flash.
func (s *Server) createOpenLinkForm(c *fiber.Ctx) error {
	rerender := func(data fiber.Map) error { return s.renderAssessment(c, data) }
	teamID, _ := strconv.ParseInt(strings.TrimSpace(c.FormValue("team_id")), 10, 64)
	var max *int
	if v := strings.TrimSpace(c.FormValue("max_responses")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return s.withFormError(c, apperr.Field("max_responses", "The most responses must be a whole number, or empty for no limit."), rerender)
		}
		max = &n
	}
	link, err := s.createOpenLink(c, teamID, max)
	if err != nil {
		return s.withFormError(c, err, rerender)
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d#open-links", link.AssessmentID), "success",
		"Open link created. Copy it now, it is shown only once: "+s.openLinkURL(link.Token))
}

func (s *Server) revokeOpenLinkForm(c *fiber.Ctx) error {
	l, err := s.openLinkInScope(c)
	if err != nil {
		return err
	}
	if err := s.store.RevokeOpenLink(c.UserContext(), principalOf(c).OrgID, l.AssessmentID, l.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d#open-links", l.AssessmentID), "success",
		"The open link of "+l.TeamName+" is revoked. Responses started from it keep their own links.")
}

// addOpenLinkData adds the round's open links (of the teams the principal
// may see) and the plain-words anonymity of the round to the round page.
func (s *Server) addOpenLinkData(c *fiber.Ctx, a *store.AssessmentInfo, data fiber.Map) error {
	acc, err := s.accessOf(c)
	if err != nil {
		return err
	}
	links, err := s.store.OpenLinks(c.UserContext(), a.OrgID, a.ID, acc.Visible())
	if err != nil {
		return err
	}
	type row struct {
		store.OpenLinkStatus
		State     string
		CanManage bool
	}
	rows := make([]row, 0, len(links))
	for _, l := range links {
		rows = append(rows, row{OpenLinkStatus: l, State: openLinkState(l), CanManage: acc.CanManage(l.TeamID)})
	}
	data["OpenLinks"] = rows
	data["AnonymityText"] = anonymityWords(a.Anonymity, a.MinGroup)
	data["Anonymous"] = a.Anonymous()
	return nil
}

// join starts a response from the open link of :token, within the limit of
// responses per client IP and link. Unknown tokens count as misses of the
// survey-link guessing limit.
func (s *Server) join(c *fiber.Ctx) (*store.Joined, error) {
	ip := c.IP()
	if s.surveyMisses.blocked(ip, time.Now()) {
		c.Set(fiber.HeaderRetryAfter, "60")
		return nil, explain("survey.error.misses", apperr.Errorf(apperr.ERateLimited, "Too many invalid survey links from your network. Wait a minute and try again."))
	}
	ref, err := s.store.OpenLinkByToken(c.UserContext(), utils.CopyString(c.Params("token")))
	if err != nil {
		if apperr.Code(err) == apperr.ENotFound {
			s.surveyMisses.miss(ip, time.Now())
			return nil, explain("join.error.link", err)
		}
		return nil, err
	}
	key := ip + "|" + strconv.FormatInt(ref.ID, 10)
	if s.openJoins.blocked(key, time.Now()) {
		c.Set(fiber.HeaderRetryAfter, "3600")
		return nil, explain("join.error.joins", apperr.Errorf(apperr.ERateLimited, "Too many responses were started from your network through this link. Try again in an hour."))
	}
	j, err := s.store.JoinOpenLink(c.UserContext(), ref.ID)
	switch apperr.Code(err) {
	case "":
	case apperr.ENotFound: // revoked since this process resolved it
		s.surveyMisses.miss(ip, time.Now())
		return nil, explain("join.error.link", err)
	case apperr.EConflict:
		return nil, explain("join.error.closed", err)
	case apperr.EGone:
		return nil, explain("join.error.full", err)
	default:
		return nil, err
	}
	s.openJoins.miss(key, time.Now())
	return j, nil
}

// apiJoin answers POST /api/v1/join/{token}: a new respondent's own survey
// token and link.
func (s *Server) apiJoin(c *fiber.Ctx) error {
	j, err := s.join(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": j.Token, "url": s.surveyLink(j.Token)})
}

// joinPage answers GET /j/{token}: it starts this browser's response (or
// finds the one it started before, from the cookie) and shows the private
// link to keep before continuing to the survey.
func (s *Server) joinPage(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	resumed := false
	var own string
	if prev := c.Cookies(joinCookie); prev != "" {
		if sv, err := s.store.SurveyByToken(c.UserContext(), prev); err == nil {
			if ref, err := s.store.OpenLinkByToken(c.UserContext(), token); err == nil && ref.AssessmentID == sv.AssessmentID {
				own, resumed = utils.CopyString(prev), true
			}
		}
	}
	if own == "" {
		j, err := s.join(c)
		if err != nil {
			return err
		}
		own = j.Token
		c.Cookie(&fiber.Cookie{
			Name: joinCookie, Value: own, Path: "/j/" + token, MaxAge: int(joinCookieAge.Seconds()),
			HTTPOnly: true, Secure: s.cfg.Secure(), SameSite: fiber.CookieSameSiteLaxMode,
		})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	lang := s.respondentLanguage(c, "/j/"+token, s.i18n.Languages())
	return s.render(c, "survey/joined", fiber.Map{
		"Title": s.i18n.MustT(lang, "join.title"), "Link": s.surveyLink(own), "Resumed": resumed,
		"Lang": lang, "Layout": surveyLayout,
	})
}
