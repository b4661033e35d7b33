package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gapmap/app/config"
	"gapmap/app/store/storetest"
)

// surveyState is what GET /api/v1/survey/{token} says about a response.
type surveyState struct {
	Assessment struct {
		ID     int64
		Name   string
		Status string
	}
	Team struct {
		ID   int64
		Name string
	}
	Questionnaires []struct {
		Key   string
		Scale string
	}
	Answers []struct {
		Questionnaire string
		Question      string
		Option        *string
		Value         *int
		NA            bool
		Comment       string
		Revision      int64
	}
	Revision    int64
	Status      string
	Page        string
	SubmittedAt *string `json:"submitted_at"`
}

func (ts *testServer) survey(token string) surveyState {
	ts.t.Helper()
	var sv surveyState
	ts.want(ts.call("GET", "/api/v1/survey/"+token, "", nil), http.StatusOK, "get survey").decode(ts.t, &sv)
	return sv
}

const (
	cncf    = "cncf-platform-maturity"
	gartner = "gartner-platform-axes"
)

func TestSurveyGetShape(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o)
		res := ts.want(ts.call("GET", "/api/v1/survey/"+r.Tokens[0], "", nil), http.StatusOK, "get survey")
		if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("Referrer-Policy %q, want no-referrer", got)
		}
		var m map[string]any
		res.decode(t, &m)
		for _, k := range []string{"assessment", "team", "questionnaires", "answers", "revision", "status"} {
			if _, ok := m[k]; !ok {
				t.Errorf("survey lacks %q: %v", k, res)
			}
		}
		sv := ts.survey(r.Tokens[0])
		if sv.Assessment.ID != r.ID || sv.Assessment.Status != "open" || sv.Team.Name != "Blue" || sv.Status != "draft" || sv.Revision != 0 {
			t.Errorf("survey = %+v", sv)
		}
		if len(sv.Questionnaires) != 2 || sv.Questionnaires[0].Key != cncf || sv.Questionnaires[1].Scale != "likert" {
			t.Errorf("questionnaires = %+v", sv.Questionnaires)
		}
		if len(sv.Answers) != 0 {
			t.Errorf("answers of a new response = %+v", sv.Answers)
		}
	})
}

// TestSurveyResume shows that answers and the revision come back on a new
// visit, so a respondent resumes exactly where they were.
func TestSurveyResume(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o)
		tok := r.Tokens[0]
		q := ts.shippedQ(cncf)
		d2 := q.Dimensions[1]
		qu := d2.Questions[0]
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": cncf, "question": qu.Key, "option": qu.Options[2].Key, "comment": "runbook in wiki"}), 200, "answer")
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": gartner, "question": ts.shippedQ(gartner).Dimensions[0].Questions[0].Key, "value": 4}), 200, "answer")
		lk := ts.shippedQ(gartner).Dimensions[0].Questions[1].Key
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": gartner, "question": lk, "na": true}), 200, "answer")

		sv := ts.survey(tok)
		if sv.Revision != 3 || len(sv.Answers) != 3 {
			t.Fatalf("revision %d, %d answers; want 3 and 3: %+v", sv.Revision, len(sv.Answers), sv.Answers)
		}
		a := sv.Answers[0]
		if a.Questionnaire != cncf || a.Question != qu.Key || a.Option == nil || *a.Option != qu.Options[2].Key || a.Comment != "runbook in wiki" || a.Value != nil || a.Revision != 1 {
			t.Errorf("first answer = %+v", a)
		}
		if b := sv.Answers[1]; b.Value == nil || *b.Value != 4 || b.Option != nil {
			t.Errorf("likert answer = %+v", b)
		}
		if c := sv.Answers[2]; !c.NA || c.Value != nil || c.Option != nil {
			t.Errorf("N/A answer = %+v", c)
		}
		// The last answer was on the first page of the second questionnaire.
		if want := fmt.Sprint(len(q.Dimensions) + 1); sv.Page != want {
			t.Errorf("page %q, want %q", sv.Page, want)
		}
		// Reopening the link sends the respondent to that page.
		res := ts.client().get("/s/" + tok)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/s/"+tok+"/page/"+sv.Page {
			t.Errorf("GET /s/{token}: %d to %q", res.Status, res.Header.Get("Location"))
		}
	})
}

