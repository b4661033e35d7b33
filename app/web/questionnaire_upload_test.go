package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestUploadQuestionnaireFaults: the problems of a refused upload are
// counted exactly, control characters and non-UTF-8 files are refused with
// line and path, and the exact bytes of an older version become the latest
// again.
func TestUploadQuestionnaireFaults(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		a := ts.newOrg("Acme", "Blue")
		type problem struct {
			Line    int    `json:"line"`
			Path    string `json:"path"`
			Message string `json:"message"`
		}
		var unknown strings.Builder
		for i := range 582 {
			fmt.Fprintf(&unknown, "unknown-%d: 1\n", i)
		}
		tests := []struct {
			name     string
			src      []byte
			wantMsg  string
			wantLen  int
			wantLine int
			wantPath string
		}{
			{"582 problems", append(questionnaireYAML(t, "many-problems", nil), unknown.String()...),
				"582 problems found", 501, 0, ""},
			{"a NUL in a title", questionnaireYAML(t, "nul-title", func(s string) string {
				return strings.Replace(s, "title: ", "title: Cloud\x00 ", 1)
			}), "1 problem found", 1, 3, "title"},
			{"a Latin-1 file", questionnaireYAML(t, "latin-one", func(s string) string {
				return strings.Replace(s, "title: ", "title: Caf\xe9 ", 1)
			}), "1 problem found", 1, 3, "title"},
		}
		for _, tc := range tests {
			r := ts.want(ts.call("POST", "/api/v1/questionnaires", a.Token, tc.src), http.StatusUnprocessableEntity, tc.name)
			var body struct {
				Error  string    `json:"error"`
				Errors []problem `json:"errors"`
			}
			r.decode(t, &body)
			if !strings.Contains(body.Error, tc.wantMsg) || len(body.Errors) != tc.wantLen {
				t.Errorf("%s: %q with %d errors, want %q with %d", tc.name, body.Error, len(body.Errors), tc.wantMsg, tc.wantLen)
				continue
			}
			if tc.wantLine > 0 && (body.Errors[0].Line != tc.wantLine || body.Errors[0].Path != tc.wantPath) {
				t.Errorf("%s: first error %+v, want line %d path %q", tc.name, body.Errors[0], tc.wantLine, tc.wantPath)
			}
		}

		v1 := questionnaireYAML(t, "acme-versions", nil)
		v2 := questionnaireYAML(t, "acme-versions", func(s string) string { return strings.Replace(s, `version: "1.0.0"`, `version: "1.0.1"`, 1) })
		for i, src := range [][]byte{v1, v2, v1} {
			r := ts.want(ts.call("POST", "/api/v1/questionnaires", a.Token, src), http.StatusCreated, fmt.Sprintf("upload %d", i+1))
			var up struct{ Hash string }
			r.decode(t, &up)
			var latest struct{ Hash string }
			ts.want(ts.call("GET", "/api/v1/questionnaires/acme-versions", a.Token, nil), http.StatusOK, "latest").decode(t, &latest)
			if latest.Hash != up.Hash {
				t.Errorf("after upload %d the latest is %s, want the uploaded %s", i+1, latest.Hash, up.Hash)
			}
		}
	})
}
