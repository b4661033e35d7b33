package results

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/jobs"
	"gapmap/app/scoring"
	"gapmap/app/store"
)

// Observer is told how long each recompute took (the metrics record it).
type Observer interface {
	ObserveRecompute(d time.Duration)
}

// Register registers the job that recomputes a round's results after a
// change (store.RecomputeKind, enqueued by the store in the transaction of
// the change); obs, when not nil, is told how long each run took. The job
// lease keeps one recompute per round at a time, across processes on
// PostgreSQL.
func Register(r *jobs.Runner, st *store.Store, obs Observer) {
	r.Register(jobs.Kind{
		Name:        store.RecomputeKind,
		MaxAttempts: 8,
		Handle: func(ctx context.Context, payload []byte) error {
			var p store.RecomputePayload
			if err := json.Unmarshal(payload, &p); err != nil {
				return fmt.Errorf("recompute job payload: %w", err)
			}
			start := time.Now()
			_, err := refresh(ctx, st, p.OrgID, p.AssessmentID, true)
			if obs != nil {
				obs.ObserveRecompute(time.Since(start))
			}
			if apperr.Code(err) == apperr.ENotFound {
				return nil // the round was deleted: nothing to recompute
			}
			return err
		},
	})
}

// MarkOutdated marks stale every round whose stored results were computed
// under another scoring.Version, so that their recompute jobs bring a change
// of the scoring rules to the stored results. The server calls it at start.
func MarkOutdated(ctx context.Context, st *store.Store) (int, error) {
	return st.MarkOutdatedScoring(ctx, scoring.Version)
}

// Freshness tells when a round's results were computed and whether a
// recompute is due.
func Freshness(ctx context.Context, st *store.Store, orgID, assessmentID int64) (store.Freshness, error) {
	return st.ResultsFreshness(ctx, orgID, assessmentID)
}
