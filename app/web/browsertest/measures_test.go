package browsertest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"gapmap/app/store"
)

// TestMeasuresOnAPhone answers the nps, number and text questions of the
// developer-experience survey on a 390 px wide phone: the 0–10 row fits
// without scrolling sideways and keeps every target at least 44 px wide,
// each answer autosaves, the text counter counts, and axe-core finds no
// serious violation.
func TestMeasuresOnAPhone(t *testing.T) {
	srv := btStartServer(t)
	b := btStartBrowser(t)
	ctx := context.Background()
	st := srv.Store
	r := btSeedRound(t, srv, btRoundSpec{Org: "Acme", Email: "dx@acme.example", Team: "Payments", Round: "DX survey", Questionnaires: []string{"developer-experience"}})
	org, team, a := r.Org, r.Team, r.Round
	invs, err := st.CreateInvitations(ctx, org.ID, a.ID, nil, []store.NewInvitation{{TeamID: team.ID, Label: "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	base := srv.URL + "/s/" + invs[0].Token

	// Page 4: golden paths, with the recommendation question.
	b.run("open the nps page on a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/page/4"),
		chromedp.WaitVisible(css(`fieldset.measure-nps`)))
	if w := btEval[int](b, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide on a 390 px phone", w)
	}
	if w := btEval[float64](b, `Math.min(...Array.from(document.querySelectorAll('.nps-option span')).map(e => e.getBoundingClientRect().width))`); w < 44 {
		t.Errorf("the narrowest 0–10 target is %.0f px wide, want at least 44", w)
	}
	if n := btEval[int](b, `document.querySelectorAll('.nps-option input[type=radio]').length`); n != 11 {
		t.Errorf("%d nps radios, want 11", n)
	}
	b.checkAxe("survey page with an nps question")
	b.screenshot("survey-nps-phone")
	b.run("choose 9", chromedp.Click(css(`.nps-option:nth-child(10)`)),
		chromedp.WaitVisible(css(`fieldset.measure-nps .save-status.is-saved`)), svWaitSaved())

	// Page 2: cognitive load, with the hours lost.
	b.run("type the hours", chromedp.Navigate(base+"/page/2"), chromedp.WaitVisible(css(`fieldset.measure-number input[type=number]`)),
		chromedp.SendKeys(css(`fieldset.measure-number input[type=number]`), "3.5"),
		chromedp.Blur(css(`fieldset.measure-number input[type=number]`)),
		chromedp.WaitVisible(css(`fieldset.measure-number .save-status.is-saved`)), svWaitSaved())
	b.checkAxe("survey page with a number question")

	// Page 3: flow and focus, with the free answer and its counter.
	b.run("write the text", chromedp.Navigate(base+"/page/3"), chromedp.WaitVisible(css(`fieldset.measure-text textarea`)),
		chromedp.SendKeys(css(`fieldset.measure-text textarea`), "Faster builds"),
		chromedp.Blur(css(`fieldset.measure-text textarea`)),
		chromedp.WaitVisible(css(`fieldset.measure-text .save-status.is-saved`)), svWaitSaved())
	if got := btGet(b, "counter", chromedp.Text(css(`.text-counter [data-count]`))); got != "13" {
		t.Errorf("the counter says %q, want 13", got)
	}
	b.checkAxe("survey page with a text question")
	b.checkQuiet("survey measures")

	sv, err := st.SurveyByToken(ctx, invs[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	answers, err := st.Answers(ctx, sv.ResponseID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, an := range answers {
		switch {
		case an.Number != nil:
			got[an.QuestionKey] = fmt.Sprint(*an.Number)
		case an.Text != nil:
			got[an.QuestionKey] = *an.Text
		}
	}
	want := map[string]string{"gp-recommend": "9", "cl-hours-lost": "3.5", "ff-one-change": "Faster builds"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("stored %s = %q, want %q", k, got[k], v)
		}
	}
}
