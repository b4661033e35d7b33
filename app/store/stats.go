package store

import (
	"context"
	"database/sql"
	"fmt"

	"gapmap/models"
)

// PendingJobs counts the jobs of kind that wait to run or are running
// (those given up after their last attempt are not counted).
func (s *Store) PendingJobs(ctx context.Context, kind string) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Job{}).Where("kind = ? AND failed_at IS NULL", kind).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count pending %s jobs: %w", kind, err)
	}
	return n, nil
}

// DBStats returns the statistics of the connection pool.
func (s *Store) DBStats() sql.DBStats {
	sqlDB, err := s.db.DB()
	if err != nil {
		return sql.DBStats{}
	}
	return sqlDB.Stats()
}
