package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"gapmap/app/store/storetest"
	"gapmap/static"
	"gapmap/views"
)

const immutable = "public, max-age=31536000, immutable"

// staticRef matches every reference to a static asset in a page.
var staticRef = regexp.MustCompile(`/static/[A-Za-z0-9._/-]+`)

// fingerprinted matches a static URL that carries a content hash.
var fingerprinted = regexp.MustCompile(`^/static/[a-z]+/[A-Za-z0-9_.-]+\.[0-9a-f]{12}\.[a-z]+$`)

func getWith(ts *testServer, path string, headers map[string]string) apiResult {
	ts.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return ts.send(req)
}

func decodeAs(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip reader: %v", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return out
}

// TestStaticAssets: every page links assets by fingerprinted URLs, which
// are immutable, carry an ETag, answer 304 to it, and come in the best
// encoding the client accepts, built at start-up, each decoding to the file.
func TestStaticAssets(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Acme", "Blue", "Green")
	r := ts.newRound(o)
	tok := r.Tokens[0]
	ts.answerAll(tok)
	ts.want(ts.call("POST", "/api/v1/survey/"+tok+"/submit", "", nil), http.StatusOK, "submit")

	anon := ts.client()
	owner := ts.client()
	owner.login(o.Owner.Email)
	pages := []struct {
		c    *testClient
		path string
		want []string // assets the page must load
	}{
		{anon, "/login", []string{"css/gapmap.css", "js/confirm.js", "img/logo.svg"}},
		{anon, "/s/" + r.Tokens[1] + "/page/1", []string{"css/gapmap.css", "js/survey.js"}},
		{owner, "/teams", []string{"css/gapmap.css"}},
		{owner, "/dashboard", []string{"css/gapmap.css"}},
		{owner, fmt.Sprintf("/assessments/%d/dashboard", r.ID), []string{"js/echarts.min.js", "js/charts.js"}},
		{owner, fmt.Sprintf("/assessments/%d/teams/%d", r.ID, o.Teams[0].ID), []string{"js/echarts.min.js", "js/charts.js"}},
		{owner, fmt.Sprintf("/assessments/%d/report", r.ID), []string{"css/report.css"}},
	}
	urls := map[string]string{} // fingerprinted URL -> asset name
	for _, p := range pages {
		res := p.c.get(p.path)
		if res.Status != http.StatusOK {
			t.Fatalf("page %s: %s", p.path, res)
		}
		refs := staticRef.FindAllString(res.text(), -1)
		for _, ref := range refs {
			if !fingerprinted.MatchString(ref) {
				t.Errorf("page %s references the unfingerprinted asset %s", p.path, ref)
			}
		}
	want:
		for _, name := range p.want {
			dir, file := name[:strings.LastIndexByte(name, '/')+1], name[strings.LastIndexByte(name, '/')+1:]
			stem, ext := file[:strings.LastIndexByte(file, '.')], file[strings.LastIndexByte(file, '.'):]
			for _, ref := range refs {
				if strings.HasPrefix(ref, "/static/"+dir+stem+".") && strings.HasSuffix(ref, ext) && fingerprinted.MatchString(ref) {
					urls[ref] = name
					continue want
				}
			}
			t.Errorf("page %s does not load %s: %v", p.path, name, refs)
		}
	}
	if len(urls) < 7 {
		t.Fatalf("found %d distinct assets on the pages, want 7: %v", len(urls), urls)
	}

	for url, name := range urls {
		t.Run(name, func(t *testing.T) {
			raw, err := fs.ReadFile(static.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			etags := map[string]bool{}
			for _, tc := range []struct {
				accept, wantEnc string
			}{
				{"", ""},
				{"gzip", "gzip"},
				{"gzip, deflate, br", "br"},
				{"br;q=0, gzip", "gzip"},
				{"*", "br"},
				{"identity", ""},
			} {
				res := getWith(ts, url, map[string]string{"Accept-Encoding": tc.accept})
				if res.Status != http.StatusOK {
					t.Fatalf("GET %s (Accept-Encoding %q) = %s", url, tc.accept, res)
				}
				enc := res.Header.Get("Content-Encoding")
				compressible := !strings.HasPrefix(name, "img/") || strings.HasSuffix(name, ".svg")
				if compressible && len(raw) > 1024 && enc != tc.wantEnc {
					t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, enc, tc.wantEnc)
				}
				if got := decodeAs(t, enc, res.Body); !bytes.Equal(got, raw) {
					t.Errorf("Accept-Encoding %q (%s): body of %d bytes does not decode to the file's %d bytes", tc.accept, enc, len(got), len(raw))
				}
				if got := res.Header.Get("Cache-Control"); got != immutable {
					t.Errorf("Cache-Control %q, want %q", got, immutable)
				}
				if compressible && !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("Accept-Encoding %q: Vary %q lacks Accept-Encoding", tc.accept, res.Header.Get("Vary"))
				}
				etag := res.Header.Get("ETag")
				if etag == "" || !strings.HasPrefix(etag, `"`) {
					t.Fatalf("Accept-Encoding %q: ETag %q, want a strong one", tc.accept, etag)
				}
				etags[enc+" "+etag] = true
				nm := getWith(ts, url, map[string]string{"Accept-Encoding": tc.accept, "If-None-Match": etag})
				if nm.Status != http.StatusNotModified || len(nm.Body) != 0 {
					t.Errorf("If-None-Match %s = %d with %d bytes, want 304 and no body", etag, nm.Status, len(nm.Body))
				}
			}
			plain := getWith(ts, "/static/"+name, nil)
			if plain.Status != http.StatusOK || !bytes.Equal(plain.Body, raw) {
				t.Errorf("the plain URL /static/%s = %d", name, plain.Status)
			}
			if cc := plain.Header.Get("Cache-Control"); cc == immutable || !strings.Contains(cc, "max-age=") {
				t.Errorf("the plain URL has Cache-Control %q, want a short cache", cc)
			}
			if stale := getWith(ts, url, map[string]string{"If-None-Match": `"0000"`}); stale.Status != http.StatusOK {
				t.Errorf("If-None-Match with another ETag = %d, want 200", stale.Status)
			}
		})
	}
	for _, p := range []string{"/static/js/charts.000000000000.js", "/static/js/nope.js", "/static/../go.mod"} {
		if res := getWith(ts, p, nil); res.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.Status)
		}
	}
}

