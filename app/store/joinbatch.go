package store

import (
	"context"
	"database/sql"
	"sync"

	"gapmap/app/apperr"
)

// Joins of open links commit in groups: a team's channel gets its link and
// tens of people open it in the same second. Each join is three writes and
// a commit; run one by one, the commits (and on SQLite the pages of the
// invitations' and responses' indexes, written to the WAL once per commit)
// cost more than the joins. So the first caller leads: it runs every join
// queued by then in one transaction, hands the lead to the next queued
// caller, and returns. A refused join (404, 409, 410) writes nothing and
// leaves the others of its group alone; any other error rolls the group
// back, and its joins run again one transaction each, so that one bad join
// fails alone.

// maxJoinGroup caps the joins of one transaction.
const maxJoinGroup = 64

// joinReq is one queued join and, once done, its outcome.
type joinReq struct {
	linkID int64
	hash   string
	out    Joined
	err    error
	// wake says "done" (false) or "lead now" (true).
	wake chan bool
}

// joinQueue queues a process's joins; busy while a leader runs.
type joinQueue struct {
	mu      sync.Mutex
	busy    bool
	pending []*joinReq
}

// do queues r and returns once it ran, leading the runs when nobody does.
func (q *joinQueue) do(ctx context.Context, r *joinReq, run func(context.Context, []*joinReq)) error {
	r.wake = make(chan bool, 1)
	q.mu.Lock()
	q.pending = append(q.pending, r)
	lead := !q.busy
	q.busy = true
	q.mu.Unlock()
	if !lead {
		// No cancellation here: a queued join may already be written.
		lead = <-r.wake
	}
	if !lead {
		return r.err
	}
	// The leader runs groups until its own join is done, then passes on.
	ctx = context.WithoutCancel(ctx)
	for {
		q.mu.Lock()
		n := min(len(q.pending), maxJoinGroup)
		group := q.pending[:n:n]
		q.pending = q.pending[n:]
		q.mu.Unlock()
		run(ctx, group)
		mine := false
		for _, g := range group {
			if g == r {
				mine = true
			} else {
				g.wake <- false
			}
		}
		if mine {
			break
		}
	}
	q.mu.Lock()
	if len(q.pending) == 0 {
		q.busy = false
		q.mu.Unlock()
		return r.err
	}
	next := q.pending[0]
	q.mu.Unlock()
	next.wake <- true
	return r.err
}

// runJoins runs a group of joins in one transaction, setting each one's
// outcome.
func (s *Store) runJoins(ctx context.Context, group []*joinReq) {
	err := s.hotTx(ctx, func(tx *sql.Tx, h *hotStatements) error {
		for _, r := range group {
			r.err = joinOne(ctx, tx, h, r)
			if r.err != nil && !refused(r.err) {
				return r.err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if len(group) == 1 {
		group[0].err = err
		return
	}
	for _, r := range group {
		s.runJoins(ctx, []*joinReq{r})
	}
}

// refused is true of the refusals a join answers with: they write nothing.
func refused(err error) bool {
	switch apperr.Code(err) {
	case apperr.ENotFound, apperr.EConflict, apperr.EGone:
		return true
	}
	return false
}
