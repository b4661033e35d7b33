package browsertest_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

var olLink = regexp.MustCompile(`http://[^\s]+/j/j_[A-Za-z0-9_-]+`)

// TestOpenLinkInBrowser creates an anonymous round and an open link through
// the pages, opens the link as a respondent, and opens it again from the
// same browser: the second visit resumes the same response.
func TestOpenLinkInBrowser(t *testing.T) {
	srv := btStartServer(t)
	b := btStartBrowser(t)
	st, base := srv.Store, srv.URL
	bg := context.Background()
	org, _, err := st.SignUp(bg, "Crowd Org", "admin@crowd.example", svPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateTeam(bg, org.ID, "Crowd"); err != nil {
		t.Fatal(err)
	}
	b.login(base, "admin@crowd.example", svPassword)
	b.navigate(base + "/assessments/new")
	b.run("create an anonymous round",
		chromedp.SendKeys(css(`#a-name`), "Developer survey"),
		chromedp.Click(css(`#anon-anonymous`)),
		chromedp.Click(css(`form[action="/assessments"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`#ol-team`)),
	)
	round := btGet(b, "read the round page", chromedp.Text(css(`main`)))
	if !strings.Contains(round, "Anonymous round") || !strings.Contains(round, "at least 5 people") {
		t.Errorf("the round page does not explain the anonymity: %.500s", round)
	}
	if _, err := btWithin(b.ctx, btStepLimit, func(ctx context.Context) (*network.Response, error) {
		return chromedp.RunResponse(ctx, chromedp.Click(css(`form[action$="/open-links"] button[type="submit"]`)))
	}); err != nil {
		b.fail("create an open link", err)
	}
	body := btGet(b, "read the flash", chromedp.Text(css(`body`)))
	link := olLink.FindString(body)
	if link == "" {
		t.Fatalf("the new open link is not shown: %.2000s", body)
	}

	b.navigate(link)
	b.run("wait for the private link", chromedp.WaitVisible(css(`#own-link`)))
	b.checkAxe("open link page")
	own := btGet(b, "read the private link", chromedp.Text(css(`#own-link`)))
	if !strings.Contains(own, "/s/s_") {
		t.Fatalf("private link %q", own)
	}
	b.run("continue to the survey", chromedp.Click(css(`main a.btn-primary`)), chromedp.WaitVisible(css(`#anonymity`)))
	intro := btGet(b, "read the introduction", chromedp.Text(css(`main`)))
	if !strings.Contains(intro, "This survey is anonymous") {
		t.Errorf("the introduction does not say the survey is anonymous")
	}

	b.navigate(link)
	b.run("wait for the resumed link", chromedp.WaitVisible(css(`#own-link`)))
	again := btGet(b, "read the resumed link", chromedp.Text(css(`#own-link`)))
	heading := btGet(b, "read the heading", chromedp.Text(css(`main h1`)))
	if again != own || !strings.Contains(heading, "Welcome back") {
		t.Errorf("second visit: link %q heading %q, want %q again", again, heading, own)
	}
	if http := btGet(b, "read the cookie visibility", chromedp.Evaluate[string](`document.cookie`)); strings.Contains(http, "gapmap_join") {
		t.Error("the join cookie is readable by scripts")
	}
}
