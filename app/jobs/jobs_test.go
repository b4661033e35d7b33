package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gapmap/app/jobs"
	"gapmap/app/jobs/jobstest"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/models"
)

func newClock() *jobstest.Clock {
	return jobstest.NewClock(time.Now().UTC().Add(time.Minute).Truncate(time.Second))
}

func newRunner(st *store.Store, c *jobstest.Clock) *jobs.Runner {
	return jobs.New(st, jobs.Options{Clock: c.Now, Lease: time.Minute, Jitter: func() float64 { return 0.5 }})
}

func enqueue(t *testing.T, st *store.Store, kind, key string, at time.Time) {
	t.Helper()
	if err := st.EnqueueJob(context.Background(), store.NewJob{Kind: kind, DedupeKey: key, Payload: []byte(key), RunAt: at}); err != nil {
		t.Fatalf("enqueue %s %s: %v", kind, key, err)
	}
}

func stored(t *testing.T, st *store.Store, kind string) []models.Job {
	t.Helper()
	js, err := st.Jobs(context.Background(), kind)
	if err != nil {
		t.Fatalf("list jobs: %v", err)
	}
	return js
}

func runDue(t *testing.T, r *jobs.Runner, step string) int {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		t.Fatalf("%s: run due jobs: %v", step, err)
	}
	return n
}

// TestCoalescing: requests that arrive while a job waits are absorbed by it;
// any number that arrive while it runs cause exactly one more run.
func TestCoalescing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		r := newRunner(st, c)
		runs := 0
		const during = 7
		r.Register(jobs.Kind{Name: "recount", Handle: func(ctx context.Context, payload []byte) error {
			runs++
			if runs == 1 {
				for range during {
					enqueue(t, st, "recount", "round:1", c.Now())
				}
			}
			return nil
		}})
		for range 5 {
			enqueue(t, st, "recount", "round:1", c.Now())
		}
		enqueue(t, st, "recount", "round:2", c.Now())
		if got := len(stored(t, st, "recount")); got != 2 {
			t.Fatalf("5 requests of round 1 and 1 of round 2: %d rows, want 2", got)
		}
		if n := runDue(t, r, "first pass"); n != 3 {
			t.Fatalf("first pass ran %d jobs, want 3 (round 1, round 2, round 1 once more)", n)
		}
		if runs != 3 {
			t.Fatalf("handler ran %d times, want 3", runs)
		}
		if n := runDue(t, r, "second pass"); n != 0 {
			t.Fatalf("second pass ran %d jobs, want 0", n)
		}
		if js := stored(t, st, ""); len(js) != 0 {
			t.Fatalf("jobs left after their runs: %+v", js)
		}
	})
}

// TestSchedule: a job with a future run time waits for it; an earlier
// request for the same key brings it forward.
func TestSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		r := newRunner(st, c)
		var ran []string
		r.Register(jobs.Kind{Name: "remind", Handle: func(ctx context.Context, payload []byte) error {
			ran = append(ran, string(payload))
			return nil
		}})
		enqueue(t, st, "remind", "a", c.Now().Add(48*time.Hour))
		enqueue(t, st, "remind", "b", c.Now().Add(time.Hour))
		if n := runDue(t, r, "before"); n != 0 {
			t.Fatalf("ran %d jobs before they were due", n)
		}
		enqueue(t, st, "remind", "a", c.Now().Add(30*time.Minute))
		c.Advance(31 * time.Minute)
		if n := runDue(t, r, "after 31 min"); n != 1 || len(ran) != 1 || ran[0] != "a" {
			t.Fatalf("after 31 minutes: ran %d (%v), want a alone", n, ran)
		}
		c.Advance(30 * time.Minute)
		if n := runDue(t, r, "after 61 min"); n != 1 || ran[1] != "b" {
			t.Fatalf("after 61 minutes: ran %d (%v), want b", n, ran)
		}
	})
}

