package browsertest_test

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gapmap/app/demo"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// The helpers of this file carry a pg prefix.

var pgShots = flag.Bool("pages.shots", false, "save a screenshot of every page that TestEveryPage* opens")

// pgPage is one page of the application that every width must fit.
type pgPage struct {
	name string // a name with no token in it, for messages and screenshots
	path string
	anon bool // opened before logging in
}

// pgSite is the demo organization with what its pages need: a submitted
// response with comments, a half-answered one, a fresh link and a round
// closed before its respondent submitted.
type pgSite struct {
	*btDemo
	pages []pgPage
}

// pgSetup seeds the demo organization and lists every page to open.
func pgSetup(t *testing.T) *pgSite {
	t.Helper()
	ctx := context.Background()
	d := btSeedDemo(t, btStartServer(t))
	st := d.Store
	rounds, err := st.Assessments(ctx, d.OrgID)
	if err != nil || len(rounds) < 2 {
		t.Fatalf("demo rounds: %v (%d)", err, len(rounds))
	}
	latest, previous := rounds[0], rounds[1]
	team := d.Teams["Checkout"]

	// Answers for the latest round: every question of the submitted
	// response, with a comment on the first question of each dimension;
	// the first dimension of each questionnaire for the half-answered one.
	var all, part []store.SeedAnswer
	for _, q := range d.Shipped {
		for di, dim := range q.Dimensions {
			for qi, qu := range dim.Questions {
				a := pgAnswer(q, qu)
				if qi == 0 {
					a.Comment = "Evidence: the runbook of " + dim.Title + " is kept in the team's repository and reviewed every quarter."
				}
				all = append(all, a)
				if di == 0 {
					part = append(part, a)
				}
			}
		}
	}
	tokens, err := st.SeedResponses(ctx, d.OrgID, latest.ID, []store.SeedResponse{
		{TeamID: team, Label: "submitted", Submitted: true, Answers: all},
		{TeamID: team, Label: "half way", Answers: part},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := results.Recompute(ctx, st, d.OrgID, latest.ID); err != nil {
		t.Fatal(err)
	}
	fresh, err := st.CreateInvitations(ctx, d.OrgID, latest.ID, nil, []store.NewInvitation{{TeamID: team, Label: "fresh"}})
	if err != nil {
		t.Fatal(err)
	}

	// A small round closed while its respondent was half way.
	var choices []store.QuestionnaireChoice
	for _, q := range d.Shipped {
		choices = append(choices, store.QuestionnaireChoice{Q: q})
	}
	closed, err := st.CreateAssessment(ctx, d.OrgID, store.AssessmentInput{Name: "Closed early", Questionnaires: choices, TeamIDs: []int64{team}})
	if err != nil {
		t.Fatal(err)
	}
	closedTokens, err := st.SeedResponses(ctx, d.OrgID, closed.ID, []store.SeedResponse{{TeamID: team, Label: "late", Answers: part}})
	if err != nil {
		t.Fatal(err)
	}
	// A webhook with a delivery of the closing (to a name that never
	// resolves, so it stays queued with its error).
	hook, err := st.CreateWebhook(ctx, d.OrgID, store.WebhookInput{URL: "https://hooks.example.invalid/gapmap?source=demo", Events: []string{models.EventRoundClosed, models.EventResultsUpdated}, Secret: "a webhook secret of the demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CloseAssessment(ctx, d.OrgID, closed.ID); err != nil {
		t.Fatal(err)
	}

	pageCount := 0
	for _, q := range d.Shipped {
		pageCount += len(q.Dimensions)
	}
	a := fmt.Sprintf("/assessments/%d", latest.ID)
	s := &pgSite{btDemo: d}
	s.pages = []pgPage{
		{name: "login", path: "/login", anon: true},
		{name: "signup", path: "/signup", anon: true},
		{name: "home", path: "/dashboard"},
		{name: "teams", path: "/teams"},
		{name: "members", path: "/members"},
		{name: "audit log", path: "/audit"},
		{name: "webhooks", path: "/webhooks"},
		{name: "webhook deliveries", path: fmt.Sprintf("/webhooks/%d", hook.ID)},
		{name: "questionnaires", path: "/questionnaires"},
		{name: "questionnaire", path: "/questionnaires/" + d.Shipped[0].Key},
		{name: "tokens", path: "/tokens"},
		{name: "rounds", path: "/assessments"},
		{name: "new round", path: "/assessments/new"},
		{name: "round", path: a},
		{name: "closed round", path: fmt.Sprintf("/assessments/%d", previous.ID)},
		{name: "dashboard", path: a + "/dashboard"},
		{name: "team view", path: fmt.Sprintf("%s/teams/%d", a, team)},
		{name: "results", path: a + "/results"},
		{name: "report", path: a + "/report"},
		{name: "team report", path: fmt.Sprintf("%s/teams/%d/report", a, team)},
		{name: "compare", path: fmt.Sprintf("%s/compare?with=%d", a, previous.ID)},
		{name: "comments", path: a + "/comments"},
		{name: "survey intro", path: "/s/" + fresh[0].Token},
	}
	for n := 1; n <= pageCount; n++ {
		s.pages = append(s.pages, pgPage{name: fmt.Sprintf("survey page %d", n), path: fmt.Sprintf("/s/%s/page/%d", fresh[0].Token, n)})
	}
	s.pages = append(s.pages,
		pgPage{name: "survey review, half way", path: "/s/" + tokens[1] + "/review"},
		pgPage{name: "survey review, nothing answered", path: "/s/" + fresh[0].Token + "/review"},
		pgPage{name: "survey submitted", path: "/s/" + tokens[0]},
		pgPage{name: "survey closed", path: "/s/" + closedTokens[0]},
	)
	return s
}

// pgAnswer is a middle answer to a question of q.
func pgAnswer(q *questionnaires.Questionnaire, qu questionnaires.Question) store.SeedAnswer {
	a := store.SeedAnswer{Questionnaire: q.Key, Question: qu.Key}
	if q.Scale == questionnaires.ScaleLikert {
		v := 4
		a.Value = &v
		return a
	}
	o := qu.Options[min(2, len(qu.Options)-1)]
	key, level := o.Key, o.Level
	a.Option, a.Level = &key, &level
	return a
}

// pgChartFit lists the chart canvases that do not fit their container,
// and the containers that do not fit the configured width.
const pgChartFit = `((width) => {
  const bad = [];
  for (const el of document.querySelectorAll('[data-chart]')) {
    const box = el.getBoundingClientRect();
    if (box.left < -1 || box.right > width + 1) {
      bad.push(el.id + ': container spans ' + Math.round(box.left) + '..' + Math.round(box.right) + ' px of a ' + width + ' px page');
    }
    for (const c of el.querySelectorAll('canvas')) {
      const r = c.getBoundingClientRect();
      if (r.width === 0 || r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        bad.push(el.id + ': canvas ' + Math.round(r.width) + '×' + Math.round(r.height) + ' at ' + Math.round(r.left) + ',' + Math.round(r.top) +
          ' outside its container ' + Math.round(box.width) + '×' + Math.round(box.height) + ' at ' + Math.round(box.left) + ',' + Math.round(box.top));
      }
    }
    // Every text the chart draws (axis names and labels, legend, data
    // labels) lies inside the chart: zrender's display list, in CSS pixels.
    const inst = window.echarts && window.echarts.getInstanceByDom(el);
    if (!inst) { continue; }
    const W = inst.getWidth(), H = inst.getHeight();
    for (const d of inst.getZr().storage.getDisplayList()) {
      if (d.type !== 'tspan' || d.invisible || d.ignore || !d.style || !d.style.text) { continue; }
      const b = d.getBoundingRect().clone();
      d.updateTransform && d.updateTransform();
      if (d.transform) { b.applyTransform(d.transform); }
      if (b.x < -1 || b.y < -1 || b.x + b.width > W + 1 || b.y + b.height > H + 1) {
        bad.push(el.id + ': the text "' + String(d.style.text).replace(/\n/g, ' ') + '" spans ' + Math.round(b.x) + '..' + Math.round(b.x + b.width) +
          ' × ' + Math.round(b.y) + '..' + Math.round(b.y + b.height) + ' of a ' + W + '×' + H + ' chart');
      }
    }
  }
  return bad;
})`

// pgWaitFit waits until every chart fits (charts.js redraws a chart 150 ms
// after its container changes size) and returns what still does not fit
// after 10 s.
func pgWaitFit(b *btBrowser, width int64) []string {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		bad := btEval[[]string](b, fmt.Sprintf("%s(%d)", pgChartFit, width))
		if len(bad) == 0 || time.Now().After(deadline) {
			return bad
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pgCheckEveryPage opens every page of the site at width×height (as a phone
// when mobile) and checks that it fits the width, logs no console error,
// has no serious or critical axe-core finding, and that every chart canvas
// fits its container.
func pgCheckEveryPage(t *testing.T, width, height int64, mobile bool) {
	b := btStartBrowser(t)
	s := pgSetup(t)
	emulate := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if mobile {
		emulate = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}
	}
	b.run(fmt.Sprintf("emulate a %d×%d screen", width, height), chromedp.EmulateViewport(width, height, emulate...))
	loggedIn := false
	for _, p := range s.pages {
		if !p.anon && !loggedIn {
			b.t = t
			b.login(s.URL, demo.Email, demo.Password)
			b.checkQuiet("login")
			loggedIn = true
		}
		t.Run(p.name, func(t *testing.T) {
			b.t = t
			b.navigate(s.URL + p.path)
			if btEval[int](b, `document.querySelectorAll('[data-chart]').length`) > 0 {
				states := b.waitCharts()
				for _, st := range states {
					if st.Width == 0 || st.Ink < 50 {
						t.Errorf("%s: chart %s is not drawn", p.name, st.ID)
					}
				}
				if *pgShots {
					b.screenshotCharts(pgFileName(fmt.Sprintf("chart-%d-%s", width, p.name)), states)
				}
			}
			if sw := btEval[int64](b, `document.documentElement.scrollWidth`); sw > width {
				t.Errorf("%s: the page is %d px wide on a %d px screen (%s)", p.name, sw, width, btEval[string](b, fmt.Sprintf("%s(%d)", pgWidest, width)))
			}
			for _, bad := range pgWaitFit(b, width) {
				t.Errorf("%s: %s", p.name, bad)
			}
			b.checkAxe(p.name)
			b.checkQuiet(p.name)
			if t.Failed() || *pgShots {
				t.Logf("screenshot: %s", b.screenshot(pgFileName(fmt.Sprintf("page-%d-%s", width, p.name))))
			}
		})
		b.t = t
	}
}

// pgWidest names the elements that reach furthest right, to say what
// makes a page too wide.
const pgWidest = `((w) => {
  // Whether an ancestor's overflow clips el; an absolutely positioned
  // element escapes every box up to its containing block.
  const clipped = el => {
    let pos = getComputedStyle(el).position;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const st = getComputedStyle(p);
      const free = (pos === 'absolute' && st.position === 'static') || pos === 'fixed';
      if (!free && st.overflowX !== 'visible') { return true; }
      if (!free || st.position !== 'static') { pos = st.position === 'fixed' ? 'fixed' : 'static'; }
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && !clipped(el)) {
      out.push({r: r.right, s: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' to ' + Math.round(r.right) + ' px'});
    }
  }
  out.sort((a, b) => b.r - a.r);
  return out.slice(0, 5).map(o => o.s).join('; ') || 'no single element';
})`

func pgFileName(s string) string {
	return strings.Trim(url.PathEscape(strings.ReplaceAll(strings.ReplaceAll(s, " ", "-"), ",", "")), "-")
}

// TestEveryPageFitsAPhone opens every page of gapmap as a 390×844 phone.
func TestEveryPageFitsAPhone(t *testing.T) { pgCheckEveryPage(t, 390, 844, true) }

// TestEveryPageFitsADesktop opens every page of gapmap at 1366×900.
func TestEveryPageFitsADesktop(t *testing.T) { pgCheckEveryPage(t, 1366, 900, false) }
