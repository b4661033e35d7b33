package web

import (
	"context"
	"strings"

	"gapmap/app/report"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// evidenceLine is one piece of evidence as pages show it
// (views/partials/evidence.html).
type evidenceLine struct {
	Team     string
	Question string
	URL      string
	Note     string
}

// roundEvidence lists the evidence of a round's submitted answers for the
// report: one team's (teamID), or every team's in visible (nil: all). An
// anonymous round takes no evidence, so it has none to show.
func (s *Server) roundEvidence(ctx context.Context, a *store.AssessmentInfo, visible []int64, teamID int64) ([]report.Evidence, error) {
	if a.Anonymous() {
		return nil, nil
	}
	rows, err := s.store.EvidenceOf(ctx, a.OrgID, a.ID, visible, teamID)
	if err != nil {
		return nil, err
	}
	out := make([]report.Evidence, len(rows))
	for i, r := range rows {
		out[i] = report.Evidence{Team: r.TeamName, QuestionnaireKey: r.QuestionnaireKey, QuestionKey: r.QuestionKey, URL: r.EvidenceURL, Note: r.EvidenceNote}
	}
	return out, nil
}

// commentEvidence is the evidence of a comments page row, or nil.
func commentEvidence(r store.CommentRow) *evidenceLine {
	if r.EvidenceURL == "" {
		return nil
	}
	return &evidenceLine{Team: r.TeamName, URL: r.EvidenceURL, Note: r.EvidenceNote}
}

// teamEvidence lists the evidence of a team's submitted answers with the
// questions' texts, in the order of the round's questionnaires.
func (s *Server) teamEvidence(ctx context.Context, a *store.AssessmentInfo, qs []*questionnaires.Questionnaire, teamID int64) ([]evidenceLine, error) {
	ev, err := s.roundEvidence(ctx, a, nil, teamID)
	if err != nil || len(ev) == 0 {
		return nil, err
	}
	var out []evidenceLine
	for _, q := range qs {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				for _, e := range ev {
					if e.QuestionnaireKey == q.Key && e.QuestionKey == qu.Key {
						out = append(out, evidenceLine{Team: e.Team, Question: qu.Text, URL: e.URL, Note: e.Note})
					}
				}
			}
		}
	}
	return out, nil
}

// questionEvidence is the evidence part of a survey question
// (views/survey/question.html): offered on scored questions of named
// rounds, open when the question has evidence.
type questionEvidence struct {
	Offered                   bool
	EvidenceURL, EvidenceNote string
}

// Evidence is the question's stored evidence as a link
// (partials/evidence), or nil when it has none.
func (e questionEvidence) Evidence() *evidenceLine {
	if e.EvidenceURL == "" {
		return nil
	}
	return &evidenceLine{URL: e.EvidenceURL, Note: e.EvidenceNote}
}

// EvidenceID is the id of the evidence fields' group.
func (v questionView) EvidenceID() string { return "e-" + strings.TrimPrefix(v.ID, "q-") }

func (sc *surveyCtx) evidenceView(qu questionnaires.Question, a models.Answer) questionEvidence {
	if !qu.Scored() || sc.sv.Anonymous() {
		return questionEvidence{}
	}
	return questionEvidence{Offered: true, EvidenceURL: a.EvidenceURL, EvidenceNote: a.EvidenceNote}
}

// newEvidence reports whether a form posted evidence for a question that
// it did not answer, other than the evidence stored with it.
func newEvidence(f formAnswer, old models.Answer, ok bool) bool {
	url, note := strings.TrimSpace(f.evidenceURL), strings.TrimSpace(f.evidenceNote)
	if url == "" && note == "" {
		return false
	}
	return !ok || old.EvidenceURL != url || old.EvidenceNote != note
}
