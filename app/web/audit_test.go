package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gapmap/app/store"
	"gapmap/models"
)

// auditEntry is an entry of GET /api/v1/audit.
type auditEntry struct {
	ID         int64
	Actor      string
	Action     string
	TargetType string `json:"target_type"`
	Target     string
	Detail     map[string]any
	IP         string
}

func (ts *testServer) audit(token, query string) ([]auditEntry, *int64) {
	ts.t.Helper()
	var page struct {
		Entries    []auditEntry
		NextBefore *int64 `json:"next_before"`
	}
	ts.want(ts.call("GET", "/api/v1/audit"+query, token, nil), http.StatusOK, "read the audit log").decode(ts.t, &page)
	return page.Entries, page.NextBefore
}

// TestAuditRecordsEveryAction performs each audited action once and checks
// that its entry appears with the actor, target and address, that no entry
// holds a secret, and that another organization sees none of them.
func TestAuditRecordsEveryAction(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Audit Org", "Blue", "Green")
		other := ts.newOrg("Other Org", "Red")
		api := func(method, path string, body any, status int) apiResult {
			t.Helper()
			return ts.want(ts.call(method, path, o.Token, body), status, method+" "+path)
		}
		var secrets []string

		// Sign-in (success and failure) and sign-out through the pages.
		c := ts.client()
		if r := c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "email": {o.Owner.Email}, "password": {"not the password"}}); r.Status == http.StatusSeeOther {
			t.Fatalf("a wrong password logged in: %s", r)
		}
		c.login(o.Owner.Email)
		c.send("POST", "/logout", "application/x-www-form-urlencoded", "", true)

		// People and roles.
		person, _ := ts.addPerson(o, "lead@audit.example", models.RoleMember)
		f := ts.client()
		f.login(o.Owner.Email)
		f.send("POST", fmt.Sprintf("/members/%d/role", person.ID), "application/x-www-form-urlencoded", "role=leader", true)
		api("PUT", fmt.Sprintf("/api/v1/teams/%d/members", o.Teams[0].ID), map[string]any{"user_ids": []int64{person.ID}}, http.StatusNoContent)
		f.send("POST", fmt.Sprintf("/members/%d/remove", person.ID), "application/x-www-form-urlencoded", "", true)

		// Tokens.
		tok := api("POST", "/api/v1/tokens", map[string]any{"name": "ci"}, http.StatusCreated)
		secrets = append(secrets, tok.field(t, "token").(string))
		api("DELETE", fmt.Sprintf("/api/v1/tokens/%d", int64(tok.field(t, "id").(float64))), nil, http.StatusNoContent)

		// Rounds and links.
		r := ts.newRound(o, "cncf-platform-maturity")
		secrets = append(secrets, r.Tokens...)
		api("PATCH", fmt.Sprintf("/api/v1/assessments/%d", r.ID), map[string]any{"capacity": 4}, http.StatusOK)
		regen := api("POST", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d/regenerate", r.ID, r.InvIDs[0]), nil, http.StatusCreated)
		secrets = append(secrets, regen.field(t, "token").(string))
		ts.answerAll(regen.field(t, "token").(string))
		ts.want(ts.call("POST", "/api/v1/survey/"+regen.field(t, "token").(string)+"/submit", "", nil), http.StatusOK, "submit")
		api("POST", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d/reopen", r.ID, r.InvIDs[0]), nil, http.StatusOK)
		api("DELETE", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d", r.ID, r.InvIDs[1]), nil, http.StatusNoContent)
		api("POST", fmt.Sprintf("/api/v1/assessments/%d/close", r.ID), nil, http.StatusOK)
		api("POST", fmt.Sprintf("/api/v1/assessments/%d/reopen", r.ID), nil, http.StatusOK)
		dup := api("POST", fmt.Sprintf("/api/v1/assessments/%d/duplicate", r.ID), map[string]any{"name": "Copy"}, http.StatusCreated)
		dupID := int64(dup.field(t, "id").(float64))
		api("DELETE", fmt.Sprintf("/api/v1/assessments/%d", dupID), map[string]any{"confirm": "Copy"}, http.StatusNoContent)

		// Open links.
		link := api("POST", fmt.Sprintf("/api/v1/assessments/%d/open-links", r.ID), map[string]any{"team_id": o.Teams[1].ID}, http.StatusCreated)
		secrets = append(secrets, link.field(t, "token").(string))
		api("DELETE", fmt.Sprintf("/api/v1/assessments/%d/open-links/%d", r.ID, int64(link.field(t, "id").(float64))), nil, http.StatusNoContent)

		// Questionnaire upload and roadmap import.
		req := httptest.NewRequest("POST", "/api/v1/questionnaires", strings.NewReader(string(questionnaireYAML(t, "audit-q", nil))))
		req.Header.Set("Content-Type", "application/yaml")
		req.Header.Set("Authorization", "Bearer "+o.Token)
		ts.want(ts.send(req), http.StatusCreated, "upload questionnaire")
		ctx := store.WithActor(context.Background(), store.Actor{UserID: o.Owner.ID, Label: o.Owner.Email, IP: "192.0.2.9"})
		if _, err := ts.st.ApplyPlan(ctx, o.ID, r.ID, 0, []store.PlanChange{{QuestionnaireKey: "cncf-platform-maturity", RecommendationKey: "x", Owner: "Ana"}}); err != nil {
			t.Fatalf("apply plan: %v", err)
		}

		entries, _ := ts.audit(o.Token, "?limit=500")
		seen := map[string]auditEntry{}
		for _, e := range entries {
			if _, ok := seen[e.Action]; !ok {
				seen[e.Action] = e
			}
		}
		for _, action := range []string{
			store.AuditSignIn, store.AuditSignInFailed, store.AuditSignOut,
			store.AuditMemberInvited, store.AuditMemberJoined, store.AuditRoleChanged, store.AuditTeamMembers, store.AuditMemberRemoved,
			store.AuditTokenCreated, store.AuditTokenRevoked,
			store.AuditRoundCreated, store.AuditRoundEdited, store.AuditRoundClosed, store.AuditRoundReopened,
			store.AuditRoundDup, store.AuditRoundDeleted,
			store.AuditLinkCreated, store.AuditLinkRegen, store.AuditLinkRevoked, store.AuditLinkReopened,
			store.AuditOpenLinkCreated, store.AuditOpenLinkRevoked,
			store.AuditQuestUpload, store.AuditRoadmapImport,
		} {
			e, ok := seen[action]
			if !ok {
				t.Errorf("no %s entry", action)
				continue
			}
			if e.Actor == "" || e.Target == "" && e.TargetType != "" {
				t.Errorf("%s: actor %q target %q", action, e.Actor, e.Target)
			}
		}
		if e := seen[store.AuditRoundEdited]; fmt.Sprint(e.Detail["fields"]) != "[capacity]" {
			t.Errorf("round.edited detail = %v, want the changed field", e.Detail)
		}
		if e := seen[store.AuditTokenCreated]; !strings.Contains(e.Actor, o.Owner.Email) || !strings.Contains(e.Actor, "API token") || e.IP == "" {
			t.Errorf("token.created by %q from %q: want the owner's token and an address", e.Actor, e.IP)
		}
		if e := seen[store.AuditSignInFailed]; e.Target != o.Owner.Email {
			t.Errorf("failed sign-in names %q", e.Target)
		}
		body := ts.call("GET", "/api/v1/audit?limit=500", o.Token, nil).text()
		for _, s := range append(secrets, testPassword, "not the password") {
			if strings.Contains(body, s) {
				t.Errorf("the audit log holds a secret: %.12s…", s)
			}
		}
		if theirs, _ := ts.audit(other.Token, "?limit=500"); len(theirs) != 1 || theirs[0].Action != store.AuditTokenCreated {
			t.Errorf("another organization sees %d entries (%v), want only its own token", len(theirs), theirs)
		}
	})
}

