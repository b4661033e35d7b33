package web_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
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

// The helpers of this file carry an fdn prefix so that they never clash
// with the shared helpers of other test files in this package.

const fdnPassword = "correct horse battery"

// fdnServer builds the web application on st with the default configuration,
// changed by mutate when it is not nil.
func fdnServer(t *testing.T, st *store.Store, mutate func(*config.Config)) *fiber.App {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg := config.Flags(fs, func(string) string { return "" })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(cfg)
	}
	if err := cfg.Finish(); err != nil {
		t.Fatalf("config: %v", err)
	}
	shipped, err := questionnaires.Shipped()
	if err != nil {
		t.Logf("shipped questionnaires do not load (%v); testing without them", err)
		shipped = nil
	}
	srv, err := web.New(web.Deps{
		Store:          st,
		Config:         *cfg,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		Questionnaires: shipped,
	})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return srv.App()
}

// fdnEach runs fn on a server backed by SQLite and by PostgreSQL.
func fdnEach(t *testing.T, fn func(t *testing.T, st *store.Store, app *fiber.App)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fn(t, st, fdnServer(t, st, nil))
	})
}

// fdnClient is a browser or API client with a cookie jar and an optional
// bearer token.
type fdnClient struct {
	t      *testing.T
	app    *fiber.App
	jar    map[string]*http.Cookie
	bearer string
}

func fdnNewClient(t *testing.T, app *fiber.App) *fdnClient {
	return &fdnClient{t: t, app: app, jar: map[string]*http.Cookie{}}
}

func (c *fdnClient) do(method, path, contentType string, body io.Reader) *http.Response {
	c.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for _, ck := range c.jar {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	resp, err := c.app.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	for _, ck := range resp.Cookies() {
		if ck.Value == "" || ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.jar, ck.Name)
			continue
		}
		c.jar[ck.Name] = ck
	}
	return resp
}

func (c *fdnClient) get(path string) *http.Response { return c.do(http.MethodGet, path, "", nil) }

func (c *fdnClient) form(path string, vals url.Values) *http.Response {
	return c.do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()))
}

func (c *fdnClient) json(method, path, body string) *http.Response {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return c.do(method, path, "application/json", r)
}

var fdnCSRFInput = regexp.MustCompile(`name="_csrf"\s+value="([^"]+)"`)

// csrf loads page and returns the CSRF token of its first form.
func (c *fdnClient) csrf(page string) string {
	c.t.Helper()
	resp := c.get(page)
	body := fdnBody(c.t, resp)
	m := fdnCSRFInput.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		c.t.Fatalf("GET %s: status %d, no CSRF field in %.300q", page, resp.StatusCode, body)
	}
	return m[1]
}

// login logs in through the form and fails the test unless it works.
func (c *fdnClient) login(email string) {
	c.t.Helper()
	resp := c.form("/login", url.Values{"_csrf": {c.csrf("/login")}, "email": {email}, "password": {fdnPassword}})
	fdnBody(c.t, resp)
	if resp.StatusCode != http.StatusSeeOther || c.jar["gapmap_session"] == nil {
		c.t.Fatalf("login as %s: status %d, session cookie %v", email, resp.StatusCode, c.jar["gapmap_session"])
	}
}

func (c *fdnClient) session() string {
	if ck := c.jar["gapmap_session"]; ck != nil {
		return ck.Value
	}
	return ""
}

func fdnBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

// fdnJSON decodes a JSON response body into v.
func fdnJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	body := fdnBody(t, resp)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; body %.300q", ct, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
}

func fdnKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fdnOrg is an organization with its owner and an API token of the owner.
type fdnOrg struct {
	org   *models.Org
	owner *models.User
	token string
}

func fdnSignUp(t *testing.T, st *store.Store, orgName, email string) fdnOrg {
	t.Helper()
	ctx := context.Background()
	org, user, err := st.SignUp(ctx, orgName, email, fdnPassword)
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	return fdnOrg{org: org, owner: user, token: fdnToken(t, st, org.ID, user.ID)}
}

func fdnToken(t *testing.T, st *store.Store, orgID, userID int64) string {
	t.Helper()
	plain, _, err := st.CreateToken(context.Background(), orgID, userID, "test")
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	return plain
}

