package web

import (
	"crypto/subtle"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"gapmap/app/apperr"
	"gapmap/app/sso"
	"gapmap/app/store"
	"gapmap/models"
)

// Single sign-on: an owner's settings (page and API), and the sign-in
// through the organization's OpenID provider (app/sso). A pending sign-in
// is kept server-side (kv "sso", ten minutes, used once) under its state,
// and bound to the browser that started it by an HttpOnly cookie holding
// the same state.
const (
	ssoCookie     = "gapmap_sso"
	ssoPendingTTL = 10 * time.Minute
	sessSSO       = "sso_org" // the organization a session signed into through SSO
)

// ssoRedirectURL is the callback to register at the provider.
func (s *Server) ssoRedirectURL() string { return s.cfg.BaseURL + "/sso/callback" }

// ssoJSON is the API's view of a configuration: never the secret.
func (s *Server) ssoJSON(cfg *store.SSOConfig) fiber.Map {
	return fiber.Map{
		"slug": cfg.Slug, "issuer": cfg.Issuer, "client_id": cfg.ClientID, "secret_set": cfg.SecretSet,
		"domains": cfg.Domains, "role_claim": cfg.RoleClaim, "admin_values": cfg.AdminValues, "leader_values": cfg.LeaderValues,
		"password_login_off": cfg.PasswordLoginOff, "redirect_url": s.ssoRedirectURL(),
	}
}

