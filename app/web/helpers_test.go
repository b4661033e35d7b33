package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/app/web"
	"gapmap/models"
	"gapmap/questionnaires"
)

// Shared helpers for the HTTP tests of this package: a server on a real
// migrated store, organizations with tokens, rounds with invitation links,
// an API caller and a browser-like client with cookies and CSRF tokens.

// testPassword is the password of every user the helpers create.
const testPassword = "correct horse battery"

// testServer is the web application on a real store.
type testServer struct {
	t       *testing.T
	st      *store.Store
	app     *fiber.App
	shipped []*questionnaires.Questionnaire
}

// newTestServer builds the web application on st with the default
// configuration, changed by mutate when it is not nil.
func newTestServer(t *testing.T, st *store.Store, mutate func(*config.Config)) *testServer {
	t.Helper()
	app, shipped := testApp(t, st, mutate)
	return &testServer{t: t, st: st, app: app, shipped: shipped}
}

// testApp builds the application as gapmap serve does, with the default
// configuration changed by mutate, and returns it with the shipped
// questionnaires.
func testApp(tb testing.TB, st *store.Store, mutate func(*config.Config)) (*fiber.App, []*questionnaires.Questionnaire) {
	tb.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg := config.Flags(fs, func(string) string { return "" })
	if err := fs.Parse(nil); err != nil {
		tb.Fatal(err)
	}
	cfg.BaseURL = "http://gapmap.test"
	if mutate != nil {
		mutate(cfg)
	}
	if err := cfg.Finish(); err != nil {
		tb.Fatalf("config: %v", err)
	}
	shipped, err := questionnaires.Shipped()
	if err != nil {
		tb.Fatalf("shipped questionnaires: %v", err)
	}
	srv, err := web.New(web.Deps{Store: st, Config: *cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Questionnaires: shipped})
	if err != nil {
		tb.Fatalf("web.New: %v", err)
	}
	return srv.App(), shipped
}

// eachServer runs fn on a server backed by SQLite and one backed by
// PostgreSQL (skipped without GAPMAP_TEST_POSTGRES).
func eachServer(t *testing.T, mutate func(*config.Config), fn func(t *testing.T, ts *testServer)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fn(t, newTestServer(t, st, mutate))
	})
}

// shippedQ returns a shipped questionnaire by key.
func (ts *testServer) shippedQ(key string) *questionnaires.Questionnaire {
	for _, q := range ts.shipped {
		if q.Key == key {
			return q
		}
	}
	ts.t.Fatalf("no shipped questionnaire %q", key)
	return nil
}

// testOrg is an organization with its owner, the owner's API token and teams.
type testOrg struct {
	ID    int64
	Owner *models.User
	Token string
	Teams []models.Team
}

// newOrg signs up an organization (owner email derived from name) with
// the given teams.
func (ts *testServer) newOrg(name string, teams ...string) testOrg {
	ts.t.Helper()
	ctx := context.Background()
	email := strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "@example.com"
	org, user, err := ts.st.SignUp(ctx, name, email, testPassword)
	if err != nil {
		ts.t.Fatalf("SignUp: %v", err)
	}
	o := testOrg{ID: org.ID, Owner: user, Token: ts.token(org.ID, user.ID)}
	for _, tn := range teams {
		tm, err := ts.st.CreateTeam(ctx, org.ID, tn)
		if err != nil {
			ts.t.Fatalf("CreateTeam: %v", err)
		}
		o.Teams = append(o.Teams, *tm)
	}
	return o
}

func (ts *testServer) token(orgID, userID int64) string {
	ts.t.Helper()
	plain, _, err := ts.st.CreateToken(context.Background(), orgID, userID, "test")
	if err != nil {
		ts.t.Fatalf("CreateToken: %v", err)
	}
	return plain
}

// addPerson adds a user with role to the org, assigned to teamIDs, and
// returns them with an API token.
func (ts *testServer) addPerson(o testOrg, email string, role models.Role, teamIDs ...int64) (*models.User, string) {
	ts.t.Helper()
	ctx := context.Background()
	plain, _, err := ts.st.CreateInvite(ctx, o.ID, o.Owner.ID, email, role)
	if err != nil {
		ts.t.Fatalf("CreateInvite: %v", err)
	}
	u, _, err := ts.st.AcceptInvite(ctx, plain, testPassword)
	if err != nil {
		ts.t.Fatalf("AcceptInvite: %v", err)
	}
	for _, id := range teamIDs {
		ids, err := ts.st.TeamMemberIDs(ctx, o.ID, id)
		if err != nil {
			ts.t.Fatal(err)
		}
		if err := ts.st.SetTeamMembers(ctx, o.ID, id, append(ids, u.ID)); err != nil {
			ts.t.Fatalf("SetTeamMembers: %v", err)
		}
	}
	return u, ts.token(o.ID, u.ID)
}

// apiResult is a finished request.
type apiResult struct {
	Status int
	Header http.Header
	Body   []byte
}

// decode decodes the JSON body into v.
func (r apiResult) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %.300q: %v", r.Body, err)
	}
}

// field returns a top-level field of a JSON object body.
func (r apiResult) field(t *testing.T, name string) any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m[name]
}

