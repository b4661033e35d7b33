package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"gapmap/app/web"
)

// TestSurveyPageCache: respondent pages are rendered once per state of the
// response and sent again from the cache, each browser with its own CSRF
// token, gzip-encoded or plain; a saved answer renders them again; a
// request with a flash message is rendered on its own and shows the same
// page around the message.
func TestSurveyPageCache(t *testing.T) {
	srv, ts := cacheServer(t)
	o := ts.newOrg("Cache Org", "Blue")
	r := ts.newRound(o)
	base := "/s/" + r.Tokens[0]
	d0 := ts.shippedQ(cncf).Dimensions[0]

	// get fetches path as a new browser (no cookies) and returns the
	// decoded page with its CSRF token blanked, and the token.
	get := func(step, path, accept string, cookies ...*http.Cookie) (string, string) {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		res, err := ts.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: GET %s: %d %.300s", step, path, res.StatusCode, body)
		}
		switch enc := res.Header.Get("Content-Encoding"); enc {
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err == nil {
				body, err = io.ReadAll(zr)
			}
			if err != nil {
				t.Fatalf("%s: gzip: %v", step, err)
			}
		case "br":
			if body, err = io.ReadAll(brotli.NewReader(bytes.NewReader(body))); err != nil {
				t.Fatalf("%s: brotli: %v", step, err)
			}
		case "":
		default:
			t.Fatalf("%s: Content-Encoding %q with Accept-Encoding %q", step, enc, accept)
		}
		tok := ""
		if m := csrfInput.FindSubmatch(body); m != nil {
			tok = string(m[1])
			var cookie string
			for _, ck := range res.Cookies() {
				if ck.Name == "gapmap_csrf" {
					cookie = ck.Value
				}
			}
			if cookie != tok {
				t.Errorf("%s: form token %q, CSRF cookie %q", step, tok, cookie)
			}
		}
		return strings.ReplaceAll(string(body), tok, "TOKEN"), tok
	}
	builds := func() int64 { return web.PageBuilds(srv) }

	start := builds()
	page1, tok1 := get("first view", base+"/page/1", "gzip, deflate, br")
	again, tok2 := get("second view, another browser, no compression", base+"/page/1", "")
	if tok1 == "" || tok1 == tok2 {
		t.Errorf("CSRF tokens %q and %q: want one per browser", tok1, tok2)
	}
	if again != page1 {
		t.Error("the cached page differs from the first")
	}
	get("intro", base+"/intro", "gzip")
	get("intro again", base+"/intro", "br")
	if n := builds() - start; n != 2 {
		t.Errorf("two pages viewed twice: rendered %d times, want 2", n)
	}

	// A saved answer shows on the next view.
	ts.putAnswer(r.Tokens[0], map[string]any{"questionnaire": cncf, "question": d0.Questions[0].Key, "option": d0.Questions[0].Options[1].Key})
	saved, _ := get("after an answer", base+"/page/1", "gzip")
	if !strings.Contains(saved, `value="`+d0.Questions[0].Options[1].Key+`" checked`) {
		t.Error("the page does not show the saved answer")
	}
	if n := builds() - start; n != 3 {
		t.Errorf("after an answer: rendered %d times, want 3", n)
	}

	// With a flash message the page is rendered as before the cache.
	flash := base64.RawURLEncoding.EncodeToString([]byte("info|Hello there"))
	withFlash, _ := get("flash", base+"/page/1", "gzip", &http.Cookie{Name: "gapmap_flash", Value: flash})
	msg := `<div class="flash flash-info" role="status">Hello there</div>`
	if !strings.Contains(withFlash, msg) {
		t.Fatalf("the flash message is missing: %.2000s", withFlash)
	}
	if strings.Replace(withFlash, msg, "", 1) != saved {
		t.Error("the page rendered without the cache differs from the cached one")
	}
	if n := builds() - start; n != 3 {
		t.Errorf("a page with a flash went through the cache: %d renders, want 3", n)
	}
}

// TestKnownLinkAutosave: autosaves of a link the server opened before skip
// reading the link, and still answer every refusal as before: a closed
// round, a replaced link, a revoked link, bad input.
func TestKnownLinkAutosave(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue")
		r := ts.newRound(o)
		q := ts.shippedQ(cncf).Dimensions[0].Questions[0]
		a := map[string]any{"questionnaire": cncf, "question": q.Key, "option": q.Options[1].Key}
		tok := r.Tokens[0]
		var regenerated struct{ Token string }
		steps := []struct {
			name   string
			do     func()
			token  func() string
			body   any
			status int
			msg    string
		}{
			{name: "first save opens the link", token: func() string { return tok }, body: a, status: 200},
			{name: "second save of the known link", token: func() string { return tok }, body: map[string]any{"questionnaire": cncf, "question": q.Key, "option": q.Options[2].Key}, status: 200},
			{name: "bad option", token: func() string { return tok }, body: map[string]any{"questionnaire": cncf, "question": q.Key, "option": "nope"}, status: 422, msg: "is not an option"},
			{name: "closed round", token: func() string { return tok }, body: a, status: 409, msg: "This round is closed: answers can no longer be changed.",
				do: func() {
					ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/close", r.ID), o.Token, nil), 200, "close")
				}},
			{name: "reopened", token: func() string { return tok }, body: a, status: 200, do: func() {
				ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/reopen", r.ID), o.Token, nil), 200, "reopen")
			}},
			{name: "replaced link", token: func() string { return tok }, body: a, status: 404, msg: "not valid", do: func() {
				ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d/regenerate", r.ID, r.InvIDs[0]), o.Token, nil), http.StatusCreated, "regenerate").decode(t, &regenerated)
			}},
			{name: "the new link", token: func() string { return regenerated.Token }, body: map[string]any{"questionnaire": cncf, "question": q.Key, "option": q.Options[3].Key}, status: 200},
			{name: "revoked link", token: func() string { return regenerated.Token }, body: a, status: 404, msg: "not valid", do: func() {
				ts.want(ts.call("DELETE", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d", r.ID, r.InvIDs[0]), o.Token, nil), http.StatusNoContent, "revoke")
			}},
		}
		for _, st := range steps {
			if st.do != nil {
				st.do()
			}
			res := ts.putAnswer(st.token(), st.body)
			if res.Status != st.status || !strings.Contains(res.text(), st.msg) {
				t.Errorf("%s: %s, want %d with %q", st.name, res, st.status, st.msg)
			}
		}
	})
}
