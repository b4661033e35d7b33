package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// DeleteExpiredKV removes expired entries of every namespace.
func (s *Store) DeleteExpiredKV(ctx context.Context) (int64, error) {
	res := s.conn(ctx).Where("expires_at <> 0 AND expires_at <= ?", time.Now().Unix()).Delete(&models.KV{})
	if res.Error != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
