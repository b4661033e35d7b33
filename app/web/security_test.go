package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
	"gapmap/questionnaires"
)

// The helpers of the security, hostile-input and abuse tests carry a sec
// prefix so that they never clash with the helpers of other test files;
// they build on the harness of harness_test.go.

// Route kinds of the security matrix.
const (
	secPage   = "page"   // HTML for logged-in people: anonymous visitors go to /login
	secAPI    = "api"    // JSON API: bearer token or session cookie, 401 without
	secSurvey = "survey" // survey link: the token in the path is the credential
	secPublic = "public" // open to anyone (health, login, sign-up, invitations to join)
)

// Objects that route parameters and request bodies refer to. Each
// organization of the fixture has one of each.
const (
	objTeam          = "team"          // team id
	objAssessment    = "assessment"    // assessment (round) id
	objInvitation    = "invitation"    // survey invitation id, of the assessment
	objMember        = "member"        // user id of a member of the organization
	objOrgInvite     = "orginvite"     // pending invitation to join the organization
	objAPIToken      = "apitoken"      // id of an API token of the caller's organization
	objQuestionnaire = "questionnaire" // key of a questionnaire uploaded by the organization
	objQHash         = "qhash"         // content hash of that questionnaire
	objSurvey        = "survey"        // plain survey token of the invitation
	objInviteToken   = "invitetoken"   // plain token of the invitation to join
	objOrg           = "org"           // organization id
	objPage          = "page"          // survey page number (not an object: always 1)
	objOpenLink      = "openlink"      // open link id, of the assessment
	objOpenToken     = "opentoken"     // plain token of that open link
	objResetToken    = "resettoken"    // plain password reset token of an account outside the fixture's roles
	objWebhook       = "webhook"       // webhook id
	objUnsubToken    = "unsubtoken"    // plain unsubscribe token of a reminder of the assessment
	objEmail         = "email"         // id of a given-up email of the organization's outbox
)

// secRoute is one entry of the security matrix.
type secRoute struct {
	kind string
	min  models.Role       // least role allowed (page and api routes)
	ids  map[string]string // route parameter -> object of the organization
	// body is the request body (JSON for the API, form values for pages)
	// with {{object}} placeholders; "@yaml" sends a valid questionnaire.
	body       string
	attachment bool // a successful answer is a download
}

