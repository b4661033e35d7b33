package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

// Tests of the foundation (issue 2): health, identity, teams API, sessions,
// CSRF, rate limits, security headers and error pages, on the harness of
// harness_test.go.

func TestFoundationHealth(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		for _, path := range []string{"/healthz", "/readyz"} {
			r := ts.want(ts.call("GET", path, "", nil), http.StatusOK, path)
			var got map[string]any
			r.json(t, &got)
			if len(got) != 1 || got["status"] != "ok" {
				t.Fatalf(`GET %s = %s, want {"status":"ok"}`, path, r)
			}
		}
		if err := ts.st.Close(); err != nil {
			t.Fatal(err)
		}
		r := ts.want(ts.call("GET", "/readyz", "", nil), http.StatusServiceUnavailable, "readyz with the database closed")
		if strings.Contains(string(r.Body), "sql:") || strings.Contains(string(r.Body), "closed") {
			t.Fatalf("readyz leaks the database error: %s", r)
		}
		ts.want(ts.call("GET", "/healthz", "", nil), http.StatusOK, "healthz with the database closed (the process is alive)")
	})
}

func TestFoundationMe(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		acme := ts.newOrg("Acme")
		revoked, tok, err := ts.st.CreateToken(ctx, acme.ID, acme.Owner.ID, "old")
		if err != nil {
			t.Fatal(err)
		}
		if err := ts.st.RevokeToken(ctx, acme.ID, acme.Owner.ID, tok.ID); err != nil {
			t.Fatal(err)
		}

		r := ts.want(ts.call("GET", "/api/v1/me", acme.Token, nil), http.StatusOK, "me")
		var me map[string]any
		r.json(t, &me)
		if keys := sortedKeys(me); !slices.Equal(keys, []string{"org", "role", "user"}) {
			t.Fatalf("me has keys %v, want org, role, user", keys)
		}
		user, _ := me["user"].(map[string]any)
		org, _ := me["org"].(map[string]any)
		if !slices.Equal(sortedKeys(user), []string{"email", "id"}) || !slices.Equal(sortedKeys(org), []string{"id", "name"}) {
			t.Fatalf("me = %v, want user{id,email} and org{id,name}", me)
		}
		if user["id"] != float64(acme.Owner.ID) || user["email"] != acme.Owner.Email ||
			org["id"] != float64(acme.ID) || org["name"] != "Acme" || me["role"] != "owner" {
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
				r := ts.want(ts.send(req), http.StatusUnauthorized, tc.name)
				r.wantError(t, "")
			})
		}
	})
}

func TestFoundationTeamsAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		acme := ts.newOrg("Acme")
		other := ts.newOrg("Other", "Foreign")
		foreign := other.Teams[0]
		_, leaderTok := ts.addPerson(acme, "lea@example.com", models.RoleLeader)
		_, memberTok := ts.addPerson(acme, "mo@example.com", models.RoleMember)

		var created, second int64
		long := strings.Repeat("x", 101)
		foreignPath := fmt.Sprintf("/api/v1/teams/%d", foreign.ID)
		steps := []struct {
			name         string
			token        string // default: acme's owner; "-": none
			method, path string
			body         string
			want         int
			field        string // for errors: the field at fault
			check        func(t *testing.T, r apiResult)
		}{
			{name: "create", method: "POST", path: "/api/v1/teams", body: `{"name":"Platform"}`, want: 201, check: func(t *testing.T, r apiResult) {
				var got map[string]any
				r.json(t, &got)
				if !slices.Equal(sortedKeys(got), []string{"id", "name"}) || got["name"] != "Platform" {
					t.Fatalf("created %v, want {id, name}", got)
				}
				id, _ := got["id"].(float64)
				created = int64(id)
			}},
			{name: "create a second", method: "POST", path: "/api/v1/teams", body: `{"name":"Search"}`, want: 201, check: func(t *testing.T, r apiResult) {
				var got struct{ ID int64 }
				r.json(t, &got)
				second = got.ID
			}},
			{name: "empty name", method: "POST", path: "/api/v1/teams", body: `{"name":""}`, want: 422, field: "name"},
			{name: "blank name", method: "POST", path: "/api/v1/teams", body: `{"name":"   "}`, want: 422, field: "name"},
			{name: "missing name", method: "POST", path: "/api/v1/teams", body: `{}`, want: 422, field: "name"},
			{name: "101 characters", method: "POST", path: "/api/v1/teams", body: `{"name":"` + long + `"}`, want: 422, field: "name"},
			{name: "duplicate", method: "POST", path: "/api/v1/teams", body: `{"name":"Platform"}`, want: 422, field: "name"},
			{name: "not JSON", method: "POST", path: "/api/v1/teams", body: `name=Platform`, want: 400},
			{name: "unknown field", method: "POST", path: "/api/v1/teams", body: `{"name":"X","colour":"red"}`, want: 400},
			{name: "two values", method: "POST", path: "/api/v1/teams", body: `{"name":"X"}{"name":"Y"}`, want: 400},
			{name: "leader cannot create", token: leaderTok, method: "POST", path: "/api/v1/teams", body: `{"name":"Lea's"}`, want: 403},
			{name: "nothing stored by refused requests", method: "GET", path: "/api/v1/teams", want: 200, check: func(t *testing.T, r apiResult) {
				r.wantTeams(t, "Platform", "Search")
			}},
			{name: "rename", method: "PATCH", path: "/api/v1/teams/{created}", body: `{"name":"Platform Engineering"}`, want: 200, check: func(t *testing.T, r apiResult) {
				var got map[string]any
				r.json(t, &got)
				if !slices.Equal(sortedKeys(got), []string{"id", "name"}) || got["name"] != "Platform Engineering" || got["id"] != float64(created) {
					t.Fatalf("renamed %v", got)
				}
			}},
			{name: "rename to a taken name", method: "PATCH", path: "/api/v1/teams/{created}", body: `{"name":"Search"}`, want: 422, field: "name"},
			{name: "rename to empty", method: "PATCH", path: "/api/v1/teams/{created}", body: `{"name":""}`, want: 422, field: "name"},
			{name: "rename to 101 characters", method: "PATCH", path: "/api/v1/teams/{created}", body: `{"name":"` + long + `"}`, want: 422, field: "name"},
			{name: "leader reads one", token: leaderTok, method: "GET", path: "/api/v1/teams/{created}", want: 200},
			{name: "member sees no unassigned team", token: memberTok, method: "GET", path: "/api/v1/teams", want: 200, check: func(t *testing.T, r apiResult) {
				r.wantTeams(t)
			}},
			{name: "another org's team: GET", method: "GET", path: foreignPath, want: 404},
			{name: "another org's team: PATCH", method: "PATCH", path: foreignPath, body: `{"name":"Taken over"}`, want: 404},
			{name: "another org's team: DELETE", method: "DELETE", path: foreignPath, want: 404},
			{name: "another org's team: PUT members", method: "PUT", path: foreignPath + "/members", body: `{"user_ids":[]}`, want: 404},
			{name: "id that is not a number", method: "GET", path: "/api/v1/teams/abc", want: 404},
			{name: "negative id", method: "DELETE", path: "/api/v1/teams/-1", want: 404},
			{name: "delete", method: "DELETE", path: "/api/v1/teams/{second}", want: 204},
			{name: "deleted is gone", method: "GET", path: "/api/v1/teams/{second}", want: 404},
			{name: "delete again", method: "DELETE", path: "/api/v1/teams/{second}", want: 404},
			{name: "list after all", method: "GET", path: "/api/v1/teams", want: 200, check: func(t *testing.T, r apiResult) {
				r.wantTeams(t, "Platform Engineering")
			}},
			{name: "no token", token: "-", method: "GET", path: "/api/v1/teams", want: 401},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				token := acme.Token
				switch s.token {
				case "":
				case "-":
					token = ""
				default:
					token = s.token
				}
				path := strings.NewReplacer("{created}", fmt.Sprint(created), "{second}", fmt.Sprint(second)).Replace(s.path)
				var body any
				if s.body != "" {
					body = s.body
				}
				r := ts.want(ts.call(s.method, path, token, body), s.want, s.method+" "+path)
				if s.want >= 400 {
					r.wantError(t, s.field)
					return
				}
				if s.check != nil {
					s.check(t, r)
				}
			})
		}
		if got := ts.teamNames(other.ID); !slices.Equal(got, []string{"Foreign"}) {
			t.Fatalf("the other org's teams are now %q", got)
		}
	})
}

