package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

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

// answerJSON is one answer in the survey API.
type answerJSON struct {
	Questionnaire string        `json:"questionnaire"`
	Question      string        `json:"question"`
	Option        *string       `json:"option,omitempty"`
	Value         *float64      `json:"value,omitempty"`
	Text          *string       `json:"text,omitempty"`
	NA            bool          `json:"na,omitempty"`
	Comment       string        `json:"comment"`
	Evidence      *evidenceJSON `json:"evidence,omitempty"`
	Revision      int64         `json:"revision"`
}

func toAnswerJSON(a models.Answer) answerJSON {
	out := answerJSON{Questionnaire: a.QuestionnaireKey, Question: a.QuestionKey, NA: a.NA, Comment: a.Comment, Evidence: evidenceOf(a), Revision: a.Revision}
	if a.NA {
		return out
	}
	out.Option, out.Text = a.OptionKey, a.Text
	switch {
	case a.Value != nil:
		v := float64(*a.Value)
		out.Value = &v
	case a.Number != nil:
		out.Value = a.Number
	}
	return out
}

// surveyDefinition is a pinned questionnaire as the survey API sends it:
// everything a respondent answers, with its hash, without the
// recommendations and translations (GET /api/v1/questionnaires/{key}/versions/{hash} serves
// the full definition).
type surveyDefinition struct {
	*questionnaires.Questionnaire
	Recommendations *struct{} `json:"recommendations,omitempty"` // always nil: hides the embedded field
	Translations    *struct{} `json:"translations,omitempty"`    // always nil: the API keeps the source texts
}

// encodedQuestionnaire is the survey JSON of a pinned version, encoded once.
func (s *Server) encodedQuestionnaire(versionID int64, q *questionnaires.Questionnaire) (json.RawMessage, error) {
	if v, ok := s.encoded.Load(versionID); ok {
		return v.(json.RawMessage), nil
	}
	js, err := json.Marshal(surveyDefinition{Questionnaire: q})
	if err != nil {
		return nil, fmt.Errorf("encode questionnaire %s: %w", q.Key, err)
	}
	s.encoded.Store(versionID, json.RawMessage(js))
	return js, nil
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
	for _, ref := range sc.questionRefs(false) {
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

// apiSaveAnswer answers PUT /api/v1/survey/{token}/answers.
func (s *Server) apiSaveAnswer(c *fiber.Ctx) error {
	if len(c.Body()) > maxAnswerBody {
		return apperr.Errorf(apperr.ETooLarge, "The request body is larger than %d bytes.", maxAnswerBody)
	}
	if done, err := s.saveKnownLink(c); done {
		return err
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
	return s.answerSaved(c, res)
}

// answerSaved answers a saved answer write, or one refused as stale.
func (s *Server) answerSaved(c *fiber.Ctx, res *store.SaveResult) error {
	if len(res.Conflicts) > 0 {
		return &apperr.Error{
			Code:    apperr.EConflict,
			Message: "This answer was changed in another window or on another device after you last saw it. The current answer is included; change it again if needed.",
			Details: map[string]any{"current": toAnswerJSON(res.Conflicts[0]), "revision": res.Revision},
		}
	}
	s.metrics.AnswersSaved(1)
	return c.JSON(fiber.Map{"revision": res.Revision})
}

// saveKnownLink saves an autosave of a link this process opened before
// without reading the link first: the store checks the link, the state
// and the stored answer in the statement that locks the response. It
// handles only writes that succeed (or are refused as stale); on anything
// else it changes nothing and returns done false, and the request takes
// the usual way, which answers exactly as before.
func (s *Server) saveKnownLink(c *fiber.Ctx) (done bool, err error) {
	token := c.Params("token")
	if s.surveyMisses.blocked(c.IP(), time.Now()) {
		return false, nil
	}
	responseID, pins, ok := s.store.KnownLink(token)
	if !ok {
		return false, nil
	}
	qs, err := s.pinnedQuestionnaires(c.UserContext(), pins)
	if err != nil {
		return false, nil
	}
	var b answerBody
	if decodeJSON(c, &b) != nil {
		return false, nil
	}
	sc := s.pinnedSurveyCtx(utils.CopyString(token), &store.Survey{ResponseID: responseID, Questionnaires: pins}, pins, qs)
	w, page, err := sc.validate(b)
	if err != nil {
		return false, nil
	}
	res, err := s.store.SaveAnswerByLink(c.UserContext(), sc.token, responseID, w, strconv.Itoa(page))
	if err != nil {
		return false, nil
	}
	return true, s.answerSaved(c, res)
}

// submit submits the response; the store enqueues the round's recompute.
func (s *Server) submit(c *fiber.Ctx, sc *surveyCtx) (*store.SubmitResult, error) {
	res, err := s.store.Submit(c.UserContext(), sc.sv.ResponseID, sc.required())
	if err != nil {
		return nil, err
	}
	if !res.Already {
		s.metrics.Submitted()
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