func TestSurveyBadInputChangesNothing(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o)
		tok := r.Tokens[0]
		lvl := ts.shippedQ(cncf).Dimensions[0].Questions[0]
		lik := ts.shippedQ(gartner).Dimensions[0].Questions[0].Key
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": cncf, "question": lvl.Key, "option": lvl.Options[0].Key, "comment": "before"}), 200, "first answer")
		before := ts.survey(tok)

		tests := []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"unknown questionnaire", map[string]any{"questionnaire": "nope", "question": lvl.Key, "option": "l1"}, 422, "questionnaire"},
			{"missing questionnaire", map[string]any{"question": lvl.Key, "option": "l1"}, 422, "questionnaire"},
			{"unknown question", map[string]any{"questionnaire": cncf, "question": "nope", "option": "l1"}, 422, "question"},
			{"question of the other questionnaire", map[string]any{"questionnaire": cncf, "question": lik, "option": "l1"}, 422, "question"},
			{"unknown option", map[string]any{"questionnaire": cncf, "question": lvl.Key, "option": "l9"}, 422, "option"},
			{"value on a level question", map[string]any{"questionnaire": cncf, "question": lvl.Key, "value": 3}, 422, "value"},
			{"option on a likert statement", map[string]any{"questionnaire": gartner, "question": lik, "option": "l1"}, 422, "option"},
			{"value 0", map[string]any{"questionnaire": gartner, "question": lik, "value": 0}, 422, "value"},
			{"value 6", map[string]any{"questionnaire": gartner, "question": lik, "value": 6}, 422, "value"},
			{"value -1", map[string]any{"questionnaire": gartner, "question": lik, "value": -1}, 422, "value"},
			{"na with a value", map[string]any{"questionnaire": gartner, "question": lik, "value": 2, "na": true}, 422, "na"},
			{"na with an option", map[string]any{"questionnaire": cncf, "question": lvl.Key, "option": "l1", "na": true}, 422, "na"},
			{"na false alone", map[string]any{"questionnaire": cncf, "question": lvl.Key, "na": false}, 422, "na"},
			{"no answer at all", map[string]any{"questionnaire": cncf, "question": lvl.Key, "comment": "x"}, 422, "option"},
			{"option and value", map[string]any{"questionnaire": cncf, "question": lvl.Key, "option": "l1", "value": 1}, 422, "value"},
			{"comment over 4 KiB", map[string]any{"questionnaire": cncf, "question": lvl.Key, "option": "l1", "comment": strings.Repeat("é", 2049)}, 422, "comment"},
			{"comment with NUL", map[string]any{"questionnaire": cncf, "question": lvl.Key, "option": "l1", "comment": "a\x00b"}, 422, "comment"},
			{"negative revision", map[string]any{"questionnaire": cncf, "question": lvl.Key, "option": "l2", "revision": -1}, 422, "revision"},
			{"value as a string", `{"questionnaire":"` + gartner + `","question":"` + lik + `","value":"3"}`, 400, ""},
			{"value with a fraction", `{"questionnaire":"` + gartner + `","question":"` + lik + `","value":2.5}`, 422, "value"},
			{"unknown field", `{"questionnaire":"` + cncf + `","question":"` + lvl.Key + `","option":"l1","score":3}`, 400, ""},
			{"malformed JSON", `{"questionnaire":`, 400, ""},
			{"two JSON values", `{"questionnaire":"` + cncf + `","question":"` + lvl.Key + `","option":"l1"} {}`, 400, ""},
			{"empty body", "", 400, ""},
			{"body over the limit", `{"questionnaire":"` + cncf + `","question":"` + lvl.Key + `","option":"l1","comment":"` + strings.Repeat("x", 40<<10) + `"}`, 413, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := ts.putAnswer(tok, tt.body)
				if res.Status != tt.status {
					t.Fatalf("got %s, want %d", res, tt.status)
				}
				if msg, _ := res.field(t, "error").(string); msg == "" {
					t.Errorf("no error message: %s", res)
				}
				if tt.field != "" && res.field(t, "field") != tt.field {
					t.Errorf("field %v, want %q: %s", res.field(t, "field"), tt.field, res)
				}
				if after := ts.survey(tok); !reflect.DeepEqual(after, before) {
					t.Errorf("response changed:\n%+v\nwant\n%+v", after, before)
				}
			})
		}
	})
}

