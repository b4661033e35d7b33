package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gapmap/app/results"
)

// TestContradictionsFromDeliveryEvents: with no test hook, the flags come
// from the deployments a team sent: two in the last 90 days are "low"
// (about 0.16 a week), which the CNCF question on delivery metrics says
// stands for level 1, so Blue's answer of 4 is flagged; Green, with no
// events, has no flag.
func TestContradictionsFromDeliveryEvents(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		r := ts.newRound(o, cncf)
		ts.submitWith(r.Tokens[0], map[string]int{"msr-dora": 4})
		ts.submitWith(r.Tokens[1], map[string]int{"msr-dora": 4})
		if err := results.Recompute(context.Background(), ts.st, o.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		batch := map[string]any{"deployments": []map[string]any{
			{"id": "d1", "finished_at": now.Add(-10 * 24 * time.Hour).Format(time.RFC3339), "status": "success"},
			{"id": "d2", "finished_at": now.Add(-20 * 24 * time.Hour).Format(time.RFC3339), "status": "success"},
		}}
		ts.want(ts.call("POST", fmt.Sprintf("/api/v1/teams/%d/deployments", o.Teams[0].ID), o.Token, batch), http.StatusOK, "deployments")

		res := ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/results", r.ID), o.Token, nil), http.StatusOK, "results")
		var body struct {
			Questionnaires []struct {
				Teams []struct {
					ID             int64
					Contradictions []struct {
						Question, Band, Text string
						MeasuredMetric       string `json:"measured_metric"`
						BandLevel            int    `json:"band_level"`
					}
				}
			}
		}
		res.decode(t, &body)
		got := map[int64]string{}
		for _, tm := range body.Questionnaires[0].Teams {
			for _, c := range tm.Contradictions {
				got[tm.ID] += fmt.Sprintf("%s %s %s %d: %s;", c.Question, c.MeasuredMetric, c.Band, c.BandLevel, c.Text)
			}
		}
		blue := got[o.Teams[0].ID]
		if !strings.Contains(blue, "msr-dora deployment_frequency low 1: answered Optimizing (4); measured deployments:") {
			t.Errorf("Blue's contradictions: %q", blue)
		}
		if g := got[o.Teams[1].ID]; g != "" {
			t.Errorf("Green, without delivery events, has contradictions %q", g)
		}
		page := ts.client()
		page.login(o.Owner.Email)
		view := page.get(fmt.Sprintf("/assessments/%d/teams/%d", r.ID, o.Teams[0].ID))
		if !strings.Contains(view.text(), "answered Optimizing (4); measured deployments:") {
			t.Errorf("the team view lacks the flag")
		}
	})
}
