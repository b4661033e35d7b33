package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gapmap/app/store"
	"gapmap/models"
)

func TestCommentsPage(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		other := ts.newOrg("Other", "Theirs")
		_, _ = ts.addPerson(o, "member@example.com", models.RoleMember, o.Teams[1].ID)
		round := ts.newRound(o, cncf)
		theirs := ts.newRound(other, cncf)
		q := ts.shippedQ(cncf)
		withComment := func(team int64, level int, comment string, submitted bool) store.SeedResponse {
			as := ts.levelAnswers([]string{cncf}, level, 0)
			as[0].Comment = comment
			as[1].Comment = "" // no comment: not listed
			return store.SeedResponse{TeamID: team, Label: "r", Submitted: submitted, Answers: as}
		}
		ts.seed(o, round.ID, []store.SeedResponse{
			withComment(o.Teams[0].ID, 2, "Blue says <script>alert(1)</script>", true),
			withComment(o.Teams[1].ID, 3, "Green thinks we are close", true),
			withComment(o.Teams[1].ID, 3, "Green draft, not submitted", false),
		})
		page := fmt.Sprintf("/assessments/%d/comments", round.ID)
		firstQ := q.Dimensions[0].Questions[0]
		var level2 string
		for _, op := range firstQ.Options {
			if op.Level == 2 {
				level2 = op.Label
			}
		}

		owner := ts.client()
		owner.login(o.Owner.Email)
		member := ts.client()
		member.login("member@example.com")
		outsider := ts.client()
		outsider.login(other.Owner.Email)

		tests := []struct {
			name      string
			c         *testClient
			path      string
			status    int
			want, not []string
		}{
			{"owner sees every team", owner, page, 200,
				[]string{"Blue says &lt;script&gt;", "Green thinks we are close", q.Dimensions[0].Title, "Blue", level2}, []string{"<script>alert", "Green draft"}},
			{"filtered by team", owner, fmt.Sprintf("%s?team_id=%d", page, o.Teams[1].ID), 200,
				[]string{"Green thinks we are close"}, []string{"Blue says"}},
			{"member sees their team only", member, page, 200,
				[]string{"Green thinks we are close"}, []string{"Blue says"}},
			{"member asks for another team", member, fmt.Sprintf("%s?team_id=%d", page, o.Teams[0].ID), 403, nil, []string{"Blue says"}},
			{"team not in the round", owner, fmt.Sprintf("%s?team_id=%d", page, other.Teams[0].ID), 404, nil, nil},
			{"bad team id", owner, page + "?team_id=x", 422, nil, nil},
			{"another organization", outsider, page, 404, nil, []string{"Blue says", "Green thinks"}},
			{"outsider's own round has none", outsider, fmt.Sprintf("/assessments/%d/comments", theirs.ID), 200, []string{"No comments yet"}, []string{"Blue says"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.c.get(tt.path)
				if r.Status != tt.status {
					t.Fatalf("GET %s = %d, want %d", tt.path, r.Status, tt.status)
				}
				body := r.text()
				if strings.Contains(body, "executing") {
					t.Fatalf("template error: %s", body)
				}
				for _, w := range tt.want {
					if !strings.Contains(body, w) {
						t.Errorf("page lacks %q", w)
					}
				}
				for _, n := range tt.not {
					if strings.Contains(body, n) {
						t.Errorf("page shows %q", n)
					}
				}
			})
		}
		if r := owner.get(fmt.Sprintf("/assessments/%d", round.ID)); r.Status != http.StatusOK || !strings.Contains(r.text(), `href="`+page+`"`) {
			t.Errorf("the round page does not link to its comments")
		}
	})
}
