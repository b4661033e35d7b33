package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gapmap/app/secret"
	"gapmap/models"
)

// The statements of the respondent's hot path (opening a survey link,
// joining an open link and saving one answer) run as statements prepared
// once, not through GORM: for statements this small, building the SQL and
// preparing it cost about as much as running it. The reads are
// database/sql statements on the pool. GORM's own statement cache is not
// used because it prepares on the pool while holding its lock (a deadlock
// once every connection is in a transaction); database/sql's Stmt waits for
// a connection without holding a lock. The writes run through hotTxn: on
// SQLite on the driver's connection of the store's one writer
// (sqlitewriter.go), on PostgreSQL as database/sql statements.

const (
	sqlSurveyByToken = "SELECT i.id, i.org_id, i.assessment_id, a.name, a.status, a.due, a.created_at, a.anonymity, a.min_group, " +
		"i.team_id, t.name, r.id, r.status, r.revision, r.page, r.submitted_at " +
		"FROM invitations i JOIN assessments a ON a.id = i.assessment_id JOIN teams t ON t.id = i.team_id " +
		"JOIN responses r ON r.invitation_id = i.id WHERE i.token_hash = ? AND i.revoked_at IS NULL LIMIT 1"
	// sqlLockWith reads what an autosave checks and keeps (no row: no such
	// response, or its link was revoked), with the stored answer (its
	// revision, NOT NULL, is null when there is none).
	sqlLockWith = "SELECT r.status, r.revision, r.page, a.status, a.anonymity, " +
		"ans.option_key, ans.level, ans.value, ans.na, ans.number, ans.text, ans.comment, ans.evidence_url, ans.evidence_note, ans.revision, ans.updated_at " +
		"FROM responses r JOIN invitations i ON i.id = r.invitation_id JOIN assessments a ON a.id = r.assessment_id " +
		"LEFT JOIN answers ans ON ans.response_id = r.id AND ans.questionnaire_key = ? AND ans.question_key = ? " +
		"WHERE r.id = ? AND i.revoked_at IS NULL"
	sqlUpsertAnswer = "INSERT INTO answers (response_id, questionnaire_key, question_key, option_key, level, value, na, number, text, comment, evidence_url, evidence_note, revision, updated_at) " +
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (response_id, questionnaire_key, question_key) DO UPDATE SET " +
		"option_key = excluded.option_key, level = excluded.level, value = excluded.value, na = excluded.na, " +
		"number = excluded.number, text = excluded.text, " +
		"comment = excluded.comment, evidence_url = excluded.evidence_url, evidence_note = excluded.evidence_note, revision = excluded.revision, updated_at = excluded.updated_at"
	sqlUpdateResponse = "UPDATE responses SET revision = ?, page = ?, updated_at = ? WHERE id = ?"

	// Joining an open link (OpenLinkByToken, JoinOpenLink).
	sqlOpenLinkByToken = "SELECT id, assessment_id FROM open_links WHERE token_hash = ? AND revoked_at IS NULL LIMIT 1"
	sqlJoinLock        = "SELECT l.org_id, l.assessment_id, l.team_id, a.status, a.anonymity, l.revoked_at, l.max_responses, l.joined " +
		"FROM open_links l JOIN assessments a ON a.id = l.assessment_id WHERE l.id = ?"
	// sqlJoinCount counts a join against an active link of an open round
	// below its max_responses, and returns what the join stores; no row
	// means the join is refused (sqlJoinLock then says why).
	sqlJoinCount = "UPDATE open_links SET joined = joined + 1 WHERE id = ? AND revoked_at IS NULL " +
		"AND (max_responses IS NULL OR joined < max_responses) " +
		"AND EXISTS (SELECT 1 FROM assessments a WHERE a.id = open_links.assessment_id AND a.status = 'open') " +
		"RETURNING org_id, assessment_id, team_id, (SELECT a.anonymity FROM assessments a WHERE a.id = open_links.assessment_id)"
	sqlNewInvitation = "INSERT INTO invitations (org_id, assessment_id, team_id, label, token_hash, open_link_id, created_at) " +
		"VALUES (?, ?, ?, '', ?, ?, ?) RETURNING id"
	sqlNewResponse = "INSERT INTO responses (org_id, assessment_id, invitation_id, team_id, status, revision, page, created_at, updated_at) " +
		"VALUES (?, ?, ?, ?, 'draft', 0, '', ?, ?)"
)

