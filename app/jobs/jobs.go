// Package jobs runs work off the request path: one small, durable runner
// for every feature that needs work done after the request that caused it
// (recomputing results, and later email, webhooks, reminders).
//
// Jobs are rows of the jobs table (app/store), written in the transaction
// of the change that causes them, so a crash never loses one. Each feature
// registers its kind once with Register. Workers lease due rows: on SQLite
// an in-process pool woken by the store's signal, with a poll as fallback;
// on PostgreSQL the same pool, with rows taken FOR UPDATE SKIP LOCKED so
// that several processes share the work. A failed run is retried with
// exponential backoff and jitter up to the kind's limit, then kept with its
// last error. Handlers must be idempotent: after a crash a job may run
// twice. Scheduled work is a job with a future run time.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"gapmap/app/store"
	"gapmap/models"
)

// Kind is one kind of job and how to run it.
type Kind struct {
	Name string
	// Handle runs one job with its payload. It must be idempotent.
	Handle func(ctx context.Context, payload []byte) error
	// MaxAttempts is how many runs are tried before the job is given up
	// (default 10).
	MaxAttempts int
	// Backoff is the wait before the first retry (default 1 s); each later
	// retry waits twice as long, up to MaxBackoff (default 1 h), with jitter.
	Backoff, MaxBackoff time.Duration
}

// Options configure a Runner. The zero value is usable.
type Options struct {
	Workers int              // jobs run at once by Run (default 2)
	Poll    time.Duration    // how often idle workers look for jobs of other processes or scheduled ones (default 1 s)
	Lease   time.Duration    // how long a run may take before another worker takes the job again (default 5 min)
	Delay   time.Duration    // wait before running each leased job (tests of crash recovery; default 0)
	Clock   func() time.Time // default time.Now
	Jitter  func() float64   // a number in [0, 1) that spreads retries (default math/rand)
	Log     *slog.Logger     // default slog.Default()
}

// Runner leases and runs the jobs of its registered kinds.
type Runner struct {
	st    *store.Store
	opt   Options
	mu    sync.RWMutex
	kinds map[string]Kind
	wake  chan struct{}
}

// New returns a runner of the jobs stored in st.
func New(st *store.Store, opt Options) *Runner {
	if opt.Workers <= 0 {
		opt.Workers = 2
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Second
	}
	if opt.Lease <= 0 {
		opt.Lease = 5 * time.Minute
	}
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Jitter == nil {
		opt.Jitter = rand.Float64
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	return &Runner{st: st, opt: opt, kinds: map[string]Kind{}, wake: make(chan struct{}, 1)}
}

// Register adds a kind of job. Registering a name twice, or a kind without
// a name or handler, is a programming error and panics.
func (r *Runner) Register(k Kind) {
	if k.Name == "" || k.Handle == nil {
		panic("jobs: Register needs a name and a handler")
	}
	if k.MaxAttempts <= 0 {
		k.MaxAttempts = 10
	}
	if k.Backoff <= 0 {
		k.Backoff = time.Second
	}
	if k.MaxBackoff <= 0 {
		k.MaxBackoff = time.Hour
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.kinds[k.Name]; dup {
		panic("jobs: kind " + k.Name + " registered twice")
	}
	r.kinds[k.Name] = k
}

func (r *Runner) names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (r *Runner) kind(name string) (Kind, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k, ok := r.kinds[name]
	return k, ok
}

// Notify wakes an idle worker (the store already does after a transaction
// that enqueued a job).
func (r *Runner) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// RunDue leases the jobs that are due now (by the runner's clock) and runs
// them one after the other; it returns how many ran. Tests step the runner
// with it; a failing job is recorded, not returned.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		ran, err := r.runBatch(ctx, 16)
		n += ran
		if err != nil || ran == 0 {
			return n, err
		}
	}
}

