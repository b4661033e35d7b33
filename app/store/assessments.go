package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
	"gapmap/questionnaires"
)

// Assessment defaults and limits.
const (
	DefaultTarget   = 3  // target level when the admin sets none
	DefaultCapacity = 6  // recommendations a team can take on per quarter
	MaxCapacity     = 50 // largest capacity accepted
	DefaultMinGroup = 5  // anonymous rounds: default minimum group size
	MinMinGroup     = 3  // smallest minimum group size accepted
	MaxMinGroup     = 50 // largest minimum group size accepted
)

// QuestionnaireChoice is one questionnaire of a new assessment: an upload of
// the organization already stored (VersionID set), or a shipped
// questionnaire that is pinned when the assessment is created (VersionID 0).
type QuestionnaireChoice struct {
	Q         *questionnaires.Questionnaire
	VersionID int64
}

// AssessmentInput describes a new assessment (a round).
type AssessmentInput struct {
	Name           string
	Questionnaires []QuestionnaireChoice
	TeamIDs        []int64
	DefaultTarget  int            // 0: DefaultTarget, lowered to the smallest scale
	Targets        map[string]int // "<questionnaire>/<dimension>" -> level
	Due            *time.Time
	Capacity       int    // 0: DefaultCapacity
	Anonymity      string // "": models.AnonymityNamed
	MinGroup       int    // 0: DefaultMinGroup
	ReminderDays   []int  // days before Due to send reminders on (see CleanReminderDays)
}

// checkAnonymity validates a round's anonymity mode and minimum group size
// and returns the values to store.
func checkAnonymity(mode string, minGroup int) (string, int, error) {
	switch mode {
	case "":
		mode = models.AnonymityNamed
	case models.AnonymityNamed, models.AnonymityAnonymous:
	default:
		return "", 0, apperr.Field("anonymity", "The anonymity mode must be %q or %q.", models.AnonymityNamed, models.AnonymityAnonymous)
	}
	if minGroup == 0 {
		minGroup = DefaultMinGroup
	}
	if minGroup < MinMinGroup || minGroup > MaxMinGroup {
		return "", 0, apperr.Field("anonymity", "The minimum group size must be a whole number from %d to %d.", MinMinGroup, MaxMinGroup)
	}
	return mode, minGroup, nil
}

// RoundQuestionnaire is a questionnaire version pinned to an assessment.
type RoundQuestionnaire struct {
	Key                  string
	Position             int
	VersionID            int64
	Version              string
	Title                string
	PreviousAssessmentID *int64
}

// AssessmentInfo is an assessment with its pinned questionnaires, its
// teams and its decoded target overrides.
type AssessmentInfo struct {
	models.Assessment
	Questionnaires []RoundQuestionnaire
	Teams          []models.Team // id, organization, name and size (no times)
	TargetMap      map[string]int
}

// TeamIDs lists the ids of the participating teams.
func (a *AssessmentInfo) TeamIDs() []int64 {
	ids := make([]int64, 0, len(a.Teams))
	for _, t := range a.Teams {
		ids = append(ids, t.ID)
	}
	return ids
}

// HasTeam reports whether the team takes part in the assessment.
func (a *AssessmentInfo) HasTeam(teamID int64) bool {
	return slices.Contains(a.TeamIDs(), teamID)
}

// Progress counts the responses of an assessment's active invitations.
type Progress struct {
	Invitations int `json:"invitations"`
	NotStarted  int `json:"not_started"`
	InProgress  int `json:"in_progress"`
	Submitted   int `json:"submitted"`
}

// AssessmentSummary is one line of the list of an organization's rounds.
type AssessmentSummary struct {
	models.Assessment
	QuestionnaireKeys []string
	Progress          Progress
}