// fdnMember adds a person with role to org through an accepted invitation.
func fdnMember(t *testing.T, st *store.Store, o fdnOrg, email string, role models.Role) *models.User {
	t.Helper()
	ctx := context.Background()
	plain, _, err := st.CreateInvite(ctx, o.org.ID, o.owner.ID, email, role)
	if err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	u, _, err := st.AcceptInvite(ctx, plain, fdnPassword)
	if err != nil {
		t.Fatalf("AcceptInvite: %v", err)
	}
	return u
}

func fdnTeamNames(t *testing.T, st *store.Store, orgID int64) []string {
	t.Helper()
	teams, err := st.Teams(context.Background(), orgID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tm := range teams {
		names = append(names, tm.Name)
	}
	return names
}

func TestFoundationHealth(t *testing.T) {
	fdnEach(t, func(t *testing.T, st *store.Store, app *fiber.App) {
		c := fdnNewClient(t, app)
		for _, path := range []string{"/healthz", "/readyz"} {
			resp := c.get(path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", path, resp.StatusCode)
			}
			var got map[string]any
			fdnJSON(t, resp, &got)
			if len(got) != 1 || got["status"] != "ok" {
				t.Fatalf(`GET %s = %v, want {"status":"ok"}`, path, got)
			}
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		resp := c.get("/readyz")
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("GET /readyz with the database closed = %d, want 503", resp.StatusCode)
		}
		body := fdnBody(t, resp)
		if strings.Contains(body, "sql:") || strings.Contains(body, "closed") {
			t.Fatalf("readyz leaks the database error: %s", body)
		}
		if resp := c.get("/healthz"); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz with the database closed = %d, want 200 (the process is alive)", resp.StatusCode)
		}
	})
}

func TestFoundationMe(t *testing.T) {
	fdnEach(t, func(t *testing.T, st *store.Store, app *fiber.App) {
		acme := fdnSignUp(t, st, "Acme", "ann@example.com")
		revoked, tok, err := st.CreateToken(context.Background(), acme.org.ID, acme.owner.ID, "old")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RevokeToken(context.Background(), acme.org.ID, acme.owner.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		c := fdnNewClient(t, app)
		c.bearer = acme.token
		resp := c.get("/api/v1/me")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/v1/me = %d: %s", resp.StatusCode, fdnBody(t, resp))
		}
		var me map[string]any
		fdnJSON(t, resp, &me)
		if keys := fdnKeys(me); !slices.Equal(keys, []string{"org", "role", "user"}) {
			t.Fatalf("me has keys %v, want org, role, user", keys)
		}
		user, _ := me["user"].(map[string]any)
		org, _ := me["org"].(map[string]any)
		if !slices.Equal(fdnKeys(user), []string{"email", "id"}) || !slices.Equal(fdnKeys(org), []string{"id", "name"}) {
			t.Fatalf("me = %v, want user{id,email} and org{id,name}", me)
		}
		if user["id"] != float64(acme.owner.ID) || user["email"] != "ann@example.com" ||
			org["id"] != float64(acme.org.ID) || org["name"] != "Acme" || me["role"] != "owner" {
			t.Fatalf("me = %v", me)
		}

		for _, tc := range []struct{ name, auth string }{
			{"no token", ""},
			{"unknown token", "Bearer gmp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
			{"revoked token", "Bearer " + revoked},
			{"empty bearer", "Bearer "},
			{"basic auth", "Basic YW5uQGV4YW1wbGUuY29tOnB3"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				resp, err := app.Test(req, -1)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", resp.StatusCode)
				}
				var body map[string]any
				fdnJSON(t, resp, &body)
				if msg, _ := body["error"].(string); msg == "" {
					t.Fatalf("body %v, want {\"error\": ...}", body)
				}
			})
		}
	})
}