// Drain runs due jobs until none is due, including the ones that running
// jobs enqueue (a recompute that refreshes the next round). It gives up
// after 100 rounds, so that a job that keeps making itself due cannot spin
// forever.
func (r *Runner) Drain(ctx context.Context) error {
	for range 100 {
		n, err := r.RunDue(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
	return errors.New("jobs: still due after 100 rounds")
}

// runBatch leases up to limit due jobs and runs them in order.
func (r *Runner) runBatch(ctx context.Context, limit int) (int, error) {
	names := r.names()
	now := r.opt.Clock()
	batch, err := r.st.LeaseJobs(ctx, names, now, now.Add(r.opt.Lease), limit)
	if err != nil {
		return 0, err
	}
	for _, j := range batch {
		if err := r.run(ctx, j); err != nil {
			return 0, err
		}
	}
	return len(batch), nil
}

// run runs one leased job and records the outcome. It returns only errors
// of the bookkeeping.
func (r *Runner) run(ctx context.Context, j models.Job) error {
	k, ok := r.kind(j.Kind)
	if !ok {
		return fmt.Errorf("jobs: leased job %d of unregistered kind %q", j.ID, j.Kind)
	}
	var err error
	if r.opt.Delay > 0 {
		t := time.NewTimer(r.opt.Delay)
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-t.C:
		}
		t.Stop()
	}
	if err == nil {
		err = call(ctx, k, j)
	}
	// The outcome is recorded even when ctx ended (shutdown).
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := r.opt.Clock()
	if err == nil {
		_, cerr := r.st.CompleteJob(bctx, j, now)
		return cerr
	}
	var retry time.Time
	switch {
	case ctx.Err() != nil:
		retry = now // cut short by shutdown: due again at once
	case j.Attempts < k.MaxAttempts:
		retry = now.Add(r.backoff(k, j.Attempts))
	}
	r.opt.Log.Warn("job failed", "kind", j.Kind, "id", j.ID, "attempt", j.Attempts, "of", k.MaxAttempts, "retry_at", retry, "err", err)
	return r.st.FailJob(bctx, j, now, retry, err.Error())
}

// call runs a handler, turning a panic into an error.
func call(ctx context.Context, k Kind, j models.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return k.Handle(ctx, []byte(j.Payload))
}

// backoff is the wait after the given failed attempt: Backoff·2^(attempt-1)
// up to MaxBackoff, of which the upper half is spread by the jitter.
func (r *Runner) backoff(k Kind, attempt int) time.Duration {
	d := k.Backoff
	for i := 1; i < attempt && d < k.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, k.MaxBackoff)
	return d/2 + time.Duration(r.opt.Jitter()*float64(d/2))
}

// Recover makes the jobs of a process that died runnable at once. On
// SQLite, whose database one process serves, it frees every lease; on
// PostgreSQL leases of other processes are live, so their jobs wait for
// the lease to expire.
func (r *Runner) Recover(ctx context.Context) error {
	if r.st.Postgres() {
		return nil
	}
	n, err := r.st.ReleaseLeases(ctx)
	if n > 0 {
		r.opt.Log.Info("jobs: leases of an earlier run released", "jobs", n)
	}
	return err
}

// Run recovers (see Recover), then works off jobs with the configured
// number of workers until ctx ends. A worker that finds nothing due sleeps
// until the store signals a new job, Notify is called, or the poll
// interval passes.
func (r *Runner) Run(ctx context.Context) {
	if err := r.Recover(ctx); err != nil {
		r.opt.Log.Error("jobs: recover", "err", err)
	}
	var wg sync.WaitGroup
	for range r.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx)
		}()
	}
	wg.Wait()
}

func (r *Runner) work(ctx context.Context) {
	poll := time.NewTimer(0)
	defer poll.Stop()
	for {
		n, err := r.runBatch(ctx, 1)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			r.opt.Log.Error("jobs", "err", err)
		}
		if n > 0 && err == nil {
			// More may be due: let another idle worker look as well.
			r.Notify()
			continue
		}
		poll.Reset(r.opt.Poll)
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-r.st.JobSignal():
		case <-poll.C:
		}
	}
}