// secRoutes is the security matrix, keyed by "METHOD path" exactly as the
// router lists them. A route without an entry fails TestSecurityRouteMatrix.
func secRoutes() map[string]secRoute {
	owner, admin, leader, member := models.RoleOwner, models.RoleAdmin, models.RoleLeader, models.RoleMember
	_, _ = owner, leader
	team := map[string]string{"id": objTeam}
	assessment := map[string]string{"id": objAssessment}
	invitation := map[string]string{"id": objAssessment, "invitation_id": objInvitation}
	survey := map[string]string{"token": objSurvey}
	surveyPage := map[string]string{"token": objSurvey, "n": objPage}
	teamOfRound := map[string]string{"id": objAssessment, "team_id": objTeam}
	openLink := map[string]string{"id": objAssessment, "link_id": objOpenLink}
	openToken := map[string]string{"token": objOpenToken}
	newAssessmentJSON := `{"name":"Sec round","questionnaires":["cncf-platform-maturity"],"team_ids":[{{team}}]}`
	return map[string]secRoute{
		"GET /healthz": {kind: secPublic},
		"GET /readyz":  {kind: secPublic},
		// Content only, by its unguessable hash (TestQuestionnaireVersionAPI).
		"GET /api/v1/questionnaires/:key/versions/:hash": {kind: secPublic, ids: map[string]string{"key": objQuestionnaire, "hash": objQHash}},
		"GET /":                       {kind: secPublic},
		"GET /signup":                 {kind: secPublic},
		"POST /signup":                {kind: secPublic, body: "org_name=Sec+Org&email=sec-signup%40example.com&password=correct+horse+battery"},
		"GET /login":                  {kind: secPublic},
		"POST /login":                 {kind: secPublic, body: "email=nobody%40example.com&password=wrong+password+here"},
		"POST /logout":                {kind: secPublic},
		"GET /password/forgot":        {kind: secPublic},
		"POST /password/forgot":       {kind: secPublic, body: "email=nobody%40example.com"},
		"GET /password/reset/:token":  {kind: secPublic, ids: map[string]string{"token": objResetToken}},
		"POST /password/reset/:token": {kind: secPublic, ids: map[string]string{"token": objResetToken}, body: "password=correct+horse+battery"},
		"GET /invite/:token":          {kind: secPublic, ids: map[string]string{"token": objInviteToken}},
		"POST /invite/:token":         {kind: secPublic, ids: map[string]string{"token": objInviteToken}, body: "password=correct+horse+battery"},
		"POST /org/switch":            {kind: secPage, min: member, body: "org_id={{org}}"},
		"POST /sso/start":             {kind: secPublic, body: "org=nobody"},
		"GET /sso/callback":           {kind: secPublic},
		"GET /settings/sso":           {kind: secPage, min: owner},
		"POST /settings/sso":          {kind: secPage, min: owner, body: "slug=sec-matrix&issuer=https%3A%2F%2Flogin.example.com&client_id=x&client_secret=y&domains=example.com"},
		"POST /settings/sso/delete":   {kind: secPage, min: owner},
		// One-click unsubscribe (RFC 8058): the token in the path is the credential.
		"GET /unsubscribe/:token":          {kind: secPublic, ids: map[string]string{"token": objUnsubToken}},
		"POST /unsubscribe/:token":         {kind: secPublic, ids: map[string]string{"token": objUnsubToken}, body: "List-Unsubscribe=One-Click"},
		"GET /teams":                       {kind: secPage, min: member},
		"POST /teams":                      {kind: secPage, min: admin, body: "name=Sec+team"},
		"POST /teams/:id":                  {kind: secPage, min: admin, ids: team, body: "name=Renamed+team"},
		"POST /teams/:id/delete":           {kind: secPage, min: admin, ids: team},
		"POST /teams/:id/members":          {kind: secPage, min: admin, ids: team, body: "user_ids={{member}}"},
		"GET /members":                     {kind: secPage, min: admin},
		"GET /audit":                       {kind: secPage, min: admin},
		"GET /webhooks":                    {kind: secPage, min: admin},
		"POST /webhooks":                   {kind: secPage, min: admin, body: "url=https%3A%2F%2F203.0.113.10%2Fhook&event_round.closed=1&secret=0123456789abcdef0123"},
		"GET /webhooks/:id":                {kind: secPage, min: admin, ids: map[string]string{"id": objWebhook}},
		"POST /webhooks/:id/delete":        {kind: secPage, min: admin, ids: map[string]string{"id": objWebhook}},
		"GET /emails":                      {kind: secPage, min: admin},
		"POST /emails/:id/retry":           {kind: secPage, min: admin, ids: map[string]string{"id": objEmail}},
		"POST /members/invite":             {kind: secPage, min: admin, body: "email=sec-invite%40example.com&role=member"},
		"POST /members/:id/role":           {kind: secPage, min: admin, ids: map[string]string{"id": objMember}, body: "role=leader"},
		"POST /members/:id/remove":         {kind: secPage, min: admin, ids: map[string]string{"id": objMember}},
		"POST /members/invites/:id/revoke": {kind: secPage, min: admin, ids: map[string]string{"id": objOrgInvite}},
		"GET /questionnaires":              {kind: secPage, min: member},
		"POST /questionnaires":             {kind: secPage, min: admin, body: "@yaml"},
		"GET /questionnaires/:key":         {kind: secPage, min: member, ids: map[string]string{"key": objQuestionnaire}},
		"GET /tokens":                      {kind: secPage, min: member},
		"POST /tokens":                     {kind: secPage, min: member, body: "name=sec+token"},
		"POST /tokens/:id/revoke":          {kind: secPage, min: member, ids: map[string]string{"id": objAPIToken}},

		"GET /assessments":                                        {kind: secPage, min: member},
		"GET /assessments/new":                                    {kind: secPage, min: admin},
		"POST /assessments":                                       {kind: secPage, min: admin, body: "name=Sec+round&questionnaires=cncf-platform-maturity&team_ids={{team}}"},
		"GET /assessments/:id":                                    {kind: secPage, min: member, ids: assessment},
		"POST /assessments/:id/close":                             {kind: secPage, min: admin, ids: assessment},
		"POST /assessments/:id/reopen":                            {kind: secPage, min: admin, ids: assessment},
		"POST /assessments/:id/invitations":                       {kind: secPage, min: member, ids: assessment, body: "team_id={{team}}&count=1"},
		"POST /assessments/:id/invitations.csv":                   {kind: secPage, min: member, ids: assessment, body: "token={{survey}}", attachment: true},
		"POST /assessments/:id/invitations/:invitation_id/revoke": {kind: secPage, min: member, ids: invitation},
		"POST /assessments/:id/invitations/:invitation_id/reopen": {kind: secPage, min: admin, ids: invitation},
		"POST /assessments/:id/reminders":                         {kind: secPage, min: admin, ids: assessment},
		"GET /assessments/:id/results":                            {kind: secPage, min: member, ids: assessment},
		"GET /dashboard":                                          {kind: secPage, min: leader},
		"GET /assessments/:id/export.xlsx":                        {kind: secPage, min: leader, ids: assessment, attachment: true},
		"POST /assessments/:id/roadmap":                           {kind: secPage, min: admin, ids: assessment, body: "file=not+a+workbook"},
		"GET /assessments/:id/dashboard":                          {kind: secPage, min: leader, ids: assessment},
		"GET /assessments/:id/teams/:team_id":                     {kind: secPage, min: member, ids: teamOfRound},
		"GET /assessments/:id/report":                             {kind: secPage, min: leader, ids: assessment},
		"GET /assessments/:id/report.md":                          {kind: secPage, min: leader, ids: assessment},
		"GET /assessments/:id/teams/:team_id/report":              {kind: secPage, min: member, ids: teamOfRound},
		"GET /assessments/:id/teams/:team_id/report.md":           {kind: secPage, min: member, ids: teamOfRound},

		"POST /assessments/:id/edit":                                         {kind: secPage, min: admin, ids: assessment, body: "name=Renamed+round"},
		"POST /assessments/:id/duplicate":                                    {kind: secPage, min: admin, ids: assessment},
		"POST /assessments/:id/delete":                                       {kind: secPage, min: admin, ids: assessment, body: "confirm=Round"},
		"PATCH /api/v1/assessments/:id":                                      {kind: secAPI, min: admin, ids: assessment, body: `{"name":"Renamed round"}`},
		"POST /api/v1/assessments/:id/duplicate":                             {kind: secAPI, min: admin, ids: assessment},
		"DELETE /api/v1/assessments/:id":                                     {kind: secAPI, min: admin, ids: assessment, body: `{"confirm":"Round"}`},
		"POST /api/v1/assessments/:id/invitations/:invitation_id/regenerate": {kind: secAPI, min: member, ids: invitation},
		"POST /assessments/:id/invitations/:invitation_id/regenerate":        {kind: secPage, min: member, ids: invitation},
		"GET /assessments/:id/compare":                                       {kind: secPage, min: member, ids: assessment},
		"GET /api/v1/assessments/:id/compare":                                {kind: secAPI, min: member, ids: assessment},
		"GET /assessments/:id/comments":                                      {kind: secPage, min: member, ids: assessment},
		"GET /api/v1/assessments/:id/open-links":                             {kind: secAPI, min: member, ids: assessment},
		"POST /api/v1/assessments/:id/open-links":                            {kind: secAPI, min: member, ids: assessment, body: `{"team_id":{{team}}}`},
		"DELETE /api/v1/assessments/:id/open-links/:link_id":                 {kind: secAPI, min: member, ids: openLink},
		"POST /assessments/:id/open-links":                                   {kind: secPage, min: member, ids: assessment, body: "team_id={{team}}"},
		"POST /assessments/:id/open-links/:link_id/revoke":                   {kind: secPage, min: member, ids: openLink},
		"GET /j/:token":            {kind: secPublic, ids: openToken},
		"POST /api/v1/join/:token": {kind: secPublic, ids: openToken},

		"GET /s/:token":                     {kind: secSurvey, ids: survey},
		"GET /s/:token/intro":               {kind: secSurvey, ids: survey},
		"GET /s/:token/page/:n":             {kind: secSurvey, ids: surveyPage},
		"POST /s/:token/page/:n":            {kind: secSurvey, ids: surveyPage, body: "nav=next"},
		"GET /s/:token/review":              {kind: secSurvey, ids: survey},
		"POST /s/:token/submit":             {kind: secSurvey, ids: survey},
		"GET /api/v1/survey/:token":         {kind: secSurvey, ids: survey},
		"PUT /api/v1/survey/:token/answers": {kind: secSurvey, ids: survey, body: `{"questionnaire":"cncf-platform-maturity","question":"{{question}}","na":true}`},
		"POST /api/v1/survey/:token/submit": {kind: secSurvey, ids: survey},
		"GET /api/v1/survey/:token/results": {kind: secSurvey, ids: survey},

		"GET /api/v1/openapi.json":                                       {kind: secPublic},
		"GET /api/v1/me":                                                 {kind: secAPI, min: member},
		"GET /api/v1/teams":                                              {kind: secAPI, min: member},
		"POST /api/v1/teams":                                             {kind: secAPI, min: admin, body: `{"name":"Sec team"}`},
		"GET /api/v1/teams/:id":                                          {kind: secAPI, min: leader, ids: team},
		"PATCH /api/v1/teams/:id":                                        {kind: secAPI, min: admin, ids: team, body: `{"name":"Renamed team"}`},
		"DELETE /api/v1/teams/:id":                                       {kind: secAPI, min: admin, ids: team},
		"PUT /api/v1/teams/:id/members":                                  {kind: secAPI, min: admin, ids: team, body: `{"user_ids":[{{member}}]}`},
		"GET /api/v1/members":                                            {kind: secAPI, min: admin},
		"GET /api/v1/audit":                                              {kind: secAPI, min: admin},
		"GET /api/v1/webhooks":                                           {kind: secAPI, min: admin},
		"POST /api/v1/webhooks":                                          {kind: secAPI, min: admin, body: `{"url":"https://203.0.113.10/hook","events":["round.closed"],"secret":"0123456789abcdef0123"}`},
		"DELETE /api/v1/webhooks/:id":                                    {kind: secAPI, min: admin, ids: map[string]string{"id": objWebhook}},
		"GET /api/v1/webhooks/:id/deliveries":                            {kind: secAPI, min: admin, ids: map[string]string{"id": objWebhook}},
		"GET /api/v1/sso":                                                {kind: secAPI, min: owner},
		"PUT /api/v1/sso":                                                {kind: secAPI, min: owner, body: `{"slug":"sec-matrix","issuer":"https://login.example.com","client_id":"x","client_secret":"y","domains":["example.com"]}`},
		"DELETE /api/v1/sso":                                             {kind: secAPI, min: owner},
		"GET /api/v1/questionnaires":                                     {kind: secAPI, min: member},
		"POST /api/v1/questionnaires":                                    {kind: secAPI, min: admin, body: "@yaml"},
		"GET /api/v1/questionnaires/:key":                                {kind: secAPI, min: member, ids: map[string]string{"key": objQuestionnaire}},
		"GET /api/v1/tokens":                                             {kind: secAPI, min: member},
		"POST /api/v1/tokens":                                            {kind: secAPI, min: member, body: `{"name":"sec token"}`},
		"DELETE /api/v1/tokens/:id":                                      {kind: secAPI, min: member, ids: map[string]string{"id": objAPIToken}},
		"GET /api/v1/assessments":                                        {kind: secAPI, min: member},
		"POST /api/v1/assessments":                                       {kind: secAPI, min: admin, body: newAssessmentJSON},
		"GET /api/v1/assessments/:id":                                    {kind: secAPI, min: member, ids: assessment},
		"POST /api/v1/assessments/:id/close":                             {kind: secAPI, min: admin, ids: assessment},
		"POST /api/v1/assessments/:id/reopen":                            {kind: secAPI, min: admin, ids: assessment},
		"GET /api/v1/assessments/:id/invitations":                        {kind: secAPI, min: member, ids: assessment},
		"POST /api/v1/assessments/:id/invitations":                       {kind: secAPI, min: member, ids: assessment, body: `{"team_id":{{team}},"label":"sec"}`},
		"DELETE /api/v1/assessments/:id/invitations/:invitation_id":      {kind: secAPI, min: member, ids: invitation},
		"POST /api/v1/assessments/:id/invitations/:invitation_id/reopen": {kind: secAPI, min: admin, ids: invitation},
		"POST /api/v1/assessments/:id/reminders":                         {kind: secAPI, min: admin, ids: assessment},
		"GET /api/v1/assessments/:id/results":                            {kind: secAPI, min: member, ids: assessment},
		"GET /api/v1/assessments/:id/recommendations":                    {kind: secAPI, min: member, ids: assessment},
		"GET /api/v1/assessments/:id/export.xlsx":                        {kind: secAPI, min: leader, ids: assessment, attachment: true},
		"GET /api/v1/assessments/:id/responses.csv":                      {kind: secAPI, min: leader, ids: assessment, attachment: true},
		"POST /api/v1/assessments/:id/roadmap.xlsx":                      {kind: secAPI, min: admin, ids: assessment, body: "PK not really a workbook"},

		// Delivery events and metrics (events_test.go checks the scope and the
		// team-lead rule beside the role).
		"POST /api/v1/teams/:id/deployments": {kind: secAPI, min: member, ids: team, body: `{"id":"sec-deploy","finished_at":"2026-03-02T12:00:00Z","status":"success"}`},
		"POST /api/v1/teams/:id/incidents":   {kind: secAPI, min: member, ids: team, body: `{"id":"sec-incident","started_at":"2026-03-02T12:00:00Z"}`},
		"GET /api/v1/teams/:id/dora":         {kind: secAPI, min: member, ids: team},
		"GET /api/v1/dora":                   {kind: secAPI, min: leader},
	}
}

