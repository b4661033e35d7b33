package store

import (
	"context"
	"fmt"

	"gapmap/app/apperr"
	"gapmap/models"
)

// Limits of the evidence stored with an answer.
const (
	MaxEvidenceURL  = 2048 // characters of the link
	MaxEvidenceNote = 1000 // characters of the note
)

// Evidence is what backs an answer up: a link (http or https) and a note.
// Both empty removes the stored evidence. The web layer validates it.
type Evidence struct {
	URL  string
	Note string
}

// apply copies the evidence into an answer row (nil leaves it unchanged).
func (e *Evidence) apply(row *models.Answer) {
	if e == nil {
		return
	}
	row.EvidenceURL, row.EvidenceNote = e.URL, e.Note
}

// Empty reports whether the evidence removes the stored one.
func (e *Evidence) Empty() bool { return e == nil || e.URL == "" && e.Note == "" }

// ErrEvidenceAnonymous is the answer to evidence in an anonymous round: a
// link (a personal fork, a name in a path, a parameter) can tell who
// answered, so such rounds take none.
func ErrEvidenceAnonymous() error {
	return apperr.Field("evidence", "This round is anonymous: answers carry no evidence links here, because a link can tell who answered.")
}

// checkEvidenceAllowed refuses evidence in an anonymous round.
func checkEvidenceAllowed(anonymity string, w AnswerWrite) error {
	if anonymity == models.AnonymityAnonymous && !w.Evidence.Empty() {
		return ErrEvidenceAnonymous()
	}
	return nil
}

// EvidenceRow is the evidence of one answer of a submitted response.
type EvidenceRow struct {
	TeamName         string
	QuestionnaireKey string
	QuestionKey      string
	EvidenceURL      string
	EvidenceNote     string
}

// EvidenceOf lists the evidence of the submitted responses of a round's
// active links, by team name. visible limits the teams (nil: all);
// teamID, when not 0, keeps one team.
func (s *Store) EvidenceOf(ctx context.Context, orgID, assessmentID int64, visible []int64, teamID int64) ([]EvidenceRow, error) {
	var out []EvidenceRow
	err := s.submittedAnswers(ctx, submittedAnswersQuery{
		orgID: orgID, assessmentID: assessmentID, visible: visible, teamID: teamID,
		columns: "a.evidence_url, a.evidence_note",
		where:   "a.evidence_url <> ''",
	}, &out)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	return out, nil
}
