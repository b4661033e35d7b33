package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// maxAnswerBody is the largest body of one answer write: a 4 KiB comment
// escaped as JSON fits with room to spare.
const maxAnswerBody = 32 << 10

// secondsPerQuestion is the time estimate shown on the introduction.
const secondsPerQuestion = 20

// surveyHeaders keeps survey tokens out of Referer headers and caches. It
// is mounted on the prefixes /s and /api/v1/survey, which fiber matches as
// plain string prefixes (/s also matches /signup and /static), so it checks
// the path itself.
func (s *Server) surveyHeaders(c *fiber.Ctx) error {
	if p := c.Path(); strings.HasPrefix(p, "/s/") || strings.HasPrefix(p, "/api/v1/survey/") {
		c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return c.Next()
}

// missLimiter counts requests with unknown survey tokens per client IP in
// fixed windows. Only misses count, and a client over the limit is refused
// before its token is looked up, so guessing stays slow while respondents
// behind one address are never limited by their own successful requests.
type missLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*missWindow
}

type missWindow struct {
	start time.Time
	n     int
}

func newMissLimiter(max int, window time.Duration) *missLimiter {
	return &missLimiter{max: max, window: window, hits: map[string]*missWindow{}}
}

func (m *missLimiter) blocked(key string, now time.Time) bool {
	if m == nil || m.max <= 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.hits[key]
	return w != nil && now.Sub(w.start) < m.window && w.n >= m.max
}

func (m *missLimiter) miss(key string, now time.Time) {
	if m == nil || m.max <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.hits[key]
	if w == nil || now.Sub(w.start) >= m.window {
		if len(m.hits) > 10000 {
			for k, old := range m.hits {
				if now.Sub(old.start) >= m.window {
					delete(m.hits, k)
				}
			}
		}
		w = &missWindow{start: now}
		m.hits[utils.CopyString(key)] = w
	}
	w.n++
}

// surveyPageRef is one page of the survey: one dimension of one questionnaire.
type surveyPageRef struct {
	N int
	Q *questionnaires.Questionnaire
	D *questionnaires.Dimension
}

// surveyCtx is an opened survey link with its pinned questionnaires.
type surveyCtx struct {
	token  string
	sv     *store.Survey
	qs     []*questionnaires.Questionnaire
	pages  []surveyPageRef
	pageOf map[string]int // "<questionnaire>/<dimension>" -> page number
}

func (sc *surveyCtx) questionnaire(key string) *questionnaires.Questionnaire {
	for _, q := range sc.qs {
		if q.Key == key {
			return q
		}
	}
	return nil
}

func (sc *surveyCtx) total() int {
	n := 0
	for _, q := range sc.qs {
		n += q.QuestionCount()
	}
	return n
}

