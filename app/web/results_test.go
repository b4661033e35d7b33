package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"gapmap/models"
)

// TestResultsAPI checks the results contract for a round with both shipped
// questionnaires, team scoping, and what a respondent sees after submitting.
func TestResultsAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Results Co", "Alpha", "Beta", "Gamma")
		r := ts.newRound(o)
		path := "/api/v1/assessments/" + strconv.FormatInt(r.ID, 10) + "/results"

		// Before any submission every level is null.
		var empty resultsBody
		ts.want(ts.call("GET", path, o.Token, nil), http.StatusOK, "results").decode(t, &empty)
		if len(empty.Questionnaires) != 2 || empty.Questionnaires[0].Overall.Level != nil {
			t.Fatalf("results before submissions: %+v", empty)
		}

		// A respondent cannot see results before submitting.
		ts.want(ts.call("GET", "/api/v1/survey/"+r.Tokens[0]+"/results", "", nil), http.StatusConflict, "results before submit")

		ts.answerAll(r.Tokens[0])
		ts.want(ts.call("POST", "/api/v1/survey/"+r.Tokens[0]+"/submit", "", nil), http.StatusOK, "submit")

		var body resultsBody
		ts.want(ts.call("GET", path, o.Token, nil), http.StatusOK, "results").decode(t, &body)
		if body.Assessment.ID != r.ID || body.Assessment.Status != models.AssessmentOpen {
			t.Errorf("assessment = %+v", body.Assessment)
		}
		keys := []string{body.Questionnaires[0].Key, body.Questionnaires[1].Key}
		if keys[0] != "cncf-platform-maturity" || keys[1] != "gartner-platform-axes" {
			t.Fatalf("questionnaires = %v", keys)
		}
		for _, q := range body.Questionnaires {
			if q.Overall.Level == nil || q.Overall.LevelName == nil || q.Overall.PercentToTarget == nil {
				t.Errorf("%s overall = %+v, want a level after a submission", q.Key, q.Overall)
			}
			if len(q.Teams) != 3 {
				t.Errorf("%s has %d teams, want 3", q.Key, len(q.Teams))
			}
			for _, d := range q.Dimensions {
				if d.Level == nil || d.Teams != 1 || d.Target != 3 || d.Distribution.Median == nil {
					t.Errorf("%s/%s = %+v", q.Key, d.Key, d)
				}
			}
			if q.Teams[0].Name != "Alpha" || q.Teams[0].Respondents != 1 || q.Teams[1].Respondents != 0 {
				t.Errorf("%s teams = %+v", q.Key, q.Teams)
			}
		}
		raw := string(ts.call("GET", path, o.Token, nil).Body)
		for _, field := range []string{`"level_name"`, `"percent_to_target"`, `"distribution"`, `"blocking"`, `"previous"`, `"spread"`, `"disagreement"`} {
			if !strings.Contains(raw, field) {
				t.Errorf("results lack %s", field)
			}
		}
		if strings.Contains(raw, `"respondents":[`) {
			t.Error("results expose per-respondent results")
		}

		// ?team_id keeps one team; a member sees only their own team.
		var one resultsBody
		ts.want(ts.call("GET", path+"?team_id="+strconv.FormatInt(o.Teams[1].ID, 10), o.Token, nil), http.StatusOK, "team results").decode(t, &one)
		if len(one.Questionnaires[0].Teams) != 1 || one.Questionnaires[0].Teams[0].Name != "Beta" {
			t.Errorf("team filter: %+v", one.Questionnaires[0].Teams)
		}
		_, memberToken := ts.addPerson(o, "lead@results.test", models.RoleMember, o.Teams[2].ID)
		var mine resultsBody
		ts.want(ts.call("GET", path, memberToken, nil), http.StatusOK, "member results").decode(t, &mine)
		if len(mine.Questionnaires[0].Teams) != 1 || mine.Questionnaires[0].Teams[0].Name != "Gamma" {
			t.Errorf("member sees %+v", mine.Questionnaires[0].Teams)
		}
		ts.want(ts.call("GET", path+"?team_id="+strconv.FormatInt(o.Teams[0].ID, 10), memberToken, nil), http.StatusForbidden, "member, other team")

		// Another organization's id is unknown.
		other := ts.newOrg("Other Co", "Delta")
		ts.want(ts.call("GET", path, other.Token, nil), http.StatusNotFound, "other org")
		ts.want(ts.call("GET", path, "", nil), http.StatusUnauthorized, "no token")

		// The respondent sees their team beside the organization, and no other team's name.
		sr := ts.want(ts.call("GET", "/api/v1/survey/"+r.Tokens[0]+"/results", "", nil), http.StatusOK, "survey results")
		for _, name := range []string{"Beta", "Gamma"} {
			if strings.Contains(string(sr.Body), name) {
				t.Errorf("survey results mention team %s: %s", name, sr.Body)
			}
		}
		var mineSurvey struct {
			Team           struct{ Name string }
			Questionnaires []struct {
				Team         *struct{ Name string }
				Organization struct{ Dimensions []struct{ Key string } }
			}
		}
		sr.decode(t, &mineSurvey)
		if mineSurvey.Team.Name != "Alpha" || len(mineSurvey.Questionnaires) != 2 || mineSurvey.Questionnaires[0].Team == nil || len(mineSurvey.Questionnaires[0].Organization.Dimensions) == 0 {
			t.Errorf("survey results = %s", sr.Body)
		}
	})
}

type resultsBody struct {
	Assessment struct {
		ID     int64
		Name   string
		Status string
	}
	Questionnaires []struct {
		Key, Version, Title string
		Overall             struct {
			Level           *int     `json:"level"`
			LevelName       *string  `json:"level_name"`
			Score           *float64 `json:"score"`
			PercentToTarget *float64 `json:"percent_to_target"`
		}
		Dimensions []struct {
			Key          string
			Level        *int
			Target       int
			Teams        int
			Distribution struct{ Median *int }
		}
		Teams []struct {
			ID          int64
			Name        string
			Respondents int
		}
	}
}
