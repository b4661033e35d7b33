package store

import (
	"context"

	"gapmap/models"
)

// VersionByHash returns the id of a stored questionnaire version with this
// key and content hash, whichever organization stored it (or a shipped
// one). Versions with the same key and hash have the same content, so any
// of them serves; ENotFound when none exists.
func (s *Store) VersionByHash(ctx context.Context, key, hash string) (int64, error) {
	var v models.QuestionnaireVersion
	err := s.conn(ctx).Select("id").Where("key = ? AND hash = ?", key, hash).Order("id").Take(&v).Error
	if err != nil {
		return 0, notFound(err, "questionnaire version")
	}
	return v.ID, nil
}
