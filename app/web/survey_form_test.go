package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// formSurvey is a survey over both shipped questionnaires: the level scale
// (cncf-platform-maturity) first, then the likert one (gartner-platform-axes).
func formSurvey(t *testing.T) (*surveyCtx, int) {
	t.Helper()
	shipped, err := questionnaires.Shipped()
	if err != nil {
		t.Fatalf("load shipped questionnaires: %v", err)
	}
	byKey := map[string]*questionnaires.Questionnaire{}
	for _, q := range shipped {
		byKey[q.Key] = q
	}
	level, likert := byKey["cncf-platform-maturity"], byKey["gartner-platform-axes"]
	if level == nil || likert == nil {
		t.Fatalf("shipped questionnaires lack cncf-platform-maturity or gartner-platform-axes")
	}
	sv := &store.Survey{Status: models.ResponseDraft, AssessmentStatus: models.AssessmentOpen}
	return newSurveyCtx("tok", sv, []*questionnaires.Questionnaire{level, likert}), len(level.Dimensions) + 1
}

func TestPlanPage(t *testing.T) {
	sc, likertPage := formSurvey(t)
	last := len(sc.pages)
	const cncf, q1, q2 = "cncf-platform-maturity", "inv-funding-model", "inv-dedicated-team"
	const gartner, lq = "gartner-platform-axes", "dx-new-service-in-a-day"
	field := func(kind, qn, q string) string { return kind + ":" + qn + ":" + q }
	rev := int64(7)
	stored := []models.Answer{{QuestionnaireKey: cncf, QuestionKey: q2, Comment: "kept", OptionKey: ptr("l2")}}

	tests := []struct {
		name       string
		page       int
		nav        string
		revision   *int64
		form       map[string]string
		wantWrites []store.AnswerWrite
		wantErrors map[string]string // posted name -> part of its error
		wantDest   string
		wantResume string
	}{
		{name: "empty form moves on", page: 1, nav: "next", wantDest: "/page/2", wantResume: "2"},
		{name: "option with comment and revision", page: 1, nav: "next", revision: &rev,
			form:       map[string]string{field("answer", cncf, q1): "l3", field("comment", cncf, q1): "line one\r\nline two"},
			wantWrites: []store.AnswerWrite{{Questionnaire: cncf, Question: q1, Option: ptr("l3"), Level: ptr(3), Comment: ptr("line one\nline two"), Revision: &rev}},
			wantDest:   "/page/2", wantResume: "2"},
		{name: "not applicable wins over a choice", page: 1, nav: "next",
			form:       map[string]string{field("answer", cncf, q1): "l3", field("na", cncf, q1): "1"},
			wantWrites: []store.AnswerWrite{{Questionnaire: cncf, Question: q1, NA: true, Comment: ptr("")}},
			wantDest:   "/page/2", wantResume: "2"},
		{name: "unknown option stays on the page", page: 1, nav: "next",
			form:       map[string]string{field("answer", cncf, q1): "l9", field("answer", cncf, q2): "l1"},
			wantWrites: []store.AnswerWrite{{Questionnaire: cncf, Question: q2, Option: ptr("l1"), Level: ptr(1), Comment: ptr("")}},
			wantErrors: map[string]string{cncf + ":" + q1: `option "l9" is not an option`},
			wantDest:   "/page/2", wantResume: "1"},
		{name: "new comment without an answer", page: 1, nav: "next",
			form:       map[string]string{field("comment", cncf, q1): "why"},
			wantErrors: map[string]string{cncf + ":" + q1: "Choose an answer"},
			wantDest:   "/page/2", wantResume: "1"},
		{name: "stored comment without an answer is no change", page: 1, nav: "next",
			form:     map[string]string{field("comment", cncf, q2): "kept", field("comment", cncf, q1): "  "},
			wantDest: "/page/2", wantResume: "2"},
		{name: "previous from the first page", page: 1, nav: "prev", wantDest: "/intro", wantResume: ""},
		{name: "previous from page 3", page: 3, nav: "prev", wantDest: "/page/2", wantResume: "2"},
		{name: "review from any page", page: 2, nav: "review", wantDest: "/review", wantResume: "review"},
		{name: "next from the last page", page: last, nav: "next", wantDest: "/review", wantResume: "review"},
		{name: "likert value", page: likertPage, nav: "next",
			form:       map[string]string{field("answer", gartner, lq): "4"},
			wantWrites: []store.AnswerWrite{{Questionnaire: gartner, Question: lq, Value: ptr(4), Comment: ptr("")}},
			wantDest:   "/page/" + strconv.Itoa(likertPage+1), wantResume: strconv.Itoa(likertPage + 1)},
		{name: "likert value that is no number", page: likertPage, nav: "next",
			form:       map[string]string{field("answer", gartner, lq): "x"},
			wantErrors: map[string]string{gartner + ":" + lq: "from 1 to 5, not 0"},
			wantDest:   "/page/" + strconv.Itoa(likertPage+1), wantResume: strconv.Itoa(likertPage)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := pageForm{nav: tt.nav, revision: tt.revision, value: func(name string) string { return tt.form[name] }}
			pl := sc.planPage(tt.page, form, stored)
			if got, want := writesString(pl.writes), writesString(tt.wantWrites); got != want {
				t.Errorf("writes:\n got %s\nwant %s", got, want)
			}
			if len(pl.posted) != len(tt.wantErrors) {
				t.Errorf("posted %d questions (%v), want %d", len(pl.posted), pl.posted, len(tt.wantErrors))
			}
			for name, part := range tt.wantErrors {
				if f, ok := pl.posted[name]; !ok || !strings.Contains(f.err, part) {
					t.Errorf("posted[%s] = %+v, want an error containing %q", name, f, part)
				}
			}
			if pl.dest != tt.wantDest || pl.resume != tt.wantResume {
				t.Errorf("dest, resume = %q, %q; want %q, %q", pl.dest, pl.resume, tt.wantDest, tt.wantResume)
			}
		})
	}
}

