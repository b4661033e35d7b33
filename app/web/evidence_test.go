package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers/gorillamux"

	"gapmap/app/results"
	"gapmap/app/store"
)

// evidenceState is the evidence part of GET /api/v1/survey/{token}.
type evidenceState struct {
	Revision int64
	Answers  []struct {
		Question string
		Comment  string
		Evidence *struct{ URL, Note string }
	}
}

func (ts *testServer) evidenceOf(token, question string) (*struct{ URL, Note string }, int64) {
	ts.t.Helper()
	var sv evidenceState
	ts.want(ts.call("GET", "/api/v1/survey/"+token, "", nil), http.StatusOK, "get survey").decode(ts.t, &sv)
	for _, a := range sv.Answers {
		if a.Question == question {
			return a.Evidence, sv.Revision
		}
	}
	return nil, sv.Revision
}

// TestEvidenceOnAnswers stores, keeps, replaces and removes the evidence
// of an answer, and refuses bad evidence with 422 naming the field and
// nothing stored, on the autosave's fast path (the link was opened) as on
// its first write.
func TestEvidenceOnAnswers(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o, cncf)
		tok := r.Tokens[0]
		qu := ts.shippedQ(cncf).Dimensions[0].Questions[0]
		answer := func(extra map[string]any) apiResult {
			b := map[string]any{"questionnaire": cncf, "question": qu.Key, "option": qu.Options[1].Key}
			for k, v := range extra {
				b[k] = v
			}
			return ts.putAnswer(tok, b)
		}
		ev := map[string]any{"url": "https://grafana.example.com/d/deploys?from=now-90d", "note": "deploys per week, last quarter"}
		ts.want(answer(map[string]any{"evidence": ev}), http.StatusOK, "answer with evidence")
		got, rev := ts.evidenceOf(tok, qu.Key)
		if got == nil || got.URL != ev["url"] || got.Note != ev["note"] {
			t.Fatalf("stored evidence %+v, want %v", got, ev)
		}

		long := "https://example.com/" + strings.Repeat("a", 2049-len("https://example.com/"))
		for _, tc := range []struct {
			name  string
			ev    any
			field string
		}{
			{"ftp scheme", map[string]any{"url": "ftp://example.com/x"}, "evidence.url"},
			{"javascript", map[string]any{"url": "javascript:alert(1)"}, "evidence.url"},
			{"data url", map[string]any{"url": "data:text/html,<script>alert(1)</script>"}, "evidence.url"},
			{"relative", map[string]any{"url": "/dashboards/1"}, "evidence.url"},
			{"no host", map[string]any{"url": "https:///path"}, "evidence.url"},
			{"too long", map[string]any{"url": long}, "evidence.url"},
			{"control in url", map[string]any{"url": "https://example.com/\u0007x"}, "evidence.url"},
			{"space in url", map[string]any{"url": "https://example.com/a b"}, "evidence.url"},
			{"credentials", map[string]any{"url": "https://bob:secret@example.com/"}, "evidence.url"},
			{"note without url", map[string]any{"note": "see the wiki"}, "evidence.url"},
			{"note too long", map[string]any{"url": "https://example.com/", "note": strings.Repeat("n", 1001)}, "evidence.note"},
			{"control in note", map[string]any{"url": "https://example.com/", "note": "a\u001bb"}, "evidence.note"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := ts.want(answer(map[string]any{"evidence": tc.ev}), http.StatusUnprocessableEntity, tc.name)
				res.wantError(t, tc.field)
				after, rev2 := ts.evidenceOf(tok, qu.Key)
				if rev2 != rev || after == nil || after.URL != ev["url"] {
					t.Errorf("after a refused write: revision %d (was %d), evidence %+v", rev2, rev, after)
				}
			})
		}

		// The organization export carries it with the answer.
		for _, tb := range store.OrgTables() {
			if tb.Table != "answers" {
				continue
			}
			found := false
			err := ts.st.StreamOrgRows(context.Background(), tb, o.ID, func(row map[string]any) error {
				found = found || (row["evidence_url"] == ev["url"] && row["evidence_note"] == ev["note"])
				return nil
			})
			if err != nil || !found {
				t.Errorf("the organization export's answers lack the evidence (%v)", err)
			}
		}

		// Exactly 2,048 characters is accepted; a write without evidence keeps it.
		ok := long[:2048]
		ts.want(answer(map[string]any{"evidence": map[string]any{"url": ok}}), http.StatusOK, "2048 characters")
		ts.want(answer(map[string]any{"comment": "changed only the comment"}), http.StatusOK, "comment only")
		if got, _ := ts.evidenceOf(tok, qu.Key); got == nil || got.URL != ok || got.Note != "" {
			t.Fatalf("evidence after a write without it: %+v", got)
		}
		// Requests and answers with evidence follow the OpenAPI document.
		router, err := gorillamux.NewRouter(loadOpenAPI(t, ts))
		if err != nil {
			t.Fatal(err)
		}
		body := func(ev any) func() []byte {
			return func() []byte {
				b, _ := json.Marshal(map[string]any{"questionnaire": cncf, "question": qu.Key, "option": qu.Options[1].Key, "evidence": ev})
				return b
			}
		}
		put := "/api/v1/survey/" + tok + "/answers"
		oaRun(t, ts, router, oaCase{name: "evidence", method: "PUT", path: fixed(put), contentType: "application/json", body: body(ev), status: http.StatusOK})
		oaRun(t, ts, router, oaCase{name: "bad evidence", method: "PUT", path: fixed(put), contentType: "application/json",
			body: body(map[string]any{"url": "ftp://example.com/"}), status: http.StatusUnprocessableEntity})
		oaRun(t, ts, router, oaCase{name: "survey with evidence", method: "GET", path: fixed("/api/v1/survey/" + tok), status: http.StatusOK})

		ts.want(answer(map[string]any{"evidence": map[string]any{"url": "", "note": ""}}), http.StatusOK, "remove")
		if got, _ := ts.evidenceOf(tok, qu.Key); got != nil {
			t.Fatalf("evidence after removal: %+v", got)
		}
	})
}

