package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"gapmap/app/store"
)

const devx = "developer-experience"

// measureState is what the survey API says about one answer to a measure.
type measureState struct {
	Value *float64
	Text  *string
	NA    bool
}

func measureAnswers(t *testing.T, ts *testServer, token string) map[string]measureState {
	t.Helper()
	var sv struct {
		Answers []struct {
			Question string
			Value    *float64
			Text     *string
			NA       bool
		}
	}
	ts.want(ts.call("GET", "/api/v1/survey/"+token, "", nil), http.StatusOK, "get survey").decode(t, &sv)
	out := map[string]measureState{}
	for _, a := range sv.Answers {
		out[a.Question] = measureState{a.Value, a.Text, a.NA}
	}
	return out
}

func TestSurveyMeasuresRejectBadAnswers(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		tok := ts.newRound(o, devx).Tokens[0]
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": devx, "question": "gp-recommend", "value": 8}), 200, "first nps answer")
		before := ts.survey(tok)
		ans := func(question string, kv ...any) map[string]any {
			m := map[string]any{"questionnaire": devx, "question": question}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		tests := []struct {
			name  string
			body  any
			field string
		}{
			{"nps above 10", ans("gp-recommend", "value", 11), "value"},
			{"nps below 0", ans("gp-recommend", "value", -1), "value"},
			{"nps with a fraction", ans("gp-recommend", "value", 7.5), "value"},
			{"nps with an option", ans("gp-recommend", "option", "l1"), "option"},
			{"nps with a text", ans("gp-recommend", "text", "nine"), "text"},
			{"nps without a value", ans("gp-recommend", "comment", "x"), "value"},
			{"number above max", ans("cl-hours-lost", "value", 40.5), "value"},
			{"number below min", ans("od-days-first-deploy", "value", -1), "value"},
			{"number with a text", ans("cl-hours-lost", "text", "3"), "text"},
			{"number with na and a value", ans("cl-hours-lost", "value", 3, "na", true), "na"},
			{"text with a value", ans("ff-one-change", "value", 3), "value"},
			{"text without text", ans("ff-one-change", "comment", "x"), "text"},
			{"text over 2,000 characters", ans("ff-one-change", "text", strings.Repeat("é", 2001)), "text"},
			{"text with NUL", ans("ff-one-change", "text", "a\x00b"), "text"},
			{"text on a likert statement", ans("fl-local-build", "text", "yes"), "text"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := ts.putAnswer(tok, tt.body)
				if res.Status != http.StatusUnprocessableEntity {
					t.Fatalf("got %s, want 422", res)
				}
				if res.field(t, "field") != tt.field {
					t.Errorf("field %v, want %q: %s", res.field(t, "field"), tt.field, res)
				}
				if after := ts.survey(tok); !reflect.DeepEqual(after, before) {
					t.Errorf("response changed:\n%+v\nwant\n%+v", after, before)
				}
			})
		}
	})
}

