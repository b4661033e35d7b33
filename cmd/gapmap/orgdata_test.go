package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdminExportAndDeleteOrg runs export-org and delete-org as an operator
// would: the export is a readable zip and is never written over; a wrong
// confirmation deletes nothing; the right one deletes that organization only.
func TestAdminExportAndDeleteOrg(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"GAPMAP_DATABASE": filepath.Join(dir, "gapmap.db")}
	ids := map[string]string{}
	for _, name := range []string{"Acme", "Beta"} {
		r := invoke(t, env, "admin", "create-org", "--name", name, "--email", strings.ToLower(name)+"@example.com", "--password", "correct horse battery")
		if r.err != nil {
			t.Fatalf("create-org %s: %v", name, r.err)
		}
		ids[name] = strings.TrimSpace(r.stdout)
	}
	out := filepath.Join(dir, "acme.zip")
	r := invoke(t, env, "admin", "export-org", "--org", ids["Acme"], "--out", out)
	if r.err != nil {
		t.Fatalf("export-org: %v (%s)", r.err, r.stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatalf("the export is not a zip: %v", err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	zr.Close()
	for _, want := range []string{"manifest.json", "organization.jsonl", "users.jsonl", "rounds.jsonl", "answers.jsonl", "audit.jsonl"} {
		if !names[want] {
			t.Errorf("the export lacks %s", want)
		}
	}
	if r := invoke(t, env, "admin", "export-org", "--org", ids["Acme"], "--out", out); r.err == nil || !strings.Contains(r.err.Error(), "exists") {
		t.Errorf("export over an existing file: %v", r.err)
	}
	if r := invoke(t, env, "admin", "export-org", "--org", "999", "--out", filepath.Join(dir, "none.zip")); r.err == nil {
		t.Error("export of an unknown organization succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "none.zip")); err == nil {
		t.Error("a failed export left a file")
	}

	if r := invoke(t, env, "admin", "delete-org", "--org", ids["Acme"], "--confirm", "acme"); r.err == nil || !strings.Contains(r.err.Error(), "nothing was deleted") {
		t.Fatalf("delete-org with a wrong name: %v", r.err)
	}
	if r := invoke(t, env, "admin", "delete-org", "--org", ids["Acme"], "--confirm", "Acme"); r.err != nil || !strings.Contains(r.stdout, "memberships") {
		t.Fatalf("delete-org: %v, printed %q", r.err, r.stdout)
	}
	if r := invoke(t, env, "admin", "token", "--email", "acme@example.com"); r.err == nil {
		t.Error("the deleted organization's owner still exists")
	}
	if r := invoke(t, env, "admin", "token", "--email", "beta@example.com"); r.err != nil {
		t.Errorf("the other organization's owner is gone: %v", r.err)
	}
}
