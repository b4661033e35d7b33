package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/models"
)

// surveyStart answers GET /s/{token}: the introduction on the first visit,
// the page where the respondent left off later, the read-only answers once
// submitted or closed.
func (s *Server) surveyStart(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	if !sc.sv.Editable() {
		return s.renderSurveyDone(c, sc, nil)
	}
	switch page := sc.sv.Page; {
	case page == "review":
		return c.Redirect(sc.url("/review"), fiber.StatusSeeOther)
	case page != "":
		if n, err := strconv.Atoi(page); err == nil && n >= 1 && n <= len(sc.pages) {
			return c.Redirect(sc.url("/page/"+page), fiber.StatusSeeOther)
		}
	}
	return s.renderSurveyIntro(c, sc)
}

// surveyIntro answers GET /s/{token}/intro.
func (s *Server) surveyIntro(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	if !sc.sv.Editable() {
		return c.Redirect(sc.url(""), fiber.StatusSeeOther)
	}
	return s.renderSurveyIntro(c, sc)
}

func (s *Server) renderSurveyIntro(c *fiber.Ctx, sc *surveyCtx) error {
	return s.renderSurveyCached(c, sc, func() (string, viewModel, error) {
		answers, err := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
		if err != nil {
			return "", nil, err
		}
		v := surveyIntroView{
			surveyView: sc.view(sc.sv.AssessmentName, answers, 0),
			Resume:     sc.url(sc.resumePath()),
			Started:    len(answers) > 0,
		}
		return "survey/intro", &v, nil
	})
}

// openSurveyPage resolves the token and the page number (:n) of a request.
func (s *Server) openSurveyPage(c *fiber.Ctx) (*surveyCtx, int, error) {
	sc, err := s.openSurvey(c)
	if err != nil {
		return nil, 0, err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 || n > len(sc.pages) {
		return nil, 0, explain("survey.error.page", apperr.Errorf(apperr.ENotFound, "This survey has no such page."))
	}
	return sc, n, nil
}

// surveyPage answers GET /s/{token}/page/{n}.
func (s *Server) surveyPage(c *fiber.Ctx) error {
	sc, n, err := s.openSurveyPage(c)
	if err != nil {
		return err
	}
	if !sc.sv.Editable() {
		return c.Redirect(sc.url(""), fiber.StatusSeeOther)
	}
	return s.renderSurveyCached(c, sc, func() (string, viewModel, error) {
		answers, err := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
		if err != nil {
			return "", nil, err
		}
		v := sc.pageFormView(answers, n, nil, "")
		return "survey/page", &v, nil
	})
}

// surveySavePage answers POST /s/{token}/page/{n}: the form of a page
// without JavaScript (and its "next" with JavaScript). It saves every
// changed answer of the page in one transaction and moves on.
func (s *Server) surveySavePage(c *fiber.Ctx) error {
	sc, n, err := s.openSurveyPage(c)
	if err != nil {
		return err
	}
	if err := stateError(sc.sv); err != nil {
		c.Status(fiber.StatusConflict)
		return s.renderSurveyDone(c, sc, err)
	}
	form := pageForm{nav: c.FormValue("nav"), value: func(name string) string { return c.FormValue(name) }}
	if r, err := strconv.ParseInt(c.FormValue("revision"), 10, 64); err == nil && r >= 0 {
		form.revision = &r
	}
	stored, err := s.store.AnswersOf(c.UserContext(), sc.sv.ResponseID, sc.pages[n-1].Q.Key, sc.pages[n-1].keys())
	if err != nil {
		return err
	}
	plan := sc.planPage(n, form, stored)
	res, err := s.store.SaveAnswers(c.UserContext(), sc.sv.ResponseID, plan.writes, plan.resume)
	if err != nil {
		if apperr.Code(err) == apperr.EConflict {
			c.Status(fiber.StatusConflict)
			return s.renderSurveyDone(c, sc, err)
		}
		return err
	}
	s.metrics.AnswersSaved(len(plan.writes) - len(res.Conflicts))
	status, alert := plan.settle(res.Conflicts)
	if status == fiber.StatusSeeOther {
		return c.Redirect(sc.url(plan.dest), fiber.StatusSeeOther)
	}
	sc.sv.Revision = res.Revision
	answers, err := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if err != nil {
		return err
	}
	c.Status(status)
	v := sc.pageFormView(answers, n, plan.posted, alert)
	return s.renderView(c, "survey/page", surveyLayout, &v)
}

// surveyReview answers GET /s/{token}/review: what is unanswered, and submit.
func (s *Server) surveyReview(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	if !sc.sv.Editable() {
		return c.Redirect(sc.url(""), fiber.StatusSeeOther)
	}
	return s.renderSurveyCached(c, sc, func() (string, viewModel, error) {
		v, err := s.surveyReviewView(c, sc, nil)
		return "survey/review", v, err
	})
}

func (s *Server) renderSurveyReview(c *fiber.Ctx, sc *surveyCtx, err error) error {
	v, verr := s.surveyReviewView(c, sc, err)
	if verr != nil {
		return verr
	}
	return s.renderView(c, "survey/review", surveyLayout, v)
}

// surveyReviewView is the review page; err, when set, explains a refused
// submission.
func (s *Server) surveyReviewView(c *fiber.Ctx, sc *surveyCtx, err error) (*surveyReviewView, error) {
	answers, aerr := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if aerr != nil {
		return nil, aerr
	}
	v := surveyReviewView{surveyView: sc.view(sc.t("survey.review.page", sc.sv.AssessmentName), answers, len(sc.pages)+1)}
	v.Unanswered = v.Answered < v.Total
	v.Alert = sc.stateAlert(err)
	return &v, nil
}

// surveySubmitForm answers POST /s/{token}/submit (the review page's form).
func (s *Server) surveySubmitForm(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	if sc.sv.Status == models.ResponseSubmitted {
		return c.Redirect(sc.url(""), fiber.StatusSeeOther)
	}
	if _, err := s.submit(c, sc); err != nil {
		switch apperr.Code(err) {
		case apperr.EInvalid:
			c.Status(fiber.StatusUnprocessableEntity)
			return s.renderSurveyReview(c, sc, err)
		case apperr.EConflict:
			c.Status(fiber.StatusConflict)
			return s.renderSurveyDone(c, sc, err)
		}
		return err
	}
	return s.redirectFlash(c, sc.url(""), "success", sc.t("survey.flash.submitted"))
}

// renderSurveyDone shows the answers read-only: after submission, or when
// the round closed first. err, when set, explains a refused change.
func (s *Server) renderSurveyDone(c *fiber.Ctx, sc *surveyCtx, err error) error {
	if err != nil {
		if fresh, ferr := s.store.SurveyByToken(c.UserContext(), sc.token); ferr == nil {
			sc.sv = fresh
		}
	}
	answers, aerr := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if aerr != nil {
		return aerr
	}
	v := surveyDoneView{
		surveyView: sc.view(sc.t("survey.done.page", sc.sv.AssessmentName), answers, 0),
		Submitted:  sc.sv.Status == models.ResponseSubmitted,
	}
	v.Alert = sc.stateAlert(err)
	if v.Submitted {
		_, res, rerr := s.surveyResults(c, sc.sv)
		if rerr != nil {
			return rerr
		}
		v.Results = sc.localizeResults(res)
	}
	return s.renderView(c, "survey/done", surveyLayout, &v)
}