func TestSurveyMeasuresSave(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		tok := ts.newRound(o, devx).Tokens[0]
		f := func(v float64) *float64 { return &v }
		s := func(v string) *string { return &v }
		tests := []struct {
			name     string
			body     map[string]any
			question string
			want     *measureState // nil: no stored answer
		}{
			{"nps 0", map[string]any{"question": "gp-recommend", "value": 0}, "gp-recommend", &measureState{Value: f(0)}},
			{"nps 10", map[string]any{"question": "gp-recommend", "value": 10}, "gp-recommend", &measureState{Value: f(10)}},
			{"number with a fraction", map[string]any{"question": "cl-hours-lost", "value": 2.5}, "cl-hours-lost", &measureState{Value: f(2.5)}},
			{"number at max", map[string]any{"question": "od-days-first-deploy", "value": 365}, "od-days-first-deploy", &measureState{Value: f(365)}},
			{"number not applicable", map[string]any{"question": "od-days-first-deploy", "na": true}, "od-days-first-deploy", &measureState{NA: true}},
			{"text, trimmed", map[string]any{"question": "ff-one-change", "text": "  Faster builds <b>please</b>  "}, "ff-one-change", &measureState{Text: s("Faster builds <b>please</b>")}},
			{"text of 2,000 characters", map[string]any{"question": "ff-one-change", "text": strings.Repeat("é", 2000)}, "ff-one-change", &measureState{Text: s(strings.Repeat("é", 2000))}},
			{"empty text removes the answer", map[string]any{"question": "ff-one-change", "text": ""}, "ff-one-change", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.body["questionnaire"] = devx
				ts.want(ts.putAnswer(tok, tt.body), http.StatusOK, "save")
				got, ok := measureAnswers(t, ts, tok)[tt.question]
				switch {
				case tt.want == nil && ok:
					t.Errorf("answer %+v stored, want none", got)
				case tt.want != nil && !reflect.DeepEqual(got, *tt.want):
					t.Errorf("stored %s, want %s", show(got), show(*tt.want))
				}
			})
		}
		// Measures are optional: the statements alone are enough to submit.
		for _, a := range ts.allAnswers(tok) {
			if _, ok := a["text"]; ok || strings.HasPrefix(fmt.Sprint(a["question"]), "gp-recommend") {
				continue
			}
			if q := a["question"]; q == "cl-hours-lost" || q == "od-days-first-deploy" {
				continue
			}
			ts.want(ts.putAnswer(tok, a), http.StatusOK, "answer")
		}
		ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), http.StatusOK, "submit without the optional measures")
	})
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The results API carries each team's and the organization's NPS and
// quartiles, computed by hand here:
//
//	Blue  nps 10 9 3  → 2 promoters, 1 detractor of 3 → 33.3; hours 2 4 8 → p25 3, median 4, p75 6
//	Green nps 6 7     → 1 detractor, 1 passive of 2 → −50;    hours 1 5   → p25 2, median 3, p75 4
//	all   nps 10 9 3 6 7 → 2 − 2 of 5 → 0;                    hours 1 2 4 5 8 → p25 2, median 4, p75 5
func TestResultsCarryMeasures(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		r := ts.newRound(o, devx)
		blue, green := o.Teams[0].ID, o.Teams[1].ID
		resp := func(team int64, nps, hours float64) store.SeedResponse {
			answers := ts.levelAnswers([]string{devx}, 0, 3)
			answers = append(answers,
				store.SeedAnswer{Questionnaire: devx, Question: "gp-recommend", Number: &nps},
				store.SeedAnswer{Questionnaire: devx, Question: "cl-hours-lost", Number: &hours})
			return store.SeedResponse{TeamID: team, Submitted: true, Answers: answers}
		}
		ts.seed(o, r.ID, []store.SeedResponse{
			resp(blue, 10, 2), resp(blue, 9, 4), resp(blue, 3, 8), resp(green, 6, 1), resp(green, 7, 5),
		})

		type measure struct {
			Question string
			N        int
			NPS      *struct {
				Score                           *float64
				Promoters, Passives, Detractors int
				Distribution                    []int
			}
			Number *struct{ P25, Median, P75 *float64 }
		}
		var body struct {
			Questionnaires []struct {
				Key      string
				Measures *struct {
					Questions    []struct{ Key, Type, Unit string }
					Organization []measure
				}
				Teams []struct {
					ID       int64
					Measures []measure
				}
			}
		}
		check := func(what string, ms []measure, n int, nps float64, p25, median, p75 float64) {
			t.Helper()
			if len(ms) != 3 {
				t.Fatalf("%s: %d measures, want 3 (nps and two numbers)", what, len(ms))
			}
			// In questionnaire order: cognitive load, golden paths, onboarding.
			h, m, d := ms[0], ms[1], ms[2]
			if m.Question != "gp-recommend" || m.N != n || m.NPS == nil || *m.NPS.Score != nps || len(m.NPS.Distribution) != 11 {
				t.Errorf("%s nps = %s, want n %d score %g", what, show(m), n, nps)
			}
			if h.Question != "cl-hours-lost" || h.N != n || h.Number == nil || *h.Number.P25 != p25 || *h.Number.Median != median || *h.Number.P75 != p75 {
				t.Errorf("%s hours = %s, want n %d %g/%g/%g", what, show(h), n, p25, median, p75)
			}
			if d.Question != "od-days-first-deploy" || d.N != 0 || d.Number.Median != nil {
				t.Errorf("%s days = %s, want no answers", what, show(d))
			}
		}
		for _, path := range []string{"", fmt.Sprintf("?team_id=%d", green)} {
			res := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/results%s", r.ID, path), o.Token, nil), http.StatusOK, "results")
			res.decode(t, &body)
			q := body.Questionnaires[0]
			if q.Measures == nil || len(q.Measures.Questions) != 3 || q.Measures.Questions[0].Unit != "hours" {
				t.Fatalf("results%s: measures = %s", path, show(q.Measures))
			}
			check("organization"+path, q.Measures.Organization, 5, 0, 2, 4, 5)
			for _, tm := range q.Teams {
				switch tm.ID {
				case blue:
					check("Blue", tm.Measures, 3, 33.3, 3, 4, 6)
				case green:
					check("Green", tm.Measures, 2, -50, 2, 3, 4)
				}
			}
		}
		if blueP := body.Questionnaires[0].Teams; len(blueP) != 1 {
			t.Errorf("?team_id: %d teams, want only Green", len(blueP))
		}
		// The organization's dashboard draws them: NPS bars and box plots.
		c := ts.client()
		c.login(o.Owner.Email)
		dash := string(ts.want(c.get(fmt.Sprintf("/assessments/%d/dashboard", r.ID)), http.StatusOK, "dashboard").Body)
		for _, w := range []string{"Recommendation score (NPS) per team", `"type":"boxplot"`, "how many hours do you lose", "33.3"} {
			if !strings.Contains(dash, w) {
				t.Errorf("dashboard lacks %q", w)
			}
		}
		// The team view, the report and report.md say them in words.
		pages := map[string]string{
			"team view": fmt.Sprintf("/assessments/%d/teams/%d", r.ID, blue),
			"report":    fmt.Sprintf("/assessments/%d/report?team_id=%d", r.ID, blue),
			"report.md": fmt.Sprintf("/assessments/%d/report.md?team_id=%d", r.ID, blue),
		}
		for what, path := range pages {
			body := html.UnescapeString(string(ts.want(c.get(path), http.StatusOK, what).Body))
			for _, w := range []string{"Measured answers", "NPS +33.3: 2 promoters, 0 passives and 1 detractor of 3 answers.", "Median 4 hours"} {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q", what, w)
				}
			}
		}
		orgReport := string(ts.want(c.get(fmt.Sprintf("/assessments/%d/report.md", r.ID)), http.StatusOK, "organization report.md").Body)
		if !strings.Contains(orgReport, "NPS 0: 2 promoters, 1 passive and 2 detractors of 5 answers.") {
			t.Error("the organization's report.md lacks its NPS")
		}
	})
}

