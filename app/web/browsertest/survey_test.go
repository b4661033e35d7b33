package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gapmap/models"
)

type css = chromedp.CSS

// svWaitSaved waits until the survey page has no unsaved answer.
func svWaitSaved() chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(css(`form.survey[data-pending="0"]`))
}

const svPassword = "correct horse battery"

// TestSurveyInTheBrowser: an admin creates a round for three teams and its
// links through the pages; a respondent answers part of the survey, leaves,
// reopens the link and finds everything where it was, finishes and submits.
func TestSurveyInTheBrowser(t *testing.T) {
	srv := btStartServer(t)
	b := btStartBrowser(t)
	st, base := srv.Store, srv.URL
	bg := context.Background()
	org, _, err := st.SignUp(bg, "Acme", "admin@acme.example", svPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Payments", "Search", "Mobile"} {
		if _, err := st.CreateTeam(bg, org.ID, n); err != nil {
			t.Fatal(err)
		}
	}

	// The admin logs in, lands on the assessments and creates a round.
	b.run("log in and create a round",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(css(`#email`), "admin@acme.example"),
		chromedp.SendKeys(css(`#password`), svPassword),
		chromedp.Click(css(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`a[href="/assessments/new"]`)),
		chromedp.Click(css(`a[href="/assessments/new"]`)),
		chromedp.WaitVisible(css(`#a-name`)),
		chromedp.SendKeys(css(`#a-name`), "Spring round"),
		chromedp.SetValue(css(`#a-due`), "2026-12-31"),
		chromedp.Click(css(`form[action="/assessments"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`#inv-labels`)),
	)
	if n := btGet(b, "count teams", chromedp.Evaluate[int](`document.querySelectorAll('#inv-team option').length`)); n != 3 {
		t.Fatalf("the round offers %d teams, want 3", n)
	}
	b.run("create links",
		chromedp.SendKeys(css(`#inv-labels`), "ana@acme.example\nbo@acme.example"),
		chromedp.Click(css(`form[action$="/invitations#invite"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`input.survey-link`)),
	)
	link := btGet(b, "read the link", chromedp.Value(css(`input.survey-link`)))
	if !strings.HasPrefix(link, base+"/s/s_") {
		t.Fatalf("survey link %q", link)
	}

	// The respondent opens the link on a phone: introduction, then the first page.
	b.take()
	b.run("open the link on a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(link), chromedp.WaitVisible(css(`main a.btn-primary`)))
	b.checkAxe("survey introduction")
	b.screenshot("survey-intro")
	intro := btGet(b, "read the introduction", chromedp.Text(css(`main`)))
	for _, want := range []string{"What this is for", "How long it takes", "How your answers are used", "minutes"} {
		if !strings.Contains(intro, want) {
			t.Errorf("introduction lacks %q", want)
		}
	}
	b.run("start", chromedp.Click(css(`main a.btn-primary`)), chromedp.WaitVisible(css(`form.survey fieldset.question`)))

	// Page 1: choose an option by its label, mark one question N/A and
	// write a comment; each is saved as it happens.
	b.run("answer page 1",
		chromedp.Click(css(`fieldset.question:nth-of-type(1) .choice:nth-of-type(3)`)),
		chromedp.Click(css(`fieldset.question:nth-of-type(2) .question-na input`)),
		chromedp.SendKeys(css(`fieldset.question:nth-of-type(2) textarea`), "We have no shared platform yet."),
		chromedp.WaitVisible(css(`fieldset.question:nth-of-type(1) .save-status.is-saved`)),
		chromedp.WaitVisible(css(`fieldset.question:nth-of-type(2) .save-status.is-saved`)),
		svWaitSaved(),
	)
	// The keyboard alone: focus the first choice of question 3, arrow down
	// to the second, which selects and saves it.
	b.run("answer with the keyboard",
		chromedp.Focus(css(`fieldset.question:nth-of-type(3) .choice:nth-of-type(1) input`)),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.WaitVisible(css(`fieldset.question:nth-of-type(3) .save-status.is-saved`)),
		svWaitSaved(),
	)
	if !btGet(b, "keyboard answer", chromedp.Evaluate[bool](`document.querySelector('fieldset.question:nth-of-type(3) .choice:nth-of-type(2) input').checked`)) {
		t.Error("the arrow key did not choose the second option")
	}
	if got := btGet(b, "progress", chromedp.Text(css(`label[for="survey-progress"]`))); !strings.HasPrefix(got, "3 of ") {
		t.Errorf("progress says %q after three answers", got)
	}
	b.checkAxe("survey page")
	b.screenshot("survey-page-1")
	b.run("go to page 2",
		chromedp.Click(css(`button[name="nav"][value="next"]`)),
		chromedp.WaitVisible(css(`form.survey[action$="/page/2"]`)),
		chromedp.Click(css(`fieldset.question:nth-of-type(1) .choice:nth-of-type(2)`)),
		chromedp.WaitVisible(css(`fieldset.question:nth-of-type(1) .save-status.is-saved`)),
		svWaitSaved(),
	)

	// The tab is closed; the link is opened again: it resumes on page 2.
	b.run("leave and reopen the link",
		chromedp.Navigate("about:blank"),
		chromedp.Navigate(link),
		chromedp.WaitVisible(css(`form.survey[action$="/page/2"]`)),
	)
	if loc := btGet(b, "location", chromedp.Location()); !strings.HasSuffix(loc, "/page/2") {
		t.Errorf("reopened at %s", loc)
	}
	if !btGet(b, "page 2 answer", chromedp.Evaluate[bool](`document.querySelector('fieldset.question:nth-of-type(1) .choice:nth-of-type(2) input').checked`)) {
		t.Fatal("the answer on page 2 is gone after reopening the link")
	}
	// Back on page 1 and after a reload, what was saved there is shown.
	b.run("back to page 1 and reload",
		chromedp.Click(css(`button[name="nav"][value="prev"]`)),
		chromedp.WaitVisible(css(`form.survey[action$="/page/1"]`)),
		chromedp.Reload(),
		chromedp.WaitVisible(css(`form.survey[action$="/page/1"]`)),
	)
	checked := btGet(b, "option", chromedp.Evaluate[bool](`document.querySelector('fieldset.question:nth-of-type(1) .choice:nth-of-type(3) input').checked`))
	na := btGet(b, "N/A", chromedp.Evaluate[bool](`document.querySelector('fieldset.question:nth-of-type(2) .question-na input').checked`))
	comment := btGet(b, "comment", chromedp.Value(css(`fieldset.question:nth-of-type(2) textarea`)))
	if !checked || !na || comment != "We have no shared platform yet." {
		t.Fatalf("after reload: option checked %v, N/A %v, comment %q", checked, na, comment)
	}

	// Finish every page: answer what is unanswered, wait for the saves, next.
	// Optional questions (the measures of developer-experience) stay blank.
	const answerRest = `(() => {
		for (const f of document.querySelectorAll('fieldset.question:not([data-optional])')) {
			if (!f.querySelector('input:checked')) { f.querySelector('input[type=radio]').click(); }
		}
		return true;
	})()`
	var loc string
	for range 40 {
		loc = btGet(b, "location", chromedp.Location())
		if strings.HasSuffix(loc, "/review") {
			break
		}
		btGet(b, "answer the rest of "+loc, chromedp.Evaluate[bool](answerRest))
		b.run("next from "+loc,
			svWaitSaved(),
			chromedp.Click(css(`button[name="nav"][value="next"], button[name="nav"][value="review"]`)),
			chromedp.WaitNotPresent(css(fmt.Sprintf(`form.survey[action="%s"]`, strings.TrimPrefix(loc, base)))),
			chromedp.WaitReady(css(`main`)),
		)
	}
	if !strings.HasSuffix(loc, "/review") {
		t.Fatalf("never reached the review page; at %s", loc)
	}
	review := btGet(b, "review", chromedp.Text(css(`main`)))
	b.checkAxe("survey review")
	b.screenshot("survey-review")
	// The confirmation dialog is accepted, as the respondent would.
	btGet(b, "accept confirmations", chromedp.Evaluate[bool](`(() => { window.confirm = () => true; return true; })()`))
	b.run("submit",
		chromedp.Click(css(`form[action$="/submit"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`section.survey.is-readonly`)),
	)
	done := btGet(b, "done page", chromedp.Text(css(`main`)))
	b.checkAxe("survey after submission")
	b.screenshot("survey-done")
	b.checkQuiet("survey")
	if !strings.Contains(review, "All ") || !strings.Contains(done, "were submitted") {
		t.Errorf("review %q, done %q", review, done)
	}

	// The database agrees: one submitted response with every answer.
	sv, err := st.SurveyByToken(bg, strings.TrimPrefix(link, base+"/s/"))
	if err != nil {
		t.Fatal(err)
	}
	answers, err := st.Answers(bg, sv.ResponseID)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, q := range srv.Shipped {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				if qu.IsRequired() {
					total++
				}
			}
		}
	}
	if sv.Status != models.ResponseSubmitted || sv.SubmittedAt == nil || len(answers) != total {
		t.Errorf("stored: status %s, %d of %d answers", sv.Status, len(answers), total)
	}
	// Read-only afterwards: the pages send the respondent to the answers.
	b.run("after submission", chromedp.Navigate(link+"/page/1"), chromedp.WaitVisible(css(`section.survey.is-readonly`)))
}
