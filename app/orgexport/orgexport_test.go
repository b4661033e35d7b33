package orgexport_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"gapmap/app/dora"
	"gapmap/app/orgexport"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/questionnaires"
)

const password = "correct horse battery staple"

// populated is an organization with a row in every table of store.OrgTables.
type populated struct {
	orgID   int64
	name    string
	secrets []string // plain tokens that must never be exported
}

func populate(t *testing.T, st *store.Store, name string, shared string) populated {
	t.Helper()
	ctx := context.Background()
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	slug := strings.ToLower(name)
	org, owner, err := st.SignUp(ctx, name, "owner@"+slug+".example", password)
	if err != nil {
		t.Fatal(err)
	}
	p := populated{orgID: org.ID, name: name}
	ctx = store.WithActor(ctx, store.Actor{UserID: owner.ID, Label: owner.Email, IP: "192.0.2.1"})
	teams, err := st.SeedTeams(ctx, org.ID, []string{name + " Blue", name + " Green"})
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{teams[0].ID, teams[1].ID}
	hookSecret := "webhook-secret-of-" + slug
	if _, err := st.CreateWebhook(ctx, org.ID, store.WebhookInput{URL: "https://203.0.113.1/" + slug, Events: []string{"response.submitted", "results.updated"}, Secret: hookSecret}); err != nil {
		t.Fatal(err)
	}
	p.secrets = append(p.secrets, hookSecret)
	if err := st.SetTeamMembers(ctx, org.ID, ids[0], []int64{owner.ID}); err != nil {
		t.Fatal(err)
	}
	q := qs[0]
	a, err := st.CreateAssessment(ctx, org.ID, store.AssessmentInput{Name: name + " round", Questionnaires: []store.QuestionnaireChoice{{Q: q}}, TeamIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	level := 2
	var rs []store.SeedResponse
	for _, id := range ids {
		for i := range 2 {
			rs = append(rs, store.SeedResponse{TeamID: id, Label: fmt.Sprintf("lead %d", i), Submitted: true, Answers: []store.SeedAnswer{{
				Questionnaire: q.Key, Question: q.Dimensions[0].Questions[0].Key, Level: &level, Comment: "comment of " + name,
			}}})
		}
	}
	tokens, err := st.SeedResponses(ctx, org.ID, a.ID, rs)
	if err != nil {
		t.Fatal(err)
	}
	p.secrets = append(p.secrets, tokens...)
	if err := results.Recompute(ctx, st, org.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	tok, _, err := st.CreateToken(ctx, org.ID, owner.ID, "ci")
	if err != nil {
		t.Fatal(err)
	}
	inv, _, err := st.CreateInvite(ctx, org.ID, owner.ID, "new@"+slug+".example", "member")
	if err != nil {
		t.Fatal(err)
	}
	link, err := st.CreateOpenLink(ctx, org.ID, a.ID, ids[1], &owner.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.secrets = append(p.secrets, tok, inv, link.Token)
	mailSecret := "mail-body-secret-" + slug
	if _, err := st.QueueEmail(ctx, store.NewEmail{OrgID: &org.ID, Purpose: "test", To: "x@" + slug + ".example", Subject: "s", Text: mailSecret, HTML: mailSecret}); err != nil {
		t.Fatal(err)
	}
	p.secrets = append(p.secrets, mailSecret)
	mailed, err := st.CreateInvitationsMailed(ctx, org.ID, a.ID, &owner.ID, []store.NewInvitation{{TeamID: ids[0], Email: "r@" + slug + ".example"}},
		func(store.CreatedInvitation) store.NewEmail { return store.NewEmail{Subject: "s", Text: "t"} })
	if err != nil {
		t.Fatal(err)
	}
	p.secrets = append(p.secrets, mailed[0].Token)
	var unsub string
	if _, err := st.QueueReminders(ctx, org.ID, a.ID, time.Now(), func(in store.ReminderInfo) store.NewEmail {
		unsub = in.UnsubscribeToken
		return store.NewEmail{Subject: "r", Text: "t"}
	}); err != nil || unsub == "" {
		t.Fatalf("queue reminders: %v", err)
	}
	if _, err := st.Unsubscribe(ctx, unsub); err != nil {
		t.Fatal(err)
	}
	p.secrets = append(p.secrets, unsub)
	ssoSecret := "sso-client-secret-" + slug
	if _, err := st.SaveSSOConfig(ctx, org.ID, store.SSOInput{Slug: slug, Issuer: "https://login." + slug + ".example", ClientID: "gapmap",
		ClientSecret: ssoSecret, Domains: []string{slug + ".example"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SSOSignIn(ctx, store.SSOLogin{OrgID: org.ID, Issuer: "https://login." + slug + ".example", Subject: "s1", Email: "sso@" + slug + ".example"}); err != nil {
		t.Fatal(err)
	}
	p.secrets = append(p.secrets, ssoSecret)
	upload := *q
	upload.Key = slug + "-own"
	if _, err := st.UploadQuestionnaire(ctx, org.ID, &upload, []byte("key: "+upload.Key+"\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyPlan(ctx, org.ID, a.ID, 0, []store.PlanChange{{QuestionnaireKey: q.Key, RecommendationKey: "r1", Owner: "Ana"}}); err != nil {
		t.Fatal(err)
	}
	fin := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	if _, err := st.IngestDeployments(ctx, org.ID, ids[0], []dora.Deployment{{ID: "deploy-1", FinishedAt: fin, Status: dora.StatusSuccess,
		Commits: []dora.Commit{{SHA: "abc", CommittedAt: fin.Add(-time.Hour)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.IngestIncidents(ctx, org.ID, ids[0], []dora.Incident{{ID: "inc-1", StartedAt: fin, DeploymentID: "deploy-1"}}); err != nil {
		t.Fatal(err)
	}
	if shared != "" { // an account in both organizations
		u, err := st.UserByEmail(ctx, shared)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Exec(ctx, "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'member', ?)", org.ID, u.ID, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// TestDeleteOrgTouchesOnlyItsOwn deletes one of two full organizations and
// compares the row counts of every table for both, before and after.
func TestDeleteOrgTouchesOnlyItsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := populate(t, st, "Acme", "")
		b := populate(t, st, "Bravo", "owner@acme.example")
		before := map[int64]map[string]int64{}
		for _, o := range []populated{a, b} {
			n, err := st.CountOrgRows(ctx, o.orgID)
			if err != nil {
				t.Fatal(err)
			}
			before[o.orgID] = n
			for _, tb := range store.OrgTables() {
				if n[tb.Table] == 0 {
					t.Errorf("%s has no row in %s: the test would prove nothing for it", o.name, tb.Table)
				}
			}
		}
		if _, err := st.DeleteOrg(ctx, a.orgID, "acme"); err == nil {
			t.Fatal("a wrong confirmation deleted the organization")
		}
		if n, _ := st.CountOrgRows(ctx, a.orgID); !maps.Equal(n, before[a.orgID]) {
			t.Fatalf("a refused deletion changed rows: %v, was %v", n, before[a.orgID])
		}
		removed, err := st.DeleteOrg(ctx, a.orgID, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		after, err := st.CountOrgRows(ctx, a.orgID)
		if err != nil {
			t.Fatal(err)
		}
		for table, n := range after {
			if n != 0 {
				t.Errorf("Acme still has %d rows in %s", n, table)
			}
		}
		if removed["answers"] != before[a.orgID]["answers"] {
			t.Errorf("removed %d answers, Acme had %d", removed["answers"], before[a.orgID]["answers"])
		}
		// Bravo counts its member from Acme among its users: still there.
		if n, _ := st.CountOrgRows(ctx, b.orgID); !maps.Equal(n, before[b.orgID]) {
			t.Errorf("Bravo's rows changed: %v, were %v", n, before[b.orgID])
		}
		if _, err := st.UserByEmail(ctx, "owner@acme.example"); err != nil {
			t.Errorf("the account that is also in Bravo was deleted: %v", err)
		}
		if _, err := st.Org(ctx, a.orgID); err == nil {
			t.Error("the organization is still there")
		}
	})
}

// TestEveryTableIsClassified fails when a migration adds a table that is
// neither an organization's (store.OrgTables) nor global: export and
// deletion would miss its rows.
func TestEveryTableIsClassified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tables, err := st.TableNames(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		known := store.GlobalTables()
		for _, tb := range store.OrgTables() {
			known = append(known, tb.Table)
		}
		for _, name := range tables {
			if !slices.Contains(known, name) {
				t.Errorf("table %s is in neither store.OrgTables nor store.GlobalTables", name)
			}
		}
		for _, name := range known {
			if !slices.Contains(tables, name) {
				t.Errorf("store lists table %s, which the schema does not have", name)
			}
		}
	})
}

// TestExportHoldsTheOrganizationAndNoSecret exports one of two
// organizations and reads the archive back.
func TestExportHoldsTheOrganizationAndNoSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := populate(t, st, "Acme", "")
		b := populate(t, st, "Bravo", "")
		var buf bytes.Buffer
		m, err := orgexport.Write(ctx, st, a.orgID, &buf, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name] = data
		}
		var manifest orgexport.Manifest
		if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
			t.Fatalf("manifest: %v", err)
		}
		if manifest.Format != orgexport.Format || manifest.Organization.ID != a.orgID || len(manifest.Files) != len(m.Files) {
			t.Fatalf("manifest %+v", manifest)
		}
		counts, err := st.CountOrgRows(ctx, a.orgID)
		if err != nil {
			t.Fatal(err)
		}
		yaml := 0
		for _, f := range manifest.Files {
			data, ok := files[f.Name]
			if !ok {
				t.Errorf("%s is in the manifest, not in the archive", f.Name)
				continue
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(data)) != f.Bytes {
				t.Errorf("%s: manifest digest or size does not match the file", f.Name)
			}
			if strings.HasPrefix(f.Name, "questionnaires/") {
				yaml++
				continue
			}
			lines := 0
			sc := bufio.NewScanner(bytes.NewReader(data))
			sc.Buffer(nil, 1<<24)
			for sc.Scan() {
				var row map[string]any
				if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
					t.Fatalf("%s line %d: %v", f.Name, lines+1, err)
				}
				lines++
			}
			if f.Rows == nil || int64(lines) != *f.Rows {
				t.Errorf("%s: %d lines, manifest says %v", f.Name, lines, f.Rows)
			}
			for _, tb := range store.OrgTables() {
				if tb.File == f.Name && counts[tb.Table] != int64(lines) {
					t.Errorf("%s: %d lines, the organization has %d rows in %s", f.Name, lines, counts[tb.Table], tb.Table)
				}
			}
		}
		if yaml < 2 {
			t.Errorf("%d questionnaire files, want the pinned shipped one and the upload", yaml)
		}
		all := string(bytes.Join(slices.Collect(maps.Values(files)), []byte("\n")))
		for _, bad := range append(append(a.secrets, b.secrets...), "password_hash", "token_hash", "$2a$", b.name, "comment of Bravo") {
			if strings.Contains(all, bad) {
				t.Errorf("the archive holds %.16q", bad)
			}
		}
		if !strings.Contains(all, "comment of Acme") {
			t.Error("the archive lacks the organization's answers")
		}
	})
}