// secRouteKeys lists the application's routes as "METHOD path", without
// the HEAD routes fiber adds for every GET.
func secRouteKeys(app *fiber.App) []string {
	seen := map[string]bool{}
	var keys []string
	for _, r := range app.GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" {
			continue
		}
		k := r.Method + " " + r.Path
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// ---------------------------------------------------------------- fixture

// secOrg is one organization of the fixture: the organization fixture with
// a person of every role, their API tokens and logged-in browsers, and one
// object of every kind.
type secOrg struct {
	testOrg
	users   map[models.Role]*models.User
	bearer  map[models.Role]string
	browser map[models.Role]*testClient
	obj     map[string]string
	// A second round with its own invitation and questionnaire, to check
	// that one round's ids and tokens do not reach into another.
	round2, invitation2, survey2 string
	team2                        string // a team of round 1 that is not in round 2
	revokedSurvey                string
	responseID                   int64
	question                     string // a question of the first round's questionnaire
}

// secEnv is the security fixture: the application on one database with
// two organizations, every response checked for the security headers.
type secEnv struct {
	*testServer
	a, b   *secOrg
	probes int // requests checked, for the report
}

// secConfig gives the application limits high enough for the matrix,
// changed by mutate.
func secConfig(mutate func(*config.Config)) func(*config.Config) {
	return func(c *config.Config) {
		c.BaseURL = ""
		c.Limits = config.Limits{LoginFailures: 1000, Signups: 1000, TokenFailures: 1000, SurveyMisses: 1000, Uploads: 1000}
		if mutate != nil {
			mutate(c)
		}
	}
}