// TestBackoff: failures are retried after exponentially growing waits with
// jitter, up to the kind's limit; then the job is kept with its last error
// until it is requested again.
func TestBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		r := newRunner(st, c)
		runs := 0
		r.Register(jobs.Kind{Name: "flaky", MaxAttempts: 3, Backoff: 4 * time.Second, Handle: func(ctx context.Context, payload []byte) error {
			runs++
			return fmt.Errorf("mail server down (%d)", runs)
		}})
		enqueue(t, st, "flaky", "k", c.Now())
		// Jitter 0.5 spreads the upper half of each wait: 4 s -> 3 s, 8 s -> 6 s.
		for i, wait := range []time.Duration{3 * time.Second, 6 * time.Second} {
			step := fmt.Sprintf("attempt %d", i+1)
			if n := runDue(t, r, step); n != 1 {
				t.Fatalf("%s: ran %d jobs, want 1", step, n)
			}
			js := stored(t, st, "flaky")
			if len(js) != 1 || !js[0].RunAt.Equal(c.Now().Add(wait)) || js[0].LeaseUntil != nil || js[0].Attempts != i+1 {
				t.Fatalf("%s: job %+v, want attempts %d, not leased, run_at now+%s", step, js, i+1, wait)
			}
			if js[0].LastError != fmt.Sprintf("mail server down (%d)", i+1) {
				t.Fatalf("%s: last error %q", step, js[0].LastError)
			}
			c.Advance(wait - time.Millisecond)
			if n := runDue(t, r, step+" early"); n != 0 {
				t.Fatalf("%s: retried %d before the backoff ended", step, n)
			}
			c.Advance(time.Millisecond)
		}
		if n := runDue(t, r, "attempt 3"); n != 1 {
			t.Fatalf("attempt 3: ran %d, want 1", n)
		}
		js := stored(t, st, "flaky")
		if len(js) != 1 || js[0].FailedAt == nil || js[0].LastError != "mail server down (3)" {
			t.Fatalf("after the last attempt: %+v, want it kept as failed with its error", js)
		}
		c.Advance(24 * time.Hour)
		if n := runDue(t, r, "after giving up"); n != 0 {
			t.Fatalf("a failed job ran again by itself")
		}
		enqueue(t, st, "flaky", "k", c.Now())
		if n := runDue(t, r, "requested again"); n != 1 || runs != 4 {
			t.Fatalf("a failed job requested again: ran %d (handler %d times), want 1 (4)", n, runs)
		}
	})
}

// TestLeaseExpiry: a job whose worker died stays leased until the lease
// expires, then runs again; the dead worker's late completion changes
// nothing.
func TestLeaseExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(st, c)
		runs := 0
		r.Register(jobs.Kind{Name: "work", Handle: func(ctx context.Context, payload []byte) error { runs++; return nil }})
		enqueue(t, st, "work", "k", c.Now())
		dead, err := st.LeaseJobs(ctx, []string{"work"}, c.Now(), c.Now().Add(time.Minute), 10)
		if err != nil || len(dead) != 1 {
			t.Fatalf("lease as the worker that dies: %v, %d jobs", err, len(dead))
		}
		c.Advance(59 * time.Second)
		if n := runDue(t, r, "lease live"); n != 0 {
			t.Fatalf("a job under a live lease ran")
		}
		c.Advance(time.Second)
		if n := runDue(t, r, "lease expired"); n != 1 || runs != 1 {
			t.Fatalf("after the lease expired: ran %d, want 1", n)
		}
		enqueue(t, st, "work", "k", c.Now()) // a new job with the same key
		held, err := st.CompleteJob(ctx, dead[0], c.Now())
		if err != nil || held {
			t.Fatalf("the dead worker's completion: held %v, err %v; want lost lease", held, err)
		}
		if js := stored(t, st, "work"); len(js) != 1 {
			t.Fatalf("the dead worker's completion removed the new job: %+v", js)
		}
	})
}

