package browsertest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/app/web"
	"gapmap/models"
	"gapmap/questionnaires"
)

// TestContradictionOnTheTeamView: a team that answered Optimizing (4) to
// the question tied to deployment frequency, and whose measured
// deployments are in the low band, sees the flag with both facts on its
// team view, next to its evidence link (which opens in a new tab without a
// referrer or an opener); axe-core finds no serious violation.
func TestContradictionOnTheTeamView(t *testing.T) {
	measured := map[string]scoring.Measured{}
	srv := btStartServerWith(t, func(s *web.Server) {
		s.SetMeasured(func(context.Context, int64, int64) (map[string]scoring.Measured, error) { return measured, nil })
	})
	b := btStartBrowser(t)
	ctx := context.Background()
	st := srv.Store
	org, team, a, q, sv := btSeedDoraRound(t, srv)
	key, level := "l4", 4
	_, dora, ok := q.Question("msr-dora")
	if !ok {
		t.Fatal("the CNCF questionnaire has no msr-dora question")
	}
	for _, o := range dora.Options {
		if o.Level == 4 {
			key = o.Key
		}
	}
	if _, err := st.SaveAnswers(ctx, sv.ResponseID, []store.AnswerWrite{{Questionnaire: q.Key, Question: "msr-dora", Option: &key, Level: &level,
		Evidence: &store.Evidence{URL: "https://grafana.example.com/d/dora", Note: "DORA dashboard"}}}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Submit(ctx, sv.ResponseID, nil); err != nil {
		t.Fatal(err)
	}
	if err := results.Recompute(ctx, st, org.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	v := 0.3
	measured["deployment_frequency"] = scoring.Measured{Metric: "deployment_frequency", Value: &v, Unit: scoring.UnitPerWeek, Band: "low"}

	b.login(srv.URL, "lead@acme.example", svPassword)
	b.navigate(srv.URL + fmt.Sprintf("/assessments/%d/teams/%d", a.ID, team.ID))
	b.run("wait for the flag", chromedp.WaitVisible(css(`section.contradictions td.contradiction`)))
	const want = "answered Optimizing (4); measured deployments: 0.3 per week (low → 1)"
	if got := btGet(b, "read the flag", chromedp.Text(css(`section.contradictions td.contradiction`))); strings.TrimSpace(got) != want {
		t.Errorf("the team view flags %q, want %q", got, want)
	}
	if got := btGet(b, "read the flagged question", chromedp.Text(css(`section.contradictions th[scope=row]`))); !strings.Contains(got, "DORA metrics") {
		t.Errorf("the flag names the question %q", got)
	}
	link := btEval[map[string]string](b, `(() => { const a = document.querySelector('a.evidence-link'); return a ? {href: a.href, rel: a.rel, target: a.target, text: a.textContent} : {}; })()`)
	if link["href"] != "https://grafana.example.com/d/dora" || link["rel"] != "noopener noreferrer" || link["target"] != "_blank" || link["text"] != "DORA dashboard" {
		t.Errorf("evidence link %v", link)
	}
	b.checkAxe("team view with a contradiction")
	b.checkQuiet("team view with a contradiction")
	b.screenshot("team-contradiction")
}

// btSeedDoraRound signs up Acme (lead@acme.example) with the team Payments
// and a CNCF round for it, and seeds one response answering 2 everywhere
// but 4 on msr-dora (the question tied to deployment frequency), not yet
// submitted.
func btSeedDoraRound(t *testing.T, srv *btServer) (*models.Org, *models.Team, *store.AssessmentInfo, *questionnaires.Questionnaire, *store.Survey) {
	t.Helper()
	ctx := context.Background()
	r := btSeedRound(t, srv, btRoundSpec{Org: "Acme", Email: "lead@acme.example", Team: "Payments", Round: "Q4 review", Questionnaires: []string{"cncf-platform-maturity"}})
	org, team, a, q := r.Org, r.Team, r.Round, r.Qs[0]
	var answers []store.SeedAnswer
	for _, d := range q.Dimensions {
		for _, qu := range d.Questions {
			level := 2
			if qu.Key == "msr-dora" {
				level = 4
			}
			for _, o := range qu.Options {
				if o.Level == level {
					key, l := o.Key, o.Level
					answers = append(answers, store.SeedAnswer{Questionnaire: q.Key, Question: qu.Key, Option: &key, Level: &l})
				}
			}
		}
	}
	tokens, err := srv.Store.SeedResponses(ctx, org.ID, a.ID, []store.SeedResponse{{TeamID: team.ID, Label: "lead", Answers: answers}})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := srv.Store.SurveyByToken(ctx, tokens[0])
	if err != nil {
		t.Fatal(err)
	}
	return org, team, a, q, sv
}

// TestContradictionFromSentDeployments: with no test hook, a CI token
// (scope events:write) sends two production deployments of the last 90
// days through POST /api/v1/teams/{id}/deployments; the team measures in
// the low band (level 1), so its answer of Optimizing (4) is flagged on the
// team view, the round's dashboard and the report, each with both facts.
func TestContradictionFromSentDeployments(t *testing.T) {
	srv := btStartServer(t)
	b := btStartBrowser(t)
	ctx := context.Background()
	st := srv.Store
	org, team, a, _, sv := btSeedDoraRound(t, srv)
	if _, err := st.Submit(ctx, sv.ResponseID, nil); err != nil {
		t.Fatal(err)
	}
	if err := results.Recompute(ctx, st, org.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	owner, err := st.UserByEmail(ctx, "lead@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	ciToken, _, err := st.CreateScopedToken(ctx, org.ID, owner.ID, "ci", []string{"events:write"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	body, _ := json.Marshal(map[string]any{"deployments": []map[string]any{
		{"id": "pipeline-1", "finished_at": now.Add(-10 * 24 * time.Hour).Format(time.RFC3339), "status": "success"},
		{"id": "pipeline-2", "finished_at": now.Add(-20 * 24 * time.Hour).Format(time.RFC3339), "status": "success", "environment": "production"},
	}})
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/teams/%d/deployments", srv.URL, team.ID), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ciToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(answer), `"accepted":2`) {
		t.Fatalf("POST deployments: %d %s", resp.StatusCode, answer)
	}

	b.login(srv.URL, "lead@acme.example", svPassword)
	const prefix, suffix = "answered Optimizing (4); measured deployments: ", " per week (low → 1)"
	for _, page := range []struct{ name, path, flag string }{
		{"team view", fmt.Sprintf("/assessments/%d/teams/%d", a.ID, team.ID), `section.contradictions td.contradiction`},
		{"dashboard", fmt.Sprintf("/assessments/%d/dashboard", a.ID), `section.contradictions td.contradiction`},
		{"report", fmt.Sprintf("/assessments/%d/report", a.ID), `#contradictions td.contradiction`},
	} {
		b.navigate(srv.URL + page.path)
		b.run("wait for the flag on the "+page.name, chromedp.WaitVisible(css(page.flag)))
		flags := btEval[[]string](b, `Array.from(document.querySelectorAll(`+strconv.Quote(page.flag)+`), e => e.textContent.trim())`)
		found := slices.ContainsFunc(flags, func(f string) bool { return strings.HasPrefix(f, prefix) && strings.HasSuffix(f, suffix) })
		if !found {
			t.Errorf("the %s flags %q, want one %q…%q", page.name, flags, prefix, suffix)
		}
		// The other answers of 2 are tied to the other metrics: no failed
		// deployment is an elite change failure rate (level 5).
		if !slices.Contains(flags, "answered Operational (2); measured change failure rate: 0% (elite → 5)") {
			t.Errorf("the %s lacks the change failure rate flag: %q", page.name, flags)
		}
		b.screenshot("sent-deployments-" + strings.ReplaceAll(page.name, " ", "-"))
	}
}
