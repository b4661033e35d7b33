package web_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
	"gapmap/questionnaires"
)

func secRandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// secAbuseEnv is an application on SQLite running with gapmap's default
// abuse limits, changed by mutate; it has no organizations yet.
func secAbuseEnv(t *testing.T, mutate func(*config.Config)) *secEnv {
	t.Helper()
	ts := newTestServer(t, storetest.SQLite(t), secConfig(func(c *config.Config) {
		c.Limits = config.DefaultLimits()
		if mutate != nil {
			mutate(c)
		}
	}))
	return &secEnv{testServer: ts}
}

// secUntil sends requests made by send until one answers 429, and returns
// how many were sent; it fails after max requests.
func secUntil(t *testing.T, what string, max int, send func(i int) apiResult) int {
	t.Helper()
	for i := 1; i <= max; i++ {
		r := send(i)
		if r.Status == http.StatusTooManyRequests {
			return i
		}
		if r.Status >= 500 {
			t.Fatalf("%s #%d: %d", what, i, r.Status)
		}
	}
	t.Errorf("%s: no 429 after %d requests", what, max)
	return 0
}

// TestAbuseRateLimits checks every rate limit with gapmap's default
// limits: the request after the limit is refused with 429.
func TestAbuseRateLimits(t *testing.T) {
	lim := config.DefaultLimits()
	cases := []struct {
		name  string
		limit int
		setup func(e *secEnv) func(i int) apiResult
	}{
		{"failed logins per minute", lim.LoginFailures, func(e *secEnv) func(int) apiResult {
			c := e.client()
			c.get("/login")
			return func(i int) apiResult {
				form := url.Values{"email": {"owner@example.com"}, "password": {fmt.Sprintf("wrong password %d", i)}}.Encode()
				return c.send("POST", "/login", "application/x-www-form-urlencoded", form, true)
			}
		}},
		{"sign-ups per hour", lim.Signups, func(e *secEnv) func(int) apiResult {
			c := e.client()
			c.get("/signup")
			return func(i int) apiResult {
				form := url.Values{"org_name": {fmt.Sprintf("Org %d", i)}, "email": {fmt.Sprintf("signup-%d@example.com", i)}, "password": {testPassword}}.Encode()
				r := c.send("POST", "/signup", "application/x-www-form-urlencoded", form, true)
				c.send("POST", "/logout", "application/x-www-form-urlencoded", "", true)
				return r
			}
		}},
		{"guessed survey tokens per minute", lim.SurveyMisses, func(e *secEnv) func(int) apiResult {
			return func(i int) apiResult {
				if i%2 == 0 {
					return e.client().get("/s/s_" + secRandomHex(16))
				}
				return e.client().send("PUT", "/api/v1/survey/s_"+secRandomHex(16)+"/answers", "application/json", `{"questionnaire":"x","question":"y","na":true}`, false)
			}
		}},
		{"guessed API tokens per minute", lim.TokenFailures, func(e *secEnv) func(int) apiResult {
			return func(i int) apiResult {
				return e.bearerClient("gm_" + secRandomHex(16)).get("/api/v1/me")
			}
		}},
		{"guessed invitation tokens per minute (accepting)", lim.LoginFailures, func(e *secEnv) func(int) apiResult {
			c := e.client()
			c.get("/login")
			return func(i int) apiResult {
				return c.send("POST", "/invite/"+secRandomHex(16), "application/x-www-form-urlencoded", "password=correct+horse+battery", true)
			}
		}},
		{"guessed invitation tokens per minute (opening)", lim.LoginFailures, func(e *secEnv) func(int) apiResult {
			return func(i int) apiResult { return e.client().get("/invite/" + secRandomHex(16)) }
		}},
		{"questionnaire uploads per minute", lim.Uploads, func(e *secEnv) func(int) apiResult {
			ctx := t.Context()
			_, u, err := e.st.SignUp(ctx, "Uploads", "uploads@example.com", testPassword)
			if err != nil {
				t.Fatal(err)
			}
			ms, _ := e.st.Memberships(ctx, u.ID)
			tok, _, err := e.st.CreateToken(ctx, ms[0].OrgID, u.ID, "t")
			if err != nil {
				t.Fatal(err)
			}
			c := e.bearerClient(tok)
			return func(i int) apiResult {
				return c.send("POST", "/api/v1/questionnaires", "application/yaml", "key: [not a questionnaire", false)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := secAbuseEnv(t, nil)
			n := secUntil(t, tc.name, tc.limit+5, tc.setup(e))
			if n != 0 && n != tc.limit+1 {
				t.Errorf("%s: first 429 at request %d, want %d (limit %d)", tc.name, n, tc.limit+1, tc.limit)
			}
		})
	}
}

// TestAbuseGuessingDoesNotLockOutRespondents checks that the survey-token
// limit counts only misses: a respondent keeps saving past the limit.
func TestAbuseGuessingDoesNotLockOutRespondents(t *testing.T) {
	e := secAbuseEnv(t, nil)
	a := e.newOrg("Org", "a")
	lim := config.DefaultLimits()
	for i := 0; i < lim.SurveyMisses*2; i++ {
		body := `{"questionnaire":"cncf-platform-maturity","question":"` + a.question + `","na":true,"comment":"` + fmt.Sprint(i) + `"}`
		if r := e.client().send("PUT", "/api/v1/survey/"+a.obj[objSurvey]+"/answers", "application/json", body, false); r.Status != http.StatusOK {
			t.Fatalf("save #%d = %d %.200q", i+1, r.Status, r.text())
		}
	}
}

// TestAbuseBodyLimits checks that bodies over the limits get 413 and store
// nothing: the server-wide limit (enforced while reading the request, so
// it is sent over a real connection), the answer limit and the upload limit.
func TestAbuseBodyLimits(t *testing.T) {
	const bodyLimit = 256 << 10
	e := secAbuseEnv(t, func(c *config.Config) { c.BodyLimit = bodyLimit })
	a := e.newOrg("Org", "a")
	base := e.listen()
	big := strings.Repeat("x", bodyLimit+1024)
	cases := []struct {
		name, method, path, ct, body string
		bearer                       bool
	}{
		{"JSON over the server limit", "POST", "/api/v1/teams", "application/json", `{"name":"` + big + `"}`, true},
		{"upload over the server limit", "POST", "/api/v1/questionnaires", "application/yaml", "title: " + big, true},
		{"form over the server limit", "POST", "/teams", "application/x-www-form-urlencoded", "name=" + big, false},
		{"answer over the answer limit", "PUT", "/api/v1/survey/" + a.obj[objSurvey] + "/answers", "application/json",
			`{"questionnaire":"cncf-platform-maturity","question":"` + a.question + `","na":true,"comment":"` + strings.Repeat("y", 40<<10) + `"}`, false},
	}
	// Resets are retried (sendOverWire); any other answer than 413 fails.
	for _, tc := range cases {
		bearer := ""
		if tc.bearer {
			bearer = a.bearer[models.RoleOwner]
		}
		got, lastErr := sendOverWire(t, tc.method, base+tc.path, tc.ct, bearer, tc.body)
		if got != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d (last error %v), want 413", tc.name, got, lastErr)
		}
	}
	teams, err := e.st.Teams(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(teams) != 2 {
		t.Errorf("the organization has %d teams after refused requests, want 2", len(teams))
	}
	answers, err := e.st.Answers(t.Context(), a.responseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 0 {
		t.Errorf("%d answers stored by refused requests", len(answers))
	}
	// The upload limit of 1 MiB holds under the default server limit.
	e2 := secAbuseEnv(t, nil)
	b := e2.newOrg("Org", "b")
	huge := "title: \"" + strings.Repeat("z", 1<<20+10) + "\"\n"
	if r := e2.bearerClient(b.bearer[models.RoleOwner]).send("POST", "/api/v1/questionnaires", "application/yaml", huge, false); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("questionnaire over 1 MiB: %d, want 413", r.Status)
	}
}

// TestAbuseHostileYAML uploads YAML built to exhaust a parser: alias
// bombs and deep nesting are refused with 4xx. The time bound is a loose
// sanity check against exponential blow-up, not a performance assertion.
func TestAbuseHostileYAML(t *testing.T) {
	e := secAbuseEnv(t, func(c *config.Config) { c.Limits.Uploads = 1000 })
	a := e.newOrg("Org", "a")
	api := e.bearerClient(a.bearer[models.RoleOwner])
	var bomb strings.Builder
	bomb.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&bomb, "%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = n
	}
	bombInQuestionnaire := string(questionnaireYAML(t, "alias-bomb", nil)) + "\n" + bomb.String() + "extra: *i\n"
	keyAlias := "key: &k alias-key\nversion: *k\ntitle: *k\n" + strings.Repeat("x: *k\n", 3)
	cases := []struct{ name, body string }{
		{"billion laughs", bomb.String()},
		{"billion laughs inside a questionnaire", bombInQuestionnaire},
		{"deep flow nesting", strings.Repeat("[", 100000) + strings.Repeat("]", 100000)},
		{"deep block nesting", secDeepBlock(1000)},
		{"deep mapping in a field", "key: x\ntitle: " + strings.Repeat("{a: ", 20000) + "1" + strings.Repeat("}", 20000) + "\n"},
		{"aliases to scalars", keyAlias},
		{"merge key loop", "base: &b {a: 1}\nloop: &l\n  <<: *b\n  self: *l\n"},
	}
	for _, tc := range cases {
		start := time.Now()
		r := api.send("POST", "/api/v1/questionnaires", "application/yaml", tc.body, false)
		took := time.Since(start)
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s: %d, want a 4xx refusal; %.200q", tc.name, r.Status, r.text())
		}
		if took > 20*time.Second {
			t.Errorf("%s: took %v; an upload must be refused quickly", tc.name, took)
		}
		t.Logf("%s: %d in %v", tc.name, r.Status, took.Round(time.Millisecond))
	}
	var n int64
	ctx := t.Context()
	qs, err := e.st.OrgQuestionnaires(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Q.Key != "private-a" {
			n++
		}
	}
	if n != 0 {
		t.Errorf("%d hostile uploads were stored", n)
	}
}