// TestFoundationWebJourney walks the path of a new customer: sign up,
// add a team, make a token, use it, log out.
func TestFoundationWebJourney(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		c := ts.client()
		tok := c.csrf("/signup")

		r := ts.want(c.post("/signup", url.Values{"_csrf": {tok}, "org_name": {"Acme"}, "email": {"ann@example.com"}, "password": {"short"}}),
			http.StatusUnprocessableEntity, "sign-up with a short password")
		if !strings.Contains(string(r.Body), "10 characters") {
			t.Fatal("the password rule is not shown on the re-rendered form")
		}
		if _, err := ts.st.UserByEmail(context.Background(), "ann@example.com"); err == nil {
			t.Fatal("a refused sign-up stored the user")
		}

		ts.want(c.post("/signup", url.Values{"_csrf": {tok}, "org_name": {"Acme"}, "email": {"ann@example.com"}, "password": {testPassword}}),
			http.StatusSeeOther, "sign-up")
		if c.cookie("gapmap_session") == "" {
			t.Fatal("no session after sign-up")
		}

		ts.want(c.post("/teams", url.Values{"_csrf": {c.csrf("/teams")}, "name": {"Payments"}}), http.StatusSeeOther, "add team")
		r = ts.want(c.post("/teams", url.Values{"_csrf": {c.csrf("/teams")}, "name": {"Payments"}}), http.StatusUnprocessableEntity, "duplicate team")
		if !strings.Contains(string(r.Body), "already exists") {
			t.Fatal("the duplicate-name error is not on the page")
		}
		r = ts.want(c.get("/teams"), http.StatusOK, "teams page")
		if !strings.Contains(string(r.Body), "Payments") {
			t.Fatal("the teams page does not list the team")
		}

		r = ts.want(c.post("/tokens", url.Values{"_csrf": {c.csrf("/tokens")}, "name": {"laptop"}}), http.StatusCreated, "create token")
		plain := regexp.MustCompile(store.TokenPrefix + `[A-Za-z0-9_-]{40,}`).FindString(string(r.Body))
		if plain == "" {
			t.Fatal("the new token is not shown")
		}
		ts.call("GET", "/api/v1/teams", plain, nil).wantTeams(t, "Payments")
		if r := ts.want(c.get("/tokens"), http.StatusOK, "tokens page"); strings.Contains(string(r.Body), plain) {
			t.Fatal("the token is shown again on the tokens page")
		}

		if r := c.post("/logout", url.Values{"_csrf": {c.csrf("/teams")}}); !r.toLogin() {
			t.Fatalf("logout: %s, want a redirect to /login", r)
		}
		if r := c.get("/teams"); !r.toLogin() {
			t.Fatalf("GET /teams after logout: %s, want a redirect to /login", r)
		}
	})
}