// secEach runs fn against SQLite and PostgreSQL.
func secEach(t *testing.T, mutate func(*config.Config), fn func(t *testing.T, e *secEnv)) {
	eachServer(t, secConfig(mutate), func(t *testing.T, ts *testServer) {
		e := &secEnv{testServer: ts}
		e.a = e.newOrg("Org A", "a")
		e.b = e.newOrg("Org B", "b")
		fn(t, e)
	})
}

// client is a browser whose every response is checked by checkHeaders.
func (e *secEnv) client() *testClient {
	c := e.testServer.client()
	c.check = e.checkHeaders
	return c
}

// bearerClient is an API client whose every response is checked by checkHeaders.
func (e *secEnv) bearerClient(token string) *testClient {
	c := e.client()
	c.bearer = token
	return c
}

func (e *secEnv) newOrg(name, tag string) *secOrg {
	t := e.t
	t.Helper()
	ctx := context.Background()
	st := e.st
	base := e.newOrgOwnedBy(name, "owner-"+tag+"@example.com", "Payments "+tag, "Search "+tag)
	team, team2 := base.Teams[0], base.Teams[1]
	o := &secOrg{testOrg: base, users: map[models.Role]*models.User{models.RoleOwner: base.Owner},
		bearer: map[models.Role]string{models.RoleOwner: base.Token}, browser: map[models.Role]*testClient{}, obj: map[string]string{}}
	org, owner := base.Org, base.Owner
	for _, r := range []models.Role{models.RoleAdmin, models.RoleLeader, models.RoleMember} {
		var teams []int64
		if r == models.RoleMember {
			teams = []int64{team.ID}
		}
		o.users[r], o.bearer[r] = e.addPerson(base, string(r)+"-"+tag+"@example.com", r, teams...)
	}
	if _, err := st.SaveSSOConfig(ctx, org.ID, store.SSOInput{Slug: "sec-" + tag, Issuer: "https://login.example.com", ClientID: tag, ClientSecret: "s", Domains: []string{tag + ".example.com"}}); err != nil {
		t.Fatal(err)
	}
	invPlain, inv, err := st.CreateInvite(ctx, org.ID, owner.ID, "pending-"+tag+"@example.com", models.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	qkey := "private-" + tag
	src := questionnaireYAML(t, qkey, nil)
	pq, err := questionnaires.Parse("private.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UploadQuestionnaire(ctx, org.ID, pq, src); err != nil {
		t.Fatal(err)
	}
	cncf := e.shippedQ("cncf-platform-maturity")
	round, err := st.CreateAssessment(ctx, org.ID, store.AssessmentInput{
		Name: "Round 1 " + tag, Questionnaires: []store.QuestionnaireChoice{{Q: cncf}}, TeamIDs: []int64{team.ID, team2.ID},
	})
	if err != nil {
		t.Fatalf("CreateAssessment: %v", err)
	}
	round2, err := st.CreateAssessment(ctx, org.ID, store.AssessmentInput{
		Name: "Round 2 " + tag, Questionnaires: []store.QuestionnaireChoice{{Q: e.shippedQ("gartner-platform-axes")}}, TeamIDs: []int64{team.ID},
	})
	if err != nil {
		t.Fatalf("CreateAssessment: %v", err)
	}
	uid := owner.ID
	invs, err := st.CreateInvitations(ctx, org.ID, round.ID, &uid, []store.NewInvitation{{TeamID: team.ID, Label: "lead " + tag}, {TeamID: team.ID, Label: "revoked"}})
	if err != nil {
		t.Fatalf("CreateInvitations: %v", err)
	}
	if _, err := st.RevokeInvitation(ctx, org.ID, round.ID, invs[1].ID); err != nil {
		t.Fatal(err)
	}
	invs2, err := st.CreateInvitations(ctx, org.ID, round2.ID, &uid, []store.NewInvitation{{TeamID: team.ID, Label: "round two"}})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := st.SurveyByToken(ctx, invs[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	link, err := st.CreateOpenLink(ctx, org.ID, round.ID, team.ID, &uid, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.obj[objOpenLink] = strconv.FormatInt(link.ID, 10)
	o.obj[objOpenToken] = link.Token
	o.responseID = sv.ResponseID
	o.question = cncf.Dimensions[0].Questions[0].Key
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	o.obj[objTeam] = i64(team.ID)
	o.obj[objAssessment] = i64(round.ID)
	o.obj[objInvitation] = i64(invs[0].ID)
	o.obj[objMember] = i64(o.users[models.RoleMember].ID)
	o.obj[objOrgInvite] = i64(inv.ID)
	o.obj[objAPIToken] = i64(base.TokenID)
	hook, err := st.CreateWebhook(ctx, org.ID, store.WebhookInput{URL: "https://203.0.113.10/" + tag, Events: []string{models.EventRoundClosed}, Secret: "0123456789abcdef0123"})
	if err != nil {
		t.Fatal(err)
	}
	o.obj[objWebhook] = i64(hook.ID)
	o.obj[objQuestionnaire] = qkey
	o.obj[objQHash] = pq.Hash
	o.obj[objSurvey] = invs[0].Token
	o.obj[objInviteToken] = invPlain
	if _, _, err := st.SignUp(ctx, "Reset "+tag, "reset-"+tag+"@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	err = st.RequestPasswordReset(ctx, "reset-"+tag+"@example.com", func(tok string) store.NewEmail {
		o.obj[objResetToken] = tok
		return store.NewEmail{Subject: "Reset", Text: tok}
	})
	if err != nil || o.obj[objResetToken] == "" {
		t.Fatalf("reset link: %v", err)
	}
	if _, err := st.CreateInvitationsMailed(ctx, org.ID, round.ID, &uid, []store.NewInvitation{{TeamID: team.ID, Email: "remind-" + tag + "@example.com"}},
		func(store.CreatedInvitation) store.NewEmail {
			return store.NewEmail{Subject: "Invitation", Text: "link"}
		}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.QueueReminders(ctx, org.ID, round.ID, time.Now(), func(in store.ReminderInfo) store.NewEmail {
		o.obj[objUnsubToken] = in.UnsubscribeToken
		return store.NewEmail{Subject: "Reminder", Text: "link"}
	}); err != nil || o.obj[objUnsubToken] == "" {
		t.Fatalf("reminder: %v", err)
	}
	emailID, err := st.QueueEmail(ctx, store.NewEmail{OrgID: &org.ID, Purpose: "test", To: "bounce-" + tag + "@example.com", Subject: "Bounced", Text: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RecordEmailAttempt(ctx, emailID, time.Now(), "550 no such user", true); err != nil {
		t.Fatal(err)
	}
	o.obj[objEmail] = i64(emailID)
	o.obj[objOrg] = i64(org.ID)
	o.obj[objPage] = "1"
	o.obj["question"] = o.question
	o.round2, o.invitation2, o.survey2 = i64(round2.ID), i64(invs2[0].ID), invs2[0].Token
	o.team2 = i64(team2.ID)
	o.revokedSurvey = invs[1].Token
	for r, u := range o.users {
		c := e.client()
		c.login(u.Email)
		// Load a page so that the CSRF cookie is fresh for this session.
		c.get("/teams")
		o.browser[r] = c
	}
	return o
}

// nowhere holds ids that exist in no organization.
var secNowhere = map[string]string{
	objTeam: "999999", objAssessment: "999999", objInvitation: "999999", objMember: "999999", objOrgInvite: "999999",
	objAPIToken: "999999", objQuestionnaire: "no-such-questionnaire", objQHash: strings.Repeat("0", 64), objSurvey: "s_nosuchtoken0000000000000000000000",
	objInviteToken: "nosuchinvite000000000000000000000", objOrg: "999999", objPage: "1", "question": "no-such-question",
	objOpenLink: "999999", objOpenToken: "j_nosuchtoken0000000000000000000000", objResetToken: "pr_nosuchtoken000000000000000000000",
	objWebhook:    "999999",
	objUnsubToken: "u_nosuchtoken0000000000000000000000", objEmail: "999999",
}

// checkHeaders asserts the security headers of every response, and that no
// request the tests send ever causes a server error.
func (e *secEnv) checkHeaders(method, path string, r apiResult) {
	e.t.Helper()
	e.probes++
	if r.Status >= 500 {
		e.t.Errorf("%s %s: status %d, body %.300q", method, path, r.Status, r.text())
	}
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
	}
	for h, v := range want {
		if got := r.Header.Get(h); got != v {
			e.t.Errorf("%s %s: %s = %q, want %q", method, path, h, got, v)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		e.t.Errorf("%s %s: Content-Security-Policy %q", method, path, csp)
	}
	rp := r.Header.Get("Referrer-Policy")
	if rp == "" {
		e.t.Errorf("%s %s: no Referrer-Policy", method, path)
	}
	if p := secPathOnly(path); strings.HasPrefix(p, "/s/") || strings.HasPrefix(p, "/api/v1/survey/") {
		if rp != "no-referrer" {
			e.t.Errorf("%s %s: survey link answered with Referrer-Policy %q, want no-referrer", method, path, rp)
		}
	}
	if r.Header.Get("X-Request-Id") == "" {
		e.t.Errorf("%s %s: no X-Request-Id", method, path)
	}
}

func secPathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}

// ---------------------------------------------------------------- requests

var secPlaceholder = regexp.MustCompile(`\{\{(\w+)\}\}`)

// fill substitutes the route parameters and body placeholders with the
// objects of obj.
func (e *secEnv) fill(key string, rt secRoute, obj map[string]string) (method, path, contentType, body string) {
	method, path, _ = strings.Cut(key, " ")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		name, ok := strings.CutPrefix(s, ":")
		if !ok {
			continue
		}
		suffix := ""
		if j := strings.IndexByte(name, '.'); j >= 0 {
			name, suffix = name[:j], name[j:]
		}
		kind, ok := rt.ids[name]
		if !ok {
			e.t.Fatalf("%s: parameter :%s has no object in the matrix", key, name)
		}
		segs[i] = url.PathEscape(obj[kind]) + suffix
	}
	path = strings.Join(segs, "/")
	body = rt.body
	switch {
	case body == "@yaml" && rt.kind == secAPI:
		body, contentType = string(questionnaireYAML(e.t, "sec-upload", nil)), "application/yaml"
	case body == "@yaml":
		body = "yaml=" + url.QueryEscape(string(questionnaireYAML(e.t, "sec-upload", nil)))
	}
	body = secPlaceholder.ReplaceAllStringFunc(body, func(m string) string {
		v, ok := obj[m[2:len(m)-2]]
		if !ok {
			e.t.Fatalf("%s: unknown placeholder %s", key, m)
		}
		return v
	})
	if contentType == "" && method != http.MethodGet {
		if strings.HasPrefix(path, "/api/") {
			contentType = "application/json"
		} else {
			contentType = "application/x-www-form-urlencoded"
		}
	}
	return method, path, contentType, body
}

// ---------------------------------------------------------------- fingerprint

// secFingerprint returns, per table, the row count and a hash of every row,
// leaving out what legitimately changes on any request: the key-value
// table (sessions, CSRF tokens), the last-use time of API tokens, and the
// result snapshots, a cache derived from the submitted answers that result
// pages fill when a round has none yet (loadRound in results.go).
func secFingerprint(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	tables := tableNames(t, db)
	out := map[string]string{}
	for _, tb := range tables {
		if tb == "kv" || tb == "goose_db_version" || tb == "result_snapshots" {
			continue
		}
		rows, err := db.Raw(`SELECT * FROM "` + tb + `"`).Rows()
		if err != nil {
			t.Fatalf("read %s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("scan %s: %v", tb, err)
			}
			var sb strings.Builder
			for i, c := range cols {
				if c == "last_used_at" {
					continue
				}
				v := vals[i]
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				if tm, ok := v.(time.Time); ok {
					v = tm.UTC().Format(time.RFC3339Nano)
				}
				fmt.Fprintf(&sb, "%s=%v;", c, v)
			}
			lines = append(lines, sb.String())
		}
		rows.Close()
		sort.Strings(lines)
		h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[tb] = fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(h[:6]))
	}
	return out
}

func secSameFingerprint(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(after))
	for k := range after {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if before[k] != after[k] {
			t.Errorf("%s changed table %s: %s -> %s", what, k, before[k], after[k])
		}
	}
}

// ---------------------------------------------------------------- tests

// TestSecurityMatrixCoversEveryRoute fails for a route the router answers
// without an entry in secRoutes, and for entries of routes that are gone.
func TestSecurityMatrixCoversEveryRoute(t *testing.T) {
	app, _ := testApp(t, storetest.SQLite(t), secConfig(nil))
	matrix := secRoutes()
	routes := secRouteKeys(app)
	for _, k := range routes {
		rt, ok := matrix[k]
		if !ok {
			t.Errorf("route %q has no entry in the security matrix (secRoutes in security_test.go): add one with its kind, minimum role and the object of each parameter", k)
			continue
		}
		_, path, _ := strings.Cut(k, " ")
		for _, seg := range strings.Split(path, "/") {
			if name, ok := strings.CutPrefix(seg, ":"); ok {
				name, _, _ = strings.Cut(name, ".")
				if _, ok := rt.ids[name]; !ok {
					t.Errorf("route %q: parameter :%s has no object in the matrix", k, name)
				}
			}
		}
		if (rt.kind == secPage || rt.kind == secAPI) && !rt.min.Valid() {
			t.Errorf("route %q: kind %s needs a minimum role", k, rt.kind)
		}
	}
	for k := range matrix {
		if !slices.Contains(routes, k) {
			t.Errorf("the security matrix has an entry for %q, which the router does not answer: remove it", k)
		}
	}
}

// TestSecurityRouteMatrix probes every route of the router: anonymous
// callers are refused (401 or a redirect to the login page), every role of
// organization A gets 404 for organization B's ids (403 below the route's
// role, the same as for ids that exist nowhere), and nothing changes in the
// database.
func TestSecurityRouteMatrix(t *testing.T) {
	secEach(t, nil, func(t *testing.T, e *secEnv) {
		matrix := secRoutes()
		before := secFingerprint(t, e.gormDB())
		anon := e.client()
		anon.get("/login") // a CSRF cookie, so that anonymous form posts reach the route
		probed := 0
		for _, key := range secRouteKeys(e.app) {
			rt, ok := matrix[key]
			if !ok {
				continue // reported by TestSecurityMatrixCoversEveryRoute
			}
			switch rt.kind {
			case secPage, secAPI:
				probed += e.probeProtected(key, rt, anon)
			case secSurvey:
				probed += e.probeSurvey(key, rt)
			case secPublic:
				if len(rt.ids) > 0 {
					m, p, ct, body := e.fill(key, rt, secNowhere)
					if r := anon.send(m, p, ct, body, true); r.Status != http.StatusNotFound {
						t.Errorf("%s with an unknown token = %d, want 404", key, r.Status)
					}
				}
			default:
				t.Errorf("%s: unknown kind %q", key, rt.kind)
			}
		}
		secSameFingerprint(t, "the route matrix", before, secFingerprint(t, e.gormDB()))
		t.Logf("route matrix: %d route × role probes of organization B's ids; %d requests checked for headers and 5xx", probed, e.probes)
	})
}

// probeProtected checks one page or API route and returns the number of
// role × id probes made.
func (e *secEnv) probeProtected(key string, rt secRoute, anon *testClient) int {
	t := e.t
	t.Helper()
	m, p, ct, body := e.fill(key, rt, e.b.obj)
	// Anonymous.
	if rt.kind == secAPI {
		r := e.client().send(m, p, ct, body, false)
		if r.Status != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("anonymous %s = %d (%s), want 401 JSON", key, r.Status, r.Header.Get("Content-Type"))
		}
		r = e.bearerClient("gm_invalidtoken000000000000000000000").send(m, p, ct, body, false)
		if r.Status != http.StatusUnauthorized {
			t.Errorf("%s with an invalid bearer token = %d, want 401", key, r.Status)
		}
	} else {
		r := anon.send(m, p, ct, body, true)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
			t.Errorf("anonymous %s = %d Location %q, want 303 to /login", key, r.Status, r.location())
		}
	}
	n := 0
	for _, role := range models.Roles() {
		c := e.a.browser[role]
		if rt.kind == secAPI {
			c = e.bearerClient(e.a.bearer[role])
		}
		allowed := role.AtLeast(rt.min)
		if len(rt.ids) == 0 && !strings.Contains(rt.body, "{{") {
			if !allowed {
				if r := c.send(m, p, ct, body, true); r.Status != http.StatusForbidden {
					t.Errorf("%s as %s of A = %d, want 403 (needs %s)", key, role, r.Status, rt.min)
				}
				n++
			}
			continue
		}
		want := http.StatusNotFound
		if !allowed {
			want = http.StatusForbidden
		}
		r := c.send(m, p, ct, body, true)
		n++
		switch {
		case len(rt.ids) > 0 && r.Status != want:
			t.Errorf("%s %s as %s of A with B's ids = %d, want %d; body %.200q", m, p, role, r.Status, want, r.text())
		case len(rt.ids) == 0 && r.Status < 400:
			t.Errorf("%s %s as %s of A with B's ids in the body = %d, want a refusal; body %.200q", m, p, role, r.Status, r.text())
		}
		// Ids that exist nowhere answer the same: nothing tells B's ids apart.
		m2, p2, ct2, body2 := e.fill(key, rt, secNowhere)
		if r2 := c.send(m2, p2, ct2, body2, true); r2.Status != r.Status {
			t.Errorf("%s as %s of A: B's ids give %d but unknown ids give %d", key, role, r.Status, r2.Status)
		}
		if rt.kind == secAPI && role == models.RoleOwner {
			// The API also takes the session cookie.
			if r := e.a.browser[role].send(m, p, ct, body, true); len(rt.ids) > 0 && r.Status != want {
				t.Errorf("%s %s with A owner's session cookie and B's ids = %d, want %d", m, p, r.Status, want)
			}
			n++
		}
	}
	// Positive control: the owner of A reaches the route with A's own ids,
	// so the 404s above are about the ids and not a wrong URL.
	if m == http.MethodGet {
		_, pa, _, _ := e.fill(key, rt, e.a.obj)
		c := e.a.browser[models.RoleOwner]
		if rt.kind == secAPI {
			c = e.bearerClient(e.a.bearer[models.RoleOwner])
		}
		r := c.get(pa)
		if r.Status < 200 || r.Status > 299 {
			t.Errorf("GET %s as A's owner = %d, want 2xx (positive control); body %.200q", pa, r.Status, r.text())
		}
		if rt.attachment && !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("GET %s: Content-Disposition %q, want an attachment", pa, r.Header.Get("Content-Disposition"))
		}
	}
	return n
}

