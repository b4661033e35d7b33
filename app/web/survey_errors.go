package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"

	"gapmap/app/apperr"
)

// Locals of an opened survey link, for its error pages.
const (
	keySurveyLang = "gapmap.survey.lang" // the survey's language
	keySurveyURL  = "gapmap.survey.url"  // the link's start page
)

// respondentError is an error of a survey or open-link page with the key
// of the catalog message that explains it to the respondent. It unwraps to
// the application error, which the API answers with as before.
type respondentError struct {
	key string
	err error
}

func (e *respondentError) Error() string { return e.err.Error() }
func (e *respondentError) Unwrap() error { return e.err }

// explain gives err the respondent's message key.
func explain(key string, err error) error {
	if err == nil {
		return nil
	}
	return &respondentError{key: key, err: err}
}

// respondentPage reports whether the request is for a page of the survey
// or of an open link, whose errors are shown in the respondent's language.
func respondentPage(c *fiber.Ctx) bool {
	p := c.Path()
	return strings.HasPrefix(p, "/s/") || strings.HasPrefix(p, "/j/")
}

// errorLanguage is the language of a respondent's error page: the
// survey's own when the link was opened, else the first of ?lang=, the
// link's language cookie and Accept-Language that the catalog serves, else
// English. An error page sets no cookie.
func (s *Server) errorLanguage(c *fiber.Ctx) string {
	if l, ok := c.Locals(keySurveyLang).(string); ok && l != "" {
		return l
	}
	offered := s.i18n.Languages()
	for _, v := range []string{c.Query("lang"), c.Cookies(langCookie)} {
		if tag, err := language.Parse(v); err == nil && v != "" {
			if l, ok := matchLanguage(offered, tag); ok {
				return l
			}
		}
	}
	if tags, _, err := language.ParseAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage)); err == nil && len(tags) > 0 {
		if l, ok := matchLanguage(offered, tags...); ok {
			return l
		}
	}
	return offered[0]
}

// renderRespondentError shows an error of a survey or open-link page in
// the survey layout and the respondent's language.
func (s *Server) renderRespondentError(c *fiber.Ctx, err error, ae *apperr.Error, status int) error {
	lang := s.errorLanguage(c)
	var msg string
	var re *respondentError
	switch {
	case errors.As(err, &re):
		msg = s.i18n.MustT(lang, re.key)
	case ae.Code == apperr.EUnavailable:
		msg = s.i18n.MustT(lang, "survey.error.unavailable")
	case status >= 500:
		msg = s.i18n.MustT(lang, "survey.error.internal", requestIDOf(c))
	case status == fiber.StatusNotFound:
		msg = s.i18n.MustT(lang, "survey.error.notfound")
	case status == fiber.StatusTooManyRequests:
		msg = s.i18n.MustT(lang, "survey.error.misses")
	default:
		msg = s.i18n.MustT(lang, "survey.error.rejected")
	}
	back, _ := c.Locals(keySurveyURL).(string)
	c.Status(status)
	return s.render(c, "survey/error", fiber.Map{
		"Title": s.i18n.MustT(lang, respondentErrorTitle(status)), "Status": status, "Message": msg, "Back": back,
		"Lang": lang, "Layout": surveyLayout,
	})
}

// respondentErrorTitle is the catalog key of an error page's heading.
func respondentErrorTitle(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "survey.error.title.notfound"
	case fiber.StatusTooManyRequests:
		return "survey.error.title.toomany"
	case fiber.StatusConflict:
		return "survey.error.title.conflict"
	case fiber.StatusGone:
		return "survey.error.title.gone"
	}
	if status >= 500 {
		return "survey.error.title.internal"
	}
	return "survey.error.title.rejected"
}
