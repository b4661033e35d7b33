package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"gapmap/app/config"
	"gapmap/app/mail/mailtest"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

var registerDecoders sync.Once

// loadOpenAPI fetches the document from the server, loads it with
// kin-openapi and validates it.
func loadOpenAPI(t *testing.T, ts *testServer) *openapi3.T {
	t.Helper()
	r := ts.want(ts.call("GET", "/api/v1/openapi.json", "", nil), http.StatusOK, "GET /api/v1/openapi.json")
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("openapi.json Content-Type %q", ct)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("validate the OpenAPI document: %v", err)
	}
	return doc
}

// TestOpenAPIDocumentValid loads the served document with kin-openapi's
// loader and validates it (also run by .ci/run as its own step).
func TestOpenAPIDocumentValid(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	doc := loadOpenAPI(t, ts)
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	for _, name := range []string{"bearerToken", "sessionCookie", "csrfHeader"} {
		if doc.Components.SecuritySchemes[name] == nil {
			t.Errorf("security scheme %q missing", name)
		}
	}
	if doc.Components.Schemas["Error"] == nil {
		t.Error("schema Error missing")
	}
}

var fiberParam = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// TestOpenAPICoversRoutes compares the /api/v1 routes of the router with
// the operations of the document, both ways.
func TestOpenAPICoversRoutes(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	doc := loadOpenAPI(t, ts)

	routed := map[string]bool{}
	for _, r := range ts.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead {
			continue
		}
		routed[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	if len(routed) < 30 {
		t.Fatalf("only %d /api/v1 routes found in the router: %v", len(routed), routed)
	}
	var missing, extra []string
	for k := range routed {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !routed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.json: %q", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json documents routes the router does not have: %q", extra)
	}
}

// oaCase is one request of TestOpenAPIRequestsAndResponses.
type oaCase struct {
	name        string
	method      string
	path        func() string
	token       func() string
	contentType string
	body        func() []byte
	session     func(*http.Request) // adds a browser session's cookies (and CSRF header)
	status      int
	// invalid: the request itself breaks the document (missing credentials,
	// a body the schema rejects), so request validation must fail.
	invalid bool
}

func TestOpenAPIRequestsAndResponses(t *testing.T) {
	registerDecoders.Do(func() {
		openapi3filter.RegisterBodyDecoder(xlsxType, openapi3filter.FileBodyDecoder)
	})
	// Every operation has error cases, many with a bearer token: more than
	// the default limit of failed token requests per minute.
	// Email is on, so that the operations that need it can succeed.
	relay := mailtest.Start(t, 0)
	moreFailures := func(c *config.Config) {
		c.Limits.TokenFailures = 100
		mailOn(relay)(c)
	}
	eachServer(t, moreFailures, func(t *testing.T, ts *testServer) {
		doc := loadOpenAPI(t, ts)
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			t.Fatalf("router: %v", err)
		}
		f := newOAFixture(t, ts)
		success, failure := map[string]bool{}, map[string]bool{}
		for _, tc := range f.cases() {
			t.Run(tc.name, func(t *testing.T) {
				op := oaRun(t, ts, router, tc)
				if tc.status < 300 {
					success[op] = true
				} else {
					failure[op] = true
				}
			})
		}
		// Every operation is called at least once successfully and once
		// with an error (the document itself cannot fail).
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				op := method + " " + path
				if !success[op] {
					t.Errorf("no successful case of %s", op)
				}
				if !failure[op] && op != "GET /api/v1/openapi.json" {
					t.Errorf("no error case of %s", op)
				}
			}
		}
	})
}

