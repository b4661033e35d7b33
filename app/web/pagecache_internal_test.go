package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// TestCachedPageSend: a cached page sent with a token equals the page
// rendered with that token, plain and gzip-encoded, whatever the number of
// token places and the token's length (stored blocks hold 65,535 bytes).
func TestCachedPageSend(t *testing.T) {
	marker := "csrfMARKER"
	pc := newPageCache(4, []byte(marker))
	long := strings.Repeat("ab", 40000)
	cases := []struct {
		name, html, token string
	}{
		{"no form", "<p>" + strings.Repeat("intro ", 500) + "</p>", ""},
		{"one form", "<form><input value=\"" + marker + "\">" + strings.Repeat("<q>x</q>", 300) + "</form>", "tok.en-1_"},
		{"two forms", marker + "<a>" + strings.Repeat("é", 100) + "</a>" + marker, "t2"},
		{"empty token", "<b>" + marker + "</b>", ""},
		{"long token", "<i>" + marker + "</i>", long},
		{"empty page", "", ""},
		{"long parts", strings.Repeat("<p>lorem ipsum</p>", 8000) + marker + strings.Repeat("<p>dolor</p>", 9000), long},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := pc.newCachedPage(tc.name, []byte(tc.html))
			want := strings.ReplaceAll(tc.html, marker, tc.token)
			app := fiber.New()
			app.Get("/", func(c *fiber.Ctx) error { return p.send(c, tc.token, pc.flate) })
			for accept, wantEnc := range map[string]string{"": "", "gzip": "gzip", "br, gzip;q=0.5": "gzip", "gzip;q=0": "", "br": ""} {
				if accept != "" && accept != "gzip" && accept != "gzip;q=0" && !p.needsToken() {
					wantEnc = "br" // a page without a token is kept brotli-compressed too
				}
				req := httptest.NewRequest("GET", "/", nil)
				if accept != "" {
					req.Header.Set("Accept-Encoding", accept)
				}
				res, err := app.Test(req, -1)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				if enc := res.Header.Get("Content-Encoding"); enc != wantEnc {
					t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, enc, wantEnc)
				}
				switch wantEnc {
				case "br":
					if body, err = io.ReadAll(brotli.NewReader(bytes.NewReader(body))); err != nil {
						t.Fatalf("Accept-Encoding %q: decode: %v", accept, err)
					}
				case "gzip":
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatalf("gzip header: %v", err)
					}
					if body, err = io.ReadAll(zr); err != nil {
						t.Fatalf("Accept-Encoding %q: decode: %v", accept, err)
					}
				}
				if string(body) != want {
					t.Errorf("Accept-Encoding %q: body of %d bytes differs from the %d bytes rendered", accept, len(body), len(want))
				}
			}
		})
	}
}