func TestSurveyRevisions(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		tok := ts.newRound(o).Tokens[0]
		d := ts.shippedQ(cncf).Dimensions[0]
		q1, q2 := d.Questions[0], d.Questions[1]
		ans := func(q string, opt string, rev int64) map[string]any {
			return map[string]any{"questionnaire": cncf, "question": q, "option": opt, "revision": rev}
		}
		// Two tabs open at revision 0.
		ts.want(ts.putAnswer(tok, ans(q1.Key, "l2", 0)), 200, "tab A writes q1")
		// Tab B writes another question based on revision 0: no conflict.
		if got := ts.want(ts.putAnswer(tok, ans(q2.Key, "l3", 0)), 200, "tab B writes q2").field(t, "revision"); got != float64(2) {
			t.Errorf("revision %v, want 2", got)
		}
		// Tab B writes q1 based on revision 0, but q1 changed at 1: conflict.
		res := ts.want(ts.putAnswer(tok, ans(q1.Key, "l4", 0)), http.StatusConflict, "stale write")
		var body struct {
			Error    string
			Revision int64
			Current  struct {
				Question string
				Option   string
				Revision int64
			}
		}
		res.decode(t, &body)
		if body.Error == "" || body.Revision != 2 || body.Current.Question != q1.Key || body.Current.Option != "l2" || body.Current.Revision != 1 {
			t.Errorf("conflict body %+v", body)
		}
		if sv := ts.survey(tok); sv.Revision != 2 || *sv.Answers[0].Option != "l2" && *sv.Answers[1].Option != "l2" {
			t.Errorf("stale write changed the response: %+v", sv)
		}
		// Having seen the current answer (revision 2), tab B may change it.
		ts.want(ts.putAnswer(tok, ans(q1.Key, "l4", 2)), 200, "write after conflict")
		// A write without revision always applies (last writer wins).
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": cncf, "question": q1.Key, "option": "l5"}), 200, "write without revision")
		// Repeating an identical write (a retry) is accepted and changes nothing, even when stale.
		sv := ts.survey(tok)
		if got := ts.want(ts.putAnswer(tok, ans(q1.Key, "l5", 0)), 200, "identical retry").field(t, "revision"); got != float64(sv.Revision) {
			t.Errorf("identical write moved the revision to %v from %d", got, sv.Revision)
		}
		// Comments alone change an answer, and keep when not sent.
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": cncf, "question": q2.Key, "option": "l3", "comment": "see ADR-12", "revision": sv.Revision}), 200, "comment")
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": cncf, "question": q2.Key, "option": "l4"}), 200, "no comment field")
		for _, a := range ts.survey(tok).Answers {
			if a.Question == q2.Key && (a.Comment != "see ADR-12" || *a.Option != "l4") {
				t.Errorf("answer %+v, want l4 with the comment kept", a)
			}
		}
	})
}