// oaRun validates the request of tc against the document, sends it,
// checks the status and validates the response; it returns the operation
// ("METHOD /path/{param}") that the document matched.
func oaRun(t *testing.T, ts *testServer, router routers.Router, tc oaCase) string {
	t.Helper()
	var body []byte
	if tc.body != nil {
		body = tc.body()
	}
	path := tc.path()
	newReq := func() *http.Request {
		req := httptest.NewRequest(tc.method, "http://gapmap.test"+path, bytes.NewReader(body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		if tc.token != nil {
			req.Header.Set("Authorization", "Bearer "+tc.token())
		}
		if tc.session != nil {
			tc.session(req)
		}
		return req
	}
	ctx := context.Background()
	req := newReq()
	route, pathParams, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("step find %s %s in the document: %v", tc.method, path, err)
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, AuthenticationFunc: oaAuthenticate}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	switch {
	case tc.invalid && reqErr == nil:
		t.Fatalf("step validate request: %s %s is accepted by the document, want it rejected", tc.method, path)
	case !tc.invalid && reqErr != nil:
		t.Fatalf("step validate request %s %s: %v", tc.method, path, reqErr)
	}

	res := ts.send(newReq())
	if res.Status != tc.status {
		t.Fatalf("step send: %s %s: got %s, want status %d", tc.method, path, res, tc.status)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.Status, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(res.Body)), Options: opts,
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Fatalf("step validate response of %s %s (%d %.300s): %v", tc.method, path, res.Status, res.Body, err)
	}
	return tc.method + " " + route.Path
}

// oaAuthenticate accepts a request when it carries the credential of the
// scheme; the server decides whether the credential is good.
func oaAuthenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch in.SecuritySchemeName {
	case "bearerToken":
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return nil
		}
	case "sessionCookie":
		if _, err := r.Cookie(in.SecurityScheme.Name); err == nil {
			return nil
		}
	case "csrfHeader":
		if r.Header.Get(in.SecurityScheme.Name) != "" {
			return nil
		}
	}
	return fmt.Errorf("no %s credential", in.SecuritySchemeName)
}

// oaFixture is an organization with a round, invitations, answers, a
// submitted response, results and a member, for calling every route.
type oaFixture struct {
	t         *testing.T
	ts        *testServer
	o         testOrg
	memberID  int64
	member    string // a member's API token
	round     testRound
	workbook  []byte
	newTeamID int64
	browser   *testClient // signed in as the owner
	question  string
	openLink  string // the token of an open link for one response
	webhook   string // the path of a webhook
}

func newOAFixture(t *testing.T, ts *testServer) *oaFixture {
	t.Helper()
	o := ts.newOrg("OpenAPI Org", "Alpha", "Beta")
	u, member := ts.addPerson(o, "member@openapi.example", models.RoleMember, o.Teams[0].ID)
	round := ts.newRound(o)
	ts.seedLevels(o, round.ID, map[int64]int{o.Teams[0].ID: 2, o.Teams[1].ID: 3}, map[int64]int{o.Teams[0].ID: 3, o.Teams[1].ID: 4})
	f := &oaFixture{t: t, ts: ts, o: o, memberID: u.ID, member: member, round: round}
	answers := ts.allAnswers(round.Tokens[1])
	f.question = answers[0]["question"].(string)
	for _, a := range answers[1:] {
		ts.want(ts.putAnswer(round.Tokens[1], a), http.StatusOK, "answer")
	}
	f.browser = ts.client()
	f.browser.login(o.Owner.Email)
	f.workbook = ts.want(ts.call("GET", f.roundPath("/export.xlsx"), o.Token, nil), http.StatusOK, "export").Body
	link := ts.want(ts.call("POST", f.roundPath("/open-links"), o.Token, map[string]any{"team_id": o.Teams[0].ID, "max_responses": 1}), http.StatusCreated, "open link")
	f.openLink = link.field(t, "token").(string)
	hook := ts.want(ts.call("POST", "/api/v1/webhooks", o.Token, map[string]any{"url": "https://203.0.113.7/hook", "events": []string{"round.closed"}, "secret": "a secret of the fixture"}), http.StatusCreated, "webhook")
	f.webhook = fmt.Sprintf("/api/v1/webhooks/%.0f", hook.field(t, "id").(float64))
	return f
}

// withSession adds the owner's browser session cookies and, when csrf is
// set, the X-Csrf-Token header.
func (f *oaFixture) withSession(csrf bool) func(*http.Request) {
	return func(req *http.Request) {
		for _, ck := range f.browser.jar.Cookies(f.ts.origin) {
			req.AddCookie(ck)
		}
		if csrf {
			req.Header.Set("X-Csrf-Token", f.browser.cookie("gapmap_csrf"))
		}
	}
}