// apiSSO answers GET /api/v1/sso.
func (s *Server) apiSSO(c *fiber.Ctx) error {
	cfg, err := s.store.SSOConfigOf(c.UserContext(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(s.ssoJSON(cfg))
}

type ssoBody struct {
	Slug             string   `json:"slug"`
	Issuer           string   `json:"issuer"`
	ClientID         string   `json:"client_id"`
	ClientSecret     string   `json:"client_secret"`
	Domains          []string `json:"domains"`
	RoleClaim        string   `json:"role_claim"`
	AdminValues      []string `json:"admin_values"`
	LeaderValues     []string `json:"leader_values"`
	PasswordLoginOff bool     `json:"password_login_off"`
}

// apiPutSSO answers PUT /api/v1/sso.
func (s *Server) apiPutSSO(c *fiber.Ctx) error {
	var b ssoBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	cfg, err := s.store.SaveSSOConfig(c.UserContext(), principalOf(c).OrgID, store.SSOInput(b))
	if err != nil {
		return err
	}
	return c.JSON(s.ssoJSON(cfg))
}

// apiDeleteSSO answers DELETE /api/v1/sso: the configuration is removed,
// which also switches password login back on.
func (s *Server) apiDeleteSSO(c *fiber.Ctx) error {
	if err := s.store.DeleteSSOConfig(c.UserContext(), principalOf(c).OrgID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// deleteSSOSettings answers POST /settings/sso/delete.
func (s *Server) deleteSSOSettings(c *fiber.Ctx) error {
	if err := s.store.DeleteSSOConfig(c.UserContext(), principalOf(c).OrgID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/settings/sso", "success", "Single sign-on is removed. Everyone logs in with a password again.")
}

func (s *Server) ssoSettingsPage(c *fiber.Ctx) error {
	cfg, err := s.store.SSOConfigOf(c.UserContext(), principalOf(c).OrgID)
	if apperr.Code(err) == apperr.ENotFound {
		cfg, err = &store.SSOConfig{}, nil
	}
	if err != nil {
		return err
	}
	return s.render(c, "sso/settings", s.ssoForm(cfg))
}

func (s *Server) ssoForm(cfg *store.SSOConfig) fiber.Map {
	return fiber.Map{"Title": "Single sign-on", "SSO": cfg, "RedirectURL": s.ssoRedirectURL(),
		"Domains": strings.Join(cfg.Domains, "\n"), "AdminValues": strings.Join(cfg.AdminValues, "\n"), "LeaderValues": strings.Join(cfg.LeaderValues, "\n")}
}

func (s *Server) saveSSOSettings(c *fiber.Ctx) error {
	in := store.SSOInput{
		Slug: c.FormValue("slug"), Issuer: c.FormValue("issuer"), ClientID: c.FormValue("client_id"), ClientSecret: c.FormValue("client_secret"),
		Domains: splitList(c.FormValue("domains")), RoleClaim: c.FormValue("role_claim"),
		AdminValues: splitList(c.FormValue("admin_values")), LeaderValues: splitList(c.FormValue("leader_values")),
		PasswordLoginOff: c.FormValue("password_login_off") == "on",
	}
	if _, err := s.store.SaveSSOConfig(c.UserContext(), principalOf(c).OrgID, in); err != nil {
		shown := &store.SSOConfig{Slug: in.Slug, Issuer: in.Issuer, ClientID: in.ClientID, Domains: in.Domains, RoleClaim: in.RoleClaim,
			AdminValues: in.AdminValues, LeaderValues: in.LeaderValues, PasswordLoginOff: in.PasswordLoginOff}
		return s.formError(c, "sso/settings", s.ssoForm(shown), err)
	}
	return s.redirectFlash(c, "/settings/sso", "success", "Single sign-on is saved.")
}

// splitList splits a textarea or comma-separated field into its items.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '\t' })
}

// ssoStart answers POST /sso/start: it finds the organization by its
// sign-in name or by the domain of a work email, and sends the browser to
// its provider.
func (s *Server) ssoStart(c *fiber.Ctx) error {
	ctx := c.UserContext()
	who := strings.TrimSpace(c.FormValue("org"))
	next := safeNext(c.FormValue("next"))
	form := fiber.Map{"Title": "Log in", "Next": next, "SSOOrg": who}
	var cfg *store.SSOConfig
	var err error
	if domain := sso.EmailDomain(who); domain != "" {
		var ids []int64
		if ids, err = s.store.SSOOrgsForDomain(ctx, domain); err == nil {
			switch len(ids) {
			case 0:
				err = apperr.Field("org", "No organization signs in with single sign-on for %s. Enter your organization's sign-in name, or log in with your password.", domain)
			case 1:
				cfg, err = s.store.SSOConfigOf(ctx, ids[0])
			default:
				err = apperr.Field("org", "Several organizations accept %s: enter your organization's sign-in name instead.", domain)
			}
		}
	} else if who == "" {
		err = apperr.Field("org", "Enter your organization's sign-in name or your work email.")
	} else if cfg, err = s.store.SSOConfigBySlug(ctx, who); apperr.Code(err) == apperr.ENotFound {
		err = apperr.Field("org", "No organization signs in with single sign-on under that name.")
	}
	if err != nil {
		return s.formError(c, "auth/login", form, err)
	}
	authURL, pend, err := s.ssoClient.Begin(ctx, s.ssoSettings(cfg))
	if err == nil && (strings.ContainsAny(authURL, "\r\n") || !(strings.HasPrefix(authURL, "https://") || strings.HasPrefix(authURL, "http://"))) {
		err = apperr.Errorf(apperr.EUnavailable, "The identity provider's authorization endpoint is not a web address.")
	}
	if err != nil {
		return s.formError(c, "auth/login", form, err)
	}
	pend.OrgID, pend.Next = cfg.OrgID, next
	data, err := json.Marshal(pend)
	if err != nil {
		return err
	}
	if err := s.store.KV("sso").Set(pend.State, data, ssoPendingTTL); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: ssoCookie, Value: pend.State, Path: "/sso", HTTPOnly: true, Secure: s.cfg.Secure(),
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(ssoPendingTTL)})
	// Not a redirect: the log-in page's CSP (form-action 'self') would stop
	// a form submission that redirects to the provider's origin. A Refresh
	// (and a link) starts a new navigation instead.
	c.Set("Refresh", "0;url="+authURL)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, "sso/continue", fiber.Map{"Title": "Signing in to " + cfg.OrgName, "URL": authURL, "OrgName": cfg.OrgName})
}

func (s *Server) ssoSettings(cfg *store.SSOConfig) sso.Settings {
	return sso.Settings{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: s.ssoRedirectURL()}
}

// ssoCallback answers GET /sso/callback: the provider sends the browser
// back with a code (or an error); a verified identity of an allowed domain
// is signed into the organization whose configuration started the sign-in.
func (s *Server) ssoCallback(c *fiber.Ctx) error {
	ctx := c.UserContext()
	state := utils.CopyString(c.Query("state"))
	cookie := c.Cookies(ssoCookie)
	c.Cookie(&fiber.Cookie{Name: ssoCookie, Value: "", Path: "/sso", HTTPOnly: true, Secure: s.cfg.Secure(),
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0)})
	form := fiber.Map{"Title": "Log in", "Next": "/"}
	fail := func(err error) error { return s.formError(c, "auth/login", form, err) }
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(cookie)) != 1 {
		return fail(apperr.Errorf(apperr.EUnauthorized, "This sign-in was not started in this browser, or it took too long. Start again."))
	}
	kv := s.store.KV("sso")
	data, err := kv.Get(state)
	if err != nil {
		return err
	}
	if err := kv.Delete(state); err != nil {
		return err
	}
	var pend sso.Pending
	if data == nil || json.Unmarshal(data, &pend) != nil {
		return fail(apperr.Errorf(apperr.EUnauthorized, "This sign-in expired or was already used. Start again."))
	}
	form["Next"] = pend.Next
	cfg, err := s.store.SSOConfigOf(ctx, pend.OrgID)
	if err != nil {
		return fail(apperr.Errorf(apperr.EUnauthorized, "Single sign-on is no longer configured for this organization."))
	}
	refuse := func(email, reason string, err error) error {
		if aerr := s.store.RecordSSOFailure(ctx, cfg.OrgID, email, reason); aerr != nil {
			return aerr
		}
		return fail(err)
	}
	if cfg.Issuer != pend.Issuer || cfg.ClientID != pend.ClientID {
		return refuse("", "config_changed", apperr.Errorf(apperr.EUnauthorized, "The organization's single sign-on changed during the sign-in. Start again."))
	}
	if e := c.Query("error"); e != "" {
		return refuse("", "provider_error", apperr.Errorf(apperr.EUnauthorized, "The identity provider did not sign you in (%s).", e))
	}
	id, err := s.ssoClient.Finish(ctx, s.ssoSettings(cfg), pend, utils.CopyString(c.Query("code")))
	if err != nil {
		if apperr.Code(err) == apperr.EInternal {
			return err
		}
		return refuse("", sso.Reason(err), err)
	}
	if id.Email == "" || (id.EmailVerified != nil && !*id.EmailVerified) {
		return refuse(id.Email, "email_unverified", apperr.Errorf(apperr.EForbidden, "The identity provider did not vouch for an email address of yours."))
	}
	if !cfg.AllowsDomain(sso.EmailDomain(id.Email)) {
		return refuse(id.Email, "domain", apperr.Errorf(apperr.EForbidden, "%s may not sign in to %s: its email domain is not on the organization's list.", id.Email, cfg.OrgName))
	}
	user, err := s.store.SSOSignIn(ctx, store.SSOLogin{OrgID: cfg.OrgID, Issuer: id.Issuer, Subject: id.Subject, Email: id.Email,
		Role: sso.RoleFor(id.Claims, cfg.RoleClaim, cfg.AdminValues, cfg.LeaderValues)})
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Code == apperr.EForbidden {
			return refuse(id.Email, "other_organization", err)
		}
		return err
	}
	if err := s.startSessionVia(c, user.ID, cfg.OrgID, cfg.OrgID); err != nil {
		return err
	}
	return c.Redirect(safeNext(pend.Next), fiber.StatusSeeOther)
}

// passwordOrgs keeps the memberships a password login may open: all but
// those of organizations that turned password login off, where only
// owners keep it (for recovery).
func (s *Server) passwordOrgs(c *fiber.Ctx, ms []store.Membership) ([]store.Membership, error) {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.OrgID
	}
	off, err := s.store.PasswordLoginOff(c.UserContext(), ids)
	if err != nil {
		return nil, err
	}
	var out []store.Membership
	for _, m := range ms {
		if !off[m.OrgID] || m.Role == models.RoleOwner {
			out = append(out, m)
		}
	}
	if len(out) == 0 && len(ms) > 0 {
		return nil, apperr.Errorf(apperr.EForbidden, "%s signs in with single sign-on only: use “Sign in with SSO” below.", ms[0].OrgName)
	}
	return out, nil
}

// passwordSwitchAllowed refuses switching a session that did not sign in
// through an organization's SSO into that organization when it turned
// password login off (owners excepted).
func (s *Server) passwordSwitchAllowed(c *fiber.Ctx, m *store.Membership) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if via, _ := sess.Get(sessSSO).(int64); via == m.OrgID {
		return nil
	}
	if _, err := s.passwordOrgs(c, []store.Membership{*m}); err != nil {
		return err
	}
	return nil
}
