package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gapmap/models"
)

func TestAssessmentCreateAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green", "Red")
		other := ts.newOrg("Other", "Theirs")
		_, memberToken := ts.addPerson(o, "lead@example.com", models.RoleMember, o.Teams[0].ID)
		ids := []int64{o.Teams[0].ID, o.Teams[1].ID, o.Teams[2].ID}
		dim := ts.shippedQ(cncf).Dimensions[0].Key
		valid := func() map[string]any {
			return map[string]any{"name": "Spring", "questionnaires": []string{cncf, gartner}, "team_ids": ids,
				"default_target": 3, "targets": map[string]int{cncf + "/" + dim: 4}, "due": "2026-12-31"}
		}
		with := func(k string, v any) map[string]any {
			b := valid()
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
			return b
		}
		tests := []struct {
			name   string
			token  string
			body   any
			status int
			field  string
		}{
			{"unknown questionnaire", o.Token, with("questionnaires", []string{cncf, "nope"}), 422, "questionnaires"},
			{"no questionnaire", o.Token, with("questionnaires", []string{}), 422, "questionnaires"},
			{"questionnaire twice", o.Token, with("questionnaires", []string{cncf, cncf}), 422, "questionnaires"},
			{"team of another organization", o.Token, with("team_ids", []int64{o.Teams[0].ID, other.Teams[0].ID}), 422, "team_ids"},
			{"unknown team", o.Token, with("team_ids", []int64{999999}), 422, "team_ids"},
			{"no team", o.Token, with("team_ids", []int64{}), 422, "team_ids"},
			{"target above the scale", o.Token, with("targets", map[string]int{cncf + "/" + dim: 6}), 422, "targets"},
			{"target below the scale", o.Token, with("targets", map[string]int{cncf + "/" + dim: 0}), 422, "targets"},
			{"target of an unknown dimension", o.Token, with("targets", map[string]int{cncf + "/nope": 2}), 422, "targets"},
			{"target of a questionnaire not in the round", o.Token, with("questionnaires", []string{gartner}), 422, "targets"},
			{"target without a slash", o.Token, with("targets", map[string]int{cncf: 2}), 422, "targets"},
			{"default target 0", o.Token, with("default_target", 0), 422, "default_target"},
			{"default target 6", o.Token, with("default_target", 6), 422, "default_target"},
			{"bad due date", o.Token, with("due", "31/12/2026"), 422, "due"},
			{"no name", o.Token, with("name", "  "), 422, "name"},
			{"capacity 0", o.Token, with("capacity", 0), 422, "capacity"},
			{"unknown field", o.Token, `{"name":"x","teams":[1]}`, 400, ""},
			{"malformed JSON", o.Token, `{"name":`, 400, ""},
			{"member may not create", memberToken, valid(), 403, ""},
			{"anonymous", "", valid(), 401, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := ts.call("POST", "/api/v1/assessments", tt.token, tt.body)
				if res.Status != tt.status {
					t.Fatalf("got %s, want %d", res, tt.status)
				}
				if tt.field != "" && res.field(t, "field") != tt.field {
					t.Errorf("field %v, want %s: %s", res.field(t, "field"), tt.field, res)
				}
			})
		}
		var list []any
		ts.want(ts.call("GET", "/api/v1/assessments", o.Token, nil), 200, "list").decode(t, &list)
		if len(list) != 0 {
			t.Fatalf("refused creations stored %d assessments", len(list))
		}

		res := ts.want(ts.call("POST", "/api/v1/assessments", o.Token, valid()), http.StatusCreated, "create")
		var a struct {
			ID             int64
			Name           string
			Status         string
			Due            string
			DefaultTarget  int `json:"default_target"`
			Targets        map[string]int
			Capacity       int
			Questionnaires []string
			TeamIDs        []int64 `json:"team_ids"`
			Versions       []struct {
				Key      string
				Version  string
				Previous *int64 `json:"previous_assessment_id"`
			} `json:"questionnaire_versions"`
		}
		res.decode(t, &a)
		if a.ID == 0 || a.Name != "Spring" || a.Status != "open" || a.Due != "2026-12-31" || a.DefaultTarget != 3 || a.Capacity != 6 ||
			a.Targets[cncf+"/"+dim] != 4 || strings.Join(a.Questionnaires, ",") != cncf+","+gartner || len(a.TeamIDs) != 3 {
			t.Errorf("created %+v", a)
		}
		if len(a.Versions) != 2 || a.Versions[0].Version == "" || a.Versions[0].Previous != nil {
			t.Errorf("versions %+v", a.Versions)
		}
		// A second round of the same questionnaire records the first as its previous round.
		second := ts.want(ts.call("POST", "/api/v1/assessments", o.Token, map[string]any{"name": "Autumn", "questionnaires": []string{cncf}, "team_ids": ids}), 201, "second")
		var b struct {
			DefaultTarget int `json:"default_target"`
			Versions      []struct {
				Previous *int64 `json:"previous_assessment_id"`
			} `json:"questionnaire_versions"`
		}
		second.decode(t, &b)
		if len(b.Versions) != 1 || b.Versions[0].Previous == nil || *b.Versions[0].Previous != a.ID || b.DefaultTarget != 3 {
			t.Errorf("second round %+v, want previous %d and default target 3", b, a.ID)
		}
		// The other organization sees none of it.
		ts.want(ts.call("GET", "/api/v1/assessments", other.Token, nil), 200, "other list").decode(t, &list)
		if len(list) != 0 {
			t.Errorf("other org lists %v", list)
		}
	})
}