func TestSurveySubmit(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		tok := ts.newRound(o).Tokens[0]
		all := ts.allAnswers(tok)
		// Everything but the last two, one of which is N/A.
		for _, a := range all[:len(all)-2] {
			ts.want(ts.putAnswer(tok, a), 200, "answer")
		}
		last := all[len(all)-1]
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": last["questionnaire"], "question": last["question"], "na": true}), 200, "N/A")
		res := ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), 422, "incomplete submit")
		var body struct {
			Error      string
			Unanswered []map[string]string
		}
		res.decode(t, &body)
		missing := all[len(all)-2]
		want := []map[string]string{{"questionnaire": missing["questionnaire"].(string), "question": missing["question"].(string)}}
		if body.Error == "" || !reflect.DeepEqual(body.Unanswered, want) {
			t.Errorf("422 body %+v, want unanswered %v", body, want)
		}
		if sv := ts.survey(tok); sv.Status != "draft" {
			t.Fatalf("status %q after a refused submit", sv.Status)
		}
		ts.want(ts.putAnswer(tok, missing), 200, "answer the last one")

		// Five submits at once: one submission, the same answer to all.
		var wg sync.WaitGroup
		results := make([]apiResult, 5)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil)
			}()
		}
		wg.Wait()
		var stamps []any
		for _, r := range results {
			if r.Status != 200 || r.field(t, "status") != "submitted" {
				t.Fatalf("concurrent submit: %s", r)
			}
			stamps = append(stamps, r.field(t, "submitted_at"))
		}
		for _, s := range stamps[1:] {
			if s != stamps[0] {
				t.Errorf("submitted_at differs between submits: %v", stamps)
			}
		}
		sv := ts.survey(tok)
		if sv.Status != "submitted" || sv.SubmittedAt == nil {
			t.Fatalf("after submit: %+v", sv)
		}
		// Once more later: still the same submission.
		if again := ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), 200, "submit again"); again.field(t, "submitted_at") != stamps[0] {
			t.Errorf("a later submit changed submitted_at: %s", again)
		}
		// A submitted response is read-only.
		res = ts.want(ts.putAnswer(tok, missing), http.StatusConflict, "write after submit")
		if _, ok := res.field(t, "current").(map[string]any); ok {
			t.Errorf("a 409 for a submitted response must not look like a stale write: %s", res)
		}
		if after := ts.survey(tok); !reflect.DeepEqual(after, sv) {
			t.Errorf("write after submit changed the response")
		}
	})
}

func TestSurveyClosedRevokedUnknown(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		r := ts.newRound(o)
		q := ts.shippedQ(cncf).Dimensions[0].Questions[0]
		a := map[string]any{"questionnaire": cncf, "question": q.Key, "option": "l2"}
		ts.want(ts.putAnswer(r.Tokens[0], a), 200, "answer while open")

		ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/close", r.ID), o.Token, nil), 200, "close")
		before := ts.survey(r.Tokens[0])
		if before.Assessment.Status != "closed" {
			t.Errorf("survey of a closed round says %q", before.Assessment.Status)
		}
		a["option"] = "l3"
		ts.want(ts.putAnswer(r.Tokens[0], a), http.StatusConflict, "write to a closed round")
		ts.want(ts.call("POST", "/api/v1/survey/"+r.Tokens[0]+"/submit", "", nil), http.StatusConflict, "submit to a closed round")
		if after := ts.survey(r.Tokens[0]); !reflect.DeepEqual(after, before) {
			t.Errorf("closed round changed: %+v", after)
		}
		ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/reopen", r.ID), o.Token, nil), 200, "reopen")
		ts.want(ts.putAnswer(r.Tokens[0], a), 200, "write after reopening the round")

		ts.want(ts.call("DELETE", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d", r.ID, r.InvIDs[1]), o.Token, nil), http.StatusNoContent, "revoke")
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/survey/" + r.Tokens[1]},
			{"PUT", "/api/v1/survey/" + r.Tokens[1] + "/answers"},
			{"POST", "/api/v1/survey/" + r.Tokens[1] + "/submit"},
			{"GET", "/s/" + r.Tokens[1]},
			{"GET", "/api/v1/survey/s_unknown"},
			{"GET", "/s/s_unknown/page/1"},
		} {
			var body any
			if c.method == "PUT" {
				body = a
			}
			res := ts.call(c.method, c.path, "", body)
			if res.Status != http.StatusNotFound {
				t.Errorf("%s %s: %s, want 404", c.method, c.path, res)
			}
			if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
				t.Errorf("%s %s: Referrer-Policy %q", c.method, c.path, got)
			}
		}
	})
}

