package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gapmap/app/store"
	"gapmap/models"
)

// roundJSON is the part of a round's JSON the tests read.
type roundJSON struct {
	ID             int64          `json:"id"`
	Name           string         `json:"name"`
	Status         string         `json:"status"`
	Due            *string        `json:"due"`
	DefaultTarget  int            `json:"default_target"`
	Targets        map[string]int `json:"targets"`
	Capacity       int            `json:"capacity"`
	Questionnaires []string       `json:"questionnaires"`
	TeamIDs        []int64        `json:"team_ids"`
	Versions       []struct {
		Key                  string `json:"key"`
		VersionID            int64  `json:"version_id"`
		PreviousAssessmentID *int64 `json:"previous_assessment_id"`
	} `json:"questionnaire_versions"`
}

func (ts *testServer) getRound(token string, id int64) roundJSON {
	ts.t.Helper()
	var r roundJSON
	ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d", id), token, nil), http.StatusOK, "get round").decode(ts.t, &r)
	return r
}

// pendingRecomputes counts the waiting recompute jobs of a round.
func (ts *testServer) pendingRecomputes(id int64) int64 {
	ts.t.Helper()
	var n int64
	err := ts.gormDB().Model(&models.Job{}).Where("kind = ? AND dedupe_key = ?", store.RecomputeKind, fmt.Sprintf("round:%d", id)).Count(&n).Error
	if err != nil {
		ts.t.Fatalf("count jobs: %v", err)
	}
	return n
}

// resultsRevision reads a round's results revision, which every change
// that marks its results stale (and enqueues their recompute) bumps.
func (ts *testServer) resultsRevision(id int64) int64 {
	ts.t.Helper()
	var rev []int64
	if err := ts.gormDB().Table("assessments").Where("id = ?", id).Pluck("results_revision", &rev).Error; err != nil || len(rev) != 1 {
		ts.t.Fatalf("read results revision of %d: %v %v", id, rev, err)
	}
	return rev[0]
}

func TestAssessmentPatchAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		other := ts.newOrg("Other", "Theirs")
		_, leaderToken := ts.addPerson(o, "lead@example.com", models.RoleLeader)
		round := ts.newRound(o, cncf)
		path := fmt.Sprintf("/api/v1/assessments/%d", round.ID)
		dim := ts.shippedQ(cncf).Dimensions[0].Key
		before := ts.getRound(o.Token, round.ID)

		refused := []struct {
			name   string
			token  string
			path   string
			body   any
			status int
			field  string
		}{
			{"empty name", o.Token, path, map[string]any{"name": " "}, 422, "name"},
			{"bad due", o.Token, path, map[string]any{"due": "tomorrow"}, 422, "due"},
			{"due not a string", o.Token, path, map[string]any{"due": 5}, 422, "due"},
			{"default target 0", o.Token, path, map[string]any{"default_target": 0}, 422, "default_target"},
			{"default target 6", o.Token, path, map[string]any{"default_target": 6}, 422, "default_target"},
			{"target of an unknown dimension", o.Token, path, map[string]any{"targets": map[string]int{cncf + "/nope": 2}}, 422, "targets"},
			{"target above the scale", o.Token, path, map[string]any{"targets": map[string]int{cncf + "/" + dim: 9}}, 422, "targets"},
			{"capacity 0", o.Token, path, map[string]any{"capacity": 0}, 422, "capacity"},
			{"capacity 51", o.Token, path, map[string]any{"capacity": 51}, 422, "capacity"},
			{"no team", o.Token, path, map[string]any{"team_ids": []int64{}}, 422, "team_ids"},
			{"team of another organization", o.Token, path, map[string]any{"team_ids": []int64{o.Teams[0].ID, other.Teams[0].ID}}, 422, "team_ids"},
			{"unknown field", o.Token, path, `{"title":"x"}`, 400, ""},
			{"leader may not edit", leaderToken, path, map[string]any{"name": "x"}, 403, ""},
			{"another organization's round", other.Token, path, map[string]any{"name": "x"}, 404, ""},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				res := ts.call("PATCH", tt.path, tt.token, tt.body)
				if res.Status != tt.status {
					t.Fatalf("got %s, want %d", res, tt.status)
				}
				if tt.field != "" && res.field(t, "field") != tt.field {
					t.Errorf("field %v, want %s", res.field(t, "field"), tt.field)
				}
			})
		}
		if after := ts.getRound(o.Token, round.ID); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("refused edits changed the round:\n%+v\n%+v", before, after)
		}

		rev := ts.resultsRevision(round.ID)
		var got roundJSON
		ts.want(ts.call("PATCH", path, o.Token, map[string]any{"name": "Q3 round", "due": "2026-09-30"}), 200, "rename").decode(t, &got)
		if got.Name != "Q3 round" || got.Due == nil || *got.Due != "2026-09-30" || got.ID != round.ID {
			t.Fatalf("rename: %+v", got)
		}
		if r := ts.resultsRevision(round.ID); r != rev {
			t.Errorf("a rename marked the results stale (revision %d -> %d)", rev, r)
		}
		ts.want(ts.call("PATCH", path, o.Token, map[string]any{"default_target": 2, "targets": map[string]int{cncf + "/" + dim: 4}, "capacity": 9}), 200, "targets").decode(t, &got)
		if got.DefaultTarget != 2 || got.Targets[cncf+"/"+dim] != 4 || got.Capacity != 9 || got.Name != "Q3 round" {
			t.Fatalf("targets: %+v", got)
		}
		if r := ts.resultsRevision(round.ID); r <= rev {
			t.Errorf("changing targets did not mark the results stale (revision %d -> %d)", rev, r)
		}
		ts.want(ts.call("PATCH", path, o.Token, map[string]any{"due": nil}), 200, "clear due").decode(t, &got)
		if got.Due != nil {
			t.Errorf("due %v after clearing", *got.Due)
		}
		if g := ts.getRound(o.Token, round.ID); fmt.Sprint(g.Targets) != fmt.Sprint(got.Targets) || g.Name != got.Name {
			t.Errorf("PATCH answered %+v but GET gives %+v", got, g)
		}

		// A team added to the organization joins the open round and can get links.
		var nt models.Team
		ts.want(ts.call("POST", "/api/v1/teams", o.Token, map[string]any{"name": "Purple"}), 201, "new team").decode(t, &nt)
		rev = ts.resultsRevision(round.ID)
		ids := []int64{o.Teams[0].ID, o.Teams[1].ID, nt.ID}
		ts.want(ts.call("PATCH", path, o.Token, map[string]any{"team_ids": ids}), 200, "add team").decode(t, &got)
		if len(got.TeamIDs) != 3 {
			t.Fatalf("teams %v, want 3", got.TeamIDs)
		}
		if r := ts.resultsRevision(round.ID); r <= rev {
			t.Errorf("adding a team did not mark the results stale (revision %d -> %d)", rev, r)
		}
		ts.invite(o.Token, round.ID, nt.ID, "purple lead")

		// A team whose respondents answered cannot leave; one without answers can.
		ts.answerAll(round.Tokens[0])
		res := ts.call("PATCH", path, o.Token, map[string]any{"team_ids": []int64{o.Teams[1].ID, nt.ID}})
		if res.Status != http.StatusConflict {
			t.Fatalf("removing a team with answers: %s, want 409", res)
		}
		ts.want(ts.call("PATCH", path, o.Token, map[string]any{"team_ids": []int64{o.Teams[0].ID, nt.ID}}), 200, "remove unanswered team").decode(t, &got)
		if len(got.TeamIDs) != 2 {
			t.Fatalf("teams %v after removing one", got.TeamIDs)
		}
		if r := ts.call("GET", "/api/v1/survey/"+round.Tokens[1], "", nil); r.Status != http.StatusNotFound {
			t.Errorf("the removed team's unused link answers %d, want 404", r.Status)
		}

		// A closed round takes no new team.
		ts.want(ts.call("POST", path+"/close", o.Token, nil), 200, "close")
		if r := ts.call("PATCH", path, o.Token, map[string]any{"team_ids": ids}); r.Status != http.StatusConflict {
			t.Errorf("adding a team to a closed round: %s, want 409", r)
		}
	})
}

func TestAssessmentDuplicateAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		other := ts.newOrg("Other", "Theirs")
		_, leaderToken := ts.addPerson(o, "lead@example.com", models.RoleLeader)
		round := ts.newRound(o)
		path := fmt.Sprintf("/api/v1/assessments/%d", round.ID)
		dim := ts.shippedQ(cncf).Dimensions[0].Key
		ts.want(ts.call("PATCH", path, o.Token, map[string]any{"targets": map[string]int{cncf + "/" + dim: 4}, "capacity": 8}), 200, "targets")
		ts.answerAll(round.Tokens[0])
		src := ts.getRound(o.Token, round.ID)

		if r := ts.call("POST", path+"/duplicate", other.Token, nil); r.Status != 404 {
			t.Errorf("another organization duplicates: %s, want 404", r)
		}
		if r := ts.call("POST", path+"/duplicate", leaderToken, nil); r.Status != 403 {
			t.Errorf("a leader duplicates: %s, want 403", r)
		}
		if r := ts.call("POST", path+"/duplicate", o.Token, map[string]any{"due": "soon"}); r.Status != 422 {
			t.Errorf("bad due: %s, want 422", r)
		}
		var cp roundJSON
		ts.want(ts.call("POST", path+"/duplicate", o.Token, nil), http.StatusCreated, "duplicate").decode(t, &cp)
		if cp.ID == src.ID || cp.Name != src.Name+" (copy)" || cp.Status != models.AssessmentOpen {
			t.Fatalf("copy %+v of %+v", cp, src)
		}
		if fmt.Sprint(cp.TeamIDs) != fmt.Sprint(src.TeamIDs) || fmt.Sprint(cp.Targets) != fmt.Sprint(src.Targets) ||
			cp.Capacity != 8 || cp.DefaultTarget != src.DefaultTarget || fmt.Sprint(cp.Questionnaires) != fmt.Sprint(src.Questionnaires) {
			t.Errorf("copy %+v differs from %+v", cp, src)
		}
		for i, v := range cp.Versions {
			if v.VersionID != src.Versions[i].VersionID {
				t.Errorf("%s pinned version %d, want %d", v.Key, v.VersionID, src.Versions[i].VersionID)
			}
			if v.PreviousAssessmentID == nil || *v.PreviousAssessmentID != src.ID {
				t.Errorf("%s previous round %v, want %d", v.Key, v.PreviousAssessmentID, src.ID)
			}
		}
		var invs []any
		ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/invitations", cp.ID), o.Token, nil), 200, "links").decode(t, &invs)
		if len(invs) != 0 {
			t.Errorf("the copy has %d links, want none", len(invs))
		}
		ts.want(ts.call("POST", path+"/duplicate", o.Token, map[string]any{"name": "Q4", "due": "2026-12-31"}), http.StatusCreated, "named copy").decode(t, &cp)
		if cp.Name != "Q4" || cp.Due == nil || *cp.Due != "2026-12-31" {
			t.Errorf("named copy %+v", cp)
		}
	})
}

func TestAssessmentDeleteAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		other := ts.newOrg("Other", "Theirs")
		_, leaderToken := ts.addPerson(o, "lead@example.com", models.RoleLeader)
		first := ts.newRound(o)
		ts.seedLevels(o, first.ID, map[int64]int{o.Teams[0].ID: 2, o.Teams[1].ID: 3}, map[int64]int{o.Teams[0].ID: 2, o.Teams[1].ID: 3})
		second := ts.newRound(o)
		ts.seedLevels(o, second.ID, map[int64]int{o.Teams[0].ID: 3}, map[int64]int{o.Teams[0].ID: 3})
		theirs := ts.newRound(other)
		ts.seedLevels(other, theirs.ID, map[int64]int{other.Teams[0].ID: 2}, map[int64]int{other.Teams[0].ID: 2})
		name := ts.getRound(o.Token, first.ID).Name
		path := fmt.Sprintf("/api/v1/assessments/%d", first.ID)
		if v := ts.getRound(o.Token, second.ID).Versions[0].PreviousAssessmentID; v == nil || *v != first.ID {
			t.Fatalf("second round compares with %v, want %d", v, first.ID)
		}
		countOf := func(table string, id int64) int64 {
			var n int64
			if err := ts.gormDB().Table(table).Where("assessment_id = ?", id).Count(&n).Error; err != nil {
				t.Fatalf("count %s: %v", table, err)
			}
			return n
		}
		tables := []string{"responses", "invitations", "result_snapshots", "assessment_teams", "assessment_questionnaires"}
		snapshot := func(id int64) string {
			s := ""
			for _, tb := range tables {
				s += fmt.Sprintf("%s=%d ", tb, countOf(tb, id))
			}
			return s
		}
		secondBefore, theirsBefore := snapshot(second.ID), snapshot(theirs.ID)

		refused := []struct {
			name   string
			token  string
			body   any
			status int
		}{
			{"wrong name", o.Token, map[string]any{"confirm": name + "x"}, 422},
			{"no confirmation", o.Token, map[string]any{}, 422},
			{"no body", o.Token, nil, 400},
			{"leader", leaderToken, map[string]any{"confirm": name}, 403},
			{"another organization", other.Token, map[string]any{"confirm": name}, 404},
		}
		for _, tt := range refused {
			if r := ts.call("DELETE", path, tt.token, tt.body); r.Status != tt.status {
				t.Errorf("%s: %s, want %d", tt.name, r, tt.status)
			}
		}
		if r := ts.call("DELETE", path, o.Token, map[string]any{"confirm": "nope"}); r.Status == 422 && r.field(t, "field") != "confirm" {
			t.Errorf("wrong name names field %v, want confirm", r.field(t, "field"))
		}
		if countOf("responses", first.ID) == 0 {
			t.Fatal("refused deletions removed responses")
		}
		rev := ts.resultsRevision(second.ID)
		ts.want(ts.call("DELETE", path, o.Token, map[string]any{"confirm": name}), http.StatusNoContent, "delete")
		if r := ts.call("GET", path, o.Token, nil); r.Status != 404 {
			t.Errorf("deleted round answers %d, want 404", r.Status)
		}
		for _, tb := range tables {
			if n := countOf(tb, first.ID); n != 0 {
				t.Errorf("%s keeps %d rows of the deleted round", tb, n)
			}
		}
		var answers int64
		ts.gormDB().Table("answers").Where("response_id NOT IN (SELECT id FROM responses)").Count(&answers)
		if answers != 0 {
			t.Errorf("%d answers of deleted responses remain", answers)
		}
		if r := ts.call("GET", "/api/v1/survey/"+first.Tokens[0], "", nil); r.Status != 404 {
			t.Errorf("a link of the deleted round answers %d, want 404", r.Status)
		}
		if got := snapshot(second.ID); got != secondBefore {
			t.Errorf("the later round changed: %s -> %s", secondBefore, got)
		}
		if got := snapshot(theirs.ID); got != theirsBefore {
			t.Errorf("another organization's round changed: %s -> %s", theirsBefore, got)
		}
		if v := ts.getRound(o.Token, second.ID).Versions[0].PreviousAssessmentID; v != nil {
			t.Errorf("the later round still compares with %d", *v)
		}
		if r := ts.resultsRevision(second.ID); r <= rev {
			t.Errorf("the later round was not marked stale (revision %d -> %d)", rev, r)
		}
		if n := ts.pendingRecomputes(first.ID); n != 0 {
			t.Errorf("the deleted round keeps %d jobs", n)
		}
	})
}

func TestInvitationRegenerateAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		other := ts.newOrg("Other", "Theirs")
		_, memberToken := ts.addPerson(o, "member@example.com", models.RoleMember, o.Teams[1].ID)
		round := ts.newRound(o, cncf)
		old := round.Tokens[0]
		answers := ts.allAnswers(old)
		ts.want(ts.putAnswer(old, answers[0]), 200, "answer")
		path := fmt.Sprintf("/api/v1/assessments/%d/invitations/%d/regenerate", round.ID, round.InvIDs[0])

		if r := ts.call("POST", path, other.Token, nil); r.Status != 404 {
			t.Errorf("another organization: %s, want 404", r)
		}
		if r := ts.call("POST", path, memberToken, nil); r.Status != 404 {
			t.Errorf("a member of another team: %s, want 404", r)
		}
		if r := ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/invitations/999999/regenerate", round.ID), o.Token, nil); r.Status != 404 {
			t.Errorf("unknown link: %s, want 404", r)
		}
		var got struct{ Token, URL string }
		ts.want(ts.call("POST", path, o.Token, nil), http.StatusCreated, "regenerate").decode(t, &got)
		if got.Token == "" || got.Token == old || got.URL == "" || got.URL[len(got.URL)-len(got.Token):] != got.Token {
			t.Fatalf("regenerated %+v", got)
		}
		if r := ts.call("GET", "/api/v1/survey/"+old, "", nil); r.Status != 404 {
			t.Errorf("old token answers %d, want 404", r.Status)
		}
		if r := ts.call("GET", "/s/"+old, "", nil); r.Status != 404 {
			t.Errorf("old link page answers %d, want 404", r.Status)
		}
		var sv struct {
			Answers []any `json:"answers"`
		}
		r := ts.want(ts.call("GET", "/api/v1/survey/"+got.Token, "", nil), 200, "new token")
		r.decode(t, &sv)
		if len(sv.Answers) != 1 {
			t.Errorf("the new link shows %d answers, want the 1 given: %s", len(sv.Answers), r)
		}
		ts.want(ts.call("DELETE", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d", round.ID, round.InvIDs[0]), o.Token, nil), 204, "revoke")
		if r := ts.call("POST", path, o.Token, nil); r.Status != http.StatusConflict {
			t.Errorf("regenerating a revoked link: %s, want 409", r)
		}
	})
}

