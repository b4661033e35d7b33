package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gapmap/questionnaires"
)

const fixtures = "../../questionnaires/importer/testdata/"

func TestQuestionnairesImport(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name      string
		args      []string
		out       string // the -o file, "" for standard output
		wantKey   string
		wantNotes int
	}{
		{"samm checkout, flags first", []string{"--from", "samm", "-o", filepath.Join(dir, "samm.yaml"), fixtures + "samm"}, "samm.yaml", "owasp-samm", 0},
		{"dsomm, flags after the path", []string{"--from", "dsomm", fixtures + "dsomm/generated/model.yaml", "-o", filepath.Join(dir, "dsomm.yaml"), "--key", "dsomm"}, "dsomm.yaml", "dsomm", 0},
		{"pemm to standard output", []string{"--from=pemm", fixtures + "pemm/questions-en.yaml", fixtures + "pemm/questions-de.yaml"}, "", "pemm-assessment", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := invoke(t, nil, append([]string{"questionnaires", "import"}, tc.args...)...)
			if r.err != nil {
				t.Fatalf("error %v; stderr %s", r.err, r.stderr)
			}
			data := []byte(r.stdout)
			if tc.out != "" {
				var err error
				if data, err = os.ReadFile(filepath.Join(dir, tc.out)); err != nil {
					t.Fatal(err)
				}
				if r.stdout != "" || !strings.Contains(r.stderr, "wrote "+filepath.Join(dir, tc.out)) {
					t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
				}
			}
			q, err := questionnaires.Parse("out.yaml", data)
			if err != nil {
				t.Fatalf("the output does not load: %v", err)
			}
			if q.Key != tc.wantKey {
				t.Errorf("key %q, want %q", q.Key, tc.wantKey)
			}
			if n := strings.Count(r.stderr, "note: "); n != tc.wantNotes {
				t.Errorf("%d notes, want %d: %s", n, tc.wantNotes, r.stderr)
			}
			// The file validates through the validate command too.
			path := filepath.Join(t.TempDir(), "q.yaml")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if v := invoke(t, nil, "questionnaires", "validate", path); v.err != nil || !strings.HasPrefix(v.stdout, "ok  "+tc.wantKey) {
				t.Errorf("validate: %v %s", v.err, v.stdout)
			}
		})
	}
}

func TestQuestionnairesImportErrors(t *testing.T) {
	broken := filepath.Join(t.TempDir(), "model.yaml")
	if err := os.WriteFile(broken, []byte("Ship:\n  Packaging:\n    Signed packages:\n      level: nine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		status int
		msg    string
	}{
		{"broken dsomm", []string{"--from", "dsomm", broken}, 2, broken + ":4: "},
		{"missing samm folder", []string{"--from", "samm", filepath.Join(t.TempDir(), "core")}, 2, "core: cannot read"},
		{"pemm translation of another assessment", []string{"--from", "pemm", fixtures + "pemm/questions-en.yaml", fixtures + "dsomm/generated/model.yaml"}, 2, "model.yaml: "},
		{"unknown source", []string{"--from", "cmmi", "x"}, 2, `unknown source "cmmi"`},
		{"no source", []string{fixtures + "samm"}, 1, "usage"},
		{"no path", []string{"--from", "samm"}, 1, "usage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := invoke(t, nil, append([]string{"questionnaires", "import"}, tc.args...)...)
			if got := exitCode(r.err); got != tc.status {
				t.Fatalf("exit status %d (error %v), want %d", got, r.err, tc.status)
			}
			if msg := r.err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, tc.msg) {
				t.Errorf("error %q: want one line with %q", msg, tc.msg)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q", r.stdout)
			}
		})
	}
}
