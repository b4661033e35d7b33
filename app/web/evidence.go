package web

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/models"
)

// evidenceJSON is the evidence of an answer in the survey API.
type evidenceJSON struct {
	URL  string `json:"url"`
	Note string `json:"note"`
}

// evidenceOf returns an answer's evidence for the API, nil when it has none.
func evidenceOf(a models.Answer) *evidenceJSON {
	if a.EvidenceURL == "" && a.EvidenceNote == "" {
		return nil
	}
	return &evidenceJSON{URL: a.EvidenceURL, Note: a.EvidenceNote}
}

// checkEvidence validates posted evidence: nil keeps the stored evidence,
// an empty url and note remove it. The url must be an absolute http or
// https link to a host, without credentials, of at most
// store.MaxEvidenceURL characters; the note at most store.MaxEvidenceNote
// characters. Neither may hold control characters. In an anonymous round
// no evidence is taken (see store.ErrEvidenceAnonymous).
func checkEvidence(e *evidenceJSON, anonymous bool) (*store.Evidence, error) {
	if e == nil {
		return nil, nil
	}
	u, note := strings.TrimSpace(e.URL), strings.TrimSpace(strings.ReplaceAll(e.Note, "\r\n", "\n"))
	if u == "" && note == "" {
		return &store.Evidence{}, nil
	}
	if anonymous {
		return nil, store.ErrEvidenceAnonymous()
	}
	if u == "" {
		return nil, apperr.Field("evidence.url", "evidence.url is required: the link (http or https) the note is about.")
	}
	if err := checkEvidenceURL(u); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(note); n > store.MaxEvidenceNote {
		return nil, apperr.Field("evidence.note", "The evidence note is %d characters long; at most %d are allowed.", n, store.MaxEvidenceNote)
	}
	if !utf8.ValidString(note) || strings.ContainsFunc(note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return nil, apperr.Field("evidence.note", "The evidence note contains control characters or invalid text.")
	}
	return &store.Evidence{URL: u, Note: note}, nil
}

func checkEvidenceURL(u string) error {
	if n := utf8.RuneCountInString(u); n > store.MaxEvidenceURL {
		return apperr.Field("evidence.url", "The evidence link is %d characters long; at most %d are allowed.", n, store.MaxEvidenceURL)
	}
	if !utf8.ValidString(u) || strings.ContainsFunc(u, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return apperr.Field("evidence.url", "The evidence link contains spaces, control characters or invalid text.")
	}
	p, err := url.Parse(u)
	if err != nil {
		return apperr.Field("evidence.url", "The evidence link is not a valid URL: write it as https://…")
	}
	if s := strings.ToLower(p.Scheme); s != "http" && s != "https" {
		return apperr.Field("evidence.url", "The evidence link must start with https:// or http://, not %q.", clip(p.Scheme+":"))
	}
	if p.Host == "" || p.Hostname() == "" {
		return apperr.Field("evidence.url", "The evidence link has no host: write it as https://host/…")
	}
	if p.User != nil {
		return apperr.Field("evidence.url", "The evidence link holds a user name or password: remove them before sharing it.")
	}
	return nil
}