func TestRoundManageForms(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		round := ts.newRound(o, cncf)
		name := ts.getRound(o.Token, round.ID).Name
		page := fmt.Sprintf("/assessments/%d", round.ID)
		c := ts.client()
		c.login(o.Owner.Email)
		show := c.get(page)
		for _, want := range []string{`action="` + page + `/edit"`, `action="` + page + `/duplicate"`, `action="` + page + `/delete"`, `href="` + page + `/compare"`} {
			if !strings.Contains(show.text(), want) {
				t.Errorf("round page lacks %s", want)
			}
		}
		tok := c.csrf(page)
		dim := ts.shippedQ(cncf).Dimensions[1].Key

		// Without the CSRF token nothing changes.
		if r := c.post(page+"/edit", url.Values{"name": {"Forged"}}); r.Status != http.StatusForbidden {
			t.Errorf("edit without CSRF: %d, want 403", r.Status)
		}
		r := c.post(page+"/edit", url.Values{"_csrf": {tok}, "name": {"  "}, "targets_form": {"1"}})
		if r.Status != 422 || !strings.Contains(r.text(), "e-name-error") {
			t.Errorf("edit with an empty name: %d, want 422 with the field's error", r.Status)
		}
		r = c.post(page+"/edit", url.Values{"_csrf": {tok}, "name": {"Autumn <b>round</b>"}, "due": {"2026-10-31"}, "default_target": {"2"},
			"capacity": {"7"}, "targets_form": {"1"}, "target:" + cncf + "/" + dim: {"4"}, "teams_form": {"1"},
			"team_ids": {fmt.Sprint(o.Teams[0].ID), fmt.Sprint(o.Teams[1].ID)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %s", r)
		}
		got := ts.getRound(o.Token, round.ID)
		if got.Name != "Autumn <b>round</b>" || got.DefaultTarget != 2 || got.Capacity != 7 || got.Targets[cncf+"/"+dim] != 4 || *got.Due != "2026-10-31" {
			t.Errorf("after the edit form: %+v", got)
		}
		if body := c.get(page).text(); strings.Contains(body, "<b>round</b>") {
			t.Error("the round page does not escape the round's name")
		}

		if !strings.Contains(show.text(), fmt.Sprintf(`action="%s/invitations/%d/regenerate"`, page, round.InvIDs[0])) {
			t.Error("round page has no New link form")
		}
		r = c.post(fmt.Sprintf("%s/invitations/%d/regenerate", page, round.InvIDs[0]), url.Values{"_csrf": {tok}})
		if r.Status != 200 || !strings.Contains(r.text(), "/s/") || strings.Contains(r.text(), round.Tokens[0]) {
			t.Fatalf("new link form: %s", r)
		}
		if r := ts.call("GET", "/api/v1/survey/"+round.Tokens[0], "", nil); r.Status != 404 {
			t.Errorf("the replaced link answers %d, want 404", r.Status)
		}
		if !strings.Contains(show.text(), `/responses.csv"`) {
			t.Error("round page does not link responses.csv")
		}

		r = c.post(page+"/duplicate", url.Values{"_csrf": {tok}, "name": {"Winter"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/assessments/") {
			t.Fatalf("duplicate: %s", r)
		}

		r = c.post(page+"/delete", url.Values{"_csrf": {tok}, "confirm": {name}})
		if r.Status != 422 || !strings.Contains(r.text(), "del-confirm-error") {
			t.Errorf("delete with the old name: %d, want 422", r.Status)
		}
		r = c.post(page+"/delete", url.Values{"_csrf": {tok}, "confirm": {"Autumn <b>round</b>"}})
		if r.Status != http.StatusSeeOther || r.location() != "/assessments" {
			t.Fatalf("delete: %s", r)
		}
		if r := c.get(page); r.Status != 404 {
			t.Errorf("deleted round page: %d", r.Status)
		}
	})
}
