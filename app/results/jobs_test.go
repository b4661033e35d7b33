package results_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"gapmap/app/jobs"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

func runner(st *store.Store, clock func() time.Time) *jobs.Runner {
	r := jobs.New(st, jobs.Options{Clock: clock})
	results.Register(r, st, nil)
	return r
}

func drain(t *testing.T, r *jobs.Runner, step string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.Drain(ctx); err != nil {
		t.Fatalf("%s: drain jobs: %v", step, err)
	}
}

func pending(t *testing.T, r *round, step string) bool {
	t.Helper()
	f, err := results.Freshness(context.Background(), r.st, r.orgID, r.id)
	if err != nil {
		t.Fatalf("%s: freshness: %v", step, err)
	}
	return f.Pending
}

// TestJobsKeepSnapshotsFresh submits and reopens responses in a random
// order as the web layer does, and lets the recompute jobs refresh the
// results: after each drain the stored snapshots of the round and of the
// later round that compares with it equal a fresh computation.
func TestJobsKeepSnapshotsFresh(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(3, 5))
		jr := runner(st, time.Now)
		first := newRound(t, st, "Q1", nil)
		fl := first.answerEach(t, rng)
		second := newRound(t, st, "Q2", first)
		if err := results.Recompute(ctx, st, first.orgID, first.id); err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 12; step++ {
			// Several changes between two runs: one job absorbs them.
			for range 1 + rng.IntN(3) {
				fl.flip(t, step)
			}
			if !pending(t, first, "after a change") {
				t.Fatalf("step %d: results not pending after a change", step)
			}
			js, err := st.Jobs(ctx, store.RecomputeKind)
			if err != nil || len(js) != 1 {
				t.Fatalf("step %d: %d recompute jobs (%v), want 1", step, len(js), err)
			}
			drain(t, jr, "step")
			if pending(t, first, "after drain") || pending(t, second, "after drain") {
				t.Fatalf("step %d: still pending after the jobs ran", step)
			}
			first.checkSnapshots(t, "first round")
			second.checkSnapshots(t, "second round")
		}
	})
}

// TestStaleComputationIsNotStored: a computation that read the round before
// a submission is refused by the revision guard, and the round's job runs
// again and stores the newer result.
func TestStaleComputationIsNotStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(1, 2))
		r := newRound(t, st, "Q", nil)
		ids := []int64{r.answerAll(t, rng, r.invitations[0].Token), r.answerAll(t, rng, r.invitations[1].Token)}
		if _, err := st.Submit(ctx, ids[0], nil); err != nil {
			t.Fatal(err)
		}
		data, rev, err := st.ReadScoringData(ctx, r.orgID, r.id)
		if err != nil {
			t.Fatal(err)
		}
		old, err := results.Compute(data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, ids[1], nil); err != nil { // arrives while "scoring"
			t.Fatal(err)
		}
		snaps := map[string][]byte{}
		for _, res := range old {
			snaps[res.Key], _ = json.Marshal(res)
		}
		ok, err := st.WriteSnapshots(ctx, store.SnapshotWrite{OrgID: r.orgID, AssessmentID: r.id, Revision: rev, ScoringVersion: 1, Snapshots: snaps})
		if err != nil || ok {
			t.Fatalf("stale write: stored %v, err %v; want refused", ok, err)
		}
		if got, err := st.Snapshots(ctx, r.orgID, r.id); err != nil || len(got) != 0 {
			t.Fatalf("a refused write stored %d snapshots (%v)", len(got), err)
		}
		if !pending(t, r, "after the refused write") {
			t.Fatal("the round is not pending after a refused write")
		}
		drain(t, runner(st, time.Now), "after the refused write")
		r.checkSnapshots(t, "after the job ran")
		stored, err := results.Load(ctx, st, r.orgID, r.id)
		if err != nil {
			t.Fatal(err)
		}
		if n := respondents(stored); n != 2 {
			t.Fatalf("stored result counts %d responses, want 2", n)
		}
	})
}

