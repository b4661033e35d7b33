package web

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// errScored tells validate that the question is scored, not a measure.
var errScored = errors.New("scored question")

// validateMeasure checks an answer to an nps, number or text question and
// fills w; it returns errScored for any other question. nps takes a whole
// value 0..10, number a value between the question's min and max, text a
// text of at most questionnaires.MaxTextLength characters ("" removes the
// answer). na: true marks any of them not applicable.
func validateMeasure(w *store.AnswerWrite, qu *questionnaires.Question, b answerBody, na bool) error {
	if qu.Scored() {
		return errScored
	}
	if b.Option != nil {
		return apperr.Field("option", "%q is a %s question: it has no options.", qu.Key, qu.Type)
	}
	switch {
	case b.NA != nil && !*b.NA && b.Value == nil && b.Text == nil:
		return apperr.Field("na", "na may only be true; send a value or a text to answer the question instead.")
	case na && (b.Value != nil || b.Text != nil):
		return apperr.Field("na", "na cannot be combined with a value or a text: send one of them.")
	case na:
		w.NA = true
		return nil
	}
	if qu.Type == questionnaires.TypeText {
		if b.Value != nil {
			return apperr.Field("value", "%q is a text question: send text, not value.", qu.Key)
		}
		if b.Text == nil {
			return apperr.Field("text", "text is required: your answer, at most %d characters (an empty text removes the answer).", questionnaires.MaxTextLength)
		}
		t := strings.TrimSpace(*b.Text)
		if !utf8.ValidString(t) || strings.ContainsRune(t, 0) {
			return apperr.Field("text", "The text contains invalid characters.")
		}
		if n := utf8.RuneCountInString(t); n > questionnaires.MaxTextLength {
			return apperr.Field("text", "The text is %d characters long; at most %d are allowed.", n, questionnaires.MaxTextLength)
		}
		if t == "" {
			w.Clear = true
			return nil
		}
		w.Text = &t
		return nil
	}
	if b.Text != nil {
		return apperr.Field("text", "%q is a %s question: send value, not text.", qu.Key, qu.Type)
	}
	if b.Value == nil {
		return apperr.Field("value", "value is required: %s, or na: true.", rangeWords(qu))
	}
	v := *b.Value
	lo, hi, _ := qu.Bounds()
	if v < lo || v > hi || math.IsNaN(v) || qu.Type == questionnaires.TypeNPS && v != math.Trunc(v) {
		return apperr.Field("value", "value must be %s, not %s.", rangeWords(qu), formatNumber(v))
	}
	w.Number = &v
	return nil
}

// rangeWords says which values a numeric question takes.
func rangeWords(qu *questionnaires.Question) string {
	lo, hi, _ := qu.Bounds()
	if qu.Type == questionnaires.TypeNPS {
		return "a whole number from 0 to 10"
	}
	return "from " + formatNumber(lo) + " to " + formatNumber(hi) + " " + qu.Unit
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// measureView is what the survey shows of an nps, number or text question.
type measureView struct {
	Type      string // questionnaires.TypeNPS, TypeNumber or TypeText; "" for scored questions
	Unit      string
	Min, Max  string // number: the bounds as typed into the input
	Value     string // the answer as the input shows it (number, text)
	MaxLength int    // text: the longest answer in characters
	Count     int    // text: the characters of Value
}

// setMeasure fills the view of a measure with its stored answer.
func (v *questionView) setMeasure(qu *questionnaires.Question, a models.Answer, ok bool) {
	v.Type, v.Scale = qu.Type, qu.Type
	answered := ok && !a.NA
	switch qu.Type {
	case questionnaires.TypeNPS:
		for n := 0; n <= 10; n++ {
			val := strconv.Itoa(n)
			checked := answered && a.Number != nil && *a.Number == float64(n)
			if checked {
				v.Answer = val + " of 10"
			}
			v.Choices = append(v.Choices, choiceView{ID: v.ID + "-" + val, Value: val, Label: val, Checked: checked})
		}
	case questionnaires.TypeNumber:
		v.Unit = qu.Unit
		lo, hi, _ := qu.Bounds()
		v.Min, v.Max = formatNumber(lo), formatNumber(hi)
		if answered && a.Number != nil {
			v.Value = formatNumber(*a.Number)
			v.Answer = v.Value + " " + qu.Unit
		}
	case questionnaires.TypeText:
		v.MaxLength = questionnaires.MaxTextLength
		if answered && a.Text != nil {
			v.Value, v.Answer = *a.Text, *a.Text
			v.Count = utf8.RuneCountInString(*a.Text)
		}
	}
}

// planMeasure turns what a page's form posted for a measure into a write;
// write is false when there is nothing to store. A blank answer (N/A
// unticked) removes a stored answer, since measures are optional unless
// required (and then submitting asks for them). problem is the message to
// show when the posted answer is refused.
func (sc *surveyCtx) planMeasure(qkey string, qu *questionnaires.Question, f formAnswer, revision *int64,
	have map[store.QuestionRef]models.Answer) (w store.AnswerWrite, write bool, problem string) {
	b := answerBody{Questionnaire: qkey, Question: qu.Key, Revision: revision}
	choice := strings.TrimSpace(f.choice)
	switch {
	case f.na:
		t := true
		b.NA = &t
	case qu.Type == questionnaires.TypeText:
		text := strings.ReplaceAll(f.choice, "\r\n", "\n")
		b.Text = &text
	case choice == "":
		w = store.AnswerWrite{Questionnaire: qkey, Question: qu.Key, Clear: true, Revision: revision}
	default:
		v, err := strconv.ParseFloat(strings.ReplaceAll(choice, ",", "."), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return w, false, sc.t("survey.err.number")
		}
		b.Value = &v
	}
	if !w.Clear {
		var err error
		if w, _, err = sc.validate(b); err != nil {
			return w, false, sc.answerError(err, qu)
		}
	}
	if w.Clear {
		_, stored := have[store.QuestionRef{Questionnaire: qkey, Question: qu.Key}]
		return w, stored, ""
	}
	return w, true, ""
}