func TestFoundationCSRF(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	acme := ts.newOrg("Acme")
	c := ts.client()
	c.login(acme.Owner.Email)
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
		{name: "org switch without _csrf", path: "/org/switch", vals: url.Values{"org_id": {fmt.Sprint(acme.ID)}}, want: 403},
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
			for _, ck := range c.jar.Cookies(ts.origin) {
				req.AddCookie(ck)
			}
			r := ts.want(ts.send(req), tc.want, tc.name)
			if tc.want == 403 && !r.isHTML() {
				t.Fatalf("403 for a form is not an HTML page: %s", r)
			}
		})
	}
	if got := ts.teamNames(acme.ID); !slices.Equal(got, []string{"ViaForm", "ViaHeader"}) {
		t.Fatalf("teams = %q, want only the two with a valid token", got)
	}
	// The refused logout left the session alive.
	ts.want(c.get("/teams"), http.StatusOK, "teams page after a refused logout")

	// A login form posted without the token is refused before the password is checked.
	anon := ts.client()
	ts.want(anon.post("/login", url.Values{"email": {acme.Owner.Email}, "password": {testPassword}}), http.StatusForbidden, "login without _csrf")
	if anon.cookie("gapmap_session") != "" {
		t.Fatal("a login without _csrf started a session")
	}
	// Bearer-token API calls carry no ambient credentials and need no token.
	ts.want(ts.call("POST", "/api/v1/teams", acme.Token, `{"name":"FromAPI"}`), http.StatusCreated, "API POST with a bearer token")
	// A session-authenticated API write still needs the token.
	ts.want(c.do("POST", "/api/v1/teams", "application/json", strings.NewReader(`{"name":"CookieOnly"}`)), http.StatusForbidden, "API POST with only the session cookie")
}

func TestFoundationLoginRateLimit(t *testing.T) {
	st := storetest.SQLite(t)
	ts := newTestServer(t, st, nil)
	acme := ts.newOrg("Acme")
	c := ts.client()
	tok := c.csrf("/login")
	for i := 0; i < 11; i++ {
		v := url.Values{"_csrf": {tok}, "email": {acme.Owner.Email}, "password": {fmt.Sprintf("wrong password %d", i)}}
		switch i % 4 {
		case 1:
			v.Set("email", fmt.Sprintf("nobody%d@example.com", i))
		case 2:
			v.Set("email", "not an email")
		}
		r := c.post("/login", v)
		if i < 10 {
			if r.Status != http.StatusUnauthorized && r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("failed login %d = %d, want 401 or 422", i+1, r.Status)
			}
			continue
		}
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("failed login %d = %d, want 429", i+1, r.Status)
		}
	}
	// Successful logins do not count as failures.
	ts2 := newTestServer(t, st, nil)
	for i := 0; i < 12; i++ {
		ts2.client().login(acme.Owner.Email)
	}
}

func TestFoundationSessions(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		acme := ts.newOrg("Acme")
		c := ts.client()

		// A session id planted before login is not adopted.
		c.setCookie("gapmap_session", "attacker-chosen-session-id")
		c.login(acme.Owner.Email)
		first := c.cookie("gapmap_session")
		if first == "attacker-chosen-session-id" {
			t.Fatal("login kept the planted session id")
		}
		ck := c.lastSet("gapmap_session")
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
			t.Fatalf("session cookie %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure on http", ck)
		}
		ts.want(c.get("/teams"), http.StatusOK, "teams page with the session")

		// Logging in again issues a new id and kills the old one.
		c.login(acme.Owner.Email)
		second := c.cookie("gapmap_session")
		if second == first {
			t.Fatal("the session id did not change at login")
		}
		stale := ts.client()
		stale.setCookie("gapmap_session", first)
		if r := stale.get("/teams"); !r.toLogin() {
			t.Fatalf("GET /teams with the pre-login cookie: %s, want a redirect to /login", r)
		}

		// After logout the cookie is dead, even if a client keeps sending it.
		ts.want(c.post("/logout", url.Values{"_csrf": {c.csrf("/teams")}}), http.StatusSeeOther, "logout")
		if c.cookie("gapmap_session") != "" {
			t.Error("logout did not clear the session cookie")
		}
		replay := ts.client()
		replay.setCookie("gapmap_session", second)
		for _, path := range []string{"/teams", "/tokens"} {
			if r := replay.get(path); !r.toLogin() {
				t.Fatalf("GET %s with the logged-out cookie: %s, want a redirect to /login", path, r)
			}
		}
		ts.want(replay.get("/api/v1/me"), http.StatusUnauthorized, "me with the logged-out cookie")
	})
}

func TestFoundationSecureCookieOnHTTPS(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), func(c *config.Config) { c.BaseURL = "https://gapmap.example.com" })
	acme := ts.newOrg("Acme")
	c := ts.client()
	c.login(acme.Owner.Email)
	if ck := c.lastSet("gapmap_session"); !ck.Secure || !ck.HttpOnly {
		t.Fatalf("session cookie %+v on an https deployment, want Secure and HttpOnly", ck)
	}
}