func TestFoundationTeamsAPI(t *testing.T) {
	fdnEach(t, func(t *testing.T, st *store.Store, app *fiber.App) {
		ctx := context.Background()
		acme := fdnSignUp(t, st, "Acme", "ann@example.com")
		other := fdnSignUp(t, st, "Other", "bob@example.com")
		foreign, err := st.CreateTeam(ctx, other.org.ID, "Foreign")
		if err != nil {
			t.Fatal(err)
		}
		leader := fdnMember(t, st, acme, "lea@example.com", models.RoleLeader)
		member := fdnMember(t, st, acme, "mo@example.com", models.RoleMember)
		leaderTok := fdnToken(t, st, acme.org.ID, leader.ID)
		memberTok := fdnToken(t, st, acme.org.ID, member.ID)

		var created, second int64
		long := strings.Repeat("x", 101)
		foreignPath := fmt.Sprintf("/api/v1/teams/%d", foreign.ID)
		steps := []struct {
			name         string
			token        string // default: acme's owner
			method, path string
			body         string
			want         int
			check        func(t *testing.T, resp *http.Response)
		}{
			{name: "create", method: "POST", path: "/api/v1/teams", body: `{"name":"Platform"}`, want: 201, check: func(t *testing.T, resp *http.Response) {
				var got map[string]any
				fdnJSON(t, resp, &got)
				if !slices.Equal(fdnKeys(got), []string{"id", "name"}) || got["name"] != "Platform" {
					t.Fatalf("created %v, want {id, name}", got)
				}
				id, _ := got["id"].(float64)
				created = int64(id)
			}},
			{name: "create a second", method: "POST", path: "/api/v1/teams", body: `{"name":"Search"}`, want: 201, check: func(t *testing.T, resp *http.Response) {
				var got struct{ ID int64 }
				fdnJSON(t, resp, &got)
				second = got.ID
			}},
			{name: "empty name", method: "POST", path: "/api/v1/teams", body: `{"name":""}`, want: 422, check: fdnWantField("name")},
			{name: "blank name", method: "POST", path: "/api/v1/teams", body: `{"name":"   "}`, want: 422, check: fdnWantField("name")},
			{name: "missing name", method: "POST", path: "/api/v1/teams", body: `{}`, want: 422, check: fdnWantField("name")},
			{name: "101 characters", method: "POST", path: "/api/v1/teams", body: `{"name":"` + long + `"}`, want: 422, check: fdnWantField("name")},
			{name: "duplicate", method: "POST", path: "/api/v1/teams", body: `{"name":"Platform"}`, want: 422, check: fdnWantField("name")},
			{name: "not JSON", method: "POST", path: "/api/v1/teams", body: `name=Platform`, want: 400},
			{name: "unknown field", method: "POST", path: "/api/v1/teams", body: `{"name":"X","colour":"red"}`, want: 400},
			{name: "two values", method: "POST", path: "/api/v1/teams", body: `{"name":"X"}{"name":"Y"}`, want: 400},
			{name: "leader cannot create", token: leaderTok, method: "POST", path: "/api/v1/teams", body: `{"name":"Lea's"}`, want: 403},
			{name: "nothing stored by refused requests", method: "GET", path: "/api/v1/teams", want: 200, check: fdnWantTeams("Platform", "Search")},
			{name: "rename", method: "PATCH", path: "/api/v1/teams/{created}", body: `{"name":"Platform Engineering"}`, want: 200, check: func(t *testing.T, resp *http.Response) {
				var got map[string]any
				fdnJSON(t, resp, &got)
				if !slices.Equal(fdnKeys(got), []string{"id", "name"}) || got["name"] != "Platform Engineering" || got["id"] != float64(created) {
					t.Fatalf("renamed %v", got)
				}
			}},
			{name: "rename to a taken name", method: "PATCH", path: "/api/v1/teams/{created}", body: `{"name":"Search"}`, want: 422, check: fdnWantField("name")},
			{name: "rename to empty", method: "PATCH", path: "/api/v1/teams/{created}", body: `{"name":""}`, want: 422, check: fdnWantField("name")},
			{name: "rename to 101 characters", method: "PATCH", path: "/api/v1/teams/{created}", body: `{"name":"` + long + `"}`, want: 422},
			{name: "get one", token: leaderTok, method: "GET", path: "/api/v1/teams/{created}", want: 200},
			{name: "member sees no unassigned team", token: memberTok, method: "GET", path: "/api/v1/teams", want: 200, check: fdnWantTeams()},
			{name: "another org's team: GET", method: "GET", path: foreignPath, want: 404},
			{name: "another org's team: PATCH", method: "PATCH", path: foreignPath, body: `{"name":"Taken over"}`, want: 404},
			{name: "another org's team: DELETE", method: "DELETE", path: foreignPath, want: 404},
			{name: "another org's team: PUT members", method: "PUT", path: foreignPath + "/members", body: `{"user_ids":[]}`, want: 404},
			{name: "id that is not a number", method: "GET", path: "/api/v1/teams/abc", want: 404},
			{name: "negative id", method: "DELETE", path: "/api/v1/teams/-1", want: 404},
			{name: "delete", method: "DELETE", path: "/api/v1/teams/{second}", want: 204},
			{name: "deleted is gone", method: "GET", path: "/api/v1/teams/{second}", want: 404},
			{name: "delete again", method: "DELETE", path: "/api/v1/teams/{second}", want: 404},
			{name: "list after all", method: "GET", path: "/api/v1/teams", want: 200, check: fdnWantTeams("Platform Engineering")},
			{name: "no token", token: "-", method: "GET", path: "/api/v1/teams", want: 401},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				c := fdnNewClient(t, app)
				switch s.token {
				case "":
					c.bearer = acme.token
				case "-":
				default:
					c.bearer = s.token
				}
				path := strings.NewReplacer("{created}", fmt.Sprint(created), "{second}", fmt.Sprint(second)).Replace(s.path)
				resp := c.json(s.method, path, s.body)
				if resp.StatusCode != s.want {
					t.Fatalf("%s %s = %d, want %d: %s", s.method, path, resp.StatusCode, s.want, fdnBody(t, resp))
				}
				if s.want >= 400 {
					var body map[string]any
					fdnJSON(t, resp, &body)
					if msg, _ := body["error"].(string); msg == "" {
						t.Fatalf("error body %v lacks \"error\"", body)
					}
					return
				}
				if s.check != nil {
					s.check(t, resp)
				}
			})
		}
		if got := fdnTeamNames(t, st, other.org.ID); !slices.Equal(got, []string{"Foreign"}) {
			t.Fatalf("the other org's teams are now %q", got)
		}
	})
}