// TestEvidenceRefusedInAnonymousRounds: a link can tell who answered, so an
// anonymous round takes no evidence, on the fast path as on the first write.
func TestEvidenceRefusedInAnonymousRounds(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Anon", "Blue")
		created := ts.want(ts.call("POST", "/api/v1/assessments", o.Token, map[string]any{
			"name": "Dev survey", "questionnaires": []string{cncf}, "team_ids": []int64{o.Teams[0].ID},
			"anonymity": map[string]any{"mode": "anonymous", "min_group": 3},
		}), http.StatusCreated, "create anonymous round")
		id := int64(created.field(t, "id").(float64))
		link := ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/open-links", id), o.Token, map[string]any{"team_id": o.Teams[0].ID}),
			http.StatusCreated, "open link").field(t, "token").(string)
		tok := ts.want(ts.send(httptest.NewRequest("POST", "/api/v1/join/"+link, nil)), http.StatusCreated, "join").field(t, "token").(string)
		qu := ts.shippedQ(cncf).Dimensions[0].Questions[0]
		for i := range 2 { // the first write opens the link, the second takes the fast path
			res := ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": cncf, "question": qu.Key, "option": qu.Options[0].Key,
				"evidence": map[string]any{"url": "https://github.com/alice/fork"}}), http.StatusUnprocessableEntity, fmt.Sprint("evidence ", i))
			res.wantError(t, "evidence")
		}
		ts.want(ts.putAnswer(tok, map[string]any{"questionnaire": cncf, "question": qu.Key, "option": qu.Options[0].Key,
			"evidence": map[string]any{"url": ""}}), http.StatusOK, "empty evidence")
	})
}