func TestFoundationSecurityHeaders(t *testing.T) {
	st := storetest.SQLite(t)
	plain := newTestServer(t, st, func(c *config.Config) { c.BaseURL = "http://gapmap.test" })
	secure := newTestServer(t, st, func(c *config.Config) { c.BaseURL = "https://gapmap.example.com" })
	paths := []string{"/healthz", "/login", "/signup", "/no/such/page", "/api/v1/me", "/api/v1/nope", "/teams"}
	for _, tc := range []struct {
		name string
		ts   *testServer
		hsts bool
	}{{"http base URL", plain, false}, {"https base URL", secure, true}} {
		for _, path := range paths {
			t.Run(tc.name+" "+path, func(t *testing.T) {
				h := tc.ts.call("GET", path, "", nil).Header
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
				if tc.hsts && (!strings.HasPrefix(hsts, "max-age=") || strings.HasPrefix(hsts, "max-age=0")) {
					t.Errorf("Strict-Transport-Security %q with an https base URL", hsts)
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
	a := plain.call("GET", "/healthz", "", nil).Header.Get("X-Request-Id")
	b := plain.call("GET", "/healthz", "", nil).Header.Get("X-Request-Id")
	if a == b {
		t.Fatal("two requests got the same request id")
	}
}

func TestFoundationNotFound(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	acme := ts.newOrg("Acme")
	tests := []struct {
		name, path, token string
		json              bool
	}{
		{name: "unknown page", path: "/no/such/page"},
		{name: "unknown page under a known prefix", path: "/teams/1/nothing"},
		{name: "unknown API path", path: "/api/v1/nope", json: true},
		{name: "unknown API path with a token", path: "/api/v1/nope", token: acme.Token, json: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.want(ts.call("GET", tc.path, tc.token, nil), http.StatusNotFound, tc.path)
			if tc.json {
				r.wantError(t, "")
				return
			}
			if !r.isHTML() {
				t.Fatalf("%s, want an HTML page", r)
			}
		})
	}
}

// TestFoundationBodyLimit runs a real listener: fasthttp refuses an
// oversized body before fiber's test hook would return a response.
func TestFoundationBodyLimit(t *testing.T) {
	st := storetest.SQLite(t)
	ts := newTestServer(t, st, func(c *config.Config) { c.BodyLimit = 64 << 10 })
	acme := ts.newOrg("Acme")
	base := ts.listen()
	big := strings.Repeat("x", 80<<10)
	tests := []struct {
		name, path, body, ctype string
		want                    int
	}{
		{name: "API body over the limit", path: "/api/v1/teams", body: `{"name":"` + big + `"}`, ctype: "application/json", want: 413},
		{name: "form body over the limit", path: "/login", body: "email=" + big, ctype: "application/x-www-form-urlencoded", want: 413},
		{name: "API body under the limit", path: "/api/v1/teams", body: `{"name":"Small"}`, ctype: "application/json", want: 201},
	}
	// A write reset by the server's early 413 is tried again (sendOverWire).
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, lastErr := sendOverWire(t, http.MethodPost, base+tc.path, tc.ctype, acme.Token, tc.body)
			if status != tc.want {
				t.Fatalf("status %d (last error %v), want %d", status, lastErr, tc.want)
			}
		})
	}
	if got := ts.teamNames(acme.ID); !slices.Equal(got, []string{"Small"}) {
		t.Fatalf("teams = %q", got)
	}
}

func TestFoundationAuthPages(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	for _, path := range []string{"/signup", "/login"} {
		t.Run(path, func(t *testing.T) {
			r := ts.want(ts.call("GET", path, "", nil), http.StatusOK, path)
			body := string(r.Body)
			for _, want := range []string{`name="_csrf"`, `name="email"`, `name="password"`, `method="post"`} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			if m := csrfInput.FindStringSubmatch(body); m == nil || len(m[1]) < 16 {
				t.Errorf("CSRF field has no real token: %v", m)
			}
			if strings.Contains(body, "<script>") {
				t.Error("page has an inline script")
			}
		})
	}
}

func TestFoundationOrgSwitch(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		alpha := ts.newOrg("Alpha", "Alpha team")
		beta, err := ts.st.CreateOrg(context.Background(), "Beta", alpha.Owner.Email, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.st.CreateTeam(context.Background(), beta.ID, "Beta team"); err != nil {
			t.Fatal(err)
		}
		gamma := ts.newOrg("Gamma", "Gamma team")

		c := ts.client()
		c.login(alpha.Owner.Email)
		sees := func(org string, teams ...string) {
			t.Helper()
			var me struct {
				Org struct{ Name string }
			}
			ts.want(c.get("/api/v1/me"), http.StatusOK, "me").json(t, &me)
			if me.Org.Name != org {
				t.Fatalf("current org %q, want %q", me.Org.Name, org)
			}
			c.get("/api/v1/teams").wantTeams(t, teams...)
			page := string(ts.want(c.get("/teams"), http.StatusOK, "teams page").Body)
			for _, name := range []string{"Alpha team", "Beta team", "Gamma team"} {
				if strings.Contains(page, name) != slices.Contains(teams, name) {
					t.Fatalf("teams page in %s shows %q: %v", org, name, strings.Contains(page, name))
				}
			}
		}
		sees("Alpha", "Alpha team")

		switchTo := func(orgID int64) int {
			return c.post("/org/switch", url.Values{"_csrf": {c.csrf("/teams")}, "org_id": {fmt.Sprint(orgID)}}).Status
		}
		if got := switchTo(beta.ID); got != http.StatusSeeOther {
			t.Fatalf("switch to Beta = %d, want 303", got)
		}
		sees("Beta", "Beta team")
		if got := switchTo(gamma.ID); got != http.StatusNotFound {
			t.Fatalf("switch to an org the user is not in = %d, want 404", got)
		}
		sees("Beta", "Beta team")
		if got := switchTo(alpha.ID); got != http.StatusSeeOther {
			t.Fatalf("switch back to Alpha = %d, want 303", got)
		}
		sees("Alpha", "Alpha team")
	})
}

