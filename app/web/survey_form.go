package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// formAnswer is what the form posted for a question that could not be saved.
type formAnswer struct {
	choice                    string
	na                        bool
	comment                   string
	evidenceURL, evidenceNote string
	err                       string
}

// pageForm is what the form of one survey page posted. value returns a
// form field by name ("" when absent).
type pageForm struct {
	nav      string
	revision *int64
	value    func(name string) string
}

// pagePlan is what a page's form asks for: the answers to write, the
// questions that need the respondent's attention, where to go next and the
// page the respondent resumes at.
type pagePlan struct {
	writes []store.AnswerWrite
	posted map[string]formAnswer                // by "<questionnaire>:<question>"
	dest   string                               // path after the survey's URL
	resume string                               // stored as the survey's page
	t      func(key string, args ...any) string // the survey's messages
}

// planPage turns the form of page n into answer writes: a question left
// blank is skipped, unless it carries a new comment; an answer that does
// not validate is kept with its error. stored are the saved answers.
func (sc *surveyCtx) planPage(n int, form pageForm, stored []models.Answer) pagePlan {
	have := answerIndex(stored)
	p := sc.pages[n-1]
	pl := pagePlan{posted: map[string]formAnswer{}, t: sc.t}
	for i := range p.D.Questions {
		qu := &p.D.Questions[i]
		name := p.Q.Key + ":" + qu.Key
		f := formAnswer{choice: form.value("answer:" + name), na: form.value("na:"+name) != "", comment: strings.ReplaceAll(form.value("comment:"+name), "\r\n", "\n")}
		comment := f.comment
		b := answerBody{Questionnaire: p.Q.Key, Question: qu.Key, Comment: &comment, Revision: form.revision}
		if qu.Scored() && !sc.sv.Anonymous() {
			f.evidenceURL, f.evidenceNote = form.value("evidence_url:"+name), strings.ReplaceAll(form.value("evidence_note:"+name), "\r\n", "\n")
			b.Evidence = &evidenceJSON{URL: f.evidenceURL, Note: f.evidenceNote}
		}
		if !qu.Scored() {
			if w, write, problem := sc.planMeasure(p.Q.Key, qu, f, form.revision, have); problem != "" {
				f.err = problem
				pl.posted[name] = f
			} else if write {
				pl.writes = append(pl.writes, w)
			}
			continue
		}
		switch {
		case f.na:
			t := true
			b.NA = &t
		case f.choice != "" && p.Q.Scale == questionnaires.ScaleLikert:
			v, err := strconv.Atoi(f.choice)
			if err != nil {
				v = 0
			}
			fv := float64(v)
			b.Value = &fv
		case f.choice != "":
			b.Option = &f.choice
		default:
			old, ok := have[store.QuestionRef{Questionnaire: p.Q.Key, Question: qu.Key}]
			if strings.TrimSpace(comment) != "" && (!ok || old.Comment != comment) {
				f.err = sc.t("survey.err.comment")
				pl.posted[name] = f
			} else if newEvidence(f, old, ok) {
				f.err = "Choose an answer or “Not applicable” to save your evidence."
				pl.posted[name] = f
			}
			continue
		}
		w, _, err := sc.validate(b)
		if err != nil {
			f.err = sc.answerError(err, qu)
			pl.posted[name] = f
			continue
		}
		pl.writes = append(pl.writes, w)
	}
	switch {
	case form.nav == "prev" && n == 1:
		pl.dest = "/intro"
	case form.nav == "prev":
		pl.dest, pl.resume = fmt.Sprintf("/page/%d", n-1), strconv.Itoa(n-1)
	case form.nav == "review" || n == len(sc.pages):
		pl.dest, pl.resume = "/review", "review"
	default:
		pl.dest, pl.resume = fmt.Sprintf("/page/%d", n+1), strconv.Itoa(n+1)
	}
	if len(pl.posted) > 0 {
		pl.resume = strconv.Itoa(n)
	}
	return pl
}

// settle adds the answers that another window changed first and says how
// the page ends: 303 See Other to dest when everything was saved, else the
// page again with its status and an alert that sums up what needs attention.
func (pl *pagePlan) settle(conflicts []models.Answer) (status int, alert string) {
	status = http.StatusUnprocessableEntity
	for _, a := range conflicts {
		name := a.QuestionnaireKey + ":" + a.QuestionKey
		pl.posted[name] = formAnswer{err: pl.t("survey.err.conflict"),
			choice: choiceOf(a), na: a.NA, comment: a.Comment}
		status = http.StatusConflict
	}
	switch len(pl.posted) {
	case 0:
		return http.StatusSeeOther, ""
	case 1:
		return status, pl.t("survey.err.one")
	}
	return status, pl.t("survey.err.many", len(pl.posted))
}

func choiceOf(a models.Answer) string {
	switch {
	case a.OptionKey != nil:
		return *a.OptionKey
	case a.Value != nil:
		return strconv.Itoa(*a.Value)
	case a.Number != nil:
		return formatNumber(*a.Number)
	case a.Text != nil:
		return *a.Text
	}
	return ""
}