// hotWrite names a statement of the hot write path: saving one answer and
// joining an open link.
type hotWrite int

const (
	wLock hotWrite = iota
	wLockByLink
	wUpsert
	wUpdate
	wJoinLock
	wJoinCount
	wNewInvitation
	wNewResponse
	hotWrites // how many there are
)

// hotWriteSQL returns the hot write statements, in hotWrite order, for the
// store's database (with the ? placeholders of SQLite).
func (s *Store) hotWriteSQL() [hotWrites]string {
	lock, byLink, joinLock := sqlLockWith, sqlLockWith+" AND i.token_hash = ?", sqlJoinLock
	if s.postgres {
		lock += " FOR UPDATE OF r"
		byLink += " FOR UPDATE OF r"
		joinLock += " FOR UPDATE OF l"
	}
	return [hotWrites]string{wLock: lock, wLockByLink: byLink, wUpsert: sqlUpsertAnswer, wUpdate: sqlUpdateResponse,
		wJoinLock: joinLock, wJoinCount: sqlJoinCount, wNewInvitation: sqlNewInvitation, wNewResponse: sqlNewResponse}
}

// hotTxn runs the hot write statements inside one transaction: through
// database/sql on PostgreSQL (sqlTxn), and on SQLite straight on the
// driver's connection of the store's one writer (sqlitewriter.go).
type hotTxn interface {
	// queryRow runs q and scans its first row into dest; sql.ErrNoRows
	// when it has none.
	queryRow(q hotWrite, args []any, dest ...any) error
	exec(q hotWrite, args ...any) error
}

// hotStatements are the prepared statements of the hot path, prepared on
// first use (after migration): the reads, and on PostgreSQL the writes.
type hotStatements struct {
	mu                      sync.Mutex
	ready                   bool
	survey, openLink        *sql.Stmt
	dashState, resultsState *sql.Stmt // see dashboard_state.go
	writes                  [hotWrites]*sql.Stmt
}

// all lists the statements, for preparing and closing them.
func (h *hotStatements) all() []**sql.Stmt {
	out := []**sql.Stmt{&h.survey, &h.openLink, &h.dashState, &h.resultsState}
	for i := range h.writes {
		out = append(out, &h.writes[i])
	}
	return out
}

// hot returns the prepared statements, preparing them the first time.
func (s *Store) hot(ctx context.Context) (*hotStatements, error) {
	h := &s.hotStmts
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ready {
		return h, nil
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	dashState := fmt.Sprintf(dashboardStateSQL, "CROSS ") // SQLite walks the round's teams first, as in Assessment
	if s.postgres {
		dashState = fmt.Sprintf(dashboardStateSQL, "")
	}
	type prep struct {
		dst **sql.Stmt
		q   string
	}
	preps := []prep{{&h.survey, sqlSurveyByToken}, {&h.openLink, sqlOpenLinkByToken}, {&h.dashState, dashState}, {&h.resultsState, resultsStateSQL}}
	if s.postgres { // SQLite's writer prepares its own (sqlitewriter.go)
		for i, q := range s.hotWriteSQL() {
			preps = append(preps, prep{&h.writes[i], q})
		}
	}
	for _, p := range preps {
		if *p.dst, err = sqlDB.PrepareContext(ctx, s.rebind(p.q)); err != nil {
			h.closeLocked()
			return nil, fmt.Errorf("prepare statement: %w", err)
		}
	}
	h.ready = true
	return h, nil
}

func (h *hotStatements) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closeLocked()
}

func (h *hotStatements) closeLocked() {
	for _, st := range h.all() {
		if *st != nil {
			(*st).Close()
			*st = nil
		}
	}
	h.ready = false
}

// sqlTxn is a hotTxn of a database/sql transaction (PostgreSQL).
type sqlTxn struct {
	ctx context.Context
	tx  *sql.Tx
	h   *hotStatements
}

func (t sqlTxn) queryRow(q hotWrite, args []any, dest ...any) error {
	return t.tx.StmtContext(t.ctx, t.h.writes[q]).QueryRowContext(t.ctx, args...).Scan(dest...)
}

func (t sqlTxn) exec(q hotWrite, args ...any) error {
	_, err := t.tx.StmtContext(t.ctx, t.h.writes[q]).ExecContext(t.ctx, args...)
	return err
}