func secDeepBlock(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("a:\n")
	}
	b.WriteString(strings.Repeat(" ", depth) + "b: 1\n")
	return b.String()
}

// FuzzAnswerPayload sends arbitrary bodies to PUT /api/v1/survey/{token}/answers
// through the real handler on a real database. It never answers 5xx; a
// refused write changes nothing; every stored answer stays consistent with
// the questionnaire (one of option, value or N/A; known option with its
// level; likert value 1..5; comment within 4 KiB of valid UTF-8).
func FuzzAnswerPayload(f *testing.F) {
	seeds := []string{
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","option":"l3"}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","option":"l3","comment":"evidence: budget line 42","revision":0}`,
		`{"questionnaire":"gartner-platform-axes","question":"QUESTION","value":4}`,
		`{"questionnaire":"gartner-platform-axes","question":"QUESTION","value":0}`,
		`{"questionnaire":"gartner-platform-axes","question":"QUESTION","value":6,"na":true}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","na":true}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","na":false}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","option":"l9"}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","option":"l2","value":2}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","na":true,"comment":"\u0000"}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","na":true,"revision":-1}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","na":true,"revision":9223372036854775807}`,
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","option":null,"value":null,"na":null}`,
		`{"questionnaire":"x","question":"y","extra":1}`,
		`{"questionnaire":["cncf-platform-maturity"]}`,
		`[]`, `null`, `{}`, `{"a":1}{"b":2}`, `{"questionnaire":"cncf-platform-maturity"`, "\xff\xfe",
		`{"questionnaire":"cncf-platform-maturity","question":"inv-funding-model","na":true,"comment":"` + strings.Repeat("é", 2100) + `"}`,
	}
	st := storetest.SQLite(f)
	app, _ := testApp(f, st, secConfig(nil))
	shipped, err := questionnaires.Shipped()
	if err != nil {
		f.Fatal(err)
	}
	byKey := map[string]*questionnaires.Questionnaire{}
	var choices []store.QuestionnaireChoice
	for _, q := range shipped {
		byKey[q.Key] = q
		choices = append(choices, store.QuestionnaireChoice{Q: q})
	}
	likertQ := byKey["gartner-platform-axes"].Dimensions[0].Questions[0].Key
	for _, s := range seeds {
		f.Add(strings.ReplaceAll(s, "QUESTION", likertQ))
	}
	ctx := context.Background()
	org, _, err := st.SignUp(ctx, "Fuzz", "fuzz@example.com", testPassword)
	if err != nil {
		f.Fatal(err)
	}
	team, err := st.CreateTeam(ctx, org.ID, "Team")
	if err != nil {
		f.Fatal(err)
	}
	a, err := st.CreateAssessment(ctx, org.ID, store.AssessmentInput{Name: "Fuzz round", Questionnaires: choices, TeamIDs: []int64{team.ID}})
	if err != nil {
		f.Fatal(err)
	}
	invs, err := st.CreateInvitations(ctx, org.ID, a.ID, nil, []store.NewInvitation{{TeamID: team.ID}})
	if err != nil {
		f.Fatal(err)
	}
	token := invs[0].Token
	sv, err := st.SurveyByToken(ctx, token)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		before, err := st.Answers(ctx, sv.ResponseID)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("PUT", "/api/v1/survey/"+token+"/answers", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%q: %d %s", body, resp.StatusCode, data)
		}
		after, err := st.Answers(ctx, sv.ResponseID)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK && !reflect.DeepEqual(before, after) {
			t.Fatalf("%q was refused with %d but changed the stored answers", body, resp.StatusCode)
		}
		if resp.StatusCode == http.StatusOK {
			var out struct{ Revision *int64 }
			if err := json.Unmarshal(data, &out); err != nil || out.Revision == nil {
				t.Fatalf("200 without a revision: %s", data)
			}
		}
		for _, ans := range after {
			secCheckAnswer(t, byKey, ans)
		}
	})
}

