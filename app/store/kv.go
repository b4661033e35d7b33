package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gapmap/models"
)

// KV is a key-value storage in the database, shaped like fiber.Storage, so
// that sessions and CSRF tokens are shared by every instance of gapmap.
// Keys are namespaced by a prefix.
type KV struct {
	s      *Store
	prefix string
}

// kvRefresh is how far an entry's expiry may lag before Set rewrites it.
const kvRefresh = 10 * time.Minute

// KV returns the storage of one namespace.
func (s *Store) KV(prefix string) *KV { return &KV{s: s, prefix: prefix + ":"} }

func (kv *KV) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

// Get returns the value of key, or nil when it is absent or expired.
func (kv *KV) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	ctx, cancel := kv.ctx()
	defer cancel()
	var row models.KV
	err := kv.s.conn(ctx).Where("k = ?", kv.prefix+key).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kv get: %w", err)
	}
	if row.ExpiresAt != 0 && row.ExpiresAt <= time.Now().Unix() {
		return nil, nil
	}
	return row.V, nil
}

// Set stores val under key for exp (0: no expiry).
func (kv *KV) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	var expires int64
	if exp > 0 {
		expires = time.Now().Add(exp).Unix()
	}
	ctx, cancel := kv.ctx()
	defer cancel()
	// Sessions and CSRF tokens are "set" again on every request to extend
	// them; skip the write while the stored value is the same and its
	// expiry is less than kvRefresh behind.
	var cur models.KV
	err := kv.s.conn(ctx).Where("k = ?", kv.prefix+key).Limit(1).Find(&cur).Error
	if err == nil && cur.K != "" && bytes.Equal(cur.V, val) && (expires == 0) == (cur.ExpiresAt == 0) && cur.ExpiresAt >= expires-int64(kvRefresh/time.Second) {
		return nil
	}
	row := models.KV{K: kv.prefix + key, V: val, ExpiresAt: expires}
	err = kv.s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "k"}},
		DoUpdates: clause.AssignmentColumns([]string{"v", "expires_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("kv set: %w", err)
	}
	return nil
}

// Delete removes key.
func (kv *KV) Delete(key string) error {
	ctx, cancel := kv.ctx()
	defer cancel()
	if err := kv.s.conn(ctx).Where("k = ?", kv.prefix+key).Delete(&models.KV{}).Error; err != nil {
		return fmt.Errorf("kv delete: %w", err)
	}
	return nil
}

// Reset removes every key of the namespace.
func (kv *KV) Reset() error {
	ctx, cancel := kv.ctx()
	defer cancel()
	if err := kv.s.conn(ctx).Where("k LIKE ?", kv.prefix+"%").Delete(&models.KV{}).Error; err != nil {
		return fmt.Errorf("kv reset: %w", err)
	}
	return nil
}

// Close does nothing: the store owns the connection.
func (kv *KV) Close() error { return nil }

// Secret returns the server secret called name: 32 random bytes made by
// the first instance that asks and then shared by every instance through
// the database. It never expires.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	k := "secret:" + name
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&models.KV{K: k, V: fresh}).Error
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var row models.KV
	if err := s.conn(ctx).Where("k = ?", k).Take(&row).Error; err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	if len(row.V) < 16 {
		return nil, fmt.Errorf("secret %s: stored value too short", name)
	}
	return row.V, nil
}

// KVPurgeKind is the job that deletes expired key-value entries (sessions)
// and schedules its next run KVPurgeEvery later.
const (
	KVPurgeKind  = "kv.purge"
	KVPurgeEvery = 10 * time.Minute
)

// ScheduleKVPurge enqueues a purge of expired entries at at. Purges are
// coalesced per KVPurgeEvery slot, so instances that all schedule the next
// one store a single job.
func (s *Store) ScheduleKVPurge(ctx context.Context, at time.Time) error {
	slot := at.UTC().Truncate(KVPurgeEvery).Unix()
	return s.EnqueueJob(ctx, NewJob{Kind: KVPurgeKind, DedupeKey: strconv.FormatInt(slot, 10), RunAt: at})
}

// DeleteExpiredKV removes expired entries of every namespace.
func (s *Store) DeleteExpiredKV(ctx context.Context) (int64, error) {
	res := s.conn(ctx).Where("expires_at <> 0 AND expires_at <= ?", time.Now().Unix()).Delete(&models.KV{})
	if res.Error != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
