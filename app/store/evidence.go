package store

import (
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