// TestAssessmentTenantIsolation: another organization's assessment and
// invitation ids are not found, whatever the route.
func TestAssessmentTenantIsolation(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		a := ts.newOrg("Acme", "Blue")
		b := ts.newOrg("Other", "Theirs")
		ra := ts.newRound(a)
		rb := ts.newRound(b)
		ts.answerAll(ra.Tokens[0])
		ts.want(ts.call("POST", "/api/v1/survey/"+ra.Tokens[0]+"/submit", "", nil), 200, "submit")
		_, bAdmin := ts.addPerson(b, "admin@other.example", models.RoleAdmin)
		_, bMember := ts.addPerson(b, "member@other.example", models.RoleMember, b.Teams[0].ID)
		aID, aInv := ra.ID, ra.InvIDs[0]
		calls := []struct {
			method, path string
			adminOnly    bool
		}{
			{"GET", fmt.Sprintf("/api/v1/assessments/%d", aID), false},
			{"POST", fmt.Sprintf("/api/v1/assessments/%d/close", aID), true},
			{"POST", fmt.Sprintf("/api/v1/assessments/%d/reopen", aID), true},
			{"GET", fmt.Sprintf("/api/v1/assessments/%d/invitations", aID), false},
			{"POST", fmt.Sprintf("/api/v1/assessments/%d/invitations", aID), false},
			{"DELETE", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d", aID, aInv), false},
			{"POST", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d/reopen", aID, aInv), true},
			// Own assessment, other organization's invitation.
			{"DELETE", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d", rb.ID, aInv), false},
			{"POST", fmt.Sprintf("/api/v1/assessments/%d/invitations/%d/reopen", rb.ID, aInv), true},
		}
		for _, tok := range []struct{ role, token string }{{"owner", b.Token}, {"admin", bAdmin}, {"member", bMember}} {
			for _, c := range calls {
				var body any
				if c.method == "POST" && strings.HasSuffix(c.path, "/invitations") {
					body = map[string]any{"team_id": b.Teams[0].ID, "label": "x"}
				}
				res := ts.call(c.method, c.path, tok.token, body)
				want := http.StatusNotFound
				if c.adminOnly && tok.role == "member" {
					want = http.StatusForbidden // refused by role before any lookup
				}
				if res.Status != want {
					t.Errorf("%s %s %s: %s, want %d", tok.role, c.method, c.path, res, want)
				}
			}
		}
		// Nothing changed in organization A.
		var inv []struct{ Status string }
		ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/invitations", aID), a.Token, nil), 200, "A's invitations").decode(t, &inv)
		if len(inv) != 1 || inv[0].Status != "submitted" {
			t.Errorf("A's invitations after B's attempts: %+v", inv)
		}
		if st := ts.survey(ra.Tokens[0]); st.Assessment.Status != "open" {
			t.Errorf("A's round is %s", st.Assessment.Status)
		}
		// Pages too.
		br := ts.client()
		br.login("other@example.com")
		for _, p := range []string{fmt.Sprintf("/assessments/%d", aID)} {
			if res := br.get(p); res.Status != http.StatusNotFound {
				t.Errorf("GET %s by another org: %d", p, res.Status)
			}
		}
		tokn := br.csrf("/assessments")
		for _, p := range []string{
			fmt.Sprintf("/assessments/%d/close", aID), fmt.Sprintf("/assessments/%d/invitations", aID),
			fmt.Sprintf("/assessments/%d/invitations/%d/revoke", aID, aInv), fmt.Sprintf("/assessments/%d/invitations/%d/reopen", aID, aInv),
			fmt.Sprintf("/assessments/%d/invitations.csv", aID),
		} {
			if res := br.post(p, url.Values{"_csrf": {tokn}, "team_id": {fmt.Sprint(b.Teams[0].ID)}, "count": {"1"}}); res.Status != http.StatusNotFound {
				t.Errorf("POST %s by another org: %d", p, res.Status)
			}
		}
	})
}

func TestInvitationsAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		_, leadToken := ts.addPerson(o, "lead@example.com", models.RoleMember, o.Teams[0].ID)
		_, leaderToken := ts.addPerson(o, "leader@example.com", models.RoleLeader)
		r := ts.newRound(o)
		path := fmt.Sprintf("/api/v1/assessments/%d/invitations", r.ID)

		res := ts.want(ts.call("POST", path, leadToken, map[string]any{"team_id": o.Teams[0].ID, "label": "ana@example.com"}), 201, "member invites own team")
		var created struct {
			ID    int64
			Token string
			URL   string
		}
		res.decode(t, &created)
		if !strings.HasPrefix(created.Token, "s_") || len(created.Token) < 2+22 || created.URL != "http://gapmap.test/s/"+created.Token {
			t.Errorf("created %+v", created)
		}
		ts.want(ts.call("POST", path, leadToken, map[string]any{"team_id": o.Teams[1].ID}), 403, "member invites another team")
		ts.want(ts.call("POST", path, o.Token, map[string]any{"team_id": 999999}), 422, "team not in the round")
		ts.want(ts.call("POST", path, o.Token, map[string]any{"label": "no team"}), 422, "no team")
		ts.want(ts.call("POST", path, o.Token, map[string]any{"team_id": o.Teams[0].ID, "label": strings.Repeat("x", 201)}), 422, "label too long")

		ts.want(ts.putAnswer(created.Token, ts.allAnswers(created.Token)[0]), 200, "answer")
		ts.answerAll(r.Tokens[1])
		ts.want(ts.call("POST", "/api/v1/survey/"+r.Tokens[1]+"/submit", "", nil), 200, "submit")

		type inv struct {
			ID       int64
			TeamID   int64 `json:"team_id"`
			Label    string
			Status   string
			Answered int
			Total    int
		}
		var all []inv
		ts.want(ts.call("GET", path, o.Token, nil), 200, "list").decode(t, &all)
		total := ts.shippedQ(cncf).QuestionCount() + ts.shippedQ(gartner).QuestionCount()
		byID := map[int64]inv{}
		for _, i := range all {
			byID[i.ID] = i
			if i.Total != total {
				t.Errorf("total %d, want %d", i.Total, total)
			}
		}
		if len(all) != 3 || byID[r.InvIDs[0]].Status != "not_started" || byID[created.ID].Status != "in_progress" ||
			byID[created.ID].Answered != 1 || byID[created.ID].Label != "ana@example.com" || byID[r.InvIDs[1]].Status != "submitted" || byID[r.InvIDs[1]].Answered != total {
			t.Errorf("invitations %+v", all)
		}
		var mine []inv
		ts.want(ts.call("GET", path, leadToken, nil), 200, "member list").decode(t, &mine)
		for _, i := range mine {
			if i.TeamID != o.Teams[0].ID {
				t.Errorf("member sees invitation of team %d", i.TeamID)
			}
		}
		var leaderSees []inv
		ts.want(ts.call("GET", path, leaderToken, nil), 200, "leader list").decode(t, &leaderSees)
		if len(mine) != 2 || len(leaderSees) != 3 {
			t.Errorf("member sees %d, leader sees %d; want 2 and 3", len(mine), len(leaderSees))
		}
		// Revocation: members only for their own teams; then the link is dead.
		ts.want(ts.call("DELETE", fmt.Sprintf("%s/%d", path, r.InvIDs[1]), leadToken, nil), 404, "member revokes another team's link (not visible to them)")
		ts.want(ts.call("DELETE", fmt.Sprintf("%s/%d", path, created.ID), leadToken, nil), 204, "member revokes own link")
		ts.want(ts.call("DELETE", fmt.Sprintf("%s/%d", path, created.ID), o.Token, nil), 204, "revoke again")
		ts.want(ts.call("GET", "/api/v1/survey/"+created.Token, "", nil), 404, "revoked link")
		ts.want(ts.call("DELETE", fmt.Sprintf("%s/%d", path, 999999), o.Token, nil), 404, "unknown invitation")

		// Reopening a submitted response (admins only) makes it a draft again.
		reopen := fmt.Sprintf("%s/%d/reopen", path, r.InvIDs[1])
		ts.want(ts.call("POST", reopen, leadToken, nil), 403, "member reopens")
		ts.want(ts.call("POST", reopen, o.Token, nil), 200, "admin reopens")
		ts.want(ts.call("POST", reopen, o.Token, nil), 409, "reopen a draft")
		sv := ts.survey(r.Tokens[1])
		if sv.Status != "draft" || sv.SubmittedAt != nil {
			t.Errorf("after reopening: %+v", sv)
		}
		ts.want(ts.putAnswer(r.Tokens[1], map[string]any{"questionnaire": gartner, "question": ts.shippedQ(gartner).Dimensions[0].Questions[0].Key, "value": 5}), 200, "change after reopen")
		ts.want(ts.call("POST", "/api/v1/survey/"+r.Tokens[1]+"/submit", "", nil), 200, "submit again")

		// A closed round takes no new links.
		ts.want(ts.call("POST", fmt.Sprintf("/api/v1/assessments/%d/close", r.ID), o.Token, nil), 200, "close")
		ts.want(ts.call("POST", path, o.Token, map[string]any{"team_id": o.Teams[0].ID}), 409, "invite in a closed round")
		ts.want(ts.call("POST", reopen, o.Token, nil), 409, "reopen a response of a closed round")
		var got struct{ Status string }
		ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d", r.ID), leaderToken, nil), 200, "get").decode(t, &got)
		if got.Status != "closed" {
			t.Errorf("status %q after close", got.Status)
		}
	})
}

