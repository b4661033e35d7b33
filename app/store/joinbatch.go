package store

import (
	"context"
	"sync"

	"gapmap/app/apperr"
)

// Joins of open links and autosaves commit in groups: a team's channel
// gets its link and tens of people open it in the same second, and on
// deadline day hundreds of respondents save at once. Each is a few writes
// and a commit; run one by one, the commits (and on SQLite the pages of
// the indexes, written to the WAL once per commit) cost more than the
// writes. So requests queue, and one writer goroutine per queue, started
// by the first request that finds none running, runs every request queued
// by then (up to maxGroup) in one transaction, wakes their callers, and
// goes on with the next group until the queue is empty. (A first design let
// the first caller lead and hand the lead to a waiting caller after its
// own group: the writer then sat idle until that caller was scheduled,
// while the previous leader wrote its HTTP response.) A refused request
// (404, 409, 410, 422) writes nothing and leaves the others of its group
// alone; any other error rolls the group back, and its requests run again
// one transaction each, so that one bad request fails alone.

// maxGroup caps the requests of one transaction.
const maxGroup = 64

// queued is one request of a groupQueue and the channel closed once it ran.
type queued[R any] struct {
	req  R
	done chan struct{}
}

// groupQueue queues a process's requests of one kind; running while its
// writer goroutine runs.
type groupQueue[R any] struct {
	mu      sync.Mutex
	running bool
	pending []*queued[R]
}

// do queues r and returns once it ran, starting the queue's writer when
// none runs. run sets each request's outcome.
func (q *groupQueue[R]) do(ctx context.Context, r R, run func(context.Context, []R)) {
	me := &queued[R]{req: r, done: make(chan struct{})}
	q.mu.Lock()
	q.pending = append(q.pending, me)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		// No cancellation: a queued request may already be written.
		go q.write(context.WithoutCancel(ctx), run)
	}
	<-me.done
}

// write runs the queued requests in groups until none is left.
func (q *groupQueue[R]) write(ctx context.Context, run func(context.Context, []R)) {
	for {
		q.mu.Lock()
		n := min(len(q.pending), maxGroup)
		if n == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		group := q.pending[:n:n]
		q.pending = q.pending[n:]
		q.mu.Unlock()
		reqs := make([]R, len(group))
		for i, g := range group {
			reqs[i] = g.req
		}
		run(ctx, reqs)
		for _, g := range group {
			close(g.done)
		}
	}
}

// inGroups runs each request of group through one, in one transaction,
// keeping each one's error with set; any error other than a refusal rolls
// the group back and runs its requests again one transaction each.
func inGroups[R any](ctx context.Context, s *Store, group []R, one func(hotTxn, R) error, set func(R, error)) {
	err := s.hotTx(ctx, func(t hotTxn) error {
		for _, r := range group {
			err := one(t, r)
			set(r, err)
			if err != nil && !refused(err) {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if len(group) == 1 {
		set(group[0], err)
		return
	}
	for _, r := range group {
		inGroups(ctx, s, []R{r}, one, set)
	}
}

// joinReq is one queued join and, once done, its outcome.
type joinReq struct {
	linkID int64
	hash   string
	out    Joined
	err    error
}

// runJoins runs a group of joins in one transaction, setting each one's
// outcome.
func (s *Store) runJoins(ctx context.Context, group []*joinReq) {
	inGroups(ctx, s, group, joinOne,
		func(r *joinReq, err error) { r.err = err })
}

// saveReq is one queued autosave of one answer and, once done, its
// outcome.
type saveReq struct {
	responseID      int64
	w               AnswerWrite
	page, tokenHash string
	res             *SaveResult
	err             error
}

// runSaves runs a group of autosaves in one transaction, setting each
// one's outcome.
func (s *Store) runSaves(ctx context.Context, group []*saveReq) {
	inGroups(ctx, s, group, func(t hotTxn, r *saveReq) error {
		var err error
		r.res, err = saveOneTx(t, r.responseID, r.w, r.page, r.tokenHash)
		return err
	}, func(r *saveReq, err error) {
		if r.err = err; err != nil {
			r.res = nil
		}
	})
}

// refused is true of the refusals a join or a save answers with: they
// write nothing.
func refused(err error) bool {
	switch apperr.Code(err) {
	case apperr.ENotFound, apperr.EConflict, apperr.EGone, apperr.EInvalid:
		return true
	}
	return false
}