// TestAuditAPI checks the audit API's access, paging and filters.
func TestAuditAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Paging Org", "Blue")
		for i := range 5 {
			ts.want(ts.call("POST", "/api/v1/tokens", o.Token, map[string]any{"name": fmt.Sprintf("t%d", i)}), http.StatusCreated, "token")
		}
		_, member := ts.addPerson(o, "member@paging.example", models.RoleMember)
		ts.want(ts.call("GET", "/api/v1/audit", member, nil), http.StatusForbidden, "member reads the audit log")

		var all []auditEntry
		query := "?limit=2&action=" + store.AuditTokenCreated
		for range 10 {
			page, next := ts.audit(o.Token, query)
			all = append(all, page...)
			if next == nil {
				break
			}
			query = fmt.Sprintf("?limit=2&action=%s&before=%d", store.AuditTokenCreated, *next)
		}
		// The fixture's own token, the member's, and five more.
		if len(all) != 7 {
			t.Fatalf("paged through %d token.created entries, want 7", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].ID >= all[i-1].ID {
				t.Fatalf("entries not newest first: %d after %d", all[i].ID, all[i-1].ID)
			}
		}
		if got, _ := ts.audit(o.Token, "?actor=MEMBER@paging"); len(got) == 0 {
			t.Error("the actor filter found nothing for the member's own token")
		}
		for _, bad := range []string{"?limit=501", "?before=-1", "?action=nope", "?from=yesterday"} {
			ts.want(ts.call("GET", "/api/v1/audit"+bad, o.Token, nil), http.StatusUnprocessableEntity, "audit "+bad)
		}
		page := ts.client()
		page.login(o.Owner.Email)
		if r := page.get("/audit?action=" + store.AuditTokenCreated); r.Status != http.StatusOK || !strings.Contains(r.text(), "token.created") {
			t.Errorf("audit page: %s", r)
		}
		if r := page.get("/audit?from=nonsense"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("audit page with a bad date: %d", r.Status)
		}
	})
}