// TestCrashBetweenSubmitAndRecompute: a process that dies after a
// submission, with the recompute job leased but not done, loses nothing:
// the next process runs the job (on SQLite at once, on PostgreSQL when the
// lease expires) and the results include the submission.
func TestCrashBetweenSubmitAndRecompute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(9, 9))
		r := newRound(t, st, "Q", nil)
		if err := results.Recompute(ctx, st, r.orgID, r.id); err != nil {
			t.Fatal(err)
		}
		id := r.answerAll(t, rng, r.invitations[0].Token)
		if _, err := st.Submit(ctx, id, nil); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		leased, err := st.LeaseJobs(ctx, []string{store.RecomputeKind}, start, start.Add(time.Minute), 10)
		if err != nil || len(leased) != 1 {
			t.Fatalf("lease as the process that dies: %d jobs, %v", len(leased), err)
		}
		// The process dies here. The next one starts:
		at := start
		jr := runner(st, func() time.Time { return at })
		if err := jr.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		if st.Postgres() {
			at = start.Add(time.Minute)
		}
		drain(t, jr, "after restart")
		if pending(t, r, "after restart") {
			t.Fatal("still pending after the restarted runner drained")
		}
		r.checkSnapshots(t, "after restart")
		stored, err := results.Load(ctx, st, r.orgID, r.id)
		if err != nil {
			t.Fatal(err)
		}
		if n := respondents(stored); n != 1 {
			t.Fatalf("results count %d responses after the restart, want the 1 submitted", n)
		}
	})
}

// TestOutdatedScoringVersionIsRecomputed: snapshots stored under another
// scoring version are marked stale at start-up and recomputed by the jobs.
func TestOutdatedScoringVersionIsRecomputed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newRound(t, st, "Q", nil)
		if err := results.Recompute(ctx, st, r.orgID, r.id); err != nil {
			t.Fatal(err)
		}
		if n, err := results.MarkOutdated(ctx, st); err != nil || n != 0 {
			t.Fatalf("fresh results marked outdated: %d, %v", n, err)
		}
		if err := st.Exec(ctx, "UPDATE result_snapshots SET scoring_version = 0, data = '{}'"); err != nil {
			t.Fatal(err)
		}
		if n, err := results.MarkOutdated(ctx, st); err != nil || n != 1 {
			t.Fatalf("outdated rounds: %d, %v; want 1", n, err)
		}
		if !pending(t, r, "after start-up") {
			t.Fatal("an outdated round is not pending")
		}
		drain(t, runner(st, time.Now), "outdated")
		r.checkSnapshots(t, "after recompute")
		if n, err := results.MarkOutdated(ctx, st); err != nil || n != 0 {
			t.Fatalf("after recompute, %d rounds still outdated (%v)", n, err)
		}
	})
}

// respondents counts the submitted responses in the first stored result.
func respondents(r *results.Round) int {
	n := 0
	for _, t := range r.Results[0].Teams {
		n += t.Respondents
	}
	return n
}

// TestRescoreSettlesTheRound: a synchronous Recompute (gapmap rescore)
// stores the current results, so the waiting job of the round is dropped.
func TestRescoreSettlesTheRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newRound(t, st, "Q", nil)
		id := r.answerAll(t, rand.New(rand.NewPCG(4, 4)), r.invitations[0].Token)
		if _, err := st.Submit(ctx, id, nil); err != nil {
			t.Fatal(err)
		}
		if !pending(t, r, "after submit") {
			t.Fatal("not pending after a submission")
		}
		if err := results.Recompute(ctx, st, r.orgID, r.id); err != nil {
			t.Fatal(err)
		}
		if pending(t, r, "after rescore") {
			t.Fatal("still pending after a synchronous recompute")
		}
		if js, err := st.Jobs(ctx, ""); err != nil || len(js) != 0 {
			t.Fatalf("jobs left after a synchronous recompute: %+v (%v)", js, err)
		}
		r.checkSnapshots(t, "after rescore")
	})
}
