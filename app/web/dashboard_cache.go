package web

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/store"
	"gapmap/models"
)

// contentTemplate is a template, added to the engine at start-up, whose
// output is the cache marker: rendering it inside a layout gives the
// layout's head and tail around the place of a page's content.
const contentTemplate = "web/content-marker"

// dashboardKey names what a round's dashboard shows below the layout:
// the round (name, capacity, teams, pinned versions), the version of every
// snapshot its charts and trends read (as plan.cacheKey), the freshness,
// and the stored plan's status per recommendation. The organization leads
// the key; the route lets only leaders and above in, who all see every
// team. ok is false while a snapshot of the round is missing. lang is the
// questionnaire language chosen with ?lang= ("" for their own).
func dashboardKey(orgID int64, a *store.AssessmentInfo, plan roundPlan, versions map[int64]map[string]time.Time, fresh freshnessView, items []models.PlanItem, lang string) (string, bool) {
	b := fmt.Appendf(nil, "dashboard|%d|%d|%q|%d|%s|%t|%s", orgID, a.ID, a.Name, a.Capacity, fresh.ComputedAtISO, fresh.Pending, lang)
	for _, t := range a.Teams {
		b = fmt.Appendf(b, "|t%d:%q", t.ID, t.Name)
		if t.Size != nil { // the response rate
			b = fmt.Appendf(b, ":%d", *t.Size)
		}
	}
	for _, q := range a.Questionnaires {
		if _, ok := versions[a.ID][q.Key]; !ok {
			return "", false
		}
		b = fmt.Appendf(b, "|q%s:%d", q.Key, q.VersionID)
	}
	for i, r := range plan.rounds {
		b = fmt.Appendf(b, "|r%d:%q", r.ID, r.Name)
		for _, k := range plan.keys[i] {
			b = append(b, ':')
			b = append(b, k...)
			b = append(b, '@')
			b = strconv.AppendInt(b, versions[r.ID][k].UnixNano(), 10)
		}
	}
	for _, it := range items {
		b = fmt.Appendf(b, "|p%q:%q:%q", it.QuestionnaireKey, it.RecommendationKey, it.Status)
	}
	return string(b), true
}

// cacheContent renders a page's template without its layout and keeps it,
// deflated once, in the body cache under key.
func (s *Server) cacheContent(key, name string, data fiber.Map) (*cachedPage, error) {
	var buf bytes.Buffer
	if err := s.views.Render(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	content := newCachedBody(key, fiber.MIMETextHTMLCharsetUTF8, [][]byte{buf.Bytes()}, false)
	s.bodies.builds.Add(1)
	s.bodies.put(content)
	return content, nil
}

// layoutAround renders the base layout of data around the content marker
// and returns the parts before and after it, where content goes.
func (s *Server) layoutAround(data fiber.Map, layout string, content *cachedPage) (head, tail []byte, err error) {
	var buf bytes.Buffer
	if err := s.views.Render(&buf, contentTemplate, data, layout); err != nil {
		return nil, nil, fmt.Errorf("render layout: %w", err)
	}
	head, tail, found := bytes.Cut(buf.Bytes(), s.pages.marker)
	if !found || len(content.parts) != 1 {
		return nil, nil, fmt.Errorf("render layout: no place for the content")
	}
	return head, tail, nil
}

// renderCachedContent writes a page inside the base layout as render does
// (the principal, organizations, CSRF token and flash of this request),
// with content, a page's template rendered once, in place of the template.
// Only the layout is rendered and compressed per request.
func (s *Server) renderCachedContent(c *fiber.Ctx, data fiber.Map, content *cachedPage) error {
	head, tail, err := s.layoutAround(data, s.pageData(c, data), content)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if acceptedEncodings(c.Get(fiber.HeaderAcceptEncoding))["gzip"] {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		c.Vary(fiber.HeaderAcceptEncoding)
		return c.Send(gzipBody([]segment{{plain: head}, content.parts[0], {plain: tail}}, s.bodies.flate))
	}
	body := make([]byte, 0, len(head)+content.size+len(tail))
	body = append(append(append(body, head...), content.parts[0].plain...), tail...)
	return c.Send(body)
}

// dashboardPageKey names the whole dashboard page of round id as p sees
// it, layout included: the viewer (organization, user, role, email, the
// organization's name), the path and the reading language, and the
// digest of the round's stored state (store.DashboardState: every row
// the page and its layout are built from, read in one statement). The
// route lets leaders and above in, who all see every team; the role is in
// the key all the same. It is "" when the page is not kept: a flash
// message belongs to its request, a round the organization lacks is
// answered by the full path (404), and pages of an organization with
// delivery rollups in the window depend on them.
func (s *Server) dashboardPageKey(c *fiber.Ctx, p *store.Principal, id int64) (string, error) {
	if c.Cookies(flashCookie) != "" || s.measured != nil {
		return "", nil
	}
	st, err := s.store.DashboardState(c.UserContext(), p.OrgID, id, p.UserID, deliveryWindow(time.Now()))
	if err != nil || !st.Found || st.Delivery {
		return "", err
	}
	k := cacheKey{b: make([]byte, 0, 192)}
	str, num := k.str, k.num
	str("dashboard-page")
	num(p.OrgID)
	num(p.UserID)
	num(id)
	str(string(p.Role))
	str(p.Email)
	str(p.OrgName)
	str(c.Path())
	str(readingLang(c.UserContext()))
	return string(append(k.b, st.Digest[:]...)), nil
}

// renderDashboardContent writes a dashboard whose content is rendered:
// inside this request's layout, or, when fullKey names the page, as a
// whole page kept under fullKey with a marker in place of the CSRF token.
func (s *Server) renderDashboardContent(c *fiber.Ctx, title string, content *cachedPage, fullKey string) error {
	if fullKey == "" {
		return s.renderCachedContent(c, fiber.Map{"Title": title}, content)
	}
	data := fiber.Map{"Title": title}
	layout := s.pageData(c, data)
	data["CSRF"] = csrfValue{marker: string(s.dashPages.marker)}
	head, tail, err := s.layoutAround(data, layout, content)
	if err != nil {
		return err
	}
	html := make([]byte, 0, len(head)+content.size+len(tail))
	html = append(append(append(html, head...), content.parts[0].plain...), tail...)
	page := s.dashPages.newCachedPage(fullKey, html)
	s.dashPages.builds.Add(1)
	s.dashPages.put(page)
	return s.sendDashboardPage(c, page)
}

// sendDashboardPage sends a kept dashboard page with this request's CSRF
// token in its forms (the layout's log-out and organization switch).
func (s *Server) sendDashboardPage(c *fiber.Ctx, page *cachedPage) error {
	tok := ""
	if page.needsToken() {
		tok = s.csrfToken(c)
	}
	return page.send(c, tok, s.dashPages.flate)
}