// The survey pages render measures and their form posts save, clear and
// refuse them like the API.
func TestSurveyPagesWithMeasures(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		tok := ts.newRound(o, devx).Tokens[0]
		base := "/s/" + tok
		b := ts.client()
		name := func(q string) string { return "answer:" + devx + ":" + q }
		// Pages follow the dimensions: 2 cognitive load, 3 flow, 4 golden paths.
		pages := map[int][]string{
			2: {`type="number"`, `name="` + name("cl-hours-lost") + `"`, `min="0"`, `max="40"`, "hours", "(optional)"},
			3: {`<textarea id="q-developer-experience-ff-one-change-value" name="` + name("ff-one-change") + `" maxlength="2000"`, "of 2000 characters"},
			4: {`class="nps"`, `name="` + name("gp-recommend") + `" value="0"`, `name="` + name("gp-recommend") + `" value="10"`, "Extremely likely"},
		}
		for n, wants := range pages {
			body := string(ts.want(b.get(fmt.Sprintf("%s/page/%d", base, n)), http.StatusOK, "survey page").Body)
			for _, w := range wants {
				if !strings.Contains(body, w) {
					t.Errorf("page %d lacks %q", n, w)
				}
			}
			if strings.Contains(body, `name="comment:`+devx+`:gp-recommend"`) {
				t.Errorf("page %d has a comment field for a measure", n)
			}
		}
		post := func(n int, fields map[string]string) apiResult {
			t.Helper()
			page := b.get(fmt.Sprintf("%s/page/%d", base, n))
			form := url.Values{"_csrf": {string(csrfInput.FindSubmatch(page.Body)[1])}, "nav": {"next"}}
			for k, v := range fields {
				form.Set(k, v)
			}
			return b.post(fmt.Sprintf("%s/page/%d", base, n), form)
		}
		ts.want(post(2, map[string]string{name("cl-hours-lost"): "2,5"}), http.StatusSeeOther, "save hours")
		ts.want(post(3, map[string]string{name("ff-one-change"): "Faster builds\r\nplease"}), http.StatusSeeOther, "save text")
		ts.want(post(4, map[string]string{name("gp-recommend"): "9"}), http.StatusSeeOther, "save nps")
		got := measureAnswers(t, ts, tok)
		if v := got["cl-hours-lost"].Value; v == nil || *v != 2.5 {
			t.Errorf("hours = %s, want 2.5", show(got["cl-hours-lost"]))
		}
		if v := got["ff-one-change"].Text; v == nil || *v != "Faster builds\nplease" {
			t.Errorf("text = %s", show(got["ff-one-change"]))
		}
		if v := got["gp-recommend"].Value; v == nil || *v != 9 {
			t.Errorf("nps = %s", show(got["gp-recommend"]))
		}
		// Out of range and not a number: 422, the page again with the error, nothing stored.
		for _, bad := range []struct{ value, msg string }{{"41", "from 0 to 40 hours"}, {"soon", "Enter a number"}} {
			res := post(2, map[string]string{name("cl-hours-lost"): bad.value})
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.text(), bad.msg) || !strings.Contains(res.text(), `value="`+bad.value+`"`) {
				t.Errorf("hours %q: %s", bad.value, res)
			}
		}
		if v := measureAnswers(t, ts, tok)["cl-hours-lost"].Value; v == nil || *v != 2.5 {
			t.Errorf("a refused post changed the hours to %v", v)
		}
		// Blank fields remove optional answers.
		ts.want(post(2, map[string]string{name("cl-hours-lost"): ""}), http.StatusSeeOther, "clear hours")
		ts.want(post(3, map[string]string{name("ff-one-change"): " "}), http.StatusSeeOther, "clear text")
		got = measureAnswers(t, ts, tok)
		if _, ok := got["cl-hours-lost"]; ok {
			t.Errorf("hours still stored: %s", show(got["cl-hours-lost"]))
		}
		if _, ok := got["ff-one-change"]; ok {
			t.Errorf("text still stored: %s", show(got["ff-one-change"]))
		}
		// The review lists unanswered statements, never the optional measures.
		review := string(ts.want(b.get(base+"/review"), http.StatusOK, "review").Body)
		if strings.Contains(review, "#q-developer-experience-cl-hours-lost") || !strings.Contains(review, "#q-developer-experience-fl-local-build") {
			t.Errorf("review lists the wrong unanswered questions")
		}
	})
}

