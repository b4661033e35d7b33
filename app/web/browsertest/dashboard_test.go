package browsertest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gapmap/app/demo"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/questionnaires"
)

var updateDocs = flag.Bool("docs", false, "write the demo dashboard screenshot to docs/dashboard.png")

// btDemo is the demo organization seeded on a test server.
type btDemo struct {
	*btServer
	OrgID  int64
	Latest store.AssessmentSummary // the open round
	Teams  map[string]int64
}

func btSeedDemo(t *testing.T, srv *btServer) *btDemo {
	t.Helper()
	ctx := context.Background()
	cred, err := demo.Seed(ctx, srv.Store, srv.Shipped)
	if err != nil {
		t.Fatal(err)
	}
	rounds, err := srv.Store.Assessments(ctx, cred.OrgID)
	if err != nil || len(rounds) == 0 {
		t.Fatalf("demo rounds: %v (%d)", err, len(rounds))
	}
	teams, err := srv.Store.Teams(ctx, cred.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	d := &btDemo{btServer: srv, OrgID: cred.OrgID, Latest: rounds[0], Teams: map[string]int64{}}
	for _, tm := range teams {
		d.Teams[tm.Name] = tm.ID
	}
	return d
}

// TestDashboardInBrowser logs in to the demo organization and checks the
// organization home, the dashboard of the latest round and a team page:
// every chart holds a drawn canvas, the console stays free of errors, no
// request leaves 127.0.0.1, and axe-core finds no serious or critical
// violation (on a survey page too). Screenshots go to the test output.
func TestDashboardInBrowser(t *testing.T) {
	b := btStartBrowser(t)
	d := btSeedDemo(t, btStartServer(t))
	b.login(d.URL, demo.Email, demo.Password)
	b.checkQuiet("login")

	pages := []struct {
		name   string
		path   string
		charts int
	}{
		{"home", "/dashboard", 0},
		{"dashboard", fmt.Sprintf("/assessments/%d/dashboard", d.Latest.ID), 18}, // 5 per questionnaire, 3 for the measures of developer-experience
		{"team", fmt.Sprintf("/assessments/%d/teams/%d", d.Latest.ID, d.Teams["Mobile Apps"]), 6},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			b.t = t
			b.navigate(d.URL + p.path)
			states := b.waitCharts()
			if len(states) != p.charts {
				t.Errorf("%s: %d chart containers, want %d", p.path, len(states), p.charts)
			}
			for _, s := range states {
				if s.Width == 0 || s.Height == 0 {
					t.Errorf("%s: chart %s has no canvas of non-zero size (%dx%d)", p.path, s.ID, s.Width, s.Height)
				}
				if s.Ink < 50 || s.Series == 0 {
					t.Errorf("%s: chart %s is not drawn (%d inked samples, %d series)", p.path, s.ID, s.Ink, s.Series)
				}
				for _, w := range s.Wrong {
					t.Errorf("%s: heatmap %s: %s", p.path, s.ID, w)
				}
				if strings.Contains(s.ID, "heatmap") && s.Cells == 0 {
					t.Errorf("%s: heatmap %s: no cell checked", p.path, s.ID)
				}
			}
			t.Logf("screenshot: %s", b.screenshot("dashboard-"+p.name))
			b.screenshotCharts("chart-"+p.name, states)
			b.checkAxe(p.path)
			b.checkQuiet(p.path)
		})
	}
	b.t = t

	if *updateDocs {
		// The top of the latest round's dashboard, cut from a full-page shot.
		b.navigate(d.URL + pages[1].path)
		b.waitCharts()
		full := btGet(b, "full-page screenshot for the docs", chromedp.FullScreenshot(100))
		img, err := png.Decode(bytes.NewReader(full))
		if err != nil {
			t.Fatal(err)
		}
		r := img.Bounds()
		r.Max.Y = min(r.Max.Y, r.Min.Y+1830)
		var out bytes.Buffer
		if err := png.Encode(&out, img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(r)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("..", "..", "..", "docs", "dashboard.png")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		b.take()
	}

	t.Run("survey", func(t *testing.T) {
		b.t = t
		invs, err := d.Store.CreateInvitations(context.Background(), d.OrgID, d.Latest.ID, nil,
			[]store.NewInvitation{{TeamID: d.Teams["Checkout"], Label: "axe check"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/s/" + invs[0].Token, "/s/" + invs[0].Token + "/page/1"} {
			b.navigate(d.URL + path)
			b.checkAxe("survey " + strings.Replace(path, invs[0].Token, "{token}", 1))
			b.checkQuiet("survey " + strings.Replace(path, invs[0].Token, "{token}", 1))
		}
		t.Logf("screenshot: %s", b.screenshot("survey-page"))
	})
	b.t = t
}

// Hostile names: a team and questionnaire texts that try to end the
// <script> element holding a chart's data, or to inject markup.
const (
	btEvilTeam      = `</script><script>alert(1)</script>`
	btEvilDimension = `<img src=x onerror=alert(2)>Investment</b>`
	btEvilTitle     = `"><script>alert(3)</script>`
	btEvilLevel     = `<svg onload=alert(4)>`
)

// TestDashboardEscapesNames stores a team named </script><script>… and a
// questionnaire whose dimension title, title and level name carry HTML, and
// checks that the dashboard, the team page and the home page never send
// them unescaped, that the charts still receive them intact as data, and
// that no injected script runs (no dialog opens).
func TestDashboardEscapesNames(t *testing.T) {
	b := btStartBrowser(t)
	srv := btStartServer(t)
	ctx := context.Background()
	st := srv.Store
	const email, password = "hostile@gapmap.example", "hostile names 2026"
	org, _, err := st.SignUp(ctx, "Hostile names", email, password)
	if err != nil {
		t.Fatal(err)
	}
	evil, err := st.CreateTeam(ctx, org.ID, btEvilTeam)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := st.CreateTeam(ctx, org.ID, "Plain team")
	if err != nil {
		t.Fatal(err)
	}
	var base *questionnaires.Questionnaire
	for _, q := range srv.Shipped {
		if q.Scale == questionnaires.ScaleLevel {
			base = q
		}
	}
	js, err := json.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}
	q, err := questionnaires.ParseJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	q.Title = btEvilTitle
	q.Dimensions[0].Title = btEvilDimension
	q.Levels[1].Name = btEvilLevel
	pinned, err := st.UploadQuestionnaire(ctx, org.ID, q, js)
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateAssessment(ctx, org.ID, store.AssessmentInput{
		Name:           "Round with hostile names",
		Questionnaires: []store.QuestionnaireChoice{{Q: pinned.Q, VersionID: pinned.VersionID}},
		TeamIDs:        []int64{evil.ID, plain.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	var rs []store.SeedResponse
	for i, tm := range []int64{evil.ID, evil.ID, plain.ID} {
		var answers []store.SeedAnswer
		for _, dim := range q.Dimensions {
			for _, qu := range dim.Questions {
				l := 1 + (i*3+len(qu.Key))%5
				answers = append(answers, store.SeedAnswer{Questionnaire: q.Key, Question: qu.Key, Level: &l})
			}
		}
		rs = append(rs, store.SeedResponse{TeamID: tm, Submitted: true, Answers: answers})
	}
	if _, err := st.SeedResponses(ctx, org.ID, a.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := results.Recompute(ctx, st, org.ID, a.ID); err != nil {
		t.Fatal(err)
	}

	b.login(srv.URL, email, password)
	b.checkQuiet("login")
	for _, path := range []string{
		"/dashboard",
		fmt.Sprintf("/assessments/%d/dashboard", a.ID),
		fmt.Sprintf("/assessments/%d/teams/%d", a.ID, evil.ID),
	} {
		b.navigate(srv.URL + path)
		states := b.waitCharts()
		src := b.pageSource()
		for _, bad := range []string{btEvilTeam, btEvilDimension, btEvilTitle, btEvilLevel, "<script>alert", "<img src=x", "<svg onload"} {
			if strings.Contains(src, bad) {
				t.Errorf("%s: the page source contains %q unescaped", path, bad)
			}
		}
		text := btEval[string](b, `document.body.innerText`)
		shown := btEvilTitle
		if strings.Contains(path, "/teams/") {
			shown = btEvilTeam
		}
		if !strings.Contains(text, shown) {
			t.Errorf("%s: the page does not show %q as text", path, shown)
		}
		if len(states) > 0 {
			// The chart data reaches ECharts intact: the names are data, not markup.
			got := btEval[string](b, `JSON.stringify(Array.from(document.querySelectorAll('script[type="application/json"]')).map(s => JSON.parse(s.textContent)))`)
			want := btEvilDimension
			if !strings.Contains(got, strings.ReplaceAll(strings.ReplaceAll(want, "<", `\u003c`), ">", `\u003e`)) && !strings.Contains(got, want) {
				t.Errorf("%s: chart data lost the dimension title %q", path, want)
			}
		}
		for _, s := range states {
			if s.Ink < 50 {
				t.Errorf("%s: chart %s is not drawn", path, s.ID)
			}
		}
		b.checkQuiet(path)
	}
}
