package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/app/secret"
	"gapmap/models"
)

// AssessmentPatch lists the settings of a round to change; nil fields stay.
type AssessmentPatch struct {
	Name          *string
	Due           **time.Time // set to a nil *time.Time to clear the due date
	DefaultTarget *int
	Targets       map[string]int // nil: unchanged; replaces every override
	TargetsSet    bool
	Capacity      *int
	TeamIDs       []int64
	TeamsSet      bool
	ReminderDays  *[]int // nil: unchanged; an empty list turns reminders off
}

// fields names the settings a patch sets, in a fixed order.
func (p AssessmentPatch) fields() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"name", p.Name != nil}, {"due", p.Due != nil}, {"default_target", p.DefaultTarget != nil},
		{"targets", p.TargetsSet}, {"capacity", p.Capacity != nil}, {"team_ids", p.TeamsSet},
		{"reminders", p.ReminderDays != nil},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// UpdateAssessment changes a round's settings. Targets are checked against
// the pinned questionnaires' scales. Teams may join an open round; a team
// leaves only when none of its respondents has answered (its unused links
// are removed with it). A change of targets, capacity or teams marks the
// round's results stale in the same transaction.
func (s *Store) UpdateAssessment(ctx context.Context, orgID, id int64, p AssessmentPatch) (*AssessmentInfo, error) {
	cur, err := s.Assessment(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	updates := map[string]any{}
	stale := false
	if p.Name != nil {
		name, err := CleanName("name", "Round name", *p.Name)
		if err != nil {
			return nil, err
		}
		updates["name"] = name
	}
	if p.Due != nil {
		var due *time.Time
		if d := *p.Due; d != nil {
			v := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
			due = &v
		}
		updates["due"] = due
	}
	if p.ReminderDays != nil {
		days, err := CleanReminderDays(*p.ReminderDays)
		if err != nil {
			return nil, err
		}
		updates["reminder_days"] = days
	}
	if p.Capacity != nil {
		if *p.Capacity < 1 || *p.Capacity > MaxCapacity {
			return nil, apperr.Field("capacity", "Capacity must be a whole number from 1 to %d.", MaxCapacity)
		}
		if *p.Capacity != cur.Capacity {
			updates["capacity"] = *p.Capacity
			stale = true
		}
	}
	if p.DefaultTarget != nil || p.TargetsSet {
		qs, err := s.pinnedDefinitions(s.conn(ctx), id)
		if err != nil {
			return nil, err
		}
		in := AssessmentInput{DefaultTarget: cur.DefaultTarget, Targets: cur.TargetMap}
		if p.DefaultTarget != nil {
			if *p.DefaultTarget < 1 {
				return nil, apperr.Field("default_target", "The default target must be a level of 1 or more.")
			}
			in.DefaultTarget = *p.DefaultTarget
		}
		if p.TargetsSet {
			in.Targets = nonNilMap(p.Targets)
		}
		for _, q := range qs {
			in.Questionnaires = append(in.Questionnaires, QuestionnaireChoice{Q: q.Q, VersionID: q.VersionID})
		}
		target, err := checkTargets(in)
		if err != nil {
			return nil, err
		}
		enc, err := json.Marshal(in.Targets)
		if err != nil {
			return nil, fmt.Errorf("encode targets: %w", err)
		}
		updates["default_target"], updates["targets"] = target, string(enc)
		stale = true
	}
	var add, drop []int64
	if p.TeamsSet {
		want := dedupe(p.TeamIDs)
		if len(want) == 0 {
			return nil, apperr.Field("team_ids", "Choose at least one participating team.")
		}
		have := cur.TeamIDs()
		for _, t := range want {
			if !slices.Contains(have, t) {
				add = append(add, t)
			}
		}
		for _, t := range have {
			if !slices.Contains(want, t) {
				drop = append(drop, t)
			}
		}
		if len(add) > 0 && cur.Status != models.AssessmentOpen {
			return nil, apperr.Errorf(apperr.EConflict, "Teams can join only an open round: reopen it first.")
		}
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if len(add) > 0 {
			var found int64
			if err := tx.Model(&models.Team{}).Where("org_id = ? AND id IN ?", orgID, add).Count(&found).Error; err != nil {
				return fmt.Errorf("check teams: %w", err)
			}
			if int(found) != len(add) {
				return apperr.Field("team_ids", "Every team must be a team of this organization.")
			}
			for _, t := range add {
				if err := tx.Create(&models.AssessmentTeam{AssessmentID: id, TeamID: t}).Error; err != nil {
					return fmt.Errorf("add team: %w", err)
				}
			}
			stale = true
		}
		for _, t := range drop {
			var answered int64
			err := tx.Model(&models.Response{}).
				Where("org_id = ? AND assessment_id = ? AND team_id = ? AND (revision > 0 OR status = ?)", orgID, id, t, models.ResponseSubmitted).
				Count(&answered).Error
			if err != nil {
				return fmt.Errorf("check team responses: %w", err)
			}
			if answered > 0 {
				name := ""
				for _, team := range cur.Teams {
					if team.ID == t {
						name = team.Name
					}
				}
				return apperr.Errorf(apperr.EConflict, "Team %q cannot leave this round: its respondents have already answered, and their answers stay with the round.", name)
			}
			if err := deleteTeamFromRound(tx, orgID, id, t); err != nil {
				return err
			}
			stale = true
		}
		if len(updates) > 0 {
			updates["updated_at"] = now()
			if err := tx.Model(&models.Assessment{}).Where("org_id = ? AND id = ?", orgID, id).Updates(updates).Error; err != nil {
				return fmt.Errorf("update assessment: %w", err)
			}
		}
		if fields := p.fields(); len(fields) > 0 {
			name := cur.Name
			if p.Name != nil {
				name = updates["name"].(string)
			}
			detail := map[string]any{"fields": fields}
			if len(add)+len(drop) > 0 {
				detail["teams_added"], detail["teams_removed"] = add, drop
			}
			if err := audit(ctx, tx, orgID, auditEvent{Action: AuditRoundEdited, TargetType: "round", TargetID: id, Target: name, Detail: detail}); err != nil {
				return err
			}
		}
		if stale {
			return markStale(tx, orgID, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Assessment(ctx, orgID, id)
}

// deleteTeamFromRound removes a team and its unanswered links from a round.
func deleteTeamFromRound(tx *gorm.DB, orgID, id, teamID int64) error {
	if err := tx.Where("org_id = ? AND assessment_id = ? AND team_id = ?", orgID, id, teamID).Delete(&models.Response{}).Error; err != nil {
		return fmt.Errorf("remove team responses: %w", err)
	}
	if err := tx.Where("org_id = ? AND assessment_id = ? AND team_id = ?", orgID, id, teamID).Delete(&models.Invitation{}).Error; err != nil {
		return fmt.Errorf("remove team links: %w", err)
	}
	if err := tx.Where("assessment_id = ? AND team_id = ?", id, teamID).Delete(&models.AssessmentTeam{}).Error; err != nil {
		return fmt.Errorf("remove team: %w", err)
	}
	return nil
}

// DuplicateAssessment creates an open round with the same pinned
// questionnaire versions, teams, targets and capacity as round id, and no
// links or responses. An empty name gives "<name> (copy)".
func (s *Store) DuplicateAssessment(ctx context.Context, orgID, id int64, name string, due *time.Time) (*AssessmentInfo, error) {
	src, err := s.Assessment(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		name = src.Name + " (copy)"
		if r := []rune(name); len(r) > 200 {
			name = string(r[:200])
		}
	}
	name, err = CleanName("name", "Round name", name)
	if err != nil {
		return nil, err
	}
	if len(src.Teams) == 0 {
		return nil, apperr.Errorf(apperr.EConflict, "This round has no teams left to copy.")
	}
	if due != nil {
		d := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)
		due = &d
	}
	a := &models.Assessment{
		OrgID: orgID, Name: name, Status: models.AssessmentOpen, Due: due,
		DefaultTarget: src.DefaultTarget, Targets: src.Targets, Capacity: src.Capacity, Anonymity: src.Anonymity, MinGroup: src.MinGroup,
		ReminderDays: src.ReminderDays,
	}
	if a.Targets == "" {
		a.Targets = "{}"
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		rows := make([]models.AssessmentQuestionnaire, 0, len(src.Questionnaires))
		for _, q := range src.Questionnaires {
			prev, err := previousAssessment(tx, orgID, q.Key)
			if err != nil {
				return err
			}
			rows = append(rows, models.AssessmentQuestionnaire{QuestionnaireKey: q.Key, Position: q.Position, VersionID: q.VersionID, PreviousAssessmentID: prev})
		}
		if err := tx.Create(a).Error; err != nil {
			return fmt.Errorf("store assessment: %w", err)
		}
		for i := range rows {
			rows[i].AssessmentID = a.ID
			if err := tx.Create(&rows[i]).Error; err != nil {
				return fmt.Errorf("pin questionnaire: %w", err)
			}
		}
		for _, t := range src.Teams {
			if err := tx.Create(&models.AssessmentTeam{AssessmentID: a.ID, TeamID: t.ID}).Error; err != nil {
				return fmt.Errorf("add team: %w", err)
			}
		}
		return auditRound(ctx, tx, a, AuditRoundDup, map[string]any{"from_round_id": id, "from_round": src.Name})
	})
	if err != nil {
		return nil, fmt.Errorf("duplicate assessment: %w", err)
	}
	return s.Assessment(ctx, orgID, a.ID)
}

// DeleteAssessment deletes a round with its links, responses, answers,
// results, plan and pending jobs, once confirm equals its name. Later
// rounds that compared with it lose that link and are recomputed.
func (s *Store) DeleteAssessment(ctx context.Context, orgID, id int64, confirm string) error {
	cur, err := s.Assessment(ctx, orgID, id)
	if err != nil {
		return err
	}
	if strings.TrimSpace(confirm) != cur.Name {
		return apperr.Field("confirm", "Type the round's name exactly to delete it.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		later, err := laterRounds(tx, orgID, id)
		if err != nil {
			return err
		}
		resp := tx.Model(&models.Response{}).Select("id").Where("org_id = ? AND assessment_id = ?", orgID, id)
		if err := tx.Where("response_id IN (?)", resp).Delete(&models.Answer{}).Error; err != nil {
			return fmt.Errorf("delete answers: %w", err)
		}
		dels := []struct {
			what  string
			model any
		}{
			{"responses", &models.Response{}}, {"invitations", &models.Invitation{}},
			{"results", &models.ResultSnapshot{}}, {"plan", &models.PlanItem{}},
		}
		for _, d := range dels {
			if err := tx.Where("org_id = ? AND assessment_id = ?", orgID, id).Delete(d.model).Error; err != nil {
				return fmt.Errorf("delete %s: %w", d.what, err)
			}
		}
		if err := tx.Where("assessment_id = ?", id).Delete(&models.AssessmentTeam{}).Error; err != nil {
			return fmt.Errorf("delete teams of round: %w", err)
		}
		if err := tx.Model(&models.AssessmentQuestionnaire{}).Where("previous_assessment_id = ?", id).
			Update("previous_assessment_id", nil).Error; err != nil {
			return fmt.Errorf("unlink later rounds: %w", err)
		}
		if err := tx.Where("assessment_id = ?", id).Delete(&models.AssessmentQuestionnaire{}).Error; err != nil {
			return fmt.Errorf("delete questionnaires of round: %w", err)
		}
		if err := tx.Where("kind = ? AND dedupe_key = ?", RecomputeKind, recomputeKey(id)).Delete(&models.Job{}).Error; err != nil {
			return fmt.Errorf("delete jobs of round: %w", err)
		}
		if err := tx.Where("org_id = ? AND id = ?", orgID, id).Delete(&models.Assessment{}).Error; err != nil {
			return fmt.Errorf("delete assessment: %w", err)
		}
		for _, l := range later {
			if l == id {
				continue
			}
			if err := markStale(tx, orgID, l); err != nil {
				return err
			}
		}
		return audit(ctx, tx, orgID, auditEvent{Action: AuditRoundDeleted, TargetType: "round", TargetID: id, Target: cur.Name})
	})
}

// RegenerateInvitation replaces the token of a link that was lost: the old
// token stops working at once, the response and its answers stay. It
// returns the new plain token. Revoked links cannot be regenerated.
func (s *Store) RegenerateInvitation(ctx context.Context, orgID, assessmentID, invitationID int64) (string, error) {
	plain, hash, err := secret.NewToken(SurveyTokenPrefix)
	if err != nil {
		return "", err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var inv models.Invitation
		if err := tx.Where("org_id = ? AND assessment_id = ? AND id = ?", orgID, assessmentID, invitationID).Take(&inv).Error; err != nil {
			return notFound(err, "invitation")
		}
		if inv.RevokedAt != nil {
			return apperr.Errorf(apperr.EConflict, "This link was revoked: create a new link instead.")
		}
		if err := tx.Model(&models.Invitation{}).Where("id = ?", inv.ID).Update("token_hash", hash).Error; err != nil {
			return err
		}
		return auditLink(ctx, tx, &inv, AuditLinkRegen)
	})
	if err != nil {
		return "", fmt.Errorf("regenerate invitation: %w", err)
	}
	return plain, nil
}
