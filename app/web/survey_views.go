package web

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// secondsPerQuestion is the time estimate shown on the introduction.
const secondsPerQuestion = 20

// surveyLayout is the layout of every respondent page: no navigation, no
// account, no outside links.
const surveyLayout = "survey/layout"

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
	Required           bool
	questionEvidence          // the evidence link and note (scored questions, named rounds)
	Lang               string // the language of the interface texts

	measureView // nps, number and text questions (views/survey/measure.html)
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

// surveyView is what every survey page shows: the round, the pages with
// the stored answers, and the progress.
type surveyView struct {
	chrome
	Token     string
	Base      string // the survey's URL, without a trailing slash
	Survey    *store.Survey
	Qs        []*questionnaires.Questionnaire
	Pages     []pageView
	PageCount int
	Answered  int
	Total     int
	Minutes   int // the estimated time to answer every question
	Revision  int64
	Alert     string

	Lang      string            // the survey's language (survey_lang.go)
	Languages []langLink        // the language picker; nil with one language
	Messages  map[string]string // the survey script's texts, when not English
}

// surveyIntroView is the introduction (survey/intro).
type surveyIntroView struct {
	surveyView
	Resume  string // where "Start" or "Continue" leads
	Started bool
}

// surveyPageFormView is one page of questions (survey/page).
type surveyPageFormView struct {
	surveyView
	Page pageView
	Last bool
}

// surveyReviewView is the review before submitting (survey/review).
type surveyReviewView struct {
	surveyView
	Unanswered bool
}

// surveyDoneView shows the answers read-only (survey/done).
type surveyDoneView struct {
	surveyView
	Submitted bool
	Results   []surveyTeamResults
}

// views builds every page of the survey with the stored answers.
func (sc *surveyCtx) views(answers []models.Answer, current int) ([]pageView, int) {
	byKey := answerIndex(answers)
	pages := make([]pageView, 0, len(sc.pages))
	answered := 0
	for _, p := range sc.pages {
		pv := pageView{N: p.N, QTitle: p.Q.Title, Title: p.D.Title, Desc: p.D.Description, Current: p.N == current}
		required := 0
		for _, qu := range p.D.Questions {
			a, ok := byKey[store.QuestionRef{Questionnaire: p.Q.Key, Question: qu.Key}]
			v := sc.newQuestionView(p, qu, a, ok)
			v.questionEvidence = sc.evidenceView(qu, a)
			if v.Required {
				required++
				if ok {
					pv.Answered++
				}
			}
			pv.Questions = append(pv.Questions, v)
		}
		pv.Done = pv.Answered == required
		answered += pv.Answered
		pages = append(pages, pv)
	}
	return pages, answered
}

func (sc *surveyCtx) newQuestionView(p surveyPageRef, qu questionnaires.Question, a models.Answer, ok bool) questionView {
	base := p.Q.Key + "-" + qu.Key
	v := questionView{
		QKey: p.Q.Key, Key: qu.Key, ID: "q-" + base, HelpID: "h-" + base, CommentID: "c-" + base,
		InputN: p.Q.Key + ":" + qu.Key, Text: qu.Text, Help: qu.Help, Scale: p.Q.Scale, Page: p.N,
		Answered: ok, NA: ok && a.NA, Comment: a.Comment, Revision: a.Revision, Required: qu.IsRequired(),
		Lang: sc.lang,
	}
	if ok && a.NA {
		v.Answer = sc.t("survey.q.na")
	}
	if !qu.Scored() {
		v.setMeasure(&qu, a, ok)
		return v
	}
	if p.Q.Scale == questionnaires.ScaleLikert {
		for val := 1; val <= questionnaires.LikertPoints; val++ {
			label := sc.t("survey.likert." + strconv.Itoa(val))
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
		level := sc.t("survey.q.level", o.Level, p.Q.LevelName(o.Level))
		if checked {
			v.Answer = level + ": " + o.Label
		}
		v.Choices = append(v.Choices, choiceView{ID: v.ID + "-" + o.Key, Value: o.Key, Level: level, Label: o.Label, Checked: checked})
	}
	return v
}

// url is the address of a survey page: rest is "" or starts with "/".
func (sc *surveyCtx) url(rest string) string {
	return "/s/" + sc.token + rest
}

// view builds what every survey page shows, with page current marked.
func (sc *surveyCtx) view(title string, answers []models.Answer, current int) surveyView {
	pages, answered := sc.views(answers, current)
	total := sc.total()
	return surveyView{
		chrome:    chrome{Title: title},
		Token:     sc.token,
		Base:      sc.url(""),
		Survey:    sc.sv,
		Qs:        sc.qs,
		Pages:     pages,
		PageCount: len(pages),
		Answered:  answered,
		Total:     total,
		Minutes:   (total*secondsPerQuestion + 59) / 60,
		Revision:  sc.sv.Revision,
		Lang:      sc.lang,
		Languages: sc.languageLinks(sc.pagePath(current)),
		Messages:  sc.scriptMessages(),
	}
}

// pageFormView is page n with what the form posted for the questions
// that could not be saved laid over the stored answers.
func (sc *surveyCtx) pageFormView(answers []models.Answer, n int, posted map[string]formAnswer, alert string) surveyPageFormView {
	v := sc.view("", answers, n)
	page := v.Pages[n-1]
	for i := range page.Questions {
		qv := &page.Questions[i]
		f, ok := posted[qv.InputN]
		if !ok {
			continue
		}
		qv.Error, qv.Comment, qv.NA = f.err, f.comment, f.na
		if qv.Offered {
			qv.EvidenceURL, qv.EvidenceNote = f.evidenceURL, f.evidenceNote
		}
		if qv.Type != "" {
			qv.Value, qv.Count = f.choice, utf8.RuneCountInString(f.choice)
		}
		for j := range qv.Choices {
			qv.Choices[j].Checked = !f.na && qv.Choices[j].Value == f.choice
		}
	}
	v.Title = page.Title + " · " + sc.sv.AssessmentName
	v.Alert = alert
	return surveyPageFormView{surveyView: v, Page: page, Last: n == len(v.Pages)}
}

// resumePath is where the introduction's button continues: the page the
// respondent last saved, else the first.
func (sc *surveyCtx) resumePath() string {
	if n, err := strconv.Atoi(sc.sv.Page); err == nil && n >= 1 && n <= len(sc.pages) {
		return "/page/" + sc.sv.Page
	} else if sc.sv.Page == "review" {
		return "/review"
	}
	return "/page/1"
}
