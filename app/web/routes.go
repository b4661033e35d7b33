package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"gapmap/models"
)

// routes is the one route table: every URL gapmap answers is here.
func (s *Server) routes() {
	app := s.app
	app.Use(s.requestID, s.logRequests, s.recoverer(), s.securityHeaders(), compressed())
	app.Use([]string{"/s", "/api/v1/survey", "/j", "/api/v1/join"}, s.surveyHeaders) // survey links: no Referer, no caching, on errors too
	app.Use("/static", s.assets.serve)                                               // GET and HEAD of /static/<name>
	app.Get("/api/v1/questionnaires/:key/versions/:hash", s.apiQuestionnaireVersion) // content only: no credentials

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	lim := s.cfg.Limits
	// A bearer token that is not valid is a failure; a valid token's 404 or
	// 422 is not (tools make those while working normally).
	badToken := func(status int) bool { return status == fiber.StatusUnauthorized }
	anyError := func(status int) bool { return status >= fiber.StatusBadRequest }
	app.Use(s.rateLimit(lim.TokenFailures, time.Minute, badToken, func(c *fiber.Ctx) bool { return bearerToken(c) == "" }))
	app.Use(s.authenticate, s.csrfProtect())
	app.Use([]string{"/assessments", "/api/v1/assessments"}, s.readingLanguage, withDeliveryMemo) // ?lang=: questionnaire texts of results (leader_lang.go); one read of delivery rollups per request

	loginLimit := s.rateLimit(lim.LoginFailures, time.Minute, anyError, nil)
	signupLimit := s.rateLimit(lim.Signups, time.Hour, nil, nil)
	admin, leader, member := models.RoleAdmin, models.RoleLeader, models.RoleMember

	// Pages.
	app.Get("/", s.home)
	app.Get("/signup", s.signupForm)
	app.Post("/signup", signupLimit, s.signup)
	app.Get("/login", s.loginForm)
	app.Post("/login", loginLimit, s.login)
	app.Post("/logout", s.logout)
	app.Get("/password/forgot", s.forgotForm)
	app.Post("/password/forgot", signupLimit, s.forgot)
	app.Get("/password/reset/:token", loginLimit, s.resetForm)
	app.Post("/password/reset/:token", loginLimit, s.reset)
	app.Get("/invite/:token", loginLimit, s.inviteForm)
	app.Post("/invite/:token", loginLimit, s.acceptInvite)
	app.Post("/org/switch", pageAuth(member), s.switchOrg)
	app.Get("/unsubscribe/:token", loginLimit, privateLink, s.unsubscribePage) // token in path: no Referer, no caching
	app.Post("/unsubscribe/:token", loginLimit, privateLink, s.unsubscribe)    // one-click (RFC 8058): no CSRF token
	app.Post("/sso/start", loginLimit, s.ssoStart)
	app.Get("/sso/callback", loginLimit, s.ssoCallback)
	app.Get("/settings/sso", pageAuth(models.RoleOwner), s.ssoSettingsPage)
	app.Post("/settings/sso", pageAuth(models.RoleOwner), s.saveSSOSettings)
	app.Post("/settings/sso/delete", pageAuth(models.RoleOwner), s.deleteSSOSettings)

	app.Get("/teams", pageAuth(member), s.teamsPage)
	app.Post("/teams", pageAuth(admin), s.createTeam)
	app.Post("/teams/:id", pageAuth(admin), s.renameTeam)
	app.Post("/teams/:id/delete", pageAuth(admin), s.deleteTeam)
	app.Post("/teams/:id/members", pageAuth(admin), s.setTeamMembers)

	app.Get("/members", pageAuth(admin), s.membersPage)
	app.Post("/members/invite", pageAuth(admin), s.inviteMember)
	app.Post("/members/:id/role", pageAuth(admin), s.setMemberRole)
	app.Post("/members/:id/remove", pageAuth(admin), s.removeMember)
	app.Post("/members/invites/:id/revoke", pageAuth(admin), s.revokeInvite)
	app.Get("/audit", pageAuth(admin), s.auditPage)
	app.Get("/webhooks", pageAuth(admin), s.webhooksPage)
	app.Post("/webhooks", pageAuth(admin), s.createWebhookForm)
	app.Get("/webhooks/:id", pageAuth(admin), s.webhookPage)
	app.Post("/webhooks/:id/delete", pageAuth(admin), s.deleteWebhookForm)
	app.Get("/emails", pageAuth(admin), s.emailsPage)
	app.Post("/emails/:id/retry", pageAuth(admin), s.retryEmailForm)

	uploadLimit := s.rateLimit(lim.Uploads, time.Minute, nil, nil)
	app.Get("/questionnaires", pageAuth(member), s.questionnairesPage)
	app.Post("/questionnaires", pageAuth(admin), uploadLimit, s.uploadQuestionnaireForm)
	app.Get("/questionnaires/:key", pageAuth(member), s.questionnairePage)

	app.Get("/tokens", pageAuth(member), s.tokensPage)
	app.Post("/tokens", pageAuth(member), s.createToken)
	app.Post("/tokens/:id/revoke", pageAuth(member), s.revokeToken)

	// Assessment rounds, invitation links and the survey pages.
	app.Get("/assessments", pageAuth(member), s.assessmentsPage)
	app.Get("/assessments/new", pageAuth(admin), s.newAssessmentPage)
	app.Post("/assessments", pageAuth(admin), s.createAssessmentForm)
	app.Get("/assessments/:id", pageAuth(member), s.assessmentPage)
	app.Post("/assessments/:id/close", pageAuth(admin), s.closeAssessment)
	app.Post("/assessments/:id/reopen", pageAuth(admin), s.reopenAssessment)
	app.Post("/assessments/:id/invitations", pageAuth(member), s.createInvitationsForm)
	app.Post("/assessments/:id/invitations.csv", pageAuth(member), s.invitationsCSV)
	app.Post("/assessments/:id/invitations/:invitation_id/revoke", pageAuth(member), s.revokeInvitationForm)
	app.Post("/assessments/:id/invitations/:invitation_id/reopen", pageAuth(admin), s.reopenResponseForm)
	app.Post("/assessments/:id/reminders", pageAuth(admin), s.sendRemindersForm)
	app.Get("/s/:token", s.surveyStart)
	app.Get("/s/:token/intro", s.surveyIntro)
	app.Get("/s/:token/page/:n", s.surveyPage)
	app.Post("/s/:token/page/:n", s.surveySavePage)
	app.Get("/s/:token/review", s.surveyReview)
	app.Post("/s/:token/submit", s.surveySubmitForm)
	app.Post("/assessments/:id/open-links", pageAuth(member), s.createOpenLinkForm)
	app.Post("/assessments/:id/open-links/:link_id/revoke", pageAuth(member), s.revokeOpenLinkForm)
	app.Get("/j/:token", s.joinPage)

	// JSON API.
	api := app.Group("/api/v1")
	api.Get("/openapi.json", s.openAPI)
	api.Get("/me", apiAuth(member), s.me)
	api.Get("/teams", apiAuth(member), s.apiTeams)
	api.Post("/teams", apiAuth(admin), s.apiCreateTeam)
	api.Get("/teams/:id", apiAuth(leader), s.apiTeam)
	api.Patch("/teams/:id", apiAuth(admin), s.apiRenameTeam)
	api.Delete("/teams/:id", apiAuth(admin), s.apiDeleteTeam)
	api.Put("/teams/:id/members", apiAuth(admin), s.apiSetTeamMembers)
	api.Get("/members", apiAuth(admin), s.apiMembers)
	api.Get("/audit", apiAuth(admin), s.apiAudit)
	api.Get("/webhooks", apiAuth(admin), s.apiWebhooks)
	api.Post("/webhooks", apiAuth(admin), s.apiCreateWebhook)
	api.Delete("/webhooks/:id", apiAuth(admin), s.apiDeleteWebhook)
	api.Get("/webhooks/:id/deliveries", apiAuth(admin), s.apiWebhookDeliveries)
	api.Get("/sso", apiAuth(models.RoleOwner), s.apiSSO)
	api.Put("/sso", apiAuth(models.RoleOwner), s.apiPutSSO)
	api.Delete("/sso", apiAuth(models.RoleOwner), s.apiDeleteSSO)
	api.Get("/questionnaires", apiAuth(member), s.apiQuestionnaires)
	api.Post("/questionnaires", apiAuth(admin), uploadLimit, s.apiUploadQuestionnaire)
	api.Get("/questionnaires/:key", apiAuth(member), s.apiQuestionnaire)
	api.Get("/tokens", apiAuth(member), s.apiTokens)
	api.Post("/tokens", apiAuth(member), s.apiCreateToken)
	api.Delete("/tokens/:id", apiAuth(member), s.apiRevokeToken)

	// Assessment rounds, invitations and the survey API.
	api.Get("/assessments", apiAuth(member), s.apiAssessments)
	api.Post("/assessments", apiAuth(admin), s.apiCreateAssessment)
	api.Get("/assessments/:id", apiAuth(member), s.apiAssessment)
	api.Post("/assessments/:id/close", apiAuth(admin), s.apiCloseAssessment)
	api.Post("/assessments/:id/reopen", apiAuth(admin), s.apiReopenAssessment)
	api.Get("/assessments/:id/invitations", apiAuth(member), s.apiInvitations)
	api.Post("/assessments/:id/invitations", apiAuth(member), s.apiCreateInvitation)
	api.Delete("/assessments/:id/invitations/:invitation_id", apiAuth(member), s.apiRevokeInvitation)
	api.Post("/assessments/:id/invitations/:invitation_id/reopen", apiAuth(admin), s.apiReopenResponse)
	api.Post("/assessments/:id/reminders", apiAuth(admin), s.apiSendReminders)
	api.Get("/assessments/:id/open-links", apiAuth(member), s.apiOpenLinks)
	api.Post("/assessments/:id/open-links", apiAuth(member), s.apiCreateOpenLink)
	api.Delete("/assessments/:id/open-links/:link_id", apiAuth(member), s.apiRevokeOpenLink)
	api.Post("/join/:token", s.apiJoin)
	api.Get("/survey/:token", s.apiSurvey)
	api.Put("/survey/:token/answers", s.apiSaveAnswer)
	api.Post("/survey/:token/submit", s.apiSubmit)
	api.Get("/survey/:token/results", s.apiSurveyResults)

	// Results, dashboards, reports, recommendations and exports.
	app.Get("/assessments/:id/results", pageAuth(member), s.resultsPage)
	api.Get("/assessments/:id/results", apiAuth(member), s.apiResults)
	api.Get("/assessments/:id/export.xlsx", apiAuth(leader), s.exportWorkbook)
	api.Get("/assessments/:id/responses.csv", apiAuth(leader), s.apiResponsesCSV)
	api.Post("/assessments/:id/roadmap.xlsx", apiAuth(admin), uploadLimit, s.apiImportRoadmap)
	app.Get("/assessments/:id/export.xlsx", pageAuth(leader), s.exportWorkbook)
	app.Post("/assessments/:id/roadmap", pageAuth(admin), uploadLimit, s.importRoadmapForm)
	app.Get("/dashboard", pageAuth(leader), s.dashboardHome)
	app.Get("/assessments/:id/dashboard", pageAuth(leader), s.assessmentDashboard)
	app.Get("/assessments/:id/teams/:team_id", pageAuth(member), s.teamDashboard)
	api.Get("/assessments/:id/recommendations", apiAuth(member), s.apiRecommendations)
	app.Get("/assessments/:id/report", pageAuth(leader), s.reportPage)
	app.Get("/assessments/:id/report.md", pageAuth(leader), s.reportMarkdown)
	app.Get("/assessments/:id/teams/:team_id/report", pageAuth(member), s.reportPage)
	app.Get("/assessments/:id/teams/:team_id/report.md", pageAuth(member), s.reportMarkdown)

	// Managing rounds: edit, duplicate, delete, new links, compare, comments.
	app.Post("/assessments/:id/edit", pageAuth(admin), s.editAssessmentForm)
	app.Post("/assessments/:id/duplicate", pageAuth(admin), s.duplicateAssessmentForm)
	app.Post("/assessments/:id/delete", pageAuth(admin), s.deleteAssessmentForm)
	api.Patch("/assessments/:id", apiAuth(admin), s.apiPatchAssessment)
	api.Post("/assessments/:id/duplicate", apiAuth(admin), s.apiDuplicateAssessment)
	api.Delete("/assessments/:id", apiAuth(admin), s.apiDeleteAssessment)
	api.Post("/assessments/:id/invitations/:invitation_id/regenerate", apiAuth(member), s.apiRegenerateInvitation)
	app.Post("/assessments/:id/invitations/:invitation_id/regenerate", pageAuth(member), s.regenerateInvitationForm)
	app.Get("/assessments/:id/compare", pageAuth(member), s.comparePage)
	api.Get("/assessments/:id/compare", apiAuth(member), s.apiCompare)
	app.Get("/assessments/:id/comments", pageAuth(member), s.commentsPage)

	// Delivery events in, DORA metrics out (tokens with the events:write
	// scope reach the two POSTs only: scopeAllows).
	api.Post("/teams/:id/deployments", apiAuth(member), s.apiIngestDeployments)
	api.Post("/teams/:id/incidents", apiAuth(member), s.apiIngestIncidents)
	api.Get("/teams/:id/dora", apiAuth(member), s.apiTeamDora)
	api.Get("/dora", apiAuth(leader), s.apiOrgDora)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// compressed gzips or brotli-compresses pages and JSON for clients that
// accept it (a questionnaire definition shrinks from 136 KB to about 15 KB
// on a phone's connection); downloads stream as they are, and static assets
// carry encodings built once at start-up (assets.go).
func compressed() fiber.Handler {
	return compress.New(compress.Config{
		Level: compress.LevelBestSpeed,
		Next: func(c *fiber.Ctx) bool {
			p := c.Path()
			return strings.HasPrefix(p, "/static/") || strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".csv")
		},
	})
}
