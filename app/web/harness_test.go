package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"gapmap/app/config"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/app/web"
	"gapmap/models"
	"gapmap/questionnaires"
)

// The one test harness of this package: a server on a real migrated store,
// organizations with people and tokens, rounds with invitation links and
// seeded responses, an API caller, and a browser-like client with a cookie
// jar (net/http/cookiejar) and CSRF tokens.

// testPassword is the password of every user the harness creates.
const testPassword = "correct horse battery"

// testServer is the web application on a real store.
type testServer struct {
	t       *testing.T
	st      *store.Store
	app     *fiber.App
	shipped []*questionnaires.Questionnaire
	origin  *url.URL // the configured base URL: where the cookie jar's cookies belong

	// Set by eachServer: how to open a second connection that reads tables
	// directly (gormDB).
	driver, dsn string
	db          *gorm.DB
}

// serverOptions change what the harness builds: config the default
// configuration, deps the dependencies (a job runner, metrics), and server
// the *web.Server before it serves (test hooks such as SetMeasured). A nil
// one changes nothing.
type serverOptions struct {
	config func(*config.Config)
	deps   func(*web.Deps)
	server func(*web.Server)
}

// newTestServer builds the web application on st with the default
// configuration, changed by mutate when it is not nil.
func newTestServer(t *testing.T, st *store.Store, mutate func(*config.Config)) *testServer {
	t.Helper()
	return newTestServerWith(t, st, serverOptions{config: mutate})
}

// newTestServerWith is newTestServer with any of the options.
func newTestServerWith(t *testing.T, st *store.Store, o serverOptions) *testServer {
	t.Helper()
	srv, shipped, cfg := buildServer(t, st, o)
	origin, err := url.Parse(cfg.BaseURL)
	if err != nil || origin.Host == "" {
		origin = &url.URL{Scheme: "http", Host: "gapmap.test"}
	}
	return &testServer{t: t, st: st, app: srv.App(), shipped: shipped, origin: origin}
}

// testApp builds the application as gapmap serve does, with the default
// configuration changed by mutate, and returns it with the shipped
// questionnaires.
func testApp(tb testing.TB, st *store.Store, mutate func(*config.Config)) (*fiber.App, []*questionnaires.Questionnaire) {
	tb.Helper()
	srv, shipped, _ := buildServer(tb, st, serverOptions{config: mutate})
	return srv.App(), shipped
}

func buildServer(tb testing.TB, st *store.Store, o serverOptions) (*web.Server, []*questionnaires.Questionnaire, *config.Config) {
	tb.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg := config.Flags(fs, func(string) string { return "" })
	if err := fs.Parse(nil); err != nil {
		tb.Fatal(err)
	}
	cfg.BaseURL = "http://gapmap.test"
	if o.config != nil {
		o.config(cfg)
	}
	if err := cfg.Finish(); err != nil {
		tb.Fatalf("config: %v", err)
	}
	shipped, err := questionnaires.Shipped()
	if err != nil {
		tb.Fatalf("shipped questionnaires: %v", err)
	}
	deps := web.Deps{Store: st, Config: *cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Questionnaires: shipped}
	if o.deps != nil {
		o.deps(&deps)
	}
	srv, err := web.New(deps)
	if err != nil {
		tb.Fatalf("web.New: %v", err)
	}
	if o.server != nil {
		o.server(srv)
	}
	return srv, shipped, cfg
}

// eachServer runs fn on a server backed by SQLite and one backed by
// PostgreSQL (skipped without GAPMAP_TEST_POSTGRES).
func eachServer(t *testing.T, mutate func(*config.Config), fn func(t *testing.T, ts *testServer)) {
	eachServerWith(t, serverOptions{config: mutate}, fn)
}

// eachServerWith is eachServer with any of the options.
func eachServerWith(t *testing.T, o serverOptions, fn func(t *testing.T, ts *testServer)) {
	t.Run("sqlite", func(t *testing.T) {
		st, path := storetest.SQLitePath(t)
		ts := newTestServerWith(t, st, o)
		ts.driver, ts.dsn = "sqlite", store.SQLiteDSN(path)
		fn(t, ts)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PostgresDSN(t)
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		st.PasswordCost = bcrypt.MinCost
		ts := newTestServerWith(t, st, o)
		ts.driver, ts.dsn = "postgres", dsn
		fn(t, ts)
	})
}

