package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
	"gapmap/questionnaires"
)

// PinnedQuestionnaire is a stored questionnaire version with its parsed
// definition.
type PinnedQuestionnaire struct {
	VersionID int64
	OrgID     *int64 // nil for a shipped questionnaire
	Seq       int
	Q         *questionnaires.Questionnaire
}

// PinVersion returns the id of the stored version with q's exact content,
// storing it first when it is new. orgID is nil for shipped questionnaires.
func (s *Store) PinVersion(ctx context.Context, orgID *int64, q *questionnaires.Questionnaire, source []byte) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		id, err = pinVersion(tx, orgID, q, source)
		return err
	})
	return id, err
}

// pinVersion stores q unless a version with its exact content exists. The
// version pinned, new or old, becomes the latest of its key: uploading the
// bytes of an older version again brings that version back, so it takes the
// next sequence number.
func pinVersion(tx *gorm.DB, orgID *int64, q *questionnaires.Questionnaire, source []byte) (int64, error) {
	var seq int
	seqQuery := ofOwner(tx.Model(&models.QuestionnaireVersion{}).Select("COALESCE(MAX(seq), 0)").Where("key = ?", q.Key), orgID)
	if err := seqQuery.Scan(&seq).Error; err != nil {
		return 0, fmt.Errorf("next questionnaire version: %w", err)
	}
	var existing models.QuestionnaireVersion
	err := ofOwner(tx.Select("id", "seq").Where("hash = ? AND key = ?", q.Hash, q.Key), orgID).Take(&existing).Error
	if err == nil {
		if existing.Seq < seq {
			err := tx.Model(&models.QuestionnaireVersion{}).Where("id = ?", existing.ID).Update("seq", seq+1).Error
			if err != nil {
				return 0, fmt.Errorf("make questionnaire version %d the latest: %w", existing.ID, err)
			}
		}
		return existing.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, fmt.Errorf("find questionnaire version: %w", err)
	}
	def, err := json.Marshal(q)
	if err != nil {
		return 0, fmt.Errorf("encode questionnaire: %w", err)
	}
	v := models.QuestionnaireVersion{OrgID: orgID, Key: q.Key, Version: q.Version, Seq: seq + 1, Hash: q.Hash, Title: q.Title, Source: string(source), Definition: string(def)}
	if err := tx.Create(&v).Error; err != nil {
		return 0, fmt.Errorf("store questionnaire version: %w", err)
	}
	return v.ID, nil
}

// ofOwner narrows a query of questionnaire versions to the org's uploads, or
// to the shipped versions when orgID is nil.
func ofOwner(query *gorm.DB, orgID *int64) *gorm.DB {
	if orgID == nil {
		return query.Where("org_id IS NULL")
	}
	return query.Where("org_id = ?", *orgID)
}

// UploadQuestionnaire stores an organization's own questionnaire. Uploading
// the same key again creates a new version; identical content is stored once.
func (s *Store) UploadQuestionnaire(ctx context.Context, orgID int64, q *questionnaires.Questionnaire, source []byte) (*PinnedQuestionnaire, error) {
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if id, err = pinVersion(tx, &orgID, q, source); err != nil {
			return err
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditQuestUpload, TargetType: "questionnaire", TargetID: id, Target: q.Key,
			Detail: map[string]any{"version": q.Version, "hash": q.Hash}})
	})
	if err != nil {
		return nil, err
	}
	return s.QuestionnaireVersion(ctx, orgID, id)
}

// QuestionnaireVersion loads one stored version visible to the org (its own
// uploads and shipped versions).
func (s *Store) QuestionnaireVersion(ctx context.Context, orgID, id int64) (*PinnedQuestionnaire, error) {
	var v models.QuestionnaireVersion
	err := s.conn(ctx).Where("id = ? AND (org_id IS NULL OR org_id = ?)", id, orgID).Take(&v).Error
	if err != nil {
		return nil, notFound(err, "questionnaire")
	}
	return decodeVersion(v)
}

// OrgQuestionnaires returns the latest version of every questionnaire the
// organization uploaded, by key.
func (s *Store) OrgQuestionnaires(ctx context.Context, orgID int64) ([]*PinnedQuestionnaire, error) {
	var vs []models.QuestionnaireVersion
	err := s.conn(ctx).Where("org_id = ? AND seq = (SELECT MAX(v2.seq) FROM questionnaire_versions v2 WHERE v2.org_id = questionnaire_versions.org_id AND v2.key = questionnaire_versions.key)", orgID).
		Order("key").Find(&vs).Error
	if err != nil {
		return nil, fmt.Errorf("list questionnaires: %w", err)
	}
	out := make([]*PinnedQuestionnaire, 0, len(vs))
	for _, v := range vs {
		p, err := decodeVersion(v)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// OrgQuestionnaire returns the latest uploaded version of key in the org.
func (s *Store) OrgQuestionnaire(ctx context.Context, orgID int64, key string) (*PinnedQuestionnaire, error) {
	var v models.QuestionnaireVersion
	err := s.conn(ctx).Where("org_id = ? AND key = ?", orgID, key).Order("seq DESC").Take(&v).Error
	if err != nil {
		return nil, notFound(err, "questionnaire")
	}
	return decodeVersion(v)
}

func decodeVersion(v models.QuestionnaireVersion) (*PinnedQuestionnaire, error) {
	q, err := questionnaires.ParseJSON([]byte(v.Definition))
	if err != nil {
		return nil, apperr.Errorf(apperr.EInternal, "stored questionnaire %d is unreadable: %v", v.ID, err)
	}
	return &PinnedQuestionnaire{VersionID: v.ID, OrgID: v.OrgID, Seq: v.Seq, Q: q}, nil
}