func (f *oaFixture) roundPath(suffix string) string {
	return fmt.Sprintf("/api/v1/assessments/%d%s", f.round.ID, suffix)
}

func fixed(s string) func() string { return func() string { return s } }
func raw(s string) func() []byte   { return func() []byte { return []byte(s) } }

func (f *oaFixture) cases() []oaCase {
	owner := fixed(f.o.Token)
	member := fixed(f.member)
	team0 := f.o.Teams[0].ID
	rp := func(suffix string) func() string { return fixed(f.roundPath(suffix)) }
	tok0, tok1 := f.round.Tokens[0], f.round.Tokens[1]
	const js = "application/json"
	answerFirst := func() []byte {
		return []byte(fmt.Sprintf(`{"questionnaire":"cncf-platform-maturity","question":%q,"na":true,"comment":"n/a here"}`, f.question))
	}
	newRound := fmt.Sprintf(`{"name":"OpenAPI round 2","questionnaires":["cncf-platform-maturity"],"team_ids":[%d],"default_target":3,"due":"2031-06-30","capacity":4}`, team0)
	return []oaCase{
		{name: "openapi", method: "GET", path: fixed("/api/v1/openapi.json"), status: 200},

		{name: "me", method: "GET", path: fixed("/api/v1/me"), token: owner, status: 200},
		{name: "me without credentials", method: "GET", path: fixed("/api/v1/me"), status: 401, invalid: true},

		{name: "teams", method: "GET", path: fixed("/api/v1/teams"), token: owner, status: 200},
		{name: "teams bad token", method: "GET", path: fixed("/api/v1/teams"), token: fixed("gm_not_a_token"), status: 401},
		{name: "create team", method: "POST", path: fixed("/api/v1/teams"), token: owner, contentType: js, body: raw(`{"name":"Gamma"}`), status: 201},
		{name: "create team as member", method: "POST", path: fixed("/api/v1/teams"), token: member, contentType: js, body: raw(`{"name":"Delta"}`), status: 403},
		{name: "me with a session", method: "GET", path: fixed("/api/v1/me"), session: f.withSession(false), status: 200},
		{name: "create team with a session", method: "POST", path: fixed("/api/v1/teams"), session: f.withSession(true), contentType: js, body: raw(`{"name":"Epsilon"}`), status: 201},
		{name: "create team with a session without CSRF token", method: "POST", path: fixed("/api/v1/teams"), session: f.withSession(false), contentType: js, body: raw(`{"name":"Zeta"}`), status: 403, invalid: true},
		{name: "create team unknown field", method: "POST", path: fixed("/api/v1/teams"), token: owner, contentType: js, body: raw(`{"name":"Delta","colour":"red"}`), status: 400, invalid: true},
		{name: "team", method: "GET", path: f.teamPath(""), token: owner, status: 200},
		{name: "team unknown", method: "GET", path: fixed("/api/v1/teams/999999"), token: owner, status: 404},
		{name: "rename team", method: "PATCH", path: f.teamPath(""), token: owner, contentType: js, body: raw(`{"name":"Gamma 2"}`), status: 200},
		{name: "rename team to a taken name", method: "PATCH", path: f.teamPath(""), token: owner, contentType: js, body: raw(`{"name":"Alpha"}`), status: 422},
		{name: "set team members", method: "PUT", path: f.teamPath("/members"), token: owner, contentType: js, body: func() []byte { return []byte(fmt.Sprintf(`{"user_ids":[%d]}`, f.memberID)) }, status: 204},
		{name: "set team members unknown user", method: "PUT", path: f.teamPath("/members"), token: owner, contentType: js, body: raw(`{"user_ids":[999999]}`), status: 422},
		{name: "delete team", method: "DELETE", path: f.teamPath(""), token: owner, status: 204},
		{name: "delete team again", method: "DELETE", path: f.teamPath(""), token: owner, status: 404},
		{name: "members", method: "GET", path: fixed("/api/v1/members"), token: owner, status: 200},
		{name: "members as member", method: "GET", path: fixed("/api/v1/members"), token: member, status: 403},
		{name: "audit", method: "GET", path: fixed("/api/v1/audit?limit=5"), token: owner, status: 200},
		{name: "audit bad limit", method: "GET", path: fixed("/api/v1/audit?limit=0"), token: owner, status: 422, invalid: true},
		{name: "webhooks", method: "GET", path: fixed("/api/v1/webhooks"), token: owner, status: 200},
		{name: "webhooks as member", method: "GET", path: fixed("/api/v1/webhooks"), token: member, status: 403},
		{name: "create webhook", method: "POST", path: fixed("/api/v1/webhooks"), token: owner, contentType: js, body: raw(`{"url":"https://198.51.100.7/in","events":["response.submitted","results.updated"],"secret":"another secret, long enough"}`), status: 201},
		{name: "create webhook on loopback", method: "POST", path: fixed("/api/v1/webhooks"), token: owner, contentType: js, body: raw(`{"url":"http://127.0.0.1:9/in","events":["round.closed"],"secret":"another secret, long enough"}`), status: 422},
		{name: "create webhook short secret", method: "POST", path: fixed("/api/v1/webhooks"), token: owner, contentType: js, body: raw(`{"url":"https://198.51.100.7/in","events":["round.closed"],"secret":"short"}`), status: 422, invalid: true},
		{name: "webhook deliveries", method: "GET", path: fixed(f.webhook + "/deliveries"), token: owner, status: 200},
		{name: "webhook deliveries unknown", method: "GET", path: fixed("/api/v1/webhooks/999999/deliveries"), token: owner, status: 404},
		{name: "delete webhook", method: "DELETE", path: fixed(f.webhook), token: owner, status: 204},
		{name: "delete webhook again", method: "DELETE", path: fixed(f.webhook), token: owner, status: 404},
		{name: "sso not configured", method: "GET", path: fixed("/api/v1/sso"), token: owner, status: 404},
		{name: "configure sso", method: "PUT", path: fixed("/api/v1/sso"), token: owner, contentType: js, body: raw(`{"slug":"openapi","issuer":"https://login.openapi.example","client_id":"gapmap","client_secret":"s3cret","domains":["openapi.example"],"role_claim":"groups","admin_values":["admins"],"leader_values":[],"password_login_off":false}`), status: 200},
		{name: "configure sso with a plain http issuer", method: "PUT", path: fixed("/api/v1/sso"), token: owner, contentType: js, body: raw(`{"slug":"openapi","issuer":"http://login.openapi.example","client_id":"gapmap","domains":["openapi.example"]}`), status: 422},
		{name: "sso", method: "GET", path: fixed("/api/v1/sso"), token: owner, status: 200},
		{name: "sso as member", method: "GET", path: fixed("/api/v1/sso"), token: member, status: 403},
		{name: "remove sso as member", method: "DELETE", path: fixed("/api/v1/sso"), token: member, status: 403},
		{name: "remove sso", method: "DELETE", path: fixed("/api/v1/sso"), token: owner, status: 204},
		{name: "remove sso again", method: "DELETE", path: fixed("/api/v1/sso"), token: owner, status: 404},

		{name: "questionnaires", method: "GET", path: fixed("/api/v1/questionnaires"), token: owner, status: 200},
		{name: "questionnaires without credentials", method: "GET", path: fixed("/api/v1/questionnaires"), status: 401, invalid: true},
		{name: "upload questionnaire", method: "POST", path: fixed("/api/v1/questionnaires"), token: owner, contentType: "application/yaml", body: func() []byte { return questionnaireYAML(f.t, "openapi-own", nil) }, status: 201},
		{name: "upload invalid questionnaire", method: "POST", path: fixed("/api/v1/questionnaires"), token: owner, contentType: "application/yaml", body: raw("key: Not A Key\ntitle: x\n"), status: 422},
		{name: "questionnaire", method: "GET", path: fixed("/api/v1/questionnaires/openapi-own"), token: owner, status: 200},
		{name: "questionnaire unknown", method: "GET", path: fixed("/api/v1/questionnaires/no-such-questionnaire"), token: owner, status: 404},
		{name: "questionnaire version", method: "GET", path: fixed("/api/v1/questionnaires/cncf-platform-maturity/versions/" + f.ts.shippedQ("cncf-platform-maturity").Hash), status: 200},
		{name: "questionnaire version unknown", method: "GET", path: fixed("/api/v1/questionnaires/cncf-platform-maturity/versions/" + strings.Repeat("0", 64)), status: 404},

		{name: "tokens", method: "GET", path: fixed("/api/v1/tokens"), token: owner, status: 200},
		{name: "tokens without credentials", method: "GET", path: fixed("/api/v1/tokens"), status: 401, invalid: true},
		{name: "create token", method: "POST", path: fixed("/api/v1/tokens"), token: owner, contentType: js, body: raw(`{"name":"ci"}`), status: 201},
		{name: "create token without name", method: "POST", path: fixed("/api/v1/tokens"), token: owner, contentType: js, body: raw(`{"name":""}`), status: 422, invalid: true},
		{name: "revoke token", method: "DELETE", path: f.tokenPath(), token: owner, status: 204},
		{name: "revoke unknown token", method: "DELETE", path: fixed("/api/v1/tokens/999999"), token: owner, status: 404},

		{name: "assessments", method: "GET", path: fixed("/api/v1/assessments"), token: owner, status: 200},
		{name: "assessments without credentials", method: "GET", path: fixed("/api/v1/assessments"), status: 401, invalid: true},
		{name: "create assessment", method: "POST", path: fixed("/api/v1/assessments"), token: owner, contentType: js, body: raw(newRound), status: 201},
		{name: "create assessment unknown questionnaire", method: "POST", path: fixed("/api/v1/assessments"), token: owner, contentType: js, body: func() []byte {
			return []byte(fmt.Sprintf(`{"name":"x","questionnaires":["no-such"],"team_ids":[%d]}`, team0))
		}, status: 422},
		{name: "create assessment as member", method: "POST", path: fixed("/api/v1/assessments"), token: member, contentType: js, body: raw(newRound), status: 403},
		{name: "assessment", method: "GET", path: rp(""), token: owner, status: 200},
		{name: "assessment unknown", method: "GET", path: fixed("/api/v1/assessments/999999"), token: owner, status: 404},
		{name: "edit assessment", method: "PATCH", path: rp(""), token: owner, contentType: js, body: raw(`{"default_target":4,"capacity":5}`), status: 200},
		{name: "edit assessment unknown team", method: "PATCH", path: rp(""), token: owner, contentType: js, body: raw(`{"team_ids":[999999]}`), status: 422},
		{name: "duplicate assessment", method: "POST", path: rp("/duplicate"), token: owner, status: 201},
		{name: "duplicate assessment as member", method: "POST", path: rp("/duplicate"), token: member, status: 403},
		{name: "compare assessments", method: "GET", path: rp("/compare"), token: owner, status: 200},
		{name: "compare with an unknown round", method: "GET", path: rp("/compare?with=999999"), token: owner, status: 404},
		{name: "delete assessment with a wrong name", method: "DELETE", path: f.roundNamed("OpenAPI round 2"), token: owner, contentType: js, body: raw(`{"confirm":"not its name"}`), status: 422},
		{name: "delete assessment", method: "DELETE", path: f.roundNamed("OpenAPI round 2"), token: owner, contentType: js, body: raw(`{"confirm":"OpenAPI round 2"}`), status: 204},
		{name: "invitations", method: "GET", path: rp("/invitations"), token: owner, status: 200},
		{name: "invitations unknown round", method: "GET", path: fixed("/api/v1/assessments/999999/invitations"), token: owner, status: 404},
		{name: "create invitation", method: "POST", path: rp("/invitations"), token: owner, contentType: js, body: func() []byte { return []byte(fmt.Sprintf(`{"team_id":%d,"label":"extra"}`, team0)) }, status: 201},
		{name: "create invitation without team", method: "POST", path: rp("/invitations"), token: owner, contentType: js, body: raw(`{"label":"extra"}`), status: 422, invalid: true},
		{name: "revoke invitation", method: "DELETE", path: f.invitationPath(""), token: owner, status: 204},
		{name: "revoke unknown invitation", method: "DELETE", path: rp("/invitations/999999"), token: owner, status: 404},
		{name: "open links", method: "GET", path: rp("/open-links"), token: owner, status: 200},
		{name: "open links unknown round", method: "GET", path: fixed("/api/v1/assessments/999999/open-links"), token: owner, status: 404},
		{name: "create open link", method: "POST", path: rp("/open-links"), token: owner, contentType: js, body: func() []byte { return []byte(fmt.Sprintf(`{"team_id":%d,"max_responses":50}`, team0)) }, status: 201},
		{name: "create open link without team", method: "POST", path: rp("/open-links"), token: owner, contentType: js, body: raw(`{"max_responses":5}`), status: 422, invalid: true},
		{name: "join", method: "POST", path: func() string { return "/api/v1/join/" + f.openLink }, status: 201},
		{name: "join past max_responses", method: "POST", path: func() string { return "/api/v1/join/" + f.openLink }, status: 410},
		{name: "join unknown link", method: "POST", path: fixed("/api/v1/join/j_not-a-real-token"), status: 404},
		{name: "revoke open link", method: "DELETE", path: f.openLinkPath(), token: owner, status: 204},
		{name: "revoke unknown open link", method: "DELETE", path: rp("/open-links/999999"), token: owner, status: 404},
		{name: "create anonymous assessment", method: "POST", path: fixed("/api/v1/assessments"), token: owner, contentType: js, body: func() []byte {
			return []byte(fmt.Sprintf(`{"name":"OpenAPI anonymous","questionnaires":["cncf-platform-maturity"],"team_ids":[%d],"anonymity":{"mode":"anonymous","min_group":5}}`, team0))
		}, status: 201},
		{name: "create anonymous assessment with a tiny group", method: "POST", path: fixed("/api/v1/assessments"), token: owner, contentType: js, body: func() []byte {
			return []byte(fmt.Sprintf(`{"name":"OpenAPI anonymous 2","questionnaires":["cncf-platform-maturity"],"team_ids":[%d],"anonymity":{"mode":"anonymous","min_group":2}}`, team0))
		}, status: 422, invalid: true},

		{name: "survey", method: "GET", path: fixed("/api/v1/survey/" + tok1), status: 200},
		{name: "survey unknown token", method: "GET", path: fixed("/api/v1/survey/not-a-real-token-0000000000000000"), status: 404},
		{name: "save answer", method: "PUT", path: fixed("/api/v1/survey/" + tok1 + "/answers"), contentType: js, body: answerFirst, status: 200},
		{name: "save answer unknown question", method: "PUT", path: fixed("/api/v1/survey/" + tok1 + "/answers"), contentType: js, body: raw(`{"questionnaire":"cncf-platform-maturity","question":"no-such-question","na":true}`), status: 422},
		{name: "submit incomplete", method: "POST", path: fixed("/api/v1/survey/" + tok0 + "/submit"), status: 422},
		{name: "submit", method: "POST", path: fixed("/api/v1/survey/" + tok1 + "/submit"), status: 200},
		{name: "survey results", method: "GET", path: fixed("/api/v1/survey/" + tok1 + "/results"), status: 200},
		{name: "survey results before submitting", method: "GET", path: fixed("/api/v1/survey/" + tok0 + "/results"), status: 409},
		{name: "reopen response", method: "POST", path: f.invitationIDPath(1, "/reopen"), token: owner, status: 200},
		{name: "reopen response as member", method: "POST", path: f.invitationIDPath(1, "/reopen"), token: member, status: 403},
		{name: "regenerate link", method: "POST", path: f.invitationIDPath(1, "/regenerate"), token: owner, status: 201},
		{name: "regenerate link without credentials", method: "POST", path: f.invitationIDPath(1, "/regenerate"), status: 401, invalid: true},
		{name: "send reminders", method: "POST", path: rp("/reminders"), token: owner, status: 202},
		{name: "send reminders as member", method: "POST", path: rp("/reminders"), token: member, status: 403},

		{name: "results", method: "GET", path: rp("/results"), token: owner, status: 200},
		{name: "results of a team", method: "GET", path: func() string { return f.roundPath(fmt.Sprintf("/results?team_id=%d", team0)) }, token: owner, status: 200},
		{name: "results bad team_id", method: "GET", path: rp("/results?team_id=abc"), token: owner, status: 422, invalid: true},
		{name: "recommendations", method: "GET", path: rp("/recommendations"), token: owner, status: 200},
		{name: "recommendations unknown round", method: "GET", path: fixed("/api/v1/assessments/999999/recommendations"), token: owner, status: 404},
		{name: "export", method: "GET", path: rp("/export.xlsx"), token: owner, status: 200},
		{name: "export as member", method: "GET", path: rp("/export.xlsx"), token: member, status: 403},
		{name: "responses csv", method: "GET", path: rp("/responses.csv"), token: owner, status: 200},
		{name: "responses csv unknown round", method: "GET", path: fixed("/api/v1/assessments/999999/responses.csv"), token: owner, status: 404},
		{name: "import roadmap", method: "POST", path: rp("/roadmap.xlsx"), token: owner, contentType: xlsxType, body: func() []byte { return f.workbook }, status: 200},
		{name: "import roadmap not a workbook", method: "POST", path: rp("/roadmap.xlsx"), token: owner, contentType: xlsxType, body: raw("PK not really a workbook"), status: 422},

		{name: "close assessment", method: "POST", path: rp("/close"), token: owner, status: 200},
		{name: "close assessment as member", method: "POST", path: rp("/close"), token: member, status: 403},
		{name: "save answer in a closed round", method: "PUT", path: fixed("/api/v1/survey/" + tok0 + "/answers"), contentType: js, body: answerFirst, status: 409},
		{name: "reopen assessment", method: "POST", path: rp("/reopen"), token: owner, status: 200},
		{name: "reopen unknown assessment", method: "POST", path: fixed("/api/v1/assessments/999999/reopen"), token: owner, status: 404},

		{name: "create events token", method: "POST", path: fixed("/api/v1/tokens"), token: owner, contentType: js, body: raw(`{"name":"ci events","scopes":["events:write"]}`), status: 201},
		{name: "create token with an unknown scope", method: "POST", path: fixed("/api/v1/tokens"), token: owner, contentType: js, body: raw(`{"name":"ci x","scopes":["admin"]}`), status: 422},
		{name: "send deployments", method: "POST", path: f.eventsPath("deployments"), token: owner, contentType: js,
			body: raw(`{"deployments":[{"id":"oa-1","finished_at":"2026-03-02T12:00:00+01:00","status":"success","commits":[{"sha":"abc","committed_at":"2026-03-02T10:00:00Z"}]},{"id":"oa-2","finished_at":"2026-03-03T12:00:00Z","status":"failure","environment":"production","lead_time_seconds":3600}]}`), status: 200},
		{name: "send one deployment as csv", method: "POST", path: f.eventsPath("deployments"), token: owner, contentType: "text/csv",
			body: raw("id,finished_at,status,commits\noa-3,2026-03-04T12:00:00Z,success,abc@2026-03-04T11:00:00Z\n"), status: 200},
		{name: "send a deployment with a bad status", method: "POST", path: f.eventsPath("deployments"), token: owner, contentType: js,
			body: raw(`{"id":"oa-4","finished_at":"2026-03-04T12:00:00Z","status":"maybe"}`), status: 422, invalid: true},
		{name: "send deployments to an unknown team", method: "POST", path: fixed("/api/v1/teams/999999/deployments"), token: owner, contentType: js,
			body: raw(`{"id":"oa-5","finished_at":"2026-03-04T12:00:00Z","status":"success"}`), status: 404},
		{name: "send incidents", method: "POST", path: f.eventsPath("incidents"), token: owner, contentType: js,
			body: raw(`{"id":"oa-i1","started_at":"2026-03-03T13:00:00Z","resolved_at":"2026-03-03T14:00:00Z","deployment_id":"oa-2"}`), status: 200},
		{name: "send an incident resolved before it started", method: "POST", path: f.eventsPath("incidents"), token: owner, contentType: js,
			body: raw(`{"incidents":[{"id":"oa-i2","started_at":"2026-03-03T13:00:00Z","resolved_at":"2026-03-03T12:00:00Z"}]}`), status: 422},
		{name: "team dora", method: "GET", path: f.eventsPath("dora?from=2026-03-01&to=2026-03-28"), token: owner, status: 200},
		{name: "team dora bad date", method: "GET", path: f.eventsPath("dora?from=yesterday"), token: owner, status: 422},
		{name: "organization dora", method: "GET", path: fixed("/api/v1/dora"), token: owner, status: 200},
		{name: "organization dora as member", method: "GET", path: fixed("/api/v1/dora"), token: member, status: 403},
	}
}