// TestEvidenceShown: the team view, the comments page and the report (HTML
// and Markdown) show submitted evidence as an escaped link that opens in a
// new tab without telling the target where it came from.
func TestEvidenceShown(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o, cncf)
		tok := r.Tokens[0]
		const link = `https://grafana.example.com/d/x?a=1&b="q"`
		const note = `<b>deploys</b> per week`
		qu := ts.shippedQ(cncf).Dimensions[0].Questions[0]
		for _, a := range ts.allAnswers(tok) {
			if a["question"] == qu.Key {
				a["evidence"] = map[string]any{"url": link, "note": note}
			}
			ts.want(ts.putAnswer(tok, a), http.StatusOK, "answer")
		}
		anchor := `<a class="evidence-link" href="https://grafana.example.com/d/x?a=1&amp;b=%22q%22" rel="noopener noreferrer" target="_blank">&lt;b&gt;deploys&lt;/b&gt; per week</a>`
		if review := ts.client().get("/s/" + tok + "/review"); review.Status != http.StatusOK || !strings.Contains(review.text(), anchor) {
			t.Errorf("the review page lacks the evidence link %s: %s", anchor, review)
		}
		ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), http.StatusOK, "submit")
		if err := results.Recompute(context.Background(), ts.st, o.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		c := ts.client()
		c.login(o.Owner.Email)
		recs, err := csv.NewReader(bytes.NewReader(ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/responses.csv", r.ID), o.Token, nil), http.StatusOK, "csv").Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if head := recs[0]; len(head) < 14 || head[12] != "Evidence" || head[13] != "Evidence note" {
			t.Fatalf("responses.csv header %q", head)
		}
		found := false
		for _, rec := range recs[1:] {
			if rec[6] == qu.Key {
				found = rec[12] == link && rec[13] == note
			}
		}
		if !found {
			t.Errorf("responses.csv lacks the evidence %q %q of %s", link, note, qu.Key)
		}
		for _, path := range []string{
			fmt.Sprintf("/assessments/%d/teams/%d", r.ID, o.Teams[0].ID),
			fmt.Sprintf("/assessments/%d/comments", r.ID),
			fmt.Sprintf("/assessments/%d/report", r.ID),
			fmt.Sprintf("/assessments/%d/teams/%d/report", r.ID, o.Teams[0].ID),
		} {
			res := c.get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %s", path, res)
			}
			if !strings.Contains(res.text(), anchor) {
				t.Errorf("GET %s lacks the evidence link %s", path, anchor)
			}
			if strings.Contains(res.text(), "<b>deploys") {
				t.Errorf("GET %s shows the note unescaped", path)
			}
		}
		md := c.get(fmt.Sprintf("/assessments/%d/report.md", r.ID)).text()
		if want := `(<https://grafana.example.com/d/x?a=1&b="q">)`; !strings.Contains(md, want) || strings.Contains(md, "<b>") {
			t.Errorf("the Markdown report lacks %s or shows markup:\n%s", want, md)
		}
	})
}

// TestEvidenceInSurveyForm: the survey page offers an evidence link and
// note per scored question without JavaScript; the form saves them,
// keeps a bad link on the page with its error, and removes them when
// emptied.
func TestEvidenceInSurveyForm(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o, cncf)
		tok := r.Tokens[0]
		base := "/s/" + tok
		b := ts.client()
		d0 := ts.shippedQ(cncf).Dimensions[0]
		q0, q1 := d0.Questions[0], d0.Questions[1]
		page1 := b.get(base + "/page/1")
		for _, want := range []string{`name="evidence_url:` + cncf + `:` + q0.Key + `"`, `name="evidence_note:` + cncf + `:` + q0.Key + `"`, `<details class="question-evidence"`} {
			if !strings.Contains(page1.text(), want) {
				t.Fatalf("page 1 lacks %s", want)
			}
		}
		post := func(fields map[string]string) apiResult {
			t.Helper()
			page := b.get(base + "/page/1")
			form := url.Values{"_csrf": {string(csrfInput.FindSubmatch(page.Body)[1])}, "nav": {"next"}}
			for k, v := range fields {
				form.Set(k, v)
			}
			return b.post(base+"/page/1", form)
		}
		name := func(kind string, q string) string { return kind + ":" + cncf + ":" + q }
		const link = "https://wiki.example.com/platform/funding"
		res := post(map[string]string{
			name("answer", q0.Key): q0.Options[2].Key, name("evidence_url", q0.Key): link, name("evidence_note", q0.Key): "budget page",
			name("answer", q1.Key): q1.Options[0].Key, name("evidence_url", q1.Key): "javascript:alert(1)",
		})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.text(), "must start with https://") || !strings.Contains(res.text(), `value="javascript:alert(1)"`) {
			t.Fatalf("a page with a bad evidence link: %s", res)
		}
		if got, _ := ts.evidenceOf(tok, q0.Key); got == nil || got.URL != link || got.Note != "budget page" {
			t.Fatalf("evidence of the valid answer: %+v", got)
		}
		if got, _ := ts.evidenceOf(tok, q1.Key); got != nil {
			t.Fatalf("the refused evidence was stored: %+v", got)
		}
		// The page shows the stored evidence, open; evidence without an answer asks for one.
		if page := b.get(base + "/page/1").text(); !strings.Contains(page, `value="`+link+`"`) || !strings.Contains(page, `<details class="question-evidence" id="e-`+cncf+`-`+q0.Key+`" open>`) {
			t.Errorf("page 1 does not show the stored evidence open")
		}
		if res := post(map[string]string{name("evidence_url", q1.Key): link}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.text(), "to save your evidence") {
			t.Errorf("evidence without an answer: %s", res)
		}
		ts.want(post(map[string]string{name("answer", q0.Key): q0.Options[2].Key}), http.StatusSeeOther, "clear the evidence")
		if got, _ := ts.evidenceOf(tok, q0.Key); got != nil {
			t.Errorf("evidence after emptying the fields: %+v", got)
		}
	})
}