func TestPagePlanSettle(t *testing.T) {
	conflict := models.Answer{QuestionnaireKey: "q", QuestionKey: "b", OptionKey: ptr("l4"), Comment: "theirs"}
	tests := []struct {
		name       string
		posted     []string
		conflicts  []models.Answer
		wantStatus int
		wantAlert  string
	}{
		{name: "all saved", wantStatus: http.StatusSeeOther},
		{name: "one invalid", posted: []string{"q:a"}, wantStatus: http.StatusUnprocessableEntity,
			wantAlert: "One question on this page needs your attention; the others are saved."},
		{name: "two invalid", posted: []string{"q:a", "q:c"}, wantStatus: http.StatusUnprocessableEntity,
			wantAlert: "2 questions on this page need your attention; the others are saved."},
		{name: "a conflict", conflicts: []models.Answer{conflict}, wantStatus: http.StatusConflict,
			wantAlert: "One question on this page needs your attention; the others are saved."},
		{name: "a conflict and an invalid answer", posted: []string{"q:a"}, conflicts: []models.Answer{conflict}, wantStatus: http.StatusConflict,
			wantAlert: "2 questions on this page need your attention; the others are saved."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := pagePlan{posted: map[string]formAnswer{}, t: (&surveyCtx{}).t}
			for _, name := range tt.posted {
				pl.posted[name] = formAnswer{err: "invalid"}
			}
			status, alert := pl.settle(tt.conflicts)
			if status != tt.wantStatus || alert != tt.wantAlert {
				t.Errorf("settle = %d, %q; want %d, %q", status, alert, tt.wantStatus, tt.wantAlert)
			}
			if len(tt.conflicts) > 0 {
				f := pl.posted["q:b"]
				if f.choice != "l4" || f.comment != "theirs" || !strings.Contains(f.err, "changed in another window") {
					t.Errorf("conflict shown as %+v, want the saved answer l4 with comment and an explanation", f)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// writesString shows writes with their pointers followed.
func writesString(ws []store.AnswerWrite) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString("{" + w.Questionnaire + "/" + w.Question)
		if w.Option != nil {
			b.WriteString(" option=" + *w.Option)
		}
		if w.Level != nil {
			b.WriteString(" level=" + strconv.Itoa(*w.Level))
		}
		if w.Value != nil {
			b.WriteString(" value=" + strconv.Itoa(*w.Value))
		}
		if w.NA {
			b.WriteString(" na")
		}
		if w.Comment != nil {
			b.WriteString(" comment=" + *w.Comment)
		}
		if w.Revision != nil {
			b.WriteString(" revision=" + strconv.FormatInt(*w.Revision, 10))
		}
		b.WriteString("} ")
	}
	return b.String()
}