func (r apiResult) String() string { return fmt.Sprintf("%d %.400s", r.Status, r.Body) }

// call sends a request with an optional bearer token. body is sent as is
// when it is a string or []byte, else encoded as JSON; nil sends none.
func (ts *testServer) call(method, path, token string, body any) apiResult {
	ts.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ts.send(req)
}

func (ts *testServer) send(req *http.Request) apiResult {
	ts.t.Helper()
	resp, err := ts.app.Test(req, -1)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return apiResult{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// want fails the test unless the result has the status.
func (ts *testServer) want(r apiResult, status int, what string) apiResult {
	ts.t.Helper()
	if r.Status != status {
		ts.t.Fatalf("%s: got %s, want status %d", what, r, status)
	}
	return r
}

// testRound is an assessment created through the API, with one survey
// token per team (in the order of the org's teams).
type testRound struct {
	ID     int64
	Tokens []string
	InvIDs []int64
}

// newRound creates an assessment of the org over all its teams with the
// questionnaires (both shipped ones when none are given) and one
// invitation per team.
func (ts *testServer) newRound(o testOrg, qkeys ...string) testRound {
	ts.t.Helper()
	if len(qkeys) == 0 {
		qkeys = []string{"cncf-platform-maturity", "gartner-platform-axes"}
	}
	ids := make([]int64, 0, len(o.Teams))
	for _, tm := range o.Teams {
		ids = append(ids, tm.ID)
	}
	r := ts.want(ts.call("POST", "/api/v1/assessments", o.Token, map[string]any{
		"name": "Round " + time.Now().Format("150405.000000"), "questionnaires": qkeys, "team_ids": ids,
	}), http.StatusCreated, "create round")
	var a struct{ ID int64 }
	r.decode(ts.t, &a)
	round := testRound{ID: a.ID}
	for _, tm := range o.Teams {
		tok, id := ts.invite(o.Token, a.ID, tm.ID, "lead of "+tm.Name)
		round.Tokens = append(round.Tokens, tok)
		round.InvIDs = append(round.InvIDs, id)
	}
	return round
}

// invite creates an invitation through the API and returns its token and id.
func (ts *testServer) invite(token string, assessmentID, teamID int64, label string) (string, int64) {
	ts.t.Helper()
	r := ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/invitations", assessmentID), token,
		map[string]any{"team_id": teamID, "label": label}), http.StatusCreated, "create invitation")
	var inv struct {
		ID    int64
		Token string
	}
	r.decode(ts.t, &inv)
	return inv.Token, inv.ID
}

// answerAll answers every question of the round's questionnaires through
// the survey API (the first option, value 3 on likert statements).
func (ts *testServer) answerAll(token string) {
	ts.t.Helper()
	for _, a := range ts.allAnswers(token) {
		ts.want(ts.call("PUT", "/api/v1/survey/"+token+"/answers", "", a), http.StatusOK, "answer")
	}
}

// allAnswers returns an answer body for every question of the survey.
func (ts *testServer) allAnswers(token string) []map[string]any {
	ts.t.Helper()
	var sv struct {
		Questionnaires []questionnaires.Questionnaire
	}
	ts.want(ts.call("GET", "/api/v1/survey/"+token, "", nil), http.StatusOK, "get survey").decode(ts.t, &sv)
	var out []map[string]any
	for _, q := range sv.Questionnaires {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				a := map[string]any{"questionnaire": q.Key, "question": qu.Key}
				if q.Scale == questionnaires.ScaleLikert {
					a["value"] = 3
				} else {
					a["option"] = qu.Options[0].Key
				}
				out = append(out, a)
			}
		}
	}
	return out
}

// testClient is a browser: a cookie jar, forms with CSRF tokens.
type testClient struct {
	ts  *testServer
	jar map[string]*http.Cookie
}

func (ts *testServer) client() *testClient {
	return &testClient{ts: ts, jar: map[string]*http.Cookie{}}
}

func (c *testClient) do(method, path, contentType string, body io.Reader) apiResult {
	c.ts.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, ck := range c.jar {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	resp, err := c.ts.app.Test(req, -1)
	if err != nil {
		c.ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Value == "" || ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.jar, ck.Name)
			continue
		}
		c.jar[ck.Name] = ck
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	return apiResult{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

func (c *testClient) get(path string) apiResult { return c.do("GET", path, "", nil) }

// post posts a form; the CSRF token of the last page seen is added unless
// vals carries one.
func (c *testClient) post(path string, vals url.Values) apiResult {
	return c.do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()))
}

var csrfInput = regexp.MustCompile(`name="_csrf"\s+value="([^"]+)"`)

// csrf loads page and returns the CSRF token of its first form.
func (c *testClient) csrf(page string) string {
	c.ts.t.Helper()
	r := c.get(page)
	m := csrfInput.FindSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		c.ts.t.Fatalf("GET %s: status %d, no CSRF field in %.300q", page, r.Status, r.Body)
	}
	return string(m[1])
}

// login logs in through the form.
func (c *testClient) login(email string) {
	c.ts.t.Helper()
	r := c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "email": {email}, "password": {testPassword}})
	if r.Status != http.StatusSeeOther || c.jar["gapmap_session"] == nil {
		c.ts.t.Fatalf("login as %s: %s", email, r)
	}
}
