package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gapmap/models"
)

// NewJob is a job to enqueue. A non-empty DedupeKey coalesces: while a job
// of the same kind and key waits, it absorbs this one (keeping the earlier
// RunAt); while it runs, it is marked to run once more when it is done.
type NewJob struct {
	Kind      string
	DedupeKey string
	Payload   []byte
	RunAt     time.Time
}

// jobFlag records that a transaction enqueued a job, so that the workers
// are woken once it commits.
type jobFlag struct{ set bool }

type jobFlagKey struct{}

// JobSignal receives a value after a transaction that enqueued a job
// commits (at most one value waits): in-process workers block on it, with a
// poll as fallback for jobs enqueued by other processes or scheduled later.
func (s *Store) JobSignal() <-chan struct{} { return s.jobSignal }

func (s *Store) signalJobs() {
	select {
	case s.jobSignal <- struct{}{}:
	default:
	}
}

// EnqueueJob stores one job in its own transaction.
func (s *Store) EnqueueJob(ctx context.Context, j NewJob) error {
	return s.tx(ctx, func(tx *gorm.DB) error { return enqueueJob(tx, j) })
}

// enqueueJob stores a job inside the transaction of the change that causes it.
func enqueueJob(tx *gorm.DB, j NewJob) error {
	if j.Kind == "" {
		return errors.New("enqueue job: no kind")
	}
	if f, ok := tx.Statement.Context.Value(jobFlagKey{}).(*jobFlag); ok {
		f.set = true
	}
	t := now()
	if j.RunAt.IsZero() {
		j.RunAt = t
	}
	var key *string
	if j.DedupeKey != "" {
		key = &j.DedupeKey
	}
	// On a dedupe conflict: a waiting job keeps the earlier run_at; a
	// running one (leased) runs once more; a failed one starts afresh.
	err := tx.Exec(`INSERT INTO jobs (kind, dedupe_key, payload, run_at, attempts, rerun, last_error, created_at, updated_at)
		VALUES (?, ?, ?, ?, 0, FALSE, '', ?, ?)
		ON CONFLICT (kind, dedupe_key) DO UPDATE SET
			payload = excluded.payload,
			rerun = (jobs.rerun OR jobs.lease_until IS NOT NULL),
			run_at = CASE WHEN jobs.failed_at IS NOT NULL OR excluded.run_at < jobs.run_at THEN excluded.run_at ELSE jobs.run_at END,
			attempts = CASE WHEN jobs.failed_at IS NOT NULL THEN 0 ELSE jobs.attempts END,
			failed_at = NULL,
			updated_at = excluded.updated_at`,
		j.Kind, key, string(j.Payload), j.RunAt.UTC().Truncate(time.Microsecond), t, t).Error
	if err != nil {
		return fmt.Errorf("enqueue %s job: %w", j.Kind, err)
	}
	return nil
}

// LeaseJobs takes up to limit jobs of the given kinds that are due at now
// and neither leased nor failed, oldest run_at first, and leases them until
// until (which then identifies the lease: see CompleteJob). On PostgreSQL
// the rows are taken with FOR UPDATE SKIP LOCKED, so several processes
// lease disjoint jobs.
func (s *Store) LeaseJobs(ctx context.Context, kinds []string, now, until time.Time, limit int) ([]models.Job, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	now, until = now.UTC(), until.UTC().Truncate(time.Microsecond)
	due := func(tx *gorm.DB) *gorm.DB {
		return tx.Where("kind IN ? AND failed_at IS NULL AND run_at <= ? AND (lease_until IS NULL OR lease_until <= ?)", kinds, now, now)
	}
	// A plain read first: idle workers poll without taking the write lock.
	var first []int64
	if err := due(s.conn(ctx).Model(&models.Job{})).Limit(1).Pluck("id", &first).Error; err != nil {
		return nil, fmt.Errorf("find due jobs: %w", err)
	}
	if len(first) == 0 {
		return nil, nil
	}
	var out []models.Job
	err := s.tx(ctx, func(tx *gorm.DB) error {
		q := due(tx).Order("run_at, id").Limit(limit)
		if s.postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Find(&out).Error; err != nil {
			return fmt.Errorf("find due jobs: %w", err)
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]int64, len(out))
		for i := range out {
			ids[i] = out[i].ID
			out[i].Attempts++
			out[i].LeaseUntil = &until
		}
		err := tx.Model(&models.Job{}).Where("id IN ?", ids).
			Updates(map[string]any{"lease_until": until, "attempts": gorm.Expr("attempts + 1"), "updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("lease jobs: %w", err)
		}
		return nil
	})
	return out, err
}

// leased selects a job by id and lease: a worker whose lease expired and
// was taken by another changes nothing.
func leased(tx *gorm.DB, j models.Job) *gorm.DB {
	if j.LeaseUntil == nil {
		return tx.Where("1 = 0")
	}
	return tx.Where("id = ? AND lease_until = ?", j.ID, j.LeaseUntil.UTC())
}

// CompleteJob records that a leased job ran: it is deleted, or, when it was
// requested again while it ran, released to run once more at now. It
// reports false when the lease had been lost (the job was taken again).
func (s *Store) CompleteJob(ctx context.Context, j models.Job, now time.Time) (bool, error) {
	held := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		q := leased(tx, j)
		if s.postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var rows []models.Job
		if err := q.Select("id, rerun").Find(&rows).Error; err != nil {
			return fmt.Errorf("complete job: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		held = true
		if !rows[0].Rerun {
			if err := tx.Delete(&models.Job{}, j.ID).Error; err != nil {
				return fmt.Errorf("delete job: %w", err)
			}
			return nil
		}
		err := tx.Model(&models.Job{}).Where("id = ?", j.ID).Updates(map[string]any{
			"rerun": false, "lease_until": nil, "attempts": 0, "run_at": now.UTC(), "last_error": "", "updated_at": now.UTC(),
		}).Error
		if err != nil {
			return fmt.Errorf("release job: %w", err)
		}
		return nil
	})
	if err == nil && held {
		s.signalJobs()
	}
	return held, err
}

// FailJob records a failed run of a leased job: it waits until retryAt, or,
// with a zero retryAt, is given up (failed_at set) until it is enqueued
// again. The error text is kept either way.
func (s *Store) FailJob(ctx context.Context, j models.Job, now, retryAt time.Time, msg string) error {
	upd := map[string]any{"lease_until": nil, "rerun": false, "last_error": msg, "updated_at": now.UTC()}
	if retryAt.IsZero() {
		upd["failed_at"] = now.UTC()
	} else {
		upd["run_at"] = retryAt.UTC().Truncate(time.Microsecond)
	}
	if err := leased(s.conn(ctx).Model(&models.Job{}), j).Updates(upd).Error; err != nil {
		return fmt.Errorf("record failed job: %w", err)
	}
	return nil
}

// ReleaseLeases frees every lease. An SQLite database is served by one
// process, so at its start the leases it finds belong to a process that
// died: their jobs run again at once instead of after the lease expires.
func (s *Store) ReleaseLeases(ctx context.Context) (int64, error) {
	res := s.conn(ctx).Model(&models.Job{}).Where("lease_until IS NOT NULL").Update("lease_until", nil)
	if res.Error != nil {
		return 0, fmt.Errorf("release leases: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// Jobs lists the stored jobs of a kind (every kind when kind is empty),
// oldest first: what waits, what runs and what failed.
func (s *Store) Jobs(ctx context.Context, kind string) ([]models.Job, error) {
	var out []models.Job
	q := s.conn(ctx).Order("id")
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return out, nil
}