// secCheckAnswer fails for a stored answer that does not fit its question.
func secCheckAnswer(t *testing.T, byKey map[string]*questionnaires.Questionnaire, a models.Answer) {
	t.Helper()
	q := byKey[a.QuestionnaireKey]
	if q == nil {
		t.Fatalf("answer to unknown questionnaire %q", a.QuestionnaireKey)
	}
	_, qu, ok := q.Question(a.QuestionKey)
	if !ok {
		t.Fatalf("answer to unknown question %s/%s", a.QuestionnaireKey, a.QuestionKey)
	}
	kinds := 0
	if a.NA {
		kinds++
	}
	if a.OptionKey != nil {
		kinds++
		o, ok := qu.Option(*a.OptionKey)
		if !ok || a.Level == nil || *a.Level != o.Level {
			t.Fatalf("%s/%s: option %q with level %v", a.QuestionnaireKey, a.QuestionKey, *a.OptionKey, a.Level)
		}
	}
	if a.Value != nil {
		kinds++
		if q.Scale != questionnaires.ScaleLikert || *a.Value < 1 || *a.Value > 5 {
			t.Fatalf("%s/%s: value %d", a.QuestionnaireKey, a.QuestionKey, *a.Value)
		}
	}
	if kinds != 1 {
		t.Fatalf("%s/%s: %d of option, value and N/A set", a.QuestionnaireKey, a.QuestionKey, kinds)
	}
	if len(a.Comment) > store.MaxCommentBytes || !utf8.ValidString(a.Comment) || strings.ContainsRune(a.Comment, 0) {
		t.Fatalf("%s/%s: comment of %d bytes, valid UTF-8 %v", a.QuestionnaireKey, a.QuestionKey, len(a.Comment), utf8.ValidString(a.Comment))
	}
}