// probeSurvey checks a survey route: unknown and revoked tokens are 404 to
// everyone, logged in or not; a valid token works without any account.
func (e *secEnv) probeSurvey(key string, rt secRoute) int {
	t := e.t
	t.Helper()
	n := 0
	revoked := map[string]string{}
	for k, v := range e.a.obj {
		revoked[k] = v
	}
	revoked[objSurvey] = e.a.revokedSurvey
	for _, obj := range []map[string]string{secNowhere, revoked} {
		m, p, ct, body := e.fill(key, rt, obj)
		for _, c := range []*testClient{e.client(), e.a.browser[models.RoleOwner], e.b.browser[models.RoleOwner]} {
			if c.cookie("gapmap_csrf") == "" {
				c.get("/login")
			}
			if r := c.send(m, p, ct, body, true); r.Status != http.StatusNotFound {
				t.Errorf("%s %s with an unknown or revoked token = %d, want 404", m, p, r.Status)
			}
			n++
		}
	}
	if strings.HasPrefix(key, "GET ") {
		_, p, _, _ := e.fill(key, rt, e.a.obj)
		// A valid token is found (a draft has no results yet: 409 is fine).
		if r := e.client().get(p); r.Status == http.StatusNotFound || r.Status >= 500 {
			t.Errorf("GET %s with A's survey token = %d, want it found (positive control)", p, r.Status)
		}
	}
	return n
}