// rebind turns the ? placeholders of q into PostgreSQL's $1, $2, … there.
func (s *Store) rebind(q string) string {
	if !s.postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// surveyByTokenRow reads a survey link's row (without its pins).
func (s *Store) surveyByTokenRow(ctx context.Context, plain string) (*Survey, error) {
	h, err := s.hot(ctx)
	if err != nil {
		return nil, err
	}
	sv := &Survey{}
	var due, submitted sql.NullTime
	err = h.survey.QueryRowContext(ctx, secret.HashToken(plain)).Scan(&sv.InvitationID, &sv.OrgID, &sv.AssessmentID,
		&sv.AssessmentName, &sv.AssessmentStatus, &due, &sv.AssessmentMade, &sv.Anonymity, &sv.MinGroup, &sv.TeamID, &sv.TeamName,
		&sv.ResponseID, &sv.Status, &sv.Revision, &sv.Page, &submitted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadLink()
	}
	if err != nil {
		return nil, fmt.Errorf("resolve survey link: %w", err)
	}
	if due.Valid {
		sv.Due = &due.Time
	}
	if submitted.Valid {
		sv.SubmittedAt = &submitted.Time
	}
	return sv, nil
}

// saveOne is SaveAnswers of one answer (an autosave): at most three
// statements (the response's state with the stored answer, locked; the
// answer; the response's revision and page), on SQLite in one transaction
// with the other saves queued by then (joinbatch.go).
//
// tokenHash, when set, must still be the hash of the response's link: the
// link was resolved from memory (SaveAnswerByLink), not by this request.
func (s *Store) saveOne(ctx context.Context, responseID int64, w AnswerWrite, page, tokenHash string) (*SaveResult, error) {
	r := &saveReq{responseID: responseID, w: w, page: page, tokenHash: tokenHash}
	if s.postgres {
		// PostgreSQL writes in parallel: a group would only hold row locks
		// longer.
		s.runSaves(ctx, []*saveReq{r})
	} else {
		s.saves.do(ctx, r, s.runSaves) // concurrent saves commit together (joinbatch.go)
	}
	return r.res, r.err
}

// hotTx runs fn in one transaction of hot writes: on SQLite through the
// store's one writer connection, queued like the store's other
// transactions; on PostgreSQL through database/sql.
func (s *Store) hotTx(ctx context.Context, fn func(hotTxn) error) error {
	if !s.postgres {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
		return s.writer.run(ctx, s, fn)
	}
	h, err := s.hot(ctx)
	if err != nil {
		return err
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(sqlTxn{ctx: ctx, tx: tx, h: h}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func saveOneTx(t hotTxn, responseID int64, w AnswerWrite, page, tokenHash string) (*SaveResult, error) {
	var (
		st                   responseState
		stPage               sql.NullString
		aOption, aComment    sql.NullString
		aEvURL, aEvNote      sql.NullString
		aText                sql.NullString
		aNumber              sql.NullFloat64
		aLevel, aValue, aRev sql.NullInt64
		aNA                  sql.NullBool
		aUpdated             sql.NullTime
	)
	lock, args := wLock, []any{w.Questionnaire, w.Question, responseID}
	if tokenHash != "" {
		lock, args = wLockByLink, append(args, tokenHash)
	}
	err := t.queryRow(lock, args,
		&st.Status, &st.Revision, &stPage, &st.AssessmentStatus, &st.Anonymity,
		&aOption, &aLevel, &aValue, &aNA, &aNumber, &aText, &aComment, &aEvURL, &aEvNote, &aRev, &aUpdated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadLink()
	}
	if err != nil {
		return nil, fmt.Errorf("lock response: %w", err)
	}
	switch {
	case st.AssessmentStatus != models.AssessmentOpen:
		return nil, errClosed()
	case st.Status != models.ResponseDraft:
		return nil, errSubmitted()
	}
	if err := checkEvidenceAllowed(st.Anonymity, w); err != nil {
		return nil, err
	}
	res := &SaveResult{Revision: st.Revision}
	rev, stamp := st.Revision+1, st.stamp() // by day in an anonymous round
	row := models.Answer{ResponseID: responseID, QuestionnaireKey: w.Questionnaire, QuestionKey: w.Question,
		OptionKey: w.Option, Level: w.Level, Value: w.Value, NA: w.NA, Number: w.Number, Text: w.Text, Revision: rev, UpdatedAt: stamp}
	changed := true
	if w.Comment != nil {
		row.Comment = *w.Comment
	}
	w.Evidence.apply(&row)
	if aRev.Valid {
		old := models.Answer{ResponseID: responseID, QuestionnaireKey: w.Questionnaire, QuestionKey: w.Question,
			OptionKey: nullString(aOption), Level: nullInt(aLevel), Value: nullInt(aValue), NA: aNA.Valid && aNA.Bool,
			Number: nullFloat(aNumber), Text: nullString(aText),
			Comment: aComment.String, EvidenceURL: aEvURL.String, EvidenceNote: aEvNote.String, Revision: aRev.Int64, UpdatedAt: aUpdated.Time}
		if w.Comment == nil {
			row.Comment = old.Comment
		}
		if w.Evidence == nil {
			row.EvidenceURL, row.EvidenceNote = old.EvidenceURL, old.EvidenceNote
		}
		switch {
		case sameAnswer(old, row):
			changed = false
		case w.Revision != nil && old.Revision > *w.Revision:
			res.Conflicts = append(res.Conflicts, old)
			changed = false
		}
	}
	newPage := stPage.String
	if page != "" {
		newPage = page
	}
	if !changed && newPage == stPage.String {
		return res, nil
	}
	if changed {
		res.Revision = rev
		if err := t.exec(wUpsert, row.ResponseID, row.QuestionnaireKey, row.QuestionKey,
			row.OptionKey, row.Level, row.Value, row.NA, row.Number, row.Text, row.Comment, row.EvidenceURL, row.EvidenceNote, row.Revision, row.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store answer: %w", err)
		}
	}
	// As GORM's Updates of the response would, updated_at changes with the page too.
	if err := t.exec(wUpdate, res.Revision, newPage, stamp, responseID); err != nil {
		return nil, fmt.Errorf("update response: %w", err)
	}
	return res, nil
}

func nullString(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

func nullFloat(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	return &v.Float64
}

func nullInt(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	n := int(v.Int64)
	return &n
}

// tokenCache remembers, by token hash, facts that never change for a
// link: for a survey link the response and round it opened, for an open
// link its id and round (a regenerated link has another hash; revocation
// is checked by the statement that writes). It is bounded: it starts
// afresh when it holds maxLinks.
type tokenCache[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

type linkIdentity struct {
	responseID int64
	pins       pinsKey
}

const maxLinks = 100_000

func (lc *tokenCache[V]) put(hash string, v V) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.m == nil || len(lc.m) >= maxLinks {
		lc.m = make(map[string]V)
	}
	lc.m[hash] = v
}

func (lc *tokenCache[V]) get(hash string) (V, bool) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	v, ok := lc.m[hash]
	return v, ok
}

func (lc *tokenCache[V]) forget(hash string) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	delete(lc.m, hash)
}

// KnownLink returns, without reading the database, the response and the
// pinned questionnaires of a survey link this process opened before. The
// link may have been revoked since: SaveAnswerByLink checks.
func (s *Store) KnownLink(plain string) (responseID int64, pins []RoundQuestionnaire, ok bool) {
	if plain == "" || len(plain) > 200 {
		return 0, nil, false
	}
	id, ok := s.links.get(secret.HashToken(plain))
	if !ok {
		return 0, nil, false
	}
	v, ok := s.pins.Load(id.pins)
	if !ok {
		return 0, nil, false
	}
	return id.responseID, slices.Clone(v.([]RoundQuestionnaire)), true
}

// SaveAnswerByLink is SaveAnswers of one answer to the response of a link
// known from KnownLink: it also checks, under the lock, that the link
// still opens that response and is not revoked (else the link is not
// valid, as for SurveyByToken).
func (s *Store) SaveAnswerByLink(ctx context.Context, plain string, responseID int64, w AnswerWrite, page string) (*SaveResult, error) {
	if w.Clear { // rare: removing an optional answer takes the general path
		sv, err := s.SurveyByToken(ctx, plain)
		if err != nil {
			return nil, err
		}
		if sv.ResponseID != responseID {
			return nil, errBadLink()
		}
		return s.SaveAnswers(ctx, responseID, []AnswerWrite{w}, page)
	}
	return s.saveOne(ctx, responseID, w, page, secret.HashToken(plain))
}
