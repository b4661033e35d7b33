package web

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"gapmap/app/apperr"
	"gapmap/app/i18n"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// surveyPageRef is one page of the survey: one dimension of one questionnaire.
type surveyPageRef struct {
	N int
	Q *questionnaires.Questionnaire
	D *questionnaires.Dimension
}

// keys lists the keys of the page's questions.
func (p surveyPageRef) keys() []string {
	out := make([]string, len(p.D.Questions))
	for i, qu := range p.D.Questions {
		out[i] = qu.Key
	}
	return out
}

// surveyCtx is an opened survey link with its pinned questionnaires.
type surveyCtx struct {
	token  string
	sv     *store.Survey
	qs     []*questionnaires.Questionnaire
	pages  []surveyPageRef
	pageOf map[string]int // "<questionnaire>/<dimension>" -> page number

	lang    string        // the language of the pages (survey_lang.go)
	offered []string      // the languages the round offers
	cat     *i18n.Catalog // the respondent interface's messages
}

// newSurveyCtx lays out the pages of a survey: one per dimension, in the
// order of the questionnaires.
func newSurveyCtx(token string, sv *store.Survey, qs []*questionnaires.Questionnaire) *surveyCtx {
	l := newPageLayout(qs)
	return &surveyCtx{token: token, sv: sv, qs: qs, pages: l.pages, pageOf: l.pageOf}
}

// pageLayout is the pages of a survey: read only once built.
type pageLayout struct {
	pages  []surveyPageRef
	pageOf map[string]int
}

func newPageLayout(qs []*questionnaires.Questionnaire) *pageLayout {
	l := &pageLayout{pageOf: map[string]int{}}
	for _, q := range qs {
		for i := range q.Dimensions {
			d := &q.Dimensions[i]
			n := len(l.pages) + 1
			l.pages = append(l.pages, surveyPageRef{N: n, Q: q, D: d})
			l.pageOf[q.Key+"/"+d.Key] = n
		}
	}
	return l
}

// pinnedSurveyCtx is newSurveyCtx of the store's definitions of pins
// (qs, as pinnedQuestionnaires returns them), with the layout built once
// per set of pinned versions: autosaves lay out no pages.
func (s *Server) pinnedSurveyCtx(token string, sv *store.Survey, pins []store.RoundQuestionnaire, qs []*questionnaires.Questionnaire) *surveyCtx {
	key := make([]byte, 0, 8*len(pins))
	for _, p := range pins {
		key = strconv.AppendInt(append(key, ','), p.VersionID, 10)
	}
	l, ok := s.layouts.Load(string(key))
	if !ok {
		l, _ = s.layouts.LoadOrStore(string(key), newPageLayout(qs))
	}
	lay := l.(*pageLayout)
	return &surveyCtx{token: token, sv: sv, qs: qs, pages: lay.pages, pageOf: lay.pageOf}
}

func (sc *surveyCtx) questionnaire(key string) *questionnaires.Questionnaire {
	for _, q := range sc.qs {
		if q.Key == key {
			return q
		}
	}
	return nil
}

// total counts the questions a respondent must answer: every scored
// question, and the nps, number and text questions marked required.
func (sc *surveyCtx) total() int {
	n := 0
	for _, p := range sc.pages {
		for i := range p.D.Questions {
			if p.D.Questions[i].IsRequired() {
				n++
			}
		}
	}
	return n
}

// required lists the questions that must be answered (or marked not
// applicable) before submitting, in survey order.
func (sc *surveyCtx) required() []store.QuestionRef {
	return sc.questionRefs(true)
}

// questionRefs lists the round's questions in survey order: all of them,
// or only the required ones.
func (sc *surveyCtx) questionRefs(requiredOnly bool) []store.QuestionRef {
	out := make([]store.QuestionRef, 0, sc.total())
	for _, p := range sc.pages {
		for i := range p.D.Questions {
			if qu := &p.D.Questions[i]; !requiredOnly || qu.IsRequired() {
				out = append(out, store.QuestionRef{Questionnaire: p.Q.Key, Question: qu.Key})
			}
		}
	}
	return out
}

// pinnedQuestionnaires returns the parsed definitions of a round's pinned
// versions (cached by the store: versions never change).
func (s *Server) pinnedQuestionnaires(ctx context.Context, rqs []store.RoundQuestionnaire) ([]*questionnaires.Questionnaire, error) {
	out := make([]*questionnaires.Questionnaire, 0, len(rqs))
	for _, rq := range rqs {
		q, err := s.store.Definition(ctx, rq.VersionID)
		if err != nil {
			return nil, fmt.Errorf("load questionnaire %s: %w", rq.Key, err)
		}
		out = append(out, q)
	}
	return out, nil
}

// openSurvey resolves the token of a /s/ or /api/v1/survey/ request.
func (s *Server) openSurvey(c *fiber.Ctx) (*surveyCtx, error) {
	ip := c.IP()
	if s.surveyMisses.blocked(ip, time.Now()) {
		c.Set(fiber.HeaderRetryAfter, "60")
		return nil, explain("survey.error.misses", apperr.Errorf(apperr.ERateLimited, "Too many invalid survey links from your network. Wait a minute and try again."))
	}
	token := utils.CopyString(c.Params("token"))
	sv, err := s.store.SurveyByToken(c.UserContext(), token)
	if err != nil {
		if apperr.Code(err) == apperr.ENotFound {
			s.surveyMisses.miss(ip, time.Now())
			return nil, explain("survey.error.link", err)
		}
		return nil, err
	}
	qs, err := s.pinnedQuestionnaires(c.UserContext(), sv.Questionnaires)
	if err != nil {
		return nil, err
	}
	lang, offered, qs := s.localizeSurvey(c, token, qs)
	sc := newSurveyCtx(token, sv, qs)
	sc.lang, sc.offered, sc.cat = lang, offered, s.i18n
	c.Locals(keySurveyLang, lang)
	c.Locals(keySurveyURL, sc.url(""))
	return sc, nil
}