func fdnWantField(field string) func(t *testing.T, resp *http.Response) {
	return func(t *testing.T, resp *http.Response) {
		t.Helper()
		var body map[string]any
		fdnJSON(t, resp, &body)
		if body["field"] != field {
			t.Fatalf("error %v, want field %q", body, field)
		}
	}
}

func fdnWantTeams(names ...string) func(t *testing.T, resp *http.Response) {
	return func(t *testing.T, resp *http.Response) {
		t.Helper()
		var got []map[string]any
		fdnJSON(t, resp, &got)
		have := []string{}
		for _, tm := range got {
			if !slices.Equal(fdnKeys(tm), []string{"id", "name"}) {
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
}

// TestFoundationWebJourney walks the path of a new customer: sign up,
// add a team, make a token, use it, log out.
func TestFoundationWebJourney(t *testing.T) {
	fdnEach(t, func(t *testing.T, st *store.Store, app *fiber.App) {
		c := fdnNewClient(t, app)
		tok := c.csrf("/signup")

		resp := c.form("/signup", url.Values{"_csrf": {tok}, "org_name": {"Acme"}, "email": {"ann@example.com"}, "password": {"short"}})
		if body := fdnBody(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "10 characters") {
			t.Fatalf("sign-up with a short password = %d, want 422 with the rule shown", resp.StatusCode)
		}
		if _, err := st.UserByEmail(context.Background(), "ann@example.com"); err == nil {
			t.Fatal("a refused sign-up stored the user")
		}

		resp = c.form("/signup", url.Values{"_csrf": {tok}, "org_name": {"Acme"}, "email": {"ann@example.com"}, "password": {fdnPassword}})
		fdnBody(t, resp)
		if resp.StatusCode != http.StatusSeeOther || c.session() == "" {
			t.Fatalf("sign-up = %d (session %q), want 303 and a session", resp.StatusCode, c.session())
		}

		resp = c.form("/teams", url.Values{"_csrf": {c.csrf("/teams")}, "name": {"Payments"}})
		fdnBody(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /teams = %d, want 303", resp.StatusCode)
		}
		resp = c.form("/teams", url.Values{"_csrf": {c.csrf("/teams")}, "name": {"Payments"}})
		if body := fdnBody(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "already exists") {
			t.Fatalf("duplicate team through the form = %d, want 422 with the error on the page", resp.StatusCode)
		}
		resp = c.get("/teams")
		if body := fdnBody(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Payments") {
			t.Fatalf("GET /teams = %d, does not list the team", resp.StatusCode)
		}

		resp = c.form("/tokens", url.Values{"_csrf": {c.csrf("/tokens")}, "name": {"laptop"}})
		body := fdnBody(t, resp)
		plain := regexp.MustCompile(store.TokenPrefix + `[A-Za-z0-9_-]{40,}`).FindString(body)
		if resp.StatusCode != http.StatusCreated || plain == "" {
			t.Fatalf("POST /tokens = %d, token shown: %q", resp.StatusCode, plain)
		}
		api := fdnNewClient(t, app)
		api.bearer = plain
		resp = api.get("/api/v1/teams")
		fdnWantTeams("Payments")(t, resp)
		resp = c.get("/tokens")
		if body := fdnBody(t, resp); strings.Contains(body, plain) {
			t.Fatal("the token is shown again on the tokens page")
		}

		resp = c.form("/logout", url.Values{"_csrf": {c.csrf("/teams")}})
		fdnBody(t, resp)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("logout = %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := c.get("/teams"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("GET /teams after logout = %d to %q, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestFoundationCSRF(t *testing.T) {
	st := storetest.SQLite(t)
	app := fdnServer(t, st, nil)
	acme := fdnSignUp(t, st, "Acme", "ann@example.com")
	c := fdnNewClient(t, app)
	c.login("ann@example.com")
	good := c.csrf("/teams")

	tests := []struct {
		name, path string
		vals       url.Values
		header     string
		want       int
	}{
		{name: "form without _csrf", path: "/teams", vals: url.Values{"name": {"NoToken"}}, want: 403},
		{name: "form with a wrong _csrf", path: "/teams", vals: url.Values{"name": {"Forged"}, "_csrf": {"forged-token"}}, want: 403},
		{name: "form with an empty _csrf", path: "/teams", vals: url.Values{"name": {"Empty"}, "_csrf": {""}}, want: 403},
		{name: "logout without _csrf", path: "/logout", want: 403},
		{name: "org switch without _csrf", path: "/org/switch", vals: url.Values{"org_id": {fmt.Sprint(acme.org.ID)}}, want: 403},
		{name: "token without _csrf", path: "/tokens", vals: url.Values{"name": {"NoToken"}}, want: 403},
		{name: "header token", path: "/teams", vals: url.Values{"name": {"ViaHeader"}}, header: good, want: 303},
		{name: "form token", path: "/teams", vals: url.Values{"name": {"ViaForm"}, "_csrf": {good}}, want: 303},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.vals.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.header != "" {
				req.Header.Set("X-Csrf-Token", tc.header)
			}
			for _, ck := range c.jar {
				req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body := fdnBody(t, resp)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want == 403 && !strings.Contains(strings.ToLower(body), "<html") {
				t.Fatalf("403 for a form is not an HTML page: %.200q", body)
			}
		})
	}
	if got := fdnTeamNames(t, st, acme.org.ID); !slices.Equal(got, []string{"ViaForm", "ViaHeader"}) {
		t.Fatalf("teams = %q, want only the two with a valid token", got)
	}
	// The refused logout left the session alive.
	if resp := c.get("/teams"); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /teams = %d after a refused logout, want 200", resp.StatusCode)
	}
	// A login form posted without the token is refused before the password is checked.
	anon := fdnNewClient(t, app)
	resp := anon.form("/login", url.Values{"email": {"ann@example.com"}, "password": {fdnPassword}})
	if resp.StatusCode != http.StatusForbidden || anon.session() != "" {
		t.Fatalf("login without _csrf = %d (session %q), want 403", resp.StatusCode, anon.session())
	}
	// Bearer-token API calls carry no ambient credentials and need no token.
	api := fdnNewClient(t, app)
	api.bearer = acme.token
	if resp := api.json("POST", "/api/v1/teams", `{"name":"FromAPI"}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("API POST with a bearer token = %d, want 201", resp.StatusCode)
	}
	// A session-authenticated API write still needs the token.
	if resp := c.json("POST", "/api/v1/teams", `{"name":"CookieOnly"}`); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("API POST with only the session cookie = %d, want 403", resp.StatusCode)
	}
}

func TestFoundationLoginRateLimit(t *testing.T) {
	st := storetest.SQLite(t)
	app := fdnServer(t, st, nil)
	fdnSignUp(t, st, "Acme", "ann@example.com")
	c := fdnNewClient(t, app)
	tok := c.csrf("/login")
	attempts := []url.Values{}
	for i := 0; i < 11; i++ {
		v := url.Values{"_csrf": {tok}, "email": {"ann@example.com"}, "password": {fmt.Sprintf("wrong password %d", i)}}
		if i%3 == 1 {
			v.Set("email", fmt.Sprintf("nobody%d@example.com", i))
		}
		if i%5 == 2 {
			v.Set("email", "not an email")
		}
		attempts = append(attempts, v)
	}
	for i, v := range attempts {
		resp := c.form("/login", v)
		fdnBody(t, resp)
		if i < 10 {
			if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failed login %d = %d, want 401 or 422", i+1, resp.StatusCode)
			}
			continue
		}
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("failed login %d = %d, want 429", i+1, resp.StatusCode)
		}
	}
	// Successful logins on another server do not count as failures.
	app2 := fdnServer(t, st, nil)
	for i := 0; i < 12; i++ {
		c := fdnNewClient(t, app2)
		c.login("ann@example.com")
	}
}

func TestFoundationSessions(t *testing.T) {
	fdnEach(t, func(t *testing.T, st *store.Store, app *fiber.App) {
		fdnSignUp(t, st, "Acme", "ann@example.com")
		c := fdnNewClient(t, app)

		// A session id planted before login is not adopted.
		c.jar["gapmap_session"] = &http.Cookie{Name: "gapmap_session", Value: "attacker-chosen-session-id"}
		c.login("ann@example.com")
		first := c.session()
		if first == "attacker-chosen-session-id" {
			t.Fatal("login kept the planted session id")
		}
		ck := c.jar["gapmap_session"]
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
			t.Fatalf("session cookie %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure on http", ck)
		}
		if resp := c.get("/teams"); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /teams with the session = %d", resp.StatusCode)
		}

		// Logging in again issues a new id and kills the old one.
		c.login("ann@example.com")
		second := c.session()
		if second == first {
			t.Fatal("the session id did not change at login")
		}
		stale := fdnNewClient(t, app)
		stale.jar["gapmap_session"] = &http.Cookie{Name: "gapmap_session", Value: first}
		if resp := stale.get("/teams"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("GET /teams with the pre-login cookie = %d to %q, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
		}

		// After logout the cookie is dead, even if a client keeps sending it.
		resp := c.form("/logout", url.Values{"_csrf": {c.csrf("/teams")}})
		fdnBody(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout = %d", resp.StatusCode)
		}
		if c.session() != "" {
			t.Errorf("logout did not clear the session cookie")
		}
		replay := fdnNewClient(t, app)
		replay.jar["gapmap_session"] = &http.Cookie{Name: "gapmap_session", Value: second}
		for _, path := range []string{"/teams", "/tokens"} {
			if resp := replay.get(path); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Fatalf("GET %s with the logged-out cookie = %d to %q, want a redirect to /login", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if resp := replay.get("/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("GET /api/v1/me with the logged-out cookie = %d, want 401", resp.StatusCode)
		}
	})
}

func TestFoundationSecureCookieOnHTTPS(t *testing.T) {
	st := storetest.SQLite(t)
	app := fdnServer(t, st, func(c *config.Config) { c.BaseURL = "https://gapmap.example.com" })
	fdnSignUp(t, st, "Acme", "ann@example.com")
	c := fdnNewClient(t, app)
	c.login("ann@example.com")
	if ck := c.jar["gapmap_session"]; !ck.Secure || !ck.HttpOnly {
		t.Fatalf("session cookie %+v on an https deployment, want Secure and HttpOnly", ck)
	}
}

func TestFoundationSecurityHeaders(t *testing.T) {
	st := storetest.SQLite(t)
	plain := fdnServer(t, st, nil)
	secure := fdnServer(t, st, func(c *config.Config) { c.BaseURL = "https://gapmap.example.com" })
	paths := []string{"/healthz", "/login", "/signup", "/no/such/page", "/api/v1/me", "/api/v1/nope", "/teams"}
	for _, tc := range []struct {
		name string
		app  *fiber.App
		hsts bool
	}{{"http base URL", plain, false}, {"https base URL", secure, true}} {
		for _, path := range paths {
			t.Run(tc.name+" "+path, func(t *testing.T) {
				resp, err := tc.app.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
				if err != nil {
					t.Fatal(err)
				}
				h := resp.Header
				csp := h.Get("Content-Security-Policy")
				if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "object-src 'none'") {
					t.Errorf("Content-Security-Policy %q", csp)
				}
				for _, directive := range strings.Split(csp, ";") {
					d := strings.TrimSpace(directive)
					if (strings.HasPrefix(d, "script-src") || strings.HasPrefix(d, "default-src")) &&
						(strings.Contains(d, "'unsafe-inline'") || strings.Contains(d, "'unsafe-eval'") || strings.Contains(d, "*")) {
						t.Errorf("CSP allows inline or foreign script: %q", d)
					}
				}
				if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options %q", got)
				}
				if got := h.Get("X-Frame-Options"); got != "DENY" && got != "SAMEORIGIN" {
					t.Errorf("X-Frame-Options %q", got)
				}
				if got := h.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
					t.Errorf("Referrer-Policy %q", got)
				}
				if h.Get("X-Request-Id") == "" {
					t.Error("no X-Request-Id")
				}
				hsts := h.Get("Strict-Transport-Security")
				if tc.hsts && !strings.HasPrefix(hsts, "max-age=") {
					t.Errorf("Strict-Transport-Security %q with an https base URL", hsts)
				}
				if tc.hsts && strings.HasPrefix(hsts, "max-age=0") {
					t.Errorf("Strict-Transport-Security %q with a zero max-age", hsts)
				}
				if !tc.hsts && hsts != "" {
					t.Errorf("Strict-Transport-Security %q with an http base URL", hsts)
				}
				if h.Get("Server") != "" || h.Get("X-Powered-By") != "" {
					t.Errorf("server banner %q %q", h.Get("Server"), h.Get("X-Powered-By"))
				}
			})
		}
	}
	// Two requests never share a request id.
	a, _ := plain.Test(httptest.NewRequest(http.MethodGet, "/healthz", nil), -1)
	b, _ := plain.Test(httptest.NewRequest(http.MethodGet, "/healthz", nil), -1)
	if a.Header.Get("X-Request-Id") == b.Header.Get("X-Request-Id") {
		t.Fatal("two requests got the same request id")
	}
}

func TestFoundationErrors(t *testing.T) {
	st := storetest.SQLite(t)
	app := fdnServer(t, st, nil)
	acme := fdnSignUp(t, st, "Acme", "ann@example.com")
	tests := []struct {
		name, path string
		auth       bool
		json       bool
	}{
		{name: "unknown page", path: "/no/such/page"},
		{name: "unknown page under a known prefix", path: "/teams/1/nothing"},
		{name: "unknown API path", path: "/api/v1/nope", json: true},
		{name: "unknown API path with a token", path: "/api/v1/nope", auth: true, json: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			if tc.auth {
				req.Header.Set("Authorization", "Bearer "+acme.token)
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", resp.StatusCode)
			}
			if tc.json {
				var m map[string]any
				fdnJSON(t, resp, &m)
				if msg, _ := m["error"].(string); msg == "" {
					t.Fatalf("JSON error body %v lacks \"error\"", m)
				}
				return
			}
			b := fdnBody(t, resp)
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(strings.ToLower(b), "<html") {
				t.Fatalf("Content-Type %q, body %.200q; want an HTML page", ct, b)
			}
		})
	}
}

// TestFoundationBodyLimit runs a real listener: fasthttp refuses an
// oversized body before fiber's test hook sees a response.
func TestFoundationBodyLimit(t *testing.T) {
	st := storetest.SQLite(t)
	app := fdnServer(t, st, func(c *config.Config) { c.BodyLimit = 64 << 10 })
	acme := fdnSignUp(t, st, "Acme", "ann@example.com")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	base := "http://" + ln.Addr().String()
	big := strings.Repeat("x", 80<<10)
	tests := []struct {
		name, path, body, ctype string
		want                    int
	}{
		{name: "API body over the limit", path: "/api/v1/teams", body: `{"name":"` + big + `"}`, ctype: "application/json", want: 413},
		{name: "form body over the limit", path: "/login", body: "email=" + big, ctype: "application/x-www-form-urlencoded", want: 413},
		{name: "API body under the limit", path: "/api/v1/teams", body: `{"name":"Small"}`, ctype: "application/json", want: 201},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, base+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tc.ctype)
			req.Header.Set("Authorization", "Bearer "+acme.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			fdnBody(t, resp)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	if got := fdnTeamNames(t, st, acme.org.ID); !slices.Equal(got, []string{"Small"}) {
		t.Fatalf("teams = %q", got)
	}
}

func TestFoundationAuthPages(t *testing.T) {
	st := storetest.SQLite(t)
	app := fdnServer(t, st, nil)
	for _, path := range []string{"/signup", "/login"} {
		t.Run(path, func(t *testing.T) {
			resp, err := app.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
			if err != nil {
				t.Fatal(err)
			}
			body := fdnBody(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, want := range []string{`name="_csrf"`, `name="email"`, `name="password"`, `method="post"`} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			if m := fdnCSRFInput.FindStringSubmatch(body); m == nil || len(m[1]) < 16 {
				t.Errorf("CSRF field has no real token: %v", m)
			}
			if strings.Contains(body, "<script>") {
				t.Error("page has an inline script")
			}
		})
	}
}

func TestFoundationOrgSwitch(t *testing.T) {
	fdnEach(t, func(t *testing.T, st *store.Store, app *fiber.App) {
		ctx := context.Background()
		alpha := fdnSignUp(t, st, "Alpha", "ann@example.com")
		beta, err := st.CreateOrg(ctx, "Beta", "ann@example.com", fdnPassword)
		if err != nil {
			t.Fatal(err)
		}
		gamma := fdnSignUp(t, st, "Gamma", "gus@example.com")
		for orgID, name := range map[int64]string{alpha.org.ID: "Alpha team", beta.ID: "Beta team", gamma.org.ID: "Gamma team"} {
			if _, err := st.CreateTeam(ctx, orgID, name); err != nil {
				t.Fatal(err)
			}
		}
		c := fdnNewClient(t, app)
		c.login("ann@example.com")
		sees := func(org string, teams ...string) {
			t.Helper()
			var me struct {
				Org struct{ Name string }
			}
			fdnJSON(t, c.get("/api/v1/me"), &me)
			if me.Org.Name != org {
				t.Fatalf("current org %q, want %q", me.Org.Name, org)
			}
			fdnWantTeams(teams...)(t, c.get("/api/v1/teams"))
			page := fdnBody(t, c.get("/teams"))
			for _, name := range []string{"Alpha team", "Beta team", "Gamma team"} {
				if strings.Contains(page, name) != slices.Contains(teams, name) {
					t.Fatalf("teams page in %s shows %q: %v", org, name, strings.Contains(page, name))
				}
			}
		}
		sees("Alpha", "Alpha team")

		switchTo := func(orgID int64) int {
			resp := c.form("/org/switch", url.Values{"_csrf": {c.csrf("/teams")}, "org_id": {fmt.Sprint(orgID)}})
			fdnBody(t, resp)
			return resp.StatusCode
		}
		if got := switchTo(beta.ID); got != http.StatusSeeOther {
			t.Fatalf("switch to Beta = %d, want 303", got)
		}
		sees("Beta", "Beta team")
		if got := switchTo(gamma.org.ID); got != http.StatusNotFound {
			t.Fatalf("switch to an org ann is not in = %d, want 404", got)
		}
		sees("Beta", "Beta team")
		if got := switchTo(alpha.org.ID); got != http.StatusSeeOther {
			t.Fatalf("switch back to Alpha = %d, want 303", got)
		}
		sees("Alpha", "Alpha team")
	})
}