// CreateAssessment validates and stores a new open assessment: it pins each
// questionnaire, links the teams (all of the organization), checks every
// target against the scales, and records for each questionnaire the most
// recent earlier round of the organization that used it.
func (s *Store) CreateAssessment(ctx context.Context, orgID int64, in AssessmentInput) (*AssessmentInfo, error) {
	name, err := CleanName("name", "Round name", in.Name)
	if err != nil {
		return nil, err
	}
	if err := checkChoices(in.Questionnaires); err != nil {
		return nil, err
	}
	target, err := checkTargets(in)
	if err != nil {
		return nil, err
	}
	reminderDays, err := CleanReminderDays(in.ReminderDays)
	if err != nil {
		return nil, err
	}
	capacity := in.Capacity
	if capacity == 0 {
		capacity = DefaultCapacity
	}
	if capacity < 1 || capacity > MaxCapacity {
		return nil, apperr.Field("capacity", "Capacity must be a whole number from 1 to %d.", MaxCapacity)
	}
	teamIDs := dedupe(in.TeamIDs)
	if len(teamIDs) == 0 {
		return nil, apperr.Field("team_ids", "Choose at least one participating team.")
	}
	mode, minGroup, err := checkAnonymity(in.Anonymity, in.MinGroup)
	if err != nil {
		return nil, err
	}
	targets, err := json.Marshal(nonNilMap(in.Targets))
	if err != nil {
		return nil, fmt.Errorf("encode targets: %w", err)
	}
	var due *time.Time
	if in.Due != nil {
		d := time.Date(in.Due.Year(), in.Due.Month(), in.Due.Day(), 0, 0, 0, 0, time.UTC)
		due = &d
	}
	a := &models.Assessment{
		OrgID: orgID, Name: name, Status: models.AssessmentOpen, Due: due,
		DefaultTarget: target, Targets: string(targets), Capacity: capacity,
		Anonymity: mode, MinGroup: minGroup, ReminderDays: reminderDays,
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var found int64
		if err := tx.Model(&models.Team{}).Where("org_id = ? AND id IN ?", orgID, teamIDs).Count(&found).Error; err != nil {
			return fmt.Errorf("check teams: %w", err)
		}
		if int(found) != len(teamIDs) {
			return apperr.Field("team_ids", "Every team must be a team of this organization.")
		}
		rows := make([]models.AssessmentQuestionnaire, 0, len(in.Questionnaires))
		for i, ch := range in.Questionnaires {
			vid := ch.VersionID
			if vid == 0 {
				if vid, err = pinVersion(tx, nil, ch.Q, nil); err != nil {
					return err
				}
			} else if err := ownVersion(tx, orgID, vid, ch.Q.Key); err != nil {
				return err
			}
			prev, err := previousAssessment(tx, orgID, ch.Q.Key)
			if err != nil {
				return err
			}
			rows = append(rows, models.AssessmentQuestionnaire{QuestionnaireKey: ch.Q.Key, Position: i, VersionID: vid, PreviousAssessmentID: prev})
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
		for _, id := range teamIDs {
			if err := tx.Create(&models.AssessmentTeam{AssessmentID: a.ID, TeamID: id}).Error; err != nil {
				return fmt.Errorf("add team: %w", err)
			}
		}
		return auditRound(ctx, tx, a, AuditRoundCreated, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("create assessment: %w", err)
	}
	return s.Assessment(ctx, orgID, a.ID)
}

func checkChoices(chs []QuestionnaireChoice) error {
	if len(chs) == 0 {
		return apperr.Field("questionnaires", "Choose at least one questionnaire.")
	}
	seen := map[string]bool{}
	for _, ch := range chs {
		if ch.Q == nil {
			return apperr.Field("questionnaires", "Unknown questionnaire.")
		}
		if seen[ch.Q.Key] {
			return apperr.Field("questionnaires", "Questionnaire %q is listed twice.", ch.Q.Key)
		}
		seen[ch.Q.Key] = true
	}
	return nil
}

// checkTargets validates the default target and the overrides against every
// questionnaire's scale 1..N and returns the default target to store.
func checkTargets(in AssessmentInput) (int, error) {
	smallest := 0
	for _, ch := range in.Questionnaires {
		if n := len(ch.Q.Levels); smallest == 0 || n < smallest {
			smallest = n
		}
	}
	target := in.DefaultTarget
	if target == 0 {
		target = min(DefaultTarget, smallest)
	}
	if target < 1 || target > smallest {
		return 0, apperr.Field("default_target", "The default target must be a level from 1 to %d.", smallest)
	}
	byKey := make(map[string]*questionnaires.Questionnaire, len(in.Questionnaires))
	for _, ch := range in.Questionnaires {
		byKey[ch.Q.Key] = ch.Q
	}
	keys := make([]string, 0, len(in.Targets))
	for k := range in.Targets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		qk, dk, ok := strings.Cut(k, "/")
		q := byKey[qk]
		if !ok || q == nil {
			return 0, apperr.Field("targets", "Target %q must name a questionnaire of this assessment and one of its dimensions, as \"<questionnaire>/<dimension>\".", k)
		}
		if _, ok := q.Dimension(dk); !ok {
			return 0, apperr.Field("targets", "Target %q names no dimension of questionnaire %q.", k, qk)
		}
		if v := in.Targets[k]; v < 1 || v > len(q.Levels) {
			return 0, apperr.Field("targets", "Target %q must be a level from 1 to %d.", k, len(q.Levels))
		}
	}
	return target, nil
}

// ownVersion checks that a stored version belongs to the org and has the key.
func ownVersion(tx *gorm.DB, orgID, versionID int64, key string) error {
	var n int64
	err := tx.Model(&models.QuestionnaireVersion{}).Where("id = ? AND org_id = ? AND key = ?", versionID, orgID, key).Count(&n).Error
	if err != nil {
		return fmt.Errorf("check questionnaire version: %w", err)
	}
	if n == 0 {
		return apperr.Field("questionnaires", "Unknown questionnaire %q.", key)
	}
	return nil
}

// auditRound records an action on round a.
func auditRound(ctx context.Context, tx *gorm.DB, a *models.Assessment, action string, detail map[string]any) error {
	return audit(ctx, tx, a.OrgID, auditEvent{Action: action, TargetType: "round", TargetID: a.ID, Target: a.Name, Detail: detail})
}

// previousAssessment returns the org's most recent round using key.
func previousAssessment(tx *gorm.DB, orgID int64, key string) (*int64, error) {
	var ids []int64
	err := tx.Table("assessments a").Select("a.id").
		Joins("JOIN assessment_questionnaires aq ON aq.assessment_id = a.id").
		Where("a.org_id = ? AND aq.questionnaire_key = ?", orgID, key).
		Order("a.created_at DESC, a.id DESC").Limit(1).Pluck("a.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("find previous assessment: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return &ids[0], nil
}

func nonNilMap(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// Assessment loads one assessment of the organization.
func (s *Store) Assessment(ctx context.Context, orgID, id int64) (*AssessmentInfo, error) {
	rows, err := s.conn(ctx).Raw("SELECT "+assessmentColumns+" FROM assessments WHERE org_id = ? AND id = ?", orgID, id).Rows()
	if err != nil {
		return nil, fmt.Errorf("load assessment: %w", err)
	}
	var a models.Assessment
	found := rows.Next()
	if found {
		err = scanAssessment(rows, &a)
	}
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err == nil && !found {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return nil, notFound(err, "assessment")
	}
	info := &AssessmentInfo{Assessment: a, TargetMap: map[string]int{}}
	if a.Targets != "" {
		if err := json.Unmarshal([]byte(a.Targets), &info.TargetMap); err != nil {
			return nil, fmt.Errorf("decode targets of assessment %d: %w", a.ID, err)
		}
	}
	qs, err := roundQuestionnaires(s.conn(ctx), id)
	if err != nil {
		return nil, err
	}
	info.Questionnaires = qs
	// From the round's teams, not the organization's: SQLite would walk
	// every team of the organization in name order otherwise (CROSS JOIN
	// fixes its join order; PostgreSQL plans by its statistics).
	join := "JOIN teams t ON t.id = at.team_id"
	if !s.postgres {
		join = "CROSS " + join
	}
	// Scanned by hand, and without the teams' times (nothing reads them
	// here): GORM's reflection and the driver's time parsing were most of
	// the cost of every results and dashboard request.
	rows, err = s.conn(ctx).Raw("SELECT t.id, t.org_id, t.name, t.size FROM assessment_teams at "+join+
		" WHERE at.assessment_id = ? AND t.org_id = ? ORDER BY t.name, t.id", id, orgID).Rows()
	if err != nil {
		return nil, fmt.Errorf("load assessment teams: %w", err)
	}
	defer rows.Close()
	info.Teams = []models.Team{}
	for rows.Next() {
		var (
			t    models.Team
			size sql.NullInt64
		)
		if err := rows.Scan(&t.ID, &t.OrgID, &t.Name, &size); err != nil {
			return nil, fmt.Errorf("load assessment teams: %w", err)
		}
		if size.Valid {
			n := int(size.Int64)
			t.Size = &n
		}
		info.Teams = append(info.Teams, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load assessment teams: %w", err)
	}
	return info, nil
}

func roundQuestionnaires(db *gorm.DB, assessmentID int64) ([]RoundQuestionnaire, error) {
	rows, err := db.Raw("SELECT aq.questionnaire_key, aq.position, aq.version_id, v.version, v.title, aq.previous_assessment_id "+
		"FROM assessment_questionnaires aq JOIN questionnaire_versions v ON v.id = aq.version_id "+
		"WHERE aq.assessment_id = ? ORDER BY aq.position", assessmentID).Rows()
	if err != nil {
		return nil, fmt.Errorf("load assessment questionnaires: %w", err)
	}
	defer rows.Close()
	var out []RoundQuestionnaire
	for rows.Next() {
		var (
			q    RoundQuestionnaire
			prev sql.NullInt64
		)
		if err := rows.Scan(&q.Key, &q.Position, &q.VersionID, &q.Version, &q.Title, &prev); err != nil {
			return nil, fmt.Errorf("load assessment questionnaires: %w", err)
		}
		if prev.Valid {
			q.PreviousAssessmentID = &prev.Int64
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load assessment questionnaires: %w", err)
	}
	return out, nil
}

// assessmentColumns are the columns of models.Assessment in the order
// scanAssessment reads them: the per-request reads of a round scan by
// hand, without GORM's reflection.
const assessmentColumns = "id, org_id, name, status, due, default_target, targets, capacity, anonymity, min_group, reminder_days, created_at, updated_at, closed_at"

// scanAssessment reads the row rows is at (columns assessmentColumns).
func scanAssessment(rows *sql.Rows, a *models.Assessment) error {
	var due, closed sql.NullTime
	if err := rows.Scan(&a.ID, &a.OrgID, &a.Name, &a.Status, &due, &a.DefaultTarget, &a.Targets, &a.Capacity,
		&a.Anonymity, &a.MinGroup, &a.ReminderDays, &a.CreatedAt, &a.UpdatedAt, &closed); err != nil {
		return fmt.Errorf("read assessment: %w", err)
	}
	if due.Valid {
		a.Due = &due.Time
	}
	if closed.Valid {
		a.ClosedAt = &closed.Time
	}
	return nil
}

// Assessments lists the organization's rounds, newest first, with the
// progress of their active invitations.
func (s *Store) Assessments(ctx context.Context, orgID int64) ([]AssessmentSummary, error) {
	out, err := s.RoundList(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		AssessmentID int64
		Invitations  int
		Submitted    int
		InProgress   int
	}
	err = s.conn(ctx).Table("responses r").
		Select("r.assessment_id, COUNT(*) AS invitations, "+
			"SUM(CASE WHEN r.status = 'submitted' THEN 1 ELSE 0 END) AS submitted, "+
			"SUM(CASE WHEN r.status = 'draft' AND r.revision > 0 THEN 1 ELSE 0 END) AS in_progress").
		Joins("JOIN invitations i ON i.id = r.invitation_id").
		Where("r.org_id = ? AND i.revoked_at IS NULL", orgID).Group("r.assessment_id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("count responses: %w", err)
	}
	index := make(map[int64]int, len(out))
	for i, a := range out {
		index[a.ID] = i
	}
	for _, c := range counts {
		if i, ok := index[c.AssessmentID]; ok {
			out[i].Progress = Progress{Invitations: c.Invitations, Submitted: c.Submitted, InProgress: c.InProgress,
				NotStarted: c.Invitations - c.Submitted - c.InProgress}
		}
	}
	return out, nil
}

// RoundList lists the organization's rounds, newest first, with their
// questionnaire keys but without progress (Assessments counts every
// response of the organization for it).
func (s *Store) RoundList(ctx context.Context, orgID int64) ([]AssessmentSummary, error) {
	rows, err := s.conn(ctx).Raw("SELECT "+assessmentColumns+" FROM assessments WHERE org_id = ? ORDER BY created_at DESC, id DESC", orgID).Rows()
	if err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	var as []models.Assessment
	for rows.Next() {
		var a models.Assessment
		if err := scanAssessment(rows, &a); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list assessments: %w", err)
		}
		as = append(as, a)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	var keys []struct {
		AssessmentID     int64
		QuestionnaireKey string
	}
	err = s.conn(ctx).Table("assessment_questionnaires aq").Select("aq.assessment_id, aq.questionnaire_key").
		Joins("JOIN assessments a ON a.id = aq.assessment_id").Where("a.org_id = ?", orgID).
		Order("aq.assessment_id, aq.position").Scan(&keys).Error
	if err != nil {
		return nil, fmt.Errorf("list assessment questionnaires: %w", err)
	}
	out := make([]AssessmentSummary, len(as))
	index := make(map[int64]int, len(as))
	for i, a := range as {
		out[i] = AssessmentSummary{Assessment: a}
		index[a.ID] = i
	}
	for _, k := range keys {
		if i, ok := index[k.AssessmentID]; ok {
			out[i].QuestionnaireKeys = append(out[i].QuestionnaireKeys, k.QuestionnaireKey)
		}
	}
	return out, nil
}

// CloseAssessment closes a round: no more answers, links stop working for
// writes. Closing a closed round changes nothing.
func (s *Store) CloseAssessment(ctx context.Context, orgID, id int64) (*AssessmentInfo, error) {
	return s.setAssessmentStatus(ctx, orgID, id, models.AssessmentClosed, nil)
}

// ReopenAssessment opens a closed round again.
func (s *Store) ReopenAssessment(ctx context.Context, orgID, id int64) (*AssessmentInfo, error) {
	return s.setAssessmentStatus(ctx, orgID, id, models.AssessmentOpen, nil)
}

func (s *Store) setAssessmentStatus(ctx context.Context, orgID, id int64, status string, summary RoundSummaryMail) (*AssessmentInfo, error) {
	t := now()
	updates := map[string]any{"status": status, "updated_at": t, "closed_at": nil}
	if status == models.AssessmentClosed {
		updates["closed_at"] = t
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.Assessment{}).Where("org_id = ? AND id = ? AND status <> ?", orgID, id, status).Updates(updates)
		if res.Error != nil {
			return fmt.Errorf("set assessment status: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		var a models.Assessment
		if err := tx.Where("id = ?", id).Take(&a).Error; err != nil {
			return fmt.Errorf("read assessment: %w", err)
		}
		action := AuditRoundReopened
		if status == models.AssessmentClosed {
			action = AuditRoundClosed
		}
		if err := auditRound(ctx, tx, &a, action, nil); err != nil {
			return err
		}
		if status == models.AssessmentClosed {
			err := queueWebhookEvent(tx, orgID, models.EventRoundClosed, map[string]any{"round_id": a.ID, "name": a.Name, "closed_at": t.UTC()})
			if err != nil {
				return err
			}
		}
		if status == models.AssessmentClosed && summary != nil {
			if err := queueRoundSummary(tx, &a, summary); err != nil {
				return err
			}
		}
		return markStale(tx, orgID, id)
	})
	if err != nil {
		return nil, err
	}
	a, err := s.Assessment(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// errClosed is returned for writes into a closed round.
func errClosed() error {
	return apperr.Errorf(apperr.EConflict, "This round is closed: answers and links can no longer be changed.")
}
