package store

import "context"

// FailHotWrite runs a transaction of hot writes that counts a join of
// the open link linkID and then fails with fail, as a group does when one
// of its requests fails for a reason other than a refusal.
func (s *Store) FailHotWrite(ctx context.Context, linkID int64, fail error) error {
	return s.hotTx(ctx, func(t hotTxn) error {
		var orgID, assessmentID, teamID int64
		var anonymity string
		if err := t.queryRow(wJoinCount, []any{linkID}, &orgID, &assessmentID, &teamID, &anonymity); err != nil {
			return err
		}
		return fail
	})
}

// CloseWriterConnection closes the connection SQLite's hot writes hold,
// as closing the pool under it would; the next hot write must open
// another.
func (s *Store) CloseWriterConnection() {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.writer.conn != nil {
		_ = s.writer.conn.Close()
	}
}
