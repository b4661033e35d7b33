package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"gapmap/app/store"
)

// The helpers of this file carry an sd prefix.

// sdRect is an element's box in CSS pixels of the viewport.
type sdRect struct {
	Top, Bottom, Left, Right float64
}

func sdBox(b *btBrowser, selector string) sdRect {
	b.t.Helper()
	return btEval[sdRect](b, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect();
		return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; })()`, selector))
}

// TestSurveyDetailsOnAPhone walks the details of the survey on a 390×844
// phone in a time zone far from UTC: the start above the fold, clickable
// sections, a comment typed before the answer, "Saved" beside the question,
// the error summary of a page posted with only a comment, the review of
// the answers given, the confirmation only when complete, and the time of
// submission in the respondent's own time zone.
func TestSurveyDetailsOnAPhone(t *testing.T) {
	b := btStartBrowser(t)
	srv := btStartServer(t)
	ctx := context.Background()
	st := srv.Store
	r := btSeedRound(t, srv, btRoundSpec{Org: "Acme", Email: "admin@acme.example", Team: "Payments", Round: "Spring round"})
	org, team, round := r.Org, r.Team, r.Round
	var all []store.SeedAnswer
	for _, q := range r.Qs {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				all = append(all, pgAnswer(q, qu))
			}
		}
	}
	invs, err := st.CreateInvitations(ctx, org.ID, round.ID, nil, []store.NewInvitation{{TeamID: team.ID, Label: "phone"}})
	if err != nil {
		t.Fatal(err)
	}
	submittedAt := time.Date(2026, 3, 5, 14, 7, 0, 0, time.UTC)
	seeded, err := st.SeedResponses(ctx, org.ID, round.ID, []store.SeedResponse{
		{TeamID: team.ID, Label: "complete", Answers: all},
		{TeamID: team.ID, Label: "submitted", Submitted: true, SubmittedAt: submittedAt, Answers: all},
	})
	if err != nil {
		t.Fatal(err)
	}
	link := srv.URL + "/s/" + invs[0].Token

	b.run("a phone in Kolkata (UTC+5:30)",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Kolkata"})
			return err
		}),
	)

	t.Run("start above the fold", func(t *testing.T) {
		b.t = t
		b.navigate(link)
		for _, sel := range []string{"main a.btn-primary", "#survey-estimate"} {
			if r := sdBox(b, sel); r.Bottom > 844 || r.Top < 0 {
				t.Errorf("%s spans %.0f..%.0f px: not visible without scrolling on an 844 px screen", sel, r.Top, r.Bottom)
			}
		}
		if est := btGet(b, "estimate", chromedp.Text(css(`#survey-estimate`))); !strings.Contains(est, "minutes") {
			t.Errorf("the estimate says %q", est)
		}
	})

	t.Run("sections are links", func(t *testing.T) {
		b.t = t
		b.navigate(link + "/page/1")
		n := btEval[int](b, `document.querySelectorAll('.survey-steps a').length`)
		pages := btEval[int](b, `document.querySelectorAll('.survey-steps li').length`)
		if n == 0 || n != pages {
			t.Fatalf("%d of %d sections are links", n, pages)
		}
		b.run("open section 2 from the list",
			chromedp.Click(css(`.survey-steps li:nth-child(2) a`)),
			chromedp.WaitVisible(css(`form.survey[action$="/page/2"]`)),
			chromedp.Click(css(`.survey-steps li:nth-child(1) a`)),
			chromedp.WaitVisible(css(`form.survey[action$="/page/1"]`)),
		)
	})

	const early = "Written before choosing an answer."
	t.Run("a comment before the answer is kept, Saved beside the question", func(t *testing.T) {
		b.t = t
		q1 := `fieldset.question:nth-of-type(1)`
		b.run("comment, then answer",
			chromedp.SendKeys(css(q1+` textarea`), early),
			chromedp.Click(css(q1+` .choice:nth-of-type(2)`)),
			chromedp.WaitVisible(css(q1+` .save-status.is-saved`)),
			svWaitSaved(),
		)
		// Below the answer just chosen and above the comment box; on the
		// screen even when the answers run past its bottom edge.
		status, chosen, comment := sdBox(b, q1+` .save-status`), sdBox(b, q1+` .choice:nth-of-type(2)`), sdBox(b, q1+` textarea`)
		if status.Top < chosen.Top || status.Bottom > comment.Top+1 {
			t.Errorf("“Saved” (%.0f..%.0f px) is not between the answer chosen (from %.0f px) and the comment (from %.0f px)", status.Top, status.Bottom, chosen.Top, comment.Top)
		}
		if status.Top < 0 || status.Bottom > 844 {
			t.Errorf("“Saved” at %.0f..%.0f px is off the screen", status.Top, status.Bottom)
		}
		b.run("reload", chromedp.Reload(), chromedp.WaitVisible(css(`form.survey[action$="/page/1"]`)))
		if got := btGet(b, "comment after reload", chromedp.Value(css(q1+` textarea`))); got != early {
			t.Errorf("after reload the comment is %q, want %q", got, early)
		}
	})

	t.Run("only a comment: error summary, focused, comment kept", func(t *testing.T) {
		b.t = t
		q2 := `fieldset.question:nth-of-type(2)`
		const lone = "A comment without an answer."
		id := btGet(b, "question id", chromedp.AttributeValue(css(q2), "id")).Value
		b.checkQuiet("survey page 1")
		b.run("comment only, then Save and continue",
			chromedp.SendKeys(css(q2+` textarea`), lone),
			chromedp.Click(css(`button[name="nav"][value="next"]`)),
			chromedp.WaitVisible(css(`#survey-alert[data-summary] a[href="#`+id+`"]`)),
		)
		if loc := btGet(b, "location", chromedp.Location()); !strings.HasSuffix(loc, "/page/1") {
			t.Errorf("the page moved on to %s", loc)
		}
		if got := btEval[string](b, `document.activeElement ? document.activeElement.id : ''`); got != "survey-alert" {
			t.Errorf("the focus is on %q, not on the error summary", got)
		}
		if r := sdBox(b, `#survey-alert`); r.Top < 0 || r.Top > 844 {
			t.Errorf("the error summary is at %.0f px, off the screen", r.Top)
		}
		if got := btGet(b, "comment kept", chromedp.Value(css(q2+` textarea`))); got != lone {
			t.Errorf("the comment is %q after the refused post, want %q", got, lone)
		}
		b.checkAxe("survey page with an error summary")
		for _, e := range b.take().Errors { // the refused post answers 422, as it should
			if !strings.Contains(e, "422") {
				t.Errorf("survey page with an error summary: %s", e)
			}
		}
	})

	t.Run("review lists the answers, confirmation only when complete", func(t *testing.T) {
		b.t = t
		b.navigate(link + "/review")
		text := btGet(b, "review", chromedp.Text(css(`main`)))
		if !strings.Contains(text, "Your answers so far") || !strings.Contains(text, early) {
			t.Errorf("the review of a half-answered survey does not list the answers given: %.400q", text)
		}
		if btEval[bool](b, `document.querySelector('form[action$="/submit"]').hasAttribute('data-confirm')`) {
			t.Error("an incomplete response asks for confirmation before a submit that cannot succeed")
		}
		b.navigate(srv.URL + "/s/" + seeded[0] + "/review")
		if !btEval[bool](b, `document.querySelector('form[action$="/submit"]').hasAttribute('data-confirm')`) {
			t.Error("a complete response is submitted without confirmation")
		}
		b.checkAxe("survey review")
	})

	t.Run("submitted in the respondent's time zone", func(t *testing.T) {
		b.t = t
		b.navigate(srv.URL + "/s/" + seeded[1])
		lead := btGet(b, "lead", chromedp.Text(css(`main .lead`)))
		if !strings.Contains(lead, "19:37") || strings.Contains(lead, "UTC") {
			t.Errorf("submitted at 14:07 UTC shows as %q in Kolkata, want 19:37 local time", lead)
		}
	})
	b.t = t
	b.checkQuiet("survey details")
}