// TestSecurityCrossObject mixes objects: one organization's objects inside
// another's requests, and one round's invitations and questionnaires
// inside another round's. Every request is refused and nothing changes.
func TestSecurityCrossObject(t *testing.T) {
	secEach(t, nil, func(t *testing.T, e *secEnv) {
		a, b := e.a, e.b
		admin := e.bearerClient(a.bearer[models.RoleOwner])
		before := secFingerprint(t, e.gormDB())
		cases := []struct {
			name, method, path, body string
			want                     []int
		}{
			{"B's member into A's team", "PUT", "/api/v1/teams/" + a.obj[objTeam] + "/members", `{"user_ids":[` + b.obj[objMember] + `]}`, []int{404, 422}},
			{"round with B's team", "POST", "/api/v1/assessments", `{"name":"x","questionnaires":["cncf-platform-maturity"],"team_ids":[` + b.obj[objTeam] + `]}`, []int{404, 422}},
			{"round with B's questionnaire", "POST", "/api/v1/assessments", `{"name":"x","questionnaires":["` + b.obj[objQuestionnaire] + `"],"team_ids":[` + a.obj[objTeam] + `]}`, []int{404, 422}},
			{"invitation for B's team", "POST", "/api/v1/assessments/" + a.obj[objAssessment] + "/invitations", `{"team_id":` + b.obj[objTeam] + `}`, []int{403, 404, 422}},
			{"B's invitation under A's round", "DELETE", "/api/v1/assessments/" + a.obj[objAssessment] + "/invitations/" + b.obj[objInvitation], "", []int{404}},
			{"round 2's invitation under round 1", "DELETE", "/api/v1/assessments/" + a.obj[objAssessment] + "/invitations/" + a.invitation2, "", []int{404}},
			{"reopen round 2's response under round 1", "POST", "/api/v1/assessments/" + a.obj[objAssessment] + "/invitations/" + a.invitation2 + "/reopen", "", []int{404}},
			{"export of A's round for B's team", "GET", "/api/v1/assessments/" + a.obj[objAssessment] + "/export.xlsx?team_id=" + b.obj[objTeam], "", []int{404}},
			{"responses of A's round for B's team", "GET", "/api/v1/assessments/" + a.obj[objAssessment] + "/responses.csv?team_id=" + b.obj[objTeam], "", []int{404}},
			{"results of A's round for B's team", "GET", "/api/v1/assessments/" + a.obj[objAssessment] + "/results?team_id=" + b.obj[objTeam], "", []int{404}},
			{"recommendations of A's round for B's team", "GET", "/api/v1/assessments/" + a.obj[objAssessment] + "/recommendations?team_id=" + b.obj[objTeam], "", []int{404}},
			{"team page of B's team in A's round", "GET", "/assessments/" + a.obj[objAssessment] + "/teams/" + b.obj[objTeam], "", []int{404}},
			{"team report of B's team in A's round", "GET", "/assessments/" + a.obj[objAssessment] + "/teams/" + b.obj[objTeam] + "/report", "", []int{404}},
			{"team page of a team outside round 2", "GET", "/assessments/" + a.round2 + "/teams/" + a.team2, "", []int{404}},
			{"round 1's token answers round 2's questionnaire", "PUT", "/api/v1/survey/" + a.obj[objSurvey] + "/answers", `{"questionnaire":"gartner-platform-axes","question":"` + secFirstQuestion(e, "gartner-platform-axes") + `","value":3}`, []int{400, 404, 422}},
			{"round 2's token answers round 1's question", "PUT", "/api/v1/survey/" + a.survey2 + "/answers", `{"questionnaire":"cncf-platform-maturity","question":"` + a.question + `","na":true}`, []int{400, 404, 422}},
			{"A's token answers B's private questionnaire", "PUT", "/api/v1/survey/" + a.obj[objSurvey] + "/answers", `{"questionnaire":"` + b.obj[objQuestionnaire] + `","question":"` + a.question + `","na":true}`, []int{400, 404, 422}},
		}
		for _, tc := range cases {
			c := admin
			if strings.HasPrefix(tc.path, "/api/v1/survey/") {
				c = e.client()
			}
			r := c.send(tc.method, tc.path, "application/json", tc.body, false)
			if !slices.Contains(tc.want, r.Status) {
				t.Errorf("%s: %s %s = %d, want one of %v; body %.200q", tc.name, tc.method, tc.path, r.Status, tc.want, r.text())
			}
		}
		// The links CSV only holds links of the round and organization asked for.
		c := a.browser[models.RoleOwner]
		form := url.Values{"token": {a.obj[objSurvey], a.survey2, b.obj[objSurvey]}}.Encode()
		r := c.send("POST", "/assessments/"+a.obj[objAssessment]+"/invitations.csv", "application/x-www-form-urlencoded", form, true)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("links CSV = %d, Content-Disposition %q", r.Status, r.Header.Get("Content-Disposition"))
		}
		if !strings.Contains(r.text(), a.obj[objSurvey]) {
			t.Errorf("links CSV lacks the round's own link: %.300q", r.text())
		}
		for _, other := range []string{a.survey2, b.obj[objSurvey]} {
			if strings.Contains(r.text(), other) {
				t.Errorf("links CSV of round 1 holds a link of another round or organization")
			}
		}
		// The survey API shows only the link's own round, team and answers.
		var sv struct {
			Assessment     struct{ ID int64 } `json:"assessment"`
			Team           struct{ ID int64 } `json:"team"`
			Questionnaires []struct {
				Key string `json:"key"`
			} `json:"questionnaires"`
		}
		r = e.client().get("/api/v1/survey/" + a.obj[objSurvey])
		if err := json.Unmarshal(r.Body, &sv); err != nil {
			t.Fatalf("survey JSON: %v; %.200q", err, r.text())
		}
		if strconv.FormatInt(sv.Assessment.ID, 10) != a.obj[objAssessment] || strconv.FormatInt(sv.Team.ID, 10) != a.obj[objTeam] ||
			len(sv.Questionnaires) != 1 || sv.Questionnaires[0].Key != "cncf-platform-maturity" {
			t.Errorf("survey of A's round 1 shows %+v", sv)
		}
		secSameFingerprint(t, "cross-object requests", before, secFingerprint(t, e.gormDB()))
	})
}