// gormDB opens (once) a second connection to the server's database, for
// tests that read tables directly; only servers of eachServer have one.
func (ts *testServer) gormDB() *gorm.DB {
	ts.t.Helper()
	if ts.db != nil {
		return ts.db
	}
	var dial gorm.Dialector
	switch ts.driver {
	case "sqlite":
		dial = sqlite.Open(ts.dsn)
	case "postgres":
		dial = postgres.Open(ts.dsn)
	default:
		ts.t.Fatal("gormDB: this server was not built by eachServer")
	}
	db, err := gorm.Open(dial, store.GormConfig())
	if err != nil {
		ts.t.Fatalf("open a second connection: %v", err)
	}
	ts.t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	ts.db = db
	return db
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

// questionnaireYAML returns a valid questionnaire (the shipped CNCF one
// under another key) and lets edit change its text first.
func questionnaireYAML(tb testing.TB, key string, edit func(string) string) []byte {
	tb.Helper()
	data, err := os.ReadFile("../../questionnaires/cncf-platform-maturity.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	s := strings.Replace(string(data), "key: cncf-platform-maturity", "key: "+key, 1)
	if edit != nil {
		s = edit(s)
	}
	return []byte(s)
}

// ---------------------------------------------------------------- organizations

// testOrg is the organization fixture: the organization, its owner with an
// API token, and its teams. addPerson adds people of other roles.
type testOrg struct {
	ID      int64
	Org     *models.Org
	Owner   *models.User
	Token   string // the owner's API token
	TokenID int64
	Teams   []models.Team
}

// newOrg signs up an organization (owner email derived from name) with
// the given teams.
func (ts *testServer) newOrg(name string, teams ...string) testOrg {
	ts.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "@example.com"
	return ts.newOrgOwnedBy(name, email, teams...)
}

// newOrgOwnedBy signs up an organization owned by email with the teams.
func (ts *testServer) newOrgOwnedBy(name, email string, teams ...string) testOrg {
	ts.t.Helper()
	ctx := context.Background()
	org, user, err := ts.st.SignUp(ctx, name, email, testPassword)
	if err != nil {
		ts.t.Fatalf("SignUp: %v", err)
	}
	o := testOrg{ID: org.ID, Org: org, Owner: user}
	o.Token, o.TokenID = ts.tokenWithID(org.ID, user.ID)
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
	plain, _ := ts.tokenWithID(orgID, userID)
	return plain
}

func (ts *testServer) tokenWithID(orgID, userID int64) (string, int64) {
	ts.t.Helper()
	plain, tok, err := ts.st.CreateToken(context.Background(), orgID, userID, "test")
	if err != nil {
		ts.t.Fatalf("CreateToken: %v", err)
	}
	return plain, tok.ID
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

// teamNames lists the names of the org's teams as stored.
func (ts *testServer) teamNames(orgID int64) []string {
	ts.t.Helper()
	teams, err := ts.st.Teams(context.Background(), orgID)
	if err != nil {
		ts.t.Fatal(err)
	}
	var names []string
	for _, tm := range teams {
		names = append(names, tm.Name)
	}
	return names
}

// ---------------------------------------------------------------- responses

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

// json checks that r is JSON and decodes it into v.
func (r apiResult) json(t *testing.T, v any) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; got %s", ct, r)
	}
	r.decode(t, v)
}

// field returns a top-level field of a JSON object body.
func (r apiResult) field(t *testing.T, name string) any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m[name]
}

// wantError checks a JSON error body: {"error": "..."} and, when field is
// not empty, "field": field.
func (r apiResult) wantError(t *testing.T, field string) {
	t.Helper()
	var body map[string]any
	r.json(t, &body)
	if msg, _ := body["error"].(string); msg == "" {
		t.Fatalf("error body %s lacks \"error\"", r)
	}
	if field != "" && body["field"] != field {
		t.Fatalf("error body %s, want field %q", r, field)
	}
}

// wantTeams checks a team list body: exactly names, each {id, name}.
func (r apiResult) wantTeams(t *testing.T, names ...string) {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("team list: %s", r)
	}
	var got []map[string]any
	r.json(t, &got)
	have := []string{}
	for _, tm := range got {
		if !slices.Equal(sortedKeys(tm), []string{"id", "name"}) {
			t.Fatalf("team %v, want {id, name}", tm)
		}
		have = append(have, tm["name"].(string))
	}
	if names == nil {
		names = []string{}
	}
	if !slices.Equal(have, names) {
		t.Fatalf("teams = %q, want %q", have, names)
	}
}

