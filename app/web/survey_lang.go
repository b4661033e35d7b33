package web

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"gapmap/app/apperr"
	"gapmap/app/i18n"
	"gapmap/questionnaires"
)

// langCookie remembers the language a respondent chose with ?lang= for one
// survey link (the cookie's path is the link's).
const langCookie = "gapmap_lang"

// langLink is one entry of the survey's language picker.
type langLink struct {
	Tag, Name, Href string
	Current         bool
}

// offeredLanguages lists the languages of a round's questionnaires: the
// first questionnaire's source language first (the default), then every
// other language any of them offers.
func offeredLanguages(qs []*questionnaires.Questionnaire) []string {
	var out []string
	for _, q := range qs {
		for _, l := range q.Languages() {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	if len(out) == 0 {
		out = []string{questionnaires.DefaultLanguage}
	}
	return out
}

// matchLanguage returns the offered language that best serves the
// requested tags, and whether any does.
func matchLanguage(offered []string, want ...language.Tag) (string, bool) {
	tags := make([]language.Tag, 0, len(offered))
	for _, l := range offered {
		tags = append(tags, language.Make(l))
	}
	_, i, conf := language.NewMatcher(tags).Match(want...)
	if conf == language.No {
		return offered[0], false
	}
	return offered[i], true
}

// respondentLanguage picks the language of a survey page: ?lang= (then
// remembered in a cookie for this link), else the remembered choice, else
// the browser's Accept-Language, else the first questionnaire's language.
func (s *Server) respondentLanguage(c *fiber.Ctx, cookiePath string, offered []string) string {
	if q := c.Query("lang"); q != "" {
		if tag, err := language.Parse(q); err == nil {
			if l, ok := matchLanguage(offered, tag); ok {
				c.Cookie(&fiber.Cookie{Name: langCookie, Value: l, Path: cookiePath, MaxAge: int((90 * 24 * time.Hour).Seconds()),
					HTTPOnly: true, Secure: s.cfg.Secure(), SameSite: fiber.CookieSameSiteLaxMode})
				return l
			}
		}
	}
	if ck := c.Cookies(langCookie); ck != "" && slices.Contains(offered, ck) {
		return ck
	}
	if tags, _, err := language.ParseAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage)); err == nil && len(tags) > 0 {
		if l, ok := matchLanguage(offered, tags...); ok {
			return l
		}
	}
	return offered[0]
}

// localizeSurvey chooses the language of a survey page and puts the
// round's questionnaires into it. API requests keep the source texts.
func (s *Server) localizeSurvey(c *fiber.Ctx, token string, qs []*questionnaires.Questionnaire) (string, []string, []*questionnaires.Questionnaire) {
	if !strings.HasPrefix(c.Path(), "/s/") {
		return questionnaires.DefaultLanguage, nil, qs
	}
	offered := offeredLanguages(qs)
	lang := s.respondentLanguage(c, "/s/"+token, offered)
	out := make([]*questionnaires.Questionnaire, len(qs))
	for i, q := range qs {
		out[i] = q.Localized(lang)
	}
	return lang, offered, out
}

// t is a message of the respondent interface in the survey's language.
func (sc *surveyCtx) t(key string, args ...any) string {
	if sc.cat == nil { // a context built by hand, in tests
		sc.cat, _ = i18n.New()
	}
	return sc.cat.MustT(sc.lang, key, args...)
}

// languageLinks is the picker of a survey page at path: nil when the round
// offers one language.
func (sc *surveyCtx) languageLinks(path string) []langLink {
	if len(sc.offered) < 2 {
		return nil
	}
	out := make([]langLink, 0, len(sc.offered))
	for _, l := range sc.offered {
		tag := language.Make(l)
		name := display.Self.Name(tag)
		if name == "" {
			name = l
		}
		out = append(out, langLink{Tag: l, Name: name, Href: path + "?lang=" + url.QueryEscape(l), Current: l == sc.lang})
	}
	return out
}