// TestFoundationTeamPagesIsolation posts the team forms with another
// organization's team id: 404, and the team is untouched.
func TestFoundationTeamPagesIsolation(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		acme := ts.newOrg("Acme", "Mine")
		other := ts.newOrg("Other", "Foreign")
		foreign := other.Teams[0]
		c := ts.client()
		c.login(acme.Owner.Email)
		for _, tc := range []struct {
			name, path string
			vals       url.Values
		}{
			{"rename", fmt.Sprintf("/teams/%d", foreign.ID), url.Values{"name": {"Taken over"}}},
			{"delete", fmt.Sprintf("/teams/%d/delete", foreign.ID), url.Values{}},
			{"assign members", fmt.Sprintf("/teams/%d/members", foreign.ID), url.Values{"user_ids": {fmt.Sprint(acme.Owner.ID)}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.vals.Set("_csrf", c.csrf("/teams"))
				r := ts.want(c.post(tc.path, tc.vals), http.StatusNotFound, tc.name)
				if !r.isHTML() || strings.Contains(string(r.Body), "Foreign") {
					t.Fatalf("404 page %s: want HTML that does not name the team", r)
				}
			})
		}
		if got := ts.teamNames(other.ID); !slices.Equal(got, []string{"Foreign"}) {
			t.Fatalf("the other org's teams are now %q", got)
		}
		if ids, err := ts.st.TeamMemberIDs(context.Background(), other.ID, foreign.ID); err != nil || len(ids) != 0 {
			t.Fatalf("the other org's team got members %v (%v)", ids, err)
		}
		page := string(ts.want(c.get("/teams"), http.StatusOK, "teams page").Body)
		if strings.Contains(page, "Foreign") || !strings.Contains(page, "Mine") {
			t.Fatal("the teams page shows another org's team or misses its own")
		}
	})
}