// required lists every question of the round in survey order.
func (sc *surveyCtx) required() []store.QuestionRef {
	out := make([]store.QuestionRef, 0, sc.total())
	for _, p := range sc.pages {
		for _, qu := range p.D.Questions {
			out = append(out, store.QuestionRef{Questionnaire: p.Q.Key, Question: qu.Key})
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

// encodedQuestionnaire is the JSON of a pinned version, encoded once.
func (s *Server) encodedQuestionnaire(versionID int64, q *questionnaires.Questionnaire) (json.RawMessage, error) {
	if v, ok := s.encoded.Load(versionID); ok {
		return v.(json.RawMessage), nil
	}
	js, err := json.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("encode questionnaire %s: %w", q.Key, err)
	}
	s.encoded.Store(versionID, json.RawMessage(js))
	return js, nil
}

// openSurvey resolves the token of a /s/ or /api/v1/survey/ request.
func (s *Server) openSurvey(c *fiber.Ctx) (*surveyCtx, error) {
	ip := c.IP()
	if s.surveyMisses.blocked(ip, time.Now()) {
		c.Set(fiber.HeaderRetryAfter, "60")
		return nil, apperr.Errorf(apperr.ERateLimited, "Too many invalid survey links from your network. Wait a minute and try again.")
	}
	token := utils.CopyString(c.Params("token"))
	sv, err := s.store.SurveyByToken(c.UserContext(), token)
	if err != nil {
		if apperr.Code(err) == apperr.ENotFound {
			s.surveyMisses.miss(ip, time.Now())
		}
		return nil, err
	}
	qs, err := s.pinnedQuestionnaires(c.UserContext(), sv.Questionnaires)
	if err != nil {
		return nil, err
	}
	sc := &surveyCtx{token: token, sv: sv, qs: qs, pageOf: map[string]int{}}
	for _, q := range qs {
		for i := range q.Dimensions {
			d := &q.Dimensions[i]
			n := len(sc.pages) + 1
			sc.pages = append(sc.pages, surveyPageRef{N: n, Q: q, D: d})
			sc.pageOf[q.Key+"/"+d.Key] = n
		}
	}
	return sc, nil
}

// stateError explains why a survey cannot change, or returns nil.
func stateError(sv *store.Survey) error {
	switch {
	case sv.Status == models.ResponseSubmitted:
		return apperr.Errorf(apperr.EConflict, "This response has been submitted and can no longer be changed.")
	case sv.AssessmentStatus != models.AssessmentOpen:
		return apperr.Errorf(apperr.EConflict, "This assessment round is closed: answers can no longer be changed.")
	}
	return nil
}

// answerBody is the JSON of PUT /api/v1/survey/{token}/answers.
type answerBody struct {
	Questionnaire string  `json:"questionnaire"`
	Question      string  `json:"question"`
	Option        *string `json:"option"`
	Value         *int    `json:"value"`
	NA            *bool   `json:"na"`
	Comment       *string `json:"comment"`
	Revision      *int64  `json:"revision"`
}

// validate checks an answer against the pinned questionnaires and returns
// the write to store and the page of the question.
func (sc *surveyCtx) validate(b answerBody) (store.AnswerWrite, int, error) {
	var w store.AnswerWrite
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
	na := b.NA != nil && *b.NA
	switch {
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
		if *b.Value < 1 || *b.Value > 5 {
			return w, 0, apperr.Field("value", "value must be from 1 to 5, not %d.", *b.Value)
		}
		v := *b.Value
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
	if b.Comment != nil {
		if err := checkComment(*b.Comment); err != nil {
			return w, 0, err
		}
	}
	if b.Revision != nil && *b.Revision < 0 {
		return w, 0, apperr.Field("revision", "revision must be zero or more.")
	}
	return w, sc.pageOf[q.Key+"/"+d.Key], nil
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

// answerJSON is one answer in the survey API.
type answerJSON struct {
	Questionnaire string  `json:"questionnaire"`
	Question      string  `json:"question"`
	Option        *string `json:"option,omitempty"`
	Value         *int    `json:"value,omitempty"`
	NA            bool    `json:"na,omitempty"`
	Comment       string  `json:"comment"`
	Revision      int64   `json:"revision"`
}

func toAnswerJSON(a models.Answer) answerJSON {
	out := answerJSON{Questionnaire: a.QuestionnaireKey, Question: a.QuestionKey, NA: a.NA, Comment: a.Comment, Revision: a.Revision}
	if !a.NA {
		out.Option, out.Value = a.OptionKey, a.Value
	}
	return out
}

// apiSurvey answers GET /api/v1/survey/{token}.
func (s *Server) apiSurvey(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	answers, err := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if err != nil {
		return err
	}
	byKey := answerIndex(answers)
	out := make([]answerJSON, 0, len(answers))
	for _, ref := range sc.required() {
		if a, ok := byKey[ref]; ok {
			out = append(out, toAnswerJSON(a))
		}
	}
	sv := sc.sv
	qs := make([]json.RawMessage, len(sc.qs))
	for i, q := range sc.qs {
		if qs[i], err = s.encodedQuestionnaire(sv.Questionnaires[i].VersionID, q); err != nil {
			return err
		}
	}
	var due *string
	if sv.Due != nil {
		d := sv.Due.UTC().Format(time.DateOnly)
		due = &d
	}
	return c.JSON(fiber.Map{
		"assessment":     fiber.Map{"id": sv.AssessmentID, "name": sv.AssessmentName, "status": sv.AssessmentStatus, "due": due},
		"team":           fiber.Map{"id": sv.TeamID, "name": sv.TeamName},
		"questionnaires": qs,
		"answers":        out,
		"revision":       sv.Revision,
		"status":         sv.Status,
		"page":           sv.Page,
		"submitted_at":   sv.SubmittedAt,
		"total":          sc.total(),
	})
}

func answerIndex(answers []models.Answer) map[store.QuestionRef]models.Answer {
	m := make(map[store.QuestionRef]models.Answer, len(answers))
	for _, a := range answers {
		m[store.QuestionRef{Questionnaire: a.QuestionnaireKey, Question: a.QuestionKey}] = a
	}
	return m
}

// apiSaveAnswer answers PUT /api/v1/survey/{token}/answers.
func (s *Server) apiSaveAnswer(c *fiber.Ctx) error {
	if len(c.Body()) > maxAnswerBody {
		return apperr.Errorf(apperr.ETooLarge, "The request body is larger than %d bytes.", maxAnswerBody)
	}
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	var b answerBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if err := stateError(sc.sv); err != nil {
		return err
	}
	w, page, err := sc.validate(b)
	if err != nil {
		return err
	}
	res, err := s.store.SaveAnswers(c.UserContext(), sc.sv.ResponseID, []store.AnswerWrite{w}, strconv.Itoa(page))
	if err != nil {
		return err
	}
	if len(res.Conflicts) > 0 {
		return &apperr.Error{
			Code:    apperr.EConflict,
			Message: "This answer was changed in another window or on another device after you last saw it. The current answer is included; change it again if needed.",
			Details: map[string]any{"current": toAnswerJSON(res.Conflicts[0]), "revision": res.Revision},
		}
	}
	return c.JSON(fiber.Map{"revision": res.Revision})
}

// submit submits the response; the store enqueues the round's recompute.
func (s *Server) submit(c *fiber.Ctx, sc *surveyCtx) (*store.SubmitResult, error) {
	res, err := s.store.Submit(c.UserContext(), sc.sv.ResponseID, sc.required())
	if err != nil {
		return nil, err
	}
	return res, nil
}

// apiSubmit answers POST /api/v1/survey/{token}/submit.
func (s *Server) apiSubmit(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	res, err := s.submit(c, sc)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": models.ResponseSubmitted, "submitted_at": res.SubmittedAt})
}

// ---------------------------------------------------------------- pages

type choiceView struct {
	ID      string
	Value   string
	Level   string
	Label   string
	Checked bool
}

type questionView struct {
	QKey, Key          string
	ID, HelpID, InputN string
	CommentID          string
	Text, Help         string
	Scale              string
	Choices            []choiceView
	NA                 bool
	Comment            string
	Revision           int64
	Answered           bool
	Answer             string // the chosen answer in words (read-only views)
	Error              string
	Page               int
}

type pageView struct {
	N         int
	QTitle    string
	Title     string
	Desc      string
	Questions []questionView
	Answered  int
	Done      bool
	Current   bool
}

// views builds every page of the survey with the stored answers.
func (sc *surveyCtx) views(answers []models.Answer, current int) ([]pageView, int) {
	byKey := answerIndex(answers)
	pages := make([]pageView, 0, len(sc.pages))
	answered := 0
	for _, p := range sc.pages {
		pv := pageView{N: p.N, QTitle: p.Q.Title, Title: p.D.Title, Desc: p.D.Description, Current: p.N == current}
		for _, qu := range p.D.Questions {
			a, ok := byKey[store.QuestionRef{Questionnaire: p.Q.Key, Question: qu.Key}]
			v := newQuestionView(p, qu, a, ok)
			if ok {
				pv.Answered++
			}
			pv.Questions = append(pv.Questions, v)
		}
		pv.Done = pv.Answered == len(pv.Questions)
		answered += pv.Answered
		pages = append(pages, pv)
	}
	return pages, answered
}

func newQuestionView(p surveyPageRef, qu questionnaires.Question, a models.Answer, ok bool) questionView {
	base := p.Q.Key + "-" + qu.Key
	v := questionView{
		QKey: p.Q.Key, Key: qu.Key, ID: "q-" + base, HelpID: "h-" + base, CommentID: "c-" + base,
		InputN: p.Q.Key + ":" + qu.Key, Text: qu.Text, Help: qu.Help, Scale: p.Q.Scale, Page: p.N,
		Answered: ok, NA: ok && a.NA, Comment: a.Comment, Revision: a.Revision,
	}
	if ok && a.NA {
		v.Answer = "Not applicable"
	}
	if p.Q.Scale == questionnaires.ScaleLikert {
		for val := 1; val <= questionnaires.LikertPoints; val++ {
			label := questionnaires.LikertLabel(val)
			checked := ok && !a.NA && a.Value != nil && *a.Value == val
			if checked {
				v.Answer = label
			}
			v.Choices = append(v.Choices, choiceView{ID: fmt.Sprintf("%s-%d", v.ID, val), Value: strconv.Itoa(val), Label: label, Checked: checked})
		}
		return v
	}
	for _, o := range qu.Options {
		checked := ok && !a.NA && a.OptionKey != nil && *a.OptionKey == o.Key
		level := fmt.Sprintf("Level %d · %s", o.Level, p.Q.LevelName(o.Level))
		if checked {
			v.Answer = level + ": " + o.Label
		}
		v.Choices = append(v.Choices, choiceView{ID: v.ID + "-" + o.Key, Value: o.Key, Level: level, Label: o.Label, Checked: checked})
	}
	return v
}

func (s *Server) surveyURL(sc *surveyCtx, rest string) string {
	return "/s/" + sc.token + rest
}

// surveyData holds the keys every survey page uses.
func (s *Server) surveyData(sc *surveyCtx, answers []models.Answer, current int) fiber.Map {
	pages, answered := sc.views(answers, current)
	total := sc.total()
	pct := 0
	if total > 0 {
		pct = answered * 100 / total
	}
	return fiber.Map{
		"Layout":    "survey/layout",
		"Title":     sc.sv.AssessmentName,
		"Token":     sc.token,
		"Base":      s.surveyURL(sc, ""),
		"Survey":    sc.sv,
		"Qs":        sc.qs,
		"Pages":     pages,
		"PageCount": len(pages),
		"Answered":  answered,
		"Total":     total,
		"Pct":       pct,
		"Minutes":   (total*secondsPerQuestion + 59) / 60,
		"Editable":  sc.sv.Editable(),
		"Revision":  sc.sv.Revision,
	}
}

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
		return c.Redirect(s.surveyURL(sc, "/review"), fiber.StatusSeeOther)
	case page != "":
		if n, err := strconv.Atoi(page); err == nil && n >= 1 && n <= len(sc.pages) {
			return c.Redirect(s.surveyURL(sc, "/page/"+page), fiber.StatusSeeOther)
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
		return c.Redirect(s.surveyURL(sc, ""), fiber.StatusSeeOther)
	}
	return s.renderSurveyIntro(c, sc)
}

func (s *Server) renderSurveyIntro(c *fiber.Ctx, sc *surveyCtx) error {
	answers, err := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if err != nil {
		return err
	}
	data := s.surveyData(sc, answers, 0)
	resume := "/page/1"
	if n, err := strconv.Atoi(sc.sv.Page); err == nil && n >= 1 && n <= len(sc.pages) {
		resume = "/page/" + sc.sv.Page
	} else if sc.sv.Page == "review" {
		resume = "/review"
	}
	data["Resume"] = s.surveyURL(sc, resume)
	data["Started"] = len(answers) > 0
	return s.render(c, "survey/intro", data)
}

func pageNumber(c *fiber.Ctx, sc *surveyCtx) (int, error) {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 || n > len(sc.pages) {
		return 0, apperr.Errorf(apperr.ENotFound, "This survey has no such page.")
	}
	return n, nil
}

// surveyPage answers GET /s/{token}/page/{n}.
func (s *Server) surveyPage(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	n, err := pageNumber(c, sc)
	if err != nil {
		return err
	}
	if !sc.sv.Editable() {
		return c.Redirect(s.surveyURL(sc, ""), fiber.StatusSeeOther)
	}
	answers, err := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if err != nil {
		return err
	}
	return s.renderSurveyPage(c, sc, answers, n, nil, nil)
}

// formAnswer is what the form posted for a question that could not be saved.
type formAnswer struct {
	choice  string
	na      bool
	comment string
	err     string
}

func (s *Server) renderSurveyPage(c *fiber.Ctx, sc *surveyCtx, answers []models.Answer, n int, posted map[string]formAnswer, summary []string) error {
	data := s.surveyData(sc, answers, n)
	pages := data["Pages"].([]pageView)
	page := pages[n-1]
	for i := range page.Questions {
		qv := &page.Questions[i]
		f, ok := posted[qv.InputN]
		if !ok {
			continue
		}
		qv.Error, qv.Comment, qv.NA = f.err, f.comment, f.na
		for j := range qv.Choices {
			qv.Choices[j].Checked = !f.na && qv.Choices[j].Value == f.choice
		}
	}
	data["Page"] = page
	data["Title"] = page.Title + " · " + sc.sv.AssessmentName
	data["Last"] = n == len(pages)
	if len(summary) > 0 {
		data["Alert"] = strings.Join(summary, " ")
	}
	return s.render(c, "survey/page", data)
}

// surveySavePage answers POST /s/{token}/page/{n}: the form of a page
// without JavaScript (and its "next" with JavaScript). It saves every
// changed answer of the page in one transaction and moves on.
func (s *Server) surveySavePage(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	n, err := pageNumber(c, sc)
	if err != nil {
		return err
	}
	if err := stateError(sc.sv); err != nil {
		c.Status(fiber.StatusConflict)
		return s.renderSurveyDone(c, sc, err)
	}
	var rev *int64
	if r, err := strconv.ParseInt(c.FormValue("revision"), 10, 64); err == nil && r >= 0 {
		rev = &r
	}
	stored, err := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if err != nil {
		return err
	}
	have := answerIndex(stored)
	p := sc.pages[n-1]
	posted := map[string]formAnswer{}
	var writes []store.AnswerWrite
	for _, qu := range p.D.Questions {
		name := p.Q.Key + ":" + qu.Key
		f := formAnswer{choice: c.FormValue("answer:" + name), na: c.FormValue("na:"+name) != "", comment: strings.ReplaceAll(c.FormValue("comment:"+name), "\r\n", "\n")}
		comment := f.comment
		b := answerBody{Questionnaire: p.Q.Key, Question: qu.Key, Comment: &comment, Revision: rev}
		switch {
		case f.na:
			t := true
			b.NA = &t
		case f.choice != "" && p.Q.Scale == questionnaires.ScaleLikert:
			v, err := strconv.Atoi(f.choice)
			if err != nil {
				v = 0
			}
			b.Value = &v
		case f.choice != "":
			b.Option = &f.choice
		default:
			old, ok := have[store.QuestionRef{Questionnaire: p.Q.Key, Question: qu.Key}]
			if strings.TrimSpace(comment) != "" && (!ok || old.Comment != comment) {
				f.err = "Choose an answer or “Not applicable” to save your comment."
				posted[name] = f
			}
			continue
		}
		w, _, err := sc.validate(b)
		if err != nil {
			ae, _ := apperr.As(err)
			f.err = ae.Message
			posted[name] = f
			continue
		}
		writes = append(writes, w)
	}
	nav := c.FormValue("nav")
	dest, destPage := "", ""
	switch {
	case nav == "prev" && n == 1:
		dest = "/intro"
	case nav == "prev":
		dest, destPage = fmt.Sprintf("/page/%d", n-1), strconv.Itoa(n-1)
	case nav == "review" || n == len(sc.pages):
		dest, destPage = "/review", "review"
	default:
		dest, destPage = fmt.Sprintf("/page/%d", n+1), strconv.Itoa(n+1)
	}
	if len(posted) > 0 {
		destPage = strconv.Itoa(n)
	}
	res, err := s.store.SaveAnswers(c.UserContext(), sc.sv.ResponseID, writes, destPage)
	if err != nil {
		if apperr.Code(err) == apperr.EConflict {
			c.Status(fiber.StatusConflict)
			return s.renderSurveyDone(c, sc, err)
		}
		return err
	}
	var summary []string
	status := fiber.StatusUnprocessableEntity
	for _, a := range res.Conflicts {
		name := a.QuestionnaireKey + ":" + a.QuestionKey
		posted[name] = formAnswer{err: "This answer was changed in another window or on another device. The page now shows the saved answer; change it again if needed.",
			choice: choiceOf(a), na: a.NA, comment: a.Comment}
		status = fiber.StatusConflict
	}
	if len(posted) == 0 {
		return c.Redirect(s.surveyURL(sc, dest), fiber.StatusSeeOther)
	}
	if len(posted) == 1 {
		summary = append(summary, "One question on this page needs your attention; the others are saved.")
	} else {
		summary = append(summary, fmt.Sprintf("%d questions on this page need your attention; the others are saved.", len(posted)))
	}
	sc.sv.Revision = res.Revision
	answers, err := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if err != nil {
		return err
	}
	c.Status(status)
	return s.renderSurveyPage(c, sc, answers, n, posted, summary)
}

func choiceOf(a models.Answer) string {
	switch {
	case a.OptionKey != nil:
		return *a.OptionKey
	case a.Value != nil:
		return strconv.Itoa(*a.Value)
	}
	return ""
}

// surveyReview answers GET /s/{token}/review: what is unanswered, and submit.
func (s *Server) surveyReview(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	if !sc.sv.Editable() {
		return c.Redirect(s.surveyURL(sc, ""), fiber.StatusSeeOther)
	}
	return s.renderSurveyReview(c, sc, nil)
}

func (s *Server) renderSurveyReview(c *fiber.Ctx, sc *surveyCtx, err error) error {
	answers, aerr := s.store.Answers(c.UserContext(), sc.sv.ResponseID)
	if aerr != nil {
		return aerr
	}
	data := s.surveyData(sc, answers, len(sc.pages)+1)
	data["Title"] = "Review · " + sc.sv.AssessmentName
	data["Unanswered"] = data["Answered"].(int) < data["Total"].(int)
	if ae, ok := apperr.As(err); ok {
		data["Alert"] = ae.Message
	}
	return s.render(c, "survey/review", data)
}

// surveySubmitForm answers POST /s/{token}/submit (the review page's form).
func (s *Server) surveySubmitForm(c *fiber.Ctx) error {
	sc, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	if sc.sv.Status == models.ResponseSubmitted {
		return c.Redirect(s.surveyURL(sc, ""), fiber.StatusSeeOther)
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
	return s.redirectFlash(c, s.surveyURL(sc, ""), "success", "Thank you. Your answers are submitted.")
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
	data := s.surveyData(sc, answers, 0)
	data["Title"] = "Your answers · " + sc.sv.AssessmentName
	data["Submitted"] = sc.sv.Status == models.ResponseSubmitted
	if ae, ok := apperr.As(err); ok {
		data["Alert"] = ae.Message
	}
	if sc.sv.Status == models.ResponseSubmitted {
		_, res, rerr := s.surveyResults(c, sc.sv)
		if rerr != nil {
			return rerr
		}
		data["Results"] = res
	}
	return s.render(c, "survey/done", data)
}