// Text answers appear on the comments page, escaped, as written answers.
func TestCommentsPageShowsTextAnswers(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o, devx)
		text := "Self-service <b>databases</b>"
		answers := append(ts.levelAnswers([]string{devx}, 0, 4), store.SeedAnswer{Questionnaire: devx, Question: "ff-one-change", Text: &text})
		ts.seed(o, r.ID, []store.SeedResponse{{TeamID: o.Teams[0].ID, Submitted: true, Answers: answers}})
		c := ts.client()
		c.login(o.Owner.Email)
		body := string(ts.want(c.get(fmt.Sprintf("/assessments/%d/comments", r.ID)), http.StatusOK, "comments").Body)
		for _, w := range []string{"Self-service &lt;b&gt;databases&lt;/b&gt;", "Written answer", "Which single change to our tools or platform"} {
			if !strings.Contains(body, w) {
				t.Errorf("comments page lacks %q", w)
			}
		}
		// The questionnaire page says how measures are answered.
		body = string(ts.want(c.get("/questionnaires/"+devx), http.StatusOK, "questionnaire page").Body)
		for _, w := range []string{"answered from 0 to 10", "a number from 0 to 40 hours", "a free answer of at most 2,000 characters"} {
			if !strings.Contains(body, w) {
				t.Errorf("questionnaire page lacks %q", w)
			}
		}
	})
}
