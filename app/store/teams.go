package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
)

// Teams lists an organization's teams by name.
func (s *Store) Teams(ctx context.Context, orgID int64) ([]models.Team, error) {
	var out []models.Team
	if err := s.conn(ctx).Where("org_id = ?", orgID).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	return out, nil
}

// Team returns one team of the organization.
func (s *Store) Team(ctx context.Context, orgID, id int64) (*models.Team, error) {
	var t models.Team
	if err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&t).Error; err != nil {
		return nil, notFound(err, "team")
	}
	return &t, nil
}

func duplicateTeam(err error) error {
	if isDuplicate(err) {
		return apperr.Field("name", "A team with this name already exists.")
	}
	return err
}

// CreateTeam adds a team; names are unique within an organization.
func (s *Store) CreateTeam(ctx context.Context, orgID int64, name string) (*models.Team, error) {
	name, err := CleanName("name", "Team name", name)
	if err != nil {
		return nil, err
	}
	t := &models.Team{OrgID: orgID, Name: name}
	if err := s.conn(ctx).Create(t).Error; err != nil {
		return nil, fmt.Errorf("create team: %w", duplicateTeam(err))
	}
	return t, nil
}

// RenameTeam renames a team of the organization.
func (s *Store) RenameTeam(ctx context.Context, orgID, id int64, name string) (*models.Team, error) {
	name, err := CleanName("name", "Team name", name)
	if err != nil {
		return nil, err
	}
	res := s.conn(ctx).Model(&models.Team{}).Where("org_id = ? AND id = ?", orgID, id).
		Updates(map[string]any{"name": name, "updated_at": now()})
	if res.Error != nil {
		return nil, fmt.Errorf("rename team: %w", duplicateTeam(res.Error))
	}
	if res.RowsAffected == 0 {
		return nil, apperr.NotFound("team")
	}
	return s.Team(ctx, orgID, id)
}

// DeleteTeam deletes a team of the organization with its invitations and
// responses.
func (s *Store) DeleteTeam(ctx context.Context, orgID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := subtractTeamDays(tx, orgID, id); err != nil {
			return err
		}
		res := tx.Where("org_id = ? AND id = ?", orgID, id).Delete(&models.Team{})
		if res.Error != nil {
			return fmt.Errorf("delete team: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.NotFound("team")
		}
		return nil
	})
}

// TeamMemberIDs returns the user ids assigned to a team.
func (s *Store) TeamMemberIDs(ctx context.Context, orgID, teamID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.TeamMember{}).Where("org_id = ? AND team_id = ?", orgID, teamID).Order("user_id").Pluck("user_id", &ids).Error
	return ids, err
}

// SetTeamMembers replaces the people assigned to a team; each must be a
// member of the organization.
func (s *Store) SetTeamMembers(ctx context.Context, orgID, teamID int64, userIDs []int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Team{}).Where("org_id = ? AND id = ?", orgID, teamID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return apperr.NotFound("team")
		}
		if len(userIDs) > 0 {
			var found int64
			if err := tx.Model(&models.Membership{}).Where("org_id = ? AND user_id IN ?", orgID, userIDs).Count(&found).Error; err != nil {
				return err
			}
			if int(found) != len(dedupe(userIDs)) {
				return apperr.Field("user_ids", "Every assigned person must be a member of the organization.")
			}
		}
		if err := tx.Where("org_id = ? AND team_id = ?", orgID, teamID).Delete(&models.TeamMember{}).Error; err != nil {
			return err
		}
		for _, uid := range dedupe(userIDs) {
			if err := tx.Create(&models.TeamMember{TeamID: teamID, UserID: uid, OrgID: orgID}).Error; err != nil {
				return err
			}
		}
		var name string
		if err := tx.Model(&models.Team{}).Where("id = ?", teamID).Pluck("name", &name).Error; err != nil {
			return err
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditTeamMembers, TargetType: "team", TargetID: teamID, Target: name, Detail: map[string]any{"user_ids": dedupe(userIDs)}})
	})
}

// TeamIDsOfUser lists the teams a user is assigned to in an organization.
func (s *Store) TeamIDsOfUser(ctx context.Context, orgID, userID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.TeamMember{}).Where("org_id = ? AND user_id = ?", orgID, userID).Order("team_id").Pluck("team_id", &ids).Error
	return ids, err
}

func dedupe(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// MaxTeamSize is the largest headcount accepted for a team.
const MaxTeamSize = 100000

// CheckTeamSize validates a headcount; nil means unknown.
func CheckTeamSize(size *int) error {
	if size != nil && (*size < 1 || *size > MaxTeamSize) {
		return apperr.Field("size", "The team size must be a whole number from 1 to %d, or empty when unknown.", MaxTeamSize)
	}
	return nil
}

// SetTeamSize sets (or, with nil, clears) a team's headcount, from which
// rounds show their response rate.
func (s *Store) SetTeamSize(ctx context.Context, orgID, id int64, size *int) (*models.Team, error) {
	if err := CheckTeamSize(size); err != nil {
		return nil, err
	}
	res := s.conn(ctx).Model(&models.Team{}).Where("org_id = ? AND id = ?", orgID, id).
		Updates(map[string]any{"size": size, "updated_at": now()})
	if res.Error != nil {
		return nil, fmt.Errorf("set team size: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, apperr.NotFound("team")
	}
	return s.Team(ctx, orgID, id)
}