func secFirstQuestion(e *secEnv, key string) string {
	return e.shippedQ(key).Dimensions[0].Questions[0].Key
}

// TestSecurityCSRF sends every state-changing request of a logged-in
// browser without a CSRF token, and with a wrong one: 403, nothing changes.
// Only the token-in-path survey API (it carries no cookie) and one-click
// unsubscribe links are exempt: mail clients POST those without cookies or
// a form (RFC 8058), the token in the path being the only credential.
func TestSecurityCSRF(t *testing.T) {
	secEach(t, nil, func(t *testing.T, e *secEnv) {
		matrix := secRoutes()
		before := secFingerprint(t, e.gormDB())
		owner := e.a.browser[models.RoleOwner]
		n := 0
		for _, key := range secRouteKeys(e.app) {
			rt, ok := matrix[key]
			if !ok || strings.HasPrefix(key, "GET ") {
				continue
			}
			m, p, ct, body := e.fill(key, rt, e.a.obj)
			if strings.HasPrefix(p, "/api/v1/survey/") || strings.HasPrefix(p, "/unsubscribe/") {
				continue
			}
			if r := owner.send(m, p, ct, body, false); r.Status != http.StatusForbidden {
				t.Errorf("%s %s without a CSRF token = %d, want 403", m, p, r.Status)
			}
			wrong := body
			hdr := ""
			if ct == "application/x-www-form-urlencoded" {
				if wrong != "" {
					wrong += "&"
				}
				wrong += "_csrf=forged-token"
			} else {
				hdr = "forged-token"
			}
			if r := owner.doHeaders(m, p, ct, wrong, map[string]string{"X-Csrf-Token": hdr}); r.Status != http.StatusForbidden {
				t.Errorf("%s %s with a forged CSRF token = %d, want 403", m, p, r.Status)
			}
			n++
		}
		// The same token sent with another browser's cookies is refused.
		other := e.a.browser[models.RoleAdmin]
		form := "name=Forged&_csrf=" + url.QueryEscape(owner.cookie("gapmap_csrf"))
		if r := other.doHeaders("POST", "/teams", "application/x-www-form-urlencoded", form, nil); r.Status != http.StatusForbidden {
			t.Errorf("POST /teams with another session's CSRF token = %d, want 403", r.Status)
		}
		secSameFingerprint(t, "requests without a CSRF token", before, secFingerprint(t, e.gormDB()))
		t.Logf("CSRF: %d state-changing routes refused without a token and with a forged one", n)
	})
}