// pagePath is the address of the page that shows current (0: the
// introduction, or the answers once the survey cannot change; the page
// count + 1: the review), where the language picker leads.
func (sc *surveyCtx) pagePath(current int) string {
	switch {
	case current == 0 && sc.sv.Editable():
		return sc.url("/intro")
	case current == 0:
		return sc.url("")
	case current > len(sc.pages):
		return sc.url("/review")
	}
	return sc.url("/page/" + strconv.Itoa(current))
}

// scriptMessages are the survey script's texts in the survey's language,
// keyed without their "js." prefix; nil in English, the script's own.
func (sc *surveyCtx) scriptMessages() map[string]string {
	if sc.cat == nil || sc.cat.Interface(sc.lang) == i18n.English {
		return nil
	}
	out := map[string]string{}
	for k, v := range sc.cat.Messages(sc.lang, "js.") {
		out[strings.TrimPrefix(k, "js.")] = v
	}
	return out
}

// answerError is the message shown next to a question whose posted answer
// was refused. English pages show the validator's own words; other
// languages a message of the catalog chosen by the field at fault.
func (sc *surveyCtx) answerError(err error, qu *questionnaires.Question) string {
	ae, _ := apperr.As(err)
	if ae == nil {
		return sc.t("survey.err.option")
	}
	if sc.cat.Interface(sc.lang) == i18n.English {
		return ae.Message
	}
	switch ae.Field {
	case "comment":
		return sc.t("survey.err.long")
	case "text":
		return sc.t("survey.err.text")
	case "value":
		if lo, hi, ok := qu.Bounds(); ok {
			return sc.t("survey.err.range", formatNumber(lo), formatNumber(hi))
		}
	}
	return sc.t("survey.err.option")
}

// stateAlert is the message of a refused change on a page: why the
// survey can no longer change, or why it cannot be submitted yet.
func (sc *surveyCtx) stateAlert(err error) string {
	ae, ok := apperr.As(err)
	if !ok {
		return ""
	}
	if sc.cat.Interface(sc.lang) == i18n.English {
		return ae.Message
	}
	switch {
	case ae.Code == apperr.EInvalid:
		return sc.t("survey.err.incomplete")
	case sc.sv.Status == "submitted":
		return sc.t("survey.err.submitted")
	}
	return sc.t("survey.err.closed")
}

// localizeResults gives a respondent's results the titles and level names
// of the survey's language, and says why a team is withheld in it. The
// results are copied: they are shared.
func (sc *surveyCtx) localizeResults(res []surveyTeamResults) []surveyTeamResults {
	out := slices.Clone(res)
	for i := range out {
		if out[i].Withheld != "" && out[i].Team != nil && sc.cat.Interface(sc.lang) != i18n.English {
			out[i].Withheld = sc.t("survey.done.notenough", out[i].Team.Respondents, sc.sv.MinGroup)
		}
		q := sc.questionnaire(out[i].Key)
		if q == nil || q.Lang() == q.SourceLanguage() {
			continue
		}
		r := &out[i]
		r.Title = q.Title
		r.LevelNames = make(map[int]string, len(q.Levels))
		for _, l := range q.Levels {
			r.LevelNames[l.Level] = l.Name
		}
		r.Organization.Dimensions = slices.Clone(r.Organization.Dimensions)
		for j := range r.Organization.Dimensions {
			d := &r.Organization.Dimensions[j]
			if qd, ok := q.Dimension(d.Key); ok {
				d.Title = qd.Title
			}
			if d.Level != nil {
				name := q.LevelName(*d.Level)
				d.LevelName = &name
			}
		}
	}
	return out
}

// i18nFuncs are the template functions of the respondent interface: t (a
// message), th (a message with markup, its arguments escaped) and when (a
// submission time: the day in an anonymous round, else the local time).
func i18nFuncs(cat *i18n.Catalog) template.FuncMap {
	localtime := templateFuncs()["localtime"].(func(any) template.HTML)
	return template.FuncMap{
		"t":  cat.T,
		"th": cat.HTML,
		"when": func(anonymous bool, t *time.Time) template.HTML {
			if anonymous {
				return template.HTML(template.HTMLEscapeString(t.UTC().Format("2006-01-02"))) //nolint:gosec // escaped
			}
			return localtime(t)
		},
	}
}