func TestSurveyTokenGuessingIsLimited(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), func(c *config.Config) { c.Limits.SurveyMisses = 3 })
	o := ts.newOrg("Acme", "Blue")
	tok := ts.newRound(o).Tokens[0]
	ts.want(ts.call("GET", "/api/v1/survey/"+tok, "", nil), 200, "valid token before")
	for i := range 3 {
		ts.want(ts.call("GET", fmt.Sprintf("/api/v1/survey/s_guess%d", i), "", nil), 404, "guess")
	}
	res := ts.want(ts.call("GET", "/api/v1/survey/s_guess9", "", nil), http.StatusTooManyRequests, "guess over the limit")
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	ts.want(ts.call("GET", "/s/s_guess10", "", nil), http.StatusTooManyRequests, "page guess over the limit")
	// Over the limit even a real token is refused, so guesses cannot be tested.
	ts.want(ts.call("GET", "/api/v1/survey/"+tok, "", nil), http.StatusTooManyRequests, "valid token while limited")
}

func TestSurveyPagesWithoutJavaScript(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o)
		tok := r.Tokens[0]
		base := "/s/" + tok
		b := ts.client()

		intro := b.get(base)
		if intro.Status != 200 || !strings.Contains(string(intro.Body), "How long it takes") || !strings.Contains(string(intro.Body), base+"/page/1") {
			t.Fatalf("intro: %s", intro)
		}
		for _, h := range []string{"Referrer-Policy", "Cache-Control"} {
			if intro.Header.Get(h) == "" {
				t.Errorf("intro without %s", h)
			}
		}
		if intro.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("Referrer-Policy %q", intro.Header.Get("Referrer-Policy"))
		}
		page1 := b.get(base + "/page/1")
		body := string(page1.Body)
		d0 := ts.shippedQ(cncf).Dimensions[0]
		for _, want := range []string{`class="survey"`, `data-token="` + tok + `"`, `name="answer:` + cncf + `:` + d0.Questions[0].Key + `"`,
			`name="na:` + cncf + `:` + d0.Questions[0].Key + `"`, `name="comment:` + cncf + `:` + d0.Questions[0].Key + `"`, `role="alert"`, "<progress"} {
			if !strings.Contains(body, want) {
				t.Errorf("page 1 lacks %q", want)
			}
		}
		token := string(csrfInput.FindSubmatch(page1.Body)[1])
		form := url.Values{"_csrf": {token}, "revision": {"0"}, "nav": {"next"}}
		form.Set("answer:"+cncf+":"+d0.Questions[0].Key, d0.Questions[0].Options[1].Key)
		form.Set("na:"+cncf+":"+d0.Questions[1].Key, "1")
		form.Set("comment:"+cncf+":"+d0.Questions[1].Key, "we have no platform team")
		res := b.post(base+"/page/1", form)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != base+"/page/2" {
			t.Fatalf("save page 1: %s to %q", res, res.Header.Get("Location"))
		}
		sv := ts.survey(tok)
		if len(sv.Answers) != 2 || sv.Page != "2" || sv.Revision != 1 {
			t.Fatalf("after page 1: %+v", sv)
		}
		// Posting the same page again changes nothing.
		ts.want(b.post(base+"/page/1", form), http.StatusSeeOther, "repost")
		if again := ts.survey(tok); again.Revision != 1 {
			t.Errorf("unchanged repost moved the revision to %d", again.Revision)
		}
		// Reopening the link resumes on page 2.
		if res := b.get(base); res.Header.Get("Location") != base+"/page/2" {
			t.Errorf("resume: %s to %q", res, res.Header.Get("Location"))
		}
		// The page shows saved answers.
		if p := string(b.get(base + "/page/1").Body); !regexp.MustCompile(`value="`+d0.Questions[0].Options[1].Key+`" checked`).MatchString(p) || !strings.Contains(p, "we have no platform team") {
			t.Error("page 1 does not show the saved answers")
		}
		// A comment without an answer is refused with a message; the rest is saved.
		form = url.Values{"_csrf": {token}, "revision": {"1"}, "nav": {"next"}}
		form.Set("comment:"+cncf+":"+d0.Questions[2].Key, "half thought")
		form.Set("answer:"+cncf+":"+d0.Questions[3].Key, d0.Questions[3].Options[0].Key)
		res = b.post(base+"/page/1", form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "to save your comment") || !strings.Contains(string(res.Body), "half thought") {
			t.Errorf("comment without answer: %s", res)
		}
		// A stale page (revision 0) that changes an answer saved since: 409 on that question.
		form = url.Values{"_csrf": {token}, "revision": {"0"}, "nav": {"next"}}
		form.Set("answer:"+cncf+":"+d0.Questions[0].Key, d0.Questions[0].Options[4].Key)
		before := ts.survey(tok)
		res = b.post(base+"/page/1", form)
		if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "another window") {
			t.Errorf("stale page: %s", res)
		}
		if after := ts.survey(tok); !reflect.DeepEqual(after.Answers, before.Answers) {
			t.Error("stale page changed answers")
		}
		// Without a CSRF token the form is refused.
		ts.want(b.post(base+"/page/1", url.Values{"nav": {"next"}}), http.StatusForbidden, "no CSRF")

		// Review lists what is unanswered and links to it.
		review := string(b.get(base + "/review").Body)
		if !strings.Contains(review, base+"/page/1#q-"+cncf+"-"+d0.Questions[2].Key) || strings.Contains(review, "#q-"+cncf+"-"+d0.Questions[0].Key+`"`) {
			t.Error("review does not list exactly the unanswered questions")
		}
		res = b.post(base+"/submit", url.Values{"_csrf": {token}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("incomplete submit: %s", res)
		}
		ts.answerAll(tok)
		res = b.post(base+"/submit", url.Values{"_csrf": {token}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != base {
			t.Fatalf("submit: %s", res)
		}
		done := b.get(base)
		if done.Status != 200 || !strings.Contains(string(done.Body), "were submitted") {
			t.Errorf("after submit: %s", done)
		}
		if res := b.post(base+"/page/1", url.Values{"_csrf": {token}, "nav": {"next"}}); res.Status != http.StatusConflict {
			t.Errorf("form post after submit: %s", res)
		}
		if res := b.get(base + "/page/1"); res.Status != http.StatusSeeOther {
			t.Errorf("page after submit: %s", res)
		}
	})
}

// TestSurveyHeadersOnlyOnSurveyPaths: tokens in /s/ URLs never leak through
// Referer or caches, and other pages keep their own policy.
func TestSurveyHeadersOnlyOnSurveyPaths(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	for _, tt := range []struct {
		path     string
		referrer string
	}{
		{"/s/s_unknown", "no-referrer"},
		{"/s/s_unknown/page/1", "no-referrer"},
		{"/api/v1/survey/s_unknown", "no-referrer"},
		{"/signup", "same-origin"},
		{"/static/css/gapmap.css", "same-origin"},
		{"/login", "same-origin"},
	} {
		res := ts.call("GET", tt.path, "", nil)
		if got := res.Header.Get("Referrer-Policy"); got != tt.referrer {
			t.Errorf("GET %s: Referrer-Policy %q, want %q", tt.path, got, tt.referrer)
		}
		if noStore := res.Header.Get("Cache-Control") == "no-store"; noStore != (tt.referrer == "no-referrer") {
			t.Errorf("GET %s: Cache-Control %q", tt.path, res.Header.Get("Cache-Control"))
		}
	}
}