// TestSecurityGetChangesNothing requests every GET route as every role of
// A, anonymously, with B's ids and through survey links, and compares every
// table (but sessions) before and after.
func TestSecurityGetChangesNothing(t *testing.T) {
	secEach(t, nil, func(t *testing.T, e *secEnv) {
		matrix := secRoutes()
		// A survey with answers, so that its pages have something to show.
		put := e.client().send("PUT", "/api/v1/survey/"+e.a.obj[objSurvey]+"/answers", "application/json",
			`{"questionnaire":"cncf-platform-maturity","question":"`+e.a.question+`","na":true,"comment":"seen"}`, false)
		if put.Status != http.StatusOK {
			t.Fatalf("save an answer = %d %.200q", put.Status, put.text())
		}
		before := secFingerprint(t, e.gormDB())
		n := 0
		for _, key := range secRouteKeys(e.app) {
			rt, ok := matrix[key]
			if !ok || !strings.HasPrefix(key, "GET ") {
				continue
			}
			if key == "GET /j/:token" {
				continue // opening an open link starts a response, by design (openlinks_test.go)
			}
			for _, obj := range []map[string]string{e.a.obj, e.b.obj, secNowhere} {
				_, p, _, _ := e.fill(key, rt, obj)
				clients := []*testClient{e.client()}
				for _, role := range models.Roles() {
					clients = append(clients, e.a.browser[role], e.bearerClient(e.a.bearer[role]))
				}
				for _, c := range clients {
					c.get(p)
					n++
				}
			}
		}
		secSameFingerprint(t, "GET requests", before, secFingerprint(t, e.gormDB()))
		t.Logf("GET safety: %d GET requests, database unchanged", n)
	})
}