// TestViewsUseAssetFunction: no template names a static file by a literal
// URL, so every page goes through the fingerprinting asset function.
func TestViewsUseAssetFunction(t *testing.T) {
	lit := regexp.MustCompile(`(src|href)="/static/`)
	err := fs.WalkDir(views.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(views.FS, path)
		if err != nil {
			return err
		}
		if loc := lit.FindIndex(b); loc != nil {
			t.Errorf("%s links %q literally: use {{asset \"…\"}}", path, b[loc[0]:min(loc[1]+30, len(b))])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestQuestionnaireVersionAPI: the full definition of a pinned version is
// public, immutable and found only by its exact key and content hash.
func TestQuestionnaireVersionAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		a := ts.newOrg("Acme", "Blue")
		b := ts.newOrg("Bravo", "Red")
		src := questionnaireYAML(t, "acme-private", nil)
		up := ts.want(ts.call("POST", "/api/v1/questionnaires", a.Token, string(src)), http.StatusCreated, "upload")
		var uploaded struct{ Key, Hash string }
		up.decode(t, &uploaded)
		if len(uploaded.Hash) != 64 {
			t.Fatalf("uploaded hash %q", uploaded.Hash)
		}

		// The survey API carries each pinned version's hash, no recommendations.
		r := ts.newRound(a, cncf, uploaded.Key)
		sr := ts.want(ts.call("GET", "/api/v1/survey/"+r.Tokens[0], "", nil), http.StatusOK, "survey")
		var sv struct {
			Questionnaires []map[string]json.RawMessage `json:"questionnaires"`
		}
		sr.decode(t, &sv)
		wantHash := []string{ts.shippedQ(cncf).Hash, uploaded.Hash}
		if len(sv.Questionnaires) != 2 {
			t.Fatalf("survey has %d questionnaires, want 2", len(sv.Questionnaires))
		}
		for i, q := range sv.Questionnaires {
			var h string
			_ = json.Unmarshal(q["hash"], &h)
			if h != wantHash[i] {
				t.Errorf("survey questionnaire %d hash %q, want %q", i, h, wantHash[i])
			}
			if _, ok := q["recommendations"]; ok {
				t.Errorf("survey questionnaire %d carries recommendations", i)
			}
			if _, ok := q["dimensions"]; !ok {
				t.Errorf("survey questionnaire %d lacks its dimensions", i)
			}
		}

		shipped := ts.shippedQ(cncf)
		url := "/api/v1/questionnaires/" + cncf + "/versions/" + shipped.Hash
		res := ts.want(ts.call("GET", url, "", nil), http.StatusOK, "anonymous shipped version")
		var full struct {
			Key, Hash       string
			Recommendations []json.RawMessage
		}
		res.decode(t, &full)
		if full.Key != cncf || full.Hash != shipped.Hash || len(full.Recommendations) != len(shipped.Recommendations) || len(full.Recommendations) == 0 {
			t.Errorf("version = %s %s with %d recommendations, want %d", full.Key, full.Hash, len(full.Recommendations), len(shipped.Recommendations))
		}
		if cc := res.Header.Get("Cache-Control"); cc != immutable {
			t.Errorf("Cache-Control %q, want %q", cc, immutable)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		etag := res.Header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) {
			t.Fatalf("ETag %q, want a strong one", etag)
		}
		nm := getWith(ts, url, map[string]string{"If-None-Match": etag})
		if nm.Status != http.StatusNotModified || len(nm.Body) != 0 || nm.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match = %d with %d bytes, ETag %q; want 304, empty, %q", nm.Status, len(nm.Body), nm.Header.Get("ETag"), etag)
		}
		if again := getWith(ts, url, map[string]string{"If-None-Match": `"other"`}); again.Status != http.StatusOK {
			t.Errorf("If-None-Match with another ETag = %d, want 200", again.Status)
		}

		// Another organization's upload: reachable by its exact hash only,
		// and still invisible through the organization's API.
		own := "/api/v1/questionnaires/" + uploaded.Key + "/versions/" + uploaded.Hash
		for _, who := range []string{"", b.Token, a.Token} {
			res := ts.want(ts.call("GET", own, who, nil), http.StatusOK, "uploaded version")
			var got struct{ Key, Hash string }
			res.decode(t, &got)
			if got.Key != uploaded.Key || got.Hash != uploaded.Hash {
				t.Errorf("uploaded version = %+v", got)
			}
		}
		ts.want(ts.call("GET", "/api/v1/questionnaires/"+uploaded.Key, b.Token, nil), http.StatusNotFound, "B reads A's questionnaire by key")
		flip := func(h string) string {
			if h[63] == '0' {
				return h[:63] + "1"
			}
			return h[:63] + "0"
		}
		for _, tc := range []struct{ name, path string }{
			{"another hash of the key", "/api/v1/questionnaires/" + uploaded.Key + "/versions/" + flip(uploaded.Hash)},
			{"the hash under another key", "/api/v1/questionnaires/" + cncf + "/versions/" + uploaded.Hash},
			{"a shipped hash under the uploaded key", "/api/v1/questionnaires/" + uploaded.Key + "/versions/" + shipped.Hash},
			{"a prefix of the hash", "/api/v1/questionnaires/" + uploaded.Key + "/versions/" + uploaded.Hash[:12]},
			{"the hash in capitals", "/api/v1/questionnaires/" + uploaded.Key + "/versions/" + strings.ToUpper(uploaded.Hash)},
			{"an unknown key", "/api/v1/questionnaires/no-such-key/versions/" + uploaded.Hash},
			{"no hash", "/api/v1/questionnaires/" + uploaded.Key + "/versions/"},
		} {
			if res := ts.call("GET", tc.path, "", nil); res.Status != http.StatusNotFound {
				t.Errorf("%s: GET %s = %s, want 404", tc.name, tc.path, res)
			}
		}
	})
}