// stateError explains why a survey cannot change, or returns nil.
func stateError(sv *store.Survey) error {
	switch {
	case sv.Status == models.ResponseSubmitted:
		return apperr.Errorf(apperr.EConflict, "This response has been submitted and can no longer be changed.")
	case sv.AssessmentStatus != models.AssessmentOpen:
		return apperr.Errorf(apperr.EConflict, "This round is closed: answers can no longer be changed.")
	}
	return nil
}

// answerBody is the JSON of PUT /api/v1/survey/{token}/answers.
type answerBody struct {
	Questionnaire string        `json:"questionnaire"`
	Question      string        `json:"question"`
	Option        *string       `json:"option"`
	Value         *float64      `json:"value"`
	Text          *string       `json:"text"`
	NA            *bool         `json:"na"`
	Comment       *string       `json:"comment"`
	Evidence      *evidenceJSON `json:"evidence"`
	Revision      *int64        `json:"revision"`
}

// validate checks an answer against the pinned questionnaires and returns
// the write to store and the page of the question.
func (sc *surveyCtx) validate(b answerBody) (w store.AnswerWrite, page int, err error) {
	if b.Questionnaire == "" {
		return w, 0, apperr.Field("questionnaire", "questionnaire is required: the key of a questionnaire of this survey.")
	}
	q := sc.questionnaire(b.Questionnaire)
	if q == nil {
		return w, 0, apperr.Field("questionnaire", "questionnaire %q is not part of this survey.", clip(b.Questionnaire))
	}
	if b.Question == "" {
		return w, 0, apperr.Field("question", "question is required: the key of a question of %q.", q.Key)
	}
	d, qu, ok := q.Question(b.Question)
	if !ok {
		return w, 0, apperr.Field("question", "question %q is not a question of %q.", clip(b.Question), q.Key)
	}
	w = store.AnswerWrite{Questionnaire: q.Key, Question: qu.Key, Comment: b.Comment, Revision: b.Revision}
	if w.Evidence, err = checkEvidence(b.Evidence, sc.sv.Anonymous()); err != nil {
		return w, 0, err
	}
	na := b.NA != nil && *b.NA
	if err := validateMeasure(&w, qu, b, na); err != errScored {
		if err != nil {
			return w, 0, err
		}
		return w, sc.pageOf[q.Key+"/"+d.Key], checkTail(b)
	}
	switch {
	case b.Text != nil:
		return w, 0, apperr.Field("text", "%q is not a text question: send an option or a value.", qu.Key)
	case b.NA != nil && !*b.NA && b.Option == nil && b.Value == nil:
		return w, 0, apperr.Field("na", "na may only be true; send an option or a value to answer the question instead.")
	case na && (b.Option != nil || b.Value != nil):
		return w, 0, apperr.Field("na", "na cannot be combined with an option or a value: send one of them.")
	case b.Option != nil && b.Value != nil:
		return w, 0, apperr.Field("value", "Send either an option or a value, not both.")
	case na:
		w.NA = true
	case q.Scale == questionnaires.ScaleLikert:
		if b.Option != nil {
			return w, 0, apperr.Field("option", "%q is a statement on a 1-5 scale: send value, not option.", qu.Key)
		}
		if b.Value == nil {
			return w, 0, apperr.Field("value", "value is required: 1 (strongly disagree) to 5 (strongly agree), or na: true.")
		}
		if *b.Value < 1 || *b.Value > 5 || *b.Value != math.Trunc(*b.Value) {
			return w, 0, apperr.Field("value", "value must be a whole number from 1 to 5, not %s.", formatNumber(*b.Value))
		}
		v := int(*b.Value)
		w.Value = &v
	default:
		if b.Value != nil {
			return w, 0, apperr.Field("value", "%q is answered with an option: send option, not value.", qu.Key)
		}
		if b.Option == nil {
			return w, 0, apperr.Field("option", "option is required: the key of one of the question's options, or na: true.")
		}
		o, ok := qu.Option(*b.Option)
		if !ok {
			return w, 0, apperr.Field("option", "option %q is not an option of question %q.", clip(*b.Option), qu.Key)
		}
		key, level := o.Key, o.Level
		w.Option, w.Level = &key, &level
	}
	return w, sc.pageOf[q.Key+"/"+d.Key], checkTail(b)
}

// checkTail checks the parts every answer may carry: comment and revision.
func checkTail(b answerBody) error {
	if b.Comment != nil {
		if err := checkComment(*b.Comment); err != nil {
			return err
		}
	}
	if b.Revision != nil && *b.Revision < 0 {
		return apperr.Field("revision", "revision must be zero or more.")
	}
	return nil
}

func checkComment(c string) error {
	if len(c) > store.MaxCommentBytes {
		return apperr.Field("comment", "The comment is %d bytes long; at most %d bytes (4 KiB) are allowed.", len(c), store.MaxCommentBytes)
	}
	if !utf8.ValidString(c) || strings.ContainsRune(c, 0) {
		return apperr.Field("comment", "The comment contains invalid characters.")
	}
	return nil
}

// clip shortens user input echoed in error messages.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

func answerIndex(answers []models.Answer) map[store.QuestionRef]models.Answer {
	m := make(map[store.QuestionRef]models.Answer, len(answers))
	for _, a := range answers {
		m[store.QuestionRef{Questionnaire: a.QuestionnaireKey, Question: a.QuestionKey}] = a
	}
	return m
}