// toLogin reports whether r redirects to the login page.
func (r apiResult) toLogin() bool {
	return r.Status == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login")
}

// isHTML reports whether r is an HTML page.
func (r apiResult) isHTML() bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") && strings.Contains(strings.ToLower(string(r.Body)), "<html")
}

func (r apiResult) text() string     { return string(r.Body) }
func (r apiResult) location() string { return r.Header.Get("Location") }
func (r apiResult) String() string   { return fmt.Sprintf("%d %.400s", r.Status, r.Body) }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ---------------------------------------------------------------- API calls

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

// send sends req as it is.
func (ts *testServer) send(req *http.Request) apiResult {
	ts.t.Helper()
	resp, err := ts.app.Test(req, -1)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
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

// ---------------------------------------------------------------- rounds

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
		ts.want(ts.putAnswer(token, a), http.StatusOK, "answer")
	}
}

// putAnswer saves one answer through the survey API.
func (ts *testServer) putAnswer(token string, body any) apiResult {
	ts.t.Helper()
	return ts.call("PUT", "/api/v1/survey/"+token+"/answers", "", body)
}

// allAnswers returns an answer body for every question of the survey.
func (ts *testServer) allAnswers(token string) []map[string]any {
	ts.t.Helper()
	var out []map[string]any
	for _, q := range surveyQuestionnaires(ts.t, ts.want(ts.call("GET", "/api/v1/survey/"+token, "", nil), http.StatusOK, "get survey")) {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				a := map[string]any{"questionnaire": q.Key, "question": qu.Key}
				switch {
				case qu.Type == questionnaires.TypeText:
					a["text"] = "An answer in words."
				case !qu.Scored():
					lo, _, _ := qu.Bounds()
					a["value"] = lo + 1
				case q.Scale == questionnaires.ScaleLikert:
					a["value"] = 3
				default:
					a["option"] = qu.Options[0].Key
				}
				out = append(out, a)
			}
		}
	}
	return out
}

// surveyQuestionnaires decodes the questionnaires of a survey
// (GET /api/v1/survey/{token}).
func surveyQuestionnaires(t *testing.T, r apiResult) []questionnaires.Questionnaire {
	t.Helper()
	var sv struct {
		Questionnaires []questionnaires.Questionnaire
	}
	r.decode(t, &sv)
	return sv.Questionnaires
}

// levelAnswers answers every question of the shipped questionnaires keys:
// the option of the given level on level-scale questionnaires, the given
// value on likert ones.
func (ts *testServer) levelAnswers(keys []string, level, value int) []store.SeedAnswer {
	var out []store.SeedAnswer
	for _, key := range keys {
		q := ts.shippedQ(key)
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				if !qu.Scored() {
					continue // measures are optional
				}
				a := store.SeedAnswer{Questionnaire: q.Key, Question: qu.Key}
				if q.Scale == questionnaires.ScaleLikert {
					v := value
					a.Value = &v
				} else {
					for _, o := range qu.Options {
						if o.Level == level {
							k, l := o.Key, o.Level
							a.Option, a.Level = &k, &l
						}
					}
				}
				out = append(out, a)
			}
		}
	}
	return out
}

// seedLevels stores, for each team of levels, two submitted responses of a
// round of both shipped questionnaires answering every question at the
// team's level (likert: values), and recomputes the results.
func (ts *testServer) seedLevels(o testOrg, roundID int64, levels map[int64]int, values map[int64]int) {
	ts.t.Helper()
	keys := []string{"cncf-platform-maturity", "gartner-platform-axes"}
	var rs []store.SeedResponse
	for _, tm := range o.Teams {
		l, ok := levels[tm.ID]
		if !ok {
			continue
		}
		for i := 0; i < 2; i++ {
			rs = append(rs, store.SeedResponse{TeamID: tm.ID, Label: fmt.Sprintf("r%d", i), Submitted: true,
				Answers: ts.levelAnswers(keys, l, values[tm.ID])})
		}
	}
	ts.seed(o, roundID, rs)
}

// seed stores responses of a round and recomputes its results.
func (ts *testServer) seed(o testOrg, roundID int64, rs []store.SeedResponse) {
	ts.t.Helper()
	ctx := context.Background()
	if _, err := ts.st.SeedResponses(ctx, o.ID, roundID, rs); err != nil {
		ts.t.Fatalf("SeedResponses: %v", err)
	}
	if err := results.Recompute(ctx, ts.st, o.ID, roundID); err != nil {
		ts.t.Fatalf("Recompute: %v", err)
	}
}