// eventsPath is a path under the fixture's first team.
func (f *oaFixture) eventsPath(suffix string) func() string {
	return fixed(fmt.Sprintf("/api/v1/teams/%d/%s", f.o.Teams[0].ID, suffix))
}

// openLinkPath is the path of the round's first open link.
func (f *oaFixture) openLinkPath() func() string {
	return func() string {
		links, err := f.ts.st.OpenLinks(context.Background(), f.o.ID, f.round.ID, nil)
		if err != nil || len(links) == 0 {
			f.t.Fatalf("open links: %v, %v", links, err)
		}
		return f.roundPath(fmt.Sprintf("/open-links/%d", links[0].ID))
	}
}

// teamPath is the path of the team the "create team" case made.
func (f *oaFixture) teamPath(suffix string) func() string {
	return func() string {
		if f.newTeamID == 0 {
			teams, err := f.ts.st.Teams(context.Background(), f.o.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			for _, tm := range teams {
				if strings.HasPrefix(tm.Name, "Gamma") {
					f.newTeamID = tm.ID
				}
			}
		}
		return fmt.Sprintf("/api/v1/teams/%d%s", f.newTeamID, suffix)
	}
}

func (f *oaFixture) tokenPath() func() string {
	return func() string {
		var list []struct {
			ID   int64
			Name string
		}
		f.ts.want(f.ts.call("GET", "/api/v1/tokens", f.o.Token, nil), http.StatusOK, "tokens").decode(f.t, &list)
		i := slices.IndexFunc(list, func(x struct {
			ID   int64
			Name string
		}) bool {
			return x.Name == "ci"
		})
		if i < 0 {
			f.t.Fatal("token ci not found")
		}
		return fmt.Sprintf("/api/v1/tokens/%d", list[i].ID)
	}
}

func (f *oaFixture) invitationPath(suffix string) func() string {
	return func() string {
		var list []struct {
			ID    int64
			Label string
		}
		f.ts.want(f.ts.call("GET", f.roundPath("/invitations"), f.o.Token, nil), http.StatusOK, "invitations").decode(f.t, &list)
		for _, inv := range list {
			if inv.Label == "extra" {
				return f.roundPath(fmt.Sprintf("/invitations/%d%s", inv.ID, suffix))
			}
		}
		f.t.Fatal("invitation extra not found")
		return ""
	}
}

// roundNamed returns the API path of the organization's round called name.
func (f *oaFixture) roundNamed(name string) func() string {
	return func() string {
		var list []struct {
			ID   int64
			Name string
		}
		f.ts.want(f.ts.call("GET", "/api/v1/assessments", f.o.Token, nil), http.StatusOK, "assessments").decode(f.t, &list)
		for _, a := range list {
			if a.Name == name {
				return fmt.Sprintf("/api/v1/assessments/%d", a.ID)
			}
		}
		f.t.Fatalf("round %q not found", name)
		return ""
	}
}

func (f *oaFixture) invitationIDPath(i int, suffix string) func() string {
	return func() string { return f.roundPath(fmt.Sprintf("/invitations/%d%s", f.round.InvIDs[i], suffix)) }
}