func TestAssessmentPages(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		br := ts.client()
		br.login("acme@example.com")
		home := br.get("/assessments")
		if home.Status != 200 || !strings.Contains(string(home.Body), "Create the first round") {
			t.Fatalf("empty home: %s", home)
		}
		tok := br.csrf("/assessments/new")
		// A refused form keeps what was typed and names the problem.
		res := br.post("/assessments", url.Values{"_csrf": {tok}, "name": {"Spring round"}, "questionnaires": {cncf}, "default_target": {"9"},
			"team_ids": {fmt.Sprint(o.Teams[0].ID)}})
		if res.Status != 422 || !strings.Contains(string(res.Body), "Spring round") || !strings.Contains(string(res.Body), "default target") {
			t.Errorf("bad form: %s", res)
		}
		dim := ts.shippedQ(cncf).Dimensions[0].Key
		res = br.post("/assessments", url.Values{"_csrf": {tok}, "name": {"Spring round"}, "questionnaires": {cncf, gartner},
			"team_ids": {fmt.Sprint(o.Teams[0].ID), fmt.Sprint(o.Teams[1].ID)}, "due": {"2026-12-31"}, "default_target": {"3"},
			"capacity": {"4"}, "target:" + cncf + "/" + dim: {"5"}, "target:" + gartner + "/" + ts.shippedQ(gartner).Dimensions[0].Key: {""}})
		loc := res.Header.Get("Location")
		if res.Status != http.StatusSeeOther || !regexp.MustCompile(`^/assessments/\d+$`).MatchString(loc) {
			t.Fatalf("create: %s to %q", res, loc)
		}
		var a struct {
			Targets  map[string]int
			Capacity int
		}
		var id int64
		fmt.Sscanf(loc, "/assessments/%d", &id)
		ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d", id), o.Token, nil), 200, "get").decode(t, &a)
		if len(a.Targets) != 1 || a.Targets[cncf+"/"+dim] != 5 || a.Capacity != 4 {
			t.Errorf("created from the form: %+v", a)
		}
		show := string(br.get(loc).Body)
		for _, want := range []string{"Spring round", "Create invitation links", "Blue", "Green", "Close round"} {
			if !strings.Contains(show, want) {
				t.Errorf("assessment page lacks %q", want)
			}
		}
		// Three links at once, by label.
		res = br.post(loc+"/invitations", url.Values{"_csrf": {tok}, "team_id": {fmt.Sprint(o.Teams[1].ID)}, "labels": {"ana\n\n=cmd|calc\nbo\n"}})
		body := string(res.Body)
		if res.Status != http.StatusCreated || !strings.Contains(body, "Download CSV") || !strings.Contains(body, "data-copy=") {
			t.Fatalf("create links: %s", res)
		}
		links := regexp.MustCompile(`value="(http://gapmap\.test/s/(s_[A-Za-z0-9_-]+))"`).FindAllStringSubmatch(body, -1)
		if len(links) != 3 {
			t.Fatalf("%d links on the page, want 3", len(links))
		}
		form := url.Values{"_csrf": {tok}, "token": {links[0][2], links[1][2], links[2][2], "s_forged"}}
		csvRes := br.post(loc+"/invitations.csv", form)
		if csvRes.Status != 200 || !strings.HasPrefix(csvRes.Header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(csvRes.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %s %v", csvRes, csvRes.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(string(csvRes.Body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{{"team", "label", "link"}, {"Green", "ana", links[0][1]}, {"Green", "'=cmd|calc", links[1][1]}, {"Green", "bo", links[2][1]}}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("CSV rows %q, want %q", rows, want)
		}
		// A count of links without labels.
		res = br.post(loc+"/invitations", url.Values{"_csrf": {tok}, "team_id": {fmt.Sprint(o.Teams[0].ID)}, "count": {"2"}})
		if res.Status != http.StatusCreated || len(regexp.MustCompile(`data-copy="http`).FindAllString(string(res.Body), -1)) != 2 {
			t.Errorf("count links: %s", res)
		}
		res = br.post(loc+"/invitations", url.Values{"_csrf": {tok}, "team_id": {fmt.Sprint(o.Teams[0].ID)}, "count": {"0"}})
		if res.Status != 422 {
			t.Errorf("count 0: %s", res)
		}
		// Progress shows on the page and in the list.
		tokens := []string{links[0][2], links[1][2]}
		ts.answerAll(tokens[0])
		ts.want(ts.call("POST", "/api/v1/survey/"+tokens[0]+"/submit", "", nil), 200, "submit")
		ts.want(ts.putAnswer(tokens[1], ts.allAnswers(tokens[1])[0]), 200, "answer one")
		show = string(br.get(loc).Body)
		for _, want := range []string{"badge-submitted", "badge-in-progress", "badge-not-started", "Reopen"} {
			if !strings.Contains(show, want) {
				t.Errorf("assessment page lacks %q", want)
			}
		}
		if home := string(br.get("/assessments").Body); !strings.Contains(home, "1 of 5 submitted") {
			t.Errorf("home lacks the progress: %.2000s", home)
		}
		// Revoke, reopen, close and reopen through the forms.
		var invs []struct {
			ID     int64
			Status string
		}
		ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/invitations", id), o.Token, nil), 200, "list").decode(t, &invs)
		for _, inv := range invs {
			switch inv.Status {
			case "submitted":
				ts.want(br.post(fmt.Sprintf("%s/invitations/%d/reopen", loc, inv.ID), url.Values{"_csrf": {tok}}), http.StatusSeeOther, "reopen form")
			case "in_progress":
				ts.want(br.post(fmt.Sprintf("%s/invitations/%d/revoke", loc, inv.ID), url.Values{"_csrf": {tok}}), http.StatusSeeOther, "revoke form")
			}
		}
		if sv := ts.survey(tokens[0]); sv.Status != "draft" {
			t.Errorf("reopened response is %s", sv.Status)
		}
		ts.want(ts.call("GET", "/api/v1/survey/"+tokens[1], "", nil), 404, "revoked by form")
		ts.want(br.post(loc+"/close", url.Values{"_csrf": {tok}}), http.StatusSeeOther, "close form")
		if !strings.Contains(string(br.get(loc).Body), "Reopen round") {
			t.Error("closed round offers no reopen")
		}
		ts.want(br.post(loc+"/reopen", url.Values{"_csrf": {tok}}), http.StatusSeeOther, "reopen form")
		ts.want(br.post(loc+"/close", url.Values{}), http.StatusForbidden, "close without CSRF")
	})
}