// TestRecover: at start-up on SQLite the leases of a process that died are
// freed, so its jobs run at once; on PostgreSQL other processes may be alive,
// so the jobs wait for their lease.
func TestRecover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := newClock()
		enqueue(t, st, "work", "k", c.Now())
		if _, err := st.LeaseJobs(ctx, []string{"work"}, c.Now(), c.Now().Add(time.Minute), 1); err != nil {
			t.Fatal(err)
		}
		r := newRunner(st, c) // the restarted process
		runs := 0
		r.Register(jobs.Kind{Name: "work", Handle: func(ctx context.Context, payload []byte) error { runs++; return nil }})
		if err := r.Recover(ctx); err != nil {
			t.Fatalf("recover: %v", err)
		}
		want := 1
		if st.Postgres() {
			want = 0
		}
		if n := runDue(t, r, "after restart"); n != want {
			t.Fatalf("after restart: ran %d, want %d", n, want)
		}
		c.Advance(time.Minute)
		if n := runDue(t, r, "after the lease"); n != 1-want || runs != 1 {
			t.Fatalf("after the lease: ran %d (handler %d times)", n, runs)
		}
	})
}

// TestPanicIsAFailure: a handler that panics fails its job with the panic
// as the error, and the runner goes on.
func TestPanicIsAFailure(t *testing.T) {
	st := storetest.SQLite(t)
	c := newClock()
	r := newRunner(st, c)
	r.Register(jobs.Kind{Name: "boom", Handle: func(ctx context.Context, payload []byte) error { panic("nil map") }})
	enqueue(t, st, "boom", "", c.Now())
	if n := runDue(t, r, "panic"); n != 1 {
		t.Fatalf("ran %d, want 1", n)
	}
	js := stored(t, st, "boom")
	if len(js) != 1 || js[0].LastError == "" || js[0].LeaseUntil != nil {
		t.Fatalf("after a panic: %+v", js)
	}
}

// TestWorkersShareJobs: two runners (two processes on PostgreSQL, two pools
// on SQLite) running at once run every job exactly once.
func TestWorkersShareJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var mu sync.Mutex
		count := map[string]int{}
		handle := func(ctx context.Context, payload []byte) error {
			mu.Lock()
			defer mu.Unlock()
			count[string(payload)]++
			return nil
		}
		const n = 40
		for i := range n {
			enqueue(t, st, "share", fmt.Sprint("job-", i), time.Now())
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for range 2 {
			r := jobs.New(st, jobs.Options{})
			r.Register(jobs.Kind{Name: "share", Handle: handle})
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- r.Drain(ctx)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("drain: %v", err)
			}
		}
		if len(count) != n {
			t.Fatalf("%d of %d jobs ran", len(count), n)
		}
		for k, c := range count {
			if c != 1 {
				t.Fatalf("%s ran %d times", k, c)
			}
		}
	})
}

// TestRunStopsWithContext: the worker pool wakes on the store's signal and
// returns when its context ends.
func TestRunStopsWithContext(t *testing.T) {
	st := storetest.SQLite(t)
	r := jobs.New(st, jobs.Options{Poll: time.Hour})
	done := make(chan string, 1)
	r.Register(jobs.Kind{Name: "ping", Handle: func(ctx context.Context, payload []byte) error {
		done <- string(payload)
		return nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(stopped)
	}()
	enqueue(t, st, "ping", "hello", time.Now())
	select {
	case got := <-done:
		if got != "hello" {
			t.Fatalf("ran %q", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the pool did not run a job enqueued while it waited (poll is an hour: the signal was lost)")
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	r := jobs.New(storetest.SQLite(t), jobs.Options{})
	k := jobs.Kind{Name: "x", Handle: func(context.Context, []byte) error { return errors.New("x") }}
	r.Register(k)
	defer func() {
		if recover() == nil {
			t.Fatal("registering a kind twice did not panic")
		}
	}()
	r.Register(k)
}