// ---------------------------------------------------------------- browser

// testClient is a browser or API client: a cookie jar, forms with CSRF
// tokens, an optional bearer token, and an optional check of every response.
type testClient struct {
	ts     *testServer
	jar    *cookiejar.Jar
	set    map[string]*http.Cookie // the last Set-Cookie of each name, with its attributes
	bearer string
	check  func(method, path string, r apiResult)
}

func (ts *testServer) client() *testClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	return &testClient{ts: ts, jar: jar, set: map[string]*http.Cookie{}}
}

// cookie returns the value the jar holds for name ("" when none).
func (c *testClient) cookie(name string) string {
	for _, ck := range c.jar.Cookies(c.ts.origin) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// lastSet returns the cookie as the server last set it, with its
// attributes, or nil.
func (c *testClient) lastSet(name string) *http.Cookie { return c.set[name] }

// setCookie plants a cookie in the jar, as a hostile page could.
func (c *testClient) setCookie(name, value string) {
	c.jar.SetCookies(c.ts.origin, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// exchange sends req with the jar's cookies and the bearer token, keeps
// the cookies of the answer and checks it.
func (c *testClient) exchange(req *http.Request) apiResult {
	c.ts.t.Helper()
	u := c.ts.origin.ResolveReference(&url.URL{Path: req.URL.Path})
	for _, ck := range c.jar.Cookies(u) {
		req.AddCookie(ck)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	r := c.ts.send(req)
	resp := http.Response{Header: r.Header}
	cookies := resp.Cookies()
	c.jar.SetCookies(u, cookies)
	for _, ck := range cookies {
		c.set[ck.Name] = ck
	}
	if c.check != nil {
		c.check(req.Method, req.URL.RequestURI(), r)
	}
	return r
}

func (c *testClient) do(method, path, contentType string, body io.Reader) apiResult {
	c.ts.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return c.exchange(req)
}

func (c *testClient) get(path string) apiResult { return c.do("GET", path, "", nil) }

// post posts a form.
func (c *testClient) post(path string, vals url.Values) apiResult {
	return c.do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()))
}

// send sends body; csrf adds the session's CSRF token from its cookie (a
// form field for forms, else the X-Csrf-Token header).
func (c *testClient) send(method, path, contentType, body string, csrf bool) apiResult {
	c.ts.t.Helper()
	headers := map[string]string{}
	if tok := c.cookie("gapmap_csrf"); csrf && tok != "" {
		if contentType == "application/x-www-form-urlencoded" {
			if body != "" {
				body += "&"
			}
			body += "_csrf=" + url.QueryEscape(tok)
		} else {
			headers["X-Csrf-Token"] = tok
		}
	}
	return c.doHeaders(method, path, contentType, body, headers)
}

// doHeaders sends a request with extra headers (empty values are left
// out) and adds no CSRF token of its own.
func (c *testClient) doHeaders(method, path, contentType, body string, headers map[string]string) apiResult {
	c.ts.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	return c.exchange(req)
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
	if r.Status != http.StatusSeeOther || c.cookie("gapmap_session") == "" {
		c.ts.t.Fatalf("login as %s: %s", email, r)
	}
}

// ---------------------------------------------------------------- real connections

// listen serves the application on a loopback port until the test ends and
// returns its base URL.
func (ts *testServer) listen() string {
	ts.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.t.Fatal(err)
	}
	go func() { _ = ts.app.Listener(ln) }()
	ts.t.Cleanup(func() { _ = ts.app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// sendOverWire sends body over a new connection and returns the status.
// A server that refuses an oversized body answers 413 as soon as it sees
// the size and closes the connection; a client still writing the body may
// see a reset before it reads the answer, so a failed write is tried again
// (up to 10 times); lastErr is the last such failure.
func sendOverWire(t *testing.T, method, target, contentType, bearer, body string) (status int, lastErr error) {
	t.Helper()
	for attempt := 0; attempt < 10 && status == 0; attempt++ {
		req, err := http.NewRequest(method, target, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}).Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	return status, lastErr
}

// tableNames lists the tables of the test database, on either dialect.
func tableNames(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if db.Dialector.Name() == "postgres" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	var tables []string
	if err := db.Raw(q).Scan(&tables).Error; err != nil {
		t.Fatalf("list tables: %v", err)
	}
	return tables
}
