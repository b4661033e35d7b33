package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/models"
)

// OrgTable says where an organization's rows of one table are: the
// condition selecting them (one ? for the organization's id), the JSON
// Lines file of the organization export that carries them, and the columns
// the export leaves out (secrets).
type OrgTable struct {
	Table string
	File  string
	Where string
	Order string
	Omit  []string
}

// roundsOf and responsesOf select the ids of an organization's rounds and
// responses, for the tables that reach the organization through them.
const (
	roundsOf    = "assessment_id IN (SELECT id FROM assessments WHERE org_id = ?)"
	responsesOf = "response_id IN (SELECT id FROM responses WHERE org_id = ?)"
)

// OrgTables lists every table that holds rows of an organization, parents
// before children: the organization export writes them in this order, and
// deleting an organization removes them in the reverse order.
// TestEveryTableIsClassified fails when a migration adds a table that is
// neither here nor in GlobalTables.
func OrgTables() []OrgTable {
	return []OrgTable{
		{Table: "orgs", File: "organization.jsonl", Where: "id = ?", Order: "id"},
		{Table: "users", File: "users.jsonl", Where: "id IN (SELECT user_id FROM memberships WHERE org_id = ?)", Order: "id", Omit: []string{"password_hash"}},
		{Table: "memberships", File: "members.jsonl", Where: "org_id = ?", Order: "id"},
		{Table: "teams", File: "teams.jsonl", Where: "org_id = ?", Order: "id"},
		{Table: "team_members", File: "team_members.jsonl", Where: "org_id = ?", Order: "team_id, user_id"},
		{Table: "api_tokens", File: "api_tokens.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"token_hash"}},
		{Table: "org_invites", File: "member_invitations.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"token_hash"}},
		{Table: "questionnaire_versions", File: "questionnaire_versions.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"source", "definition"}},
		{Table: "assessments", File: "rounds.jsonl", Where: "org_id = ?", Order: "id"},
		{Table: "assessment_questionnaires", File: "round_questionnaires.jsonl", Where: roundsOf, Order: "assessment_id, position"},
		{Table: "assessment_teams", File: "round_teams.jsonl", Where: roundsOf, Order: "assessment_id, team_id"},
		{Table: "open_links", File: "open_links.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"token_hash"}},
		{Table: "invitations", File: "invitations.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"token_hash"}},
		{Table: "responses", File: "responses.jsonl", Where: "org_id = ?", Order: "id"},
		{Table: "answers", File: "answers.jsonl", Where: responsesOf, Order: "response_id, questionnaire_key, question_key"},
		{Table: "result_snapshots", File: "results.jsonl", Where: "org_id = ?", Order: "assessment_id, questionnaire_key"},
		{Table: "plan_items", File: "roadmap.jsonl", Where: "org_id = ?", Order: "assessment_id, team_id, questionnaire_key, recommendation_key"},
		{Table: "audit_log", File: "audit.jsonl", Where: "org_id = ?", Order: "id"},
		{Table: "outbox", File: "emails.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"body_text", "body_html"}},
		{Table: "webhooks", File: "webhooks.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"secret"}},
		{Table: "webhook_deliveries", File: "webhook_deliveries.jsonl", Where: "org_id = ?", Order: "id"},
		{Table: "deployments", File: "deployments.jsonl", Where: "org_id = ?", Order: "id"},
		{Table: "incidents", File: "incidents.jsonl", Where: "org_id = ?", Order: "id"},
		// Rollups, rebuilt from the two above; their value lists are left out.
		{Table: "dora_days", File: "delivery_days.jsonl", Where: "org_id = ?", Order: "team_id, day", Omit: []string{"lead_times", "recoveries"}},
		{Table: "dora_org_days", File: "delivery_org_days.jsonl", Where: "org_id = ?", Order: "day", Omit: []string{"lead_times", "recoveries"}},
		{Table: "invitation_addresses", File: "invitation_addresses.jsonl", Where: "org_id = ?", Order: "invitation_id", Omit: []string{"token"}},
		{Table: "reminders", File: "reminders.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"unsubscribe_hash"}},
		{Table: "reminder_optouts", File: "reminder_optouts.jsonl", Where: "org_id = ?", Order: "assessment_id, address"},
		{Table: "sso_configs", File: "sso.jsonl", Where: "org_id = ?", Order: "id", Omit: []string{"client_secret"}},
		{Table: "sso_domains", File: "sso_domains.jsonl", Where: "org_id = ?", Order: "id"},
		{Table: "sso_identities", File: "sso_identities.jsonl", Where: "org_id = ?", Order: "id"},
	}
}

// GlobalTables are the tables that hold no organization's rows: sessions
// and secrets (kv), queued work (jobs; an organization's pending jobs are
// removed with it by DeleteOrg), goose's version table, and password reset
// links (an account's, not an organization's; removed with the account).
func GlobalTables() []string { return []string{"kv", "jobs", "goose_db_version", "password_resets"} }

// CountOrgRows counts an organization's rows per table.
func (s *Store) CountOrgRows(ctx context.Context, orgID int64) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range OrgTables() {
		var n int64
		if err := s.conn(ctx).Table(t.Table).Where(t.Where, orgID).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("count %s: %w", t.Table, err)
		}
		out[t.Table] = n
	}
	return out, nil
}

// StreamOrgRows calls fn with each row of table t of an organization as
// column → value, in a stable order, leaving out t.Omit. Text comes as
// strings, times in UTC.
func (s *Store) StreamOrgRows(ctx context.Context, t OrgTable, orgID int64, fn func(row map[string]any) error) error {
	rows, err := s.conn(ctx).Table(t.Table).Where(t.Where, orgID).Order(t.Order).Rows()
	if err != nil {
		return fmt.Errorf("read %s: %w", t.Table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("read %s: %w", t.Table, err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", t.Table, err)
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			if slices.Contains(t.Omit, c) {
				continue
			}
			row[c] = exportValue(vals[i])
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", t.Table, err)
	}
	return nil
}

// exportValue makes a scanned column value JSON-friendly.
func exportValue(v any) any {
	switch x := v.(type) {
	case []byte:
		if utf8.Valid(x) {
			return string(x)
		}
		return x // encoding/json writes bytes as base64
	case time.Time:
		return x.UTC()
	}
	return v
}

// OrgQuestionnaireSources returns the YAML of every questionnaire version
// the organization uploaded or pinned in a round, keyed by a file name
// "<key>-v<seq>-<hash prefix>.yaml".
func (s *Store) OrgQuestionnaireSources(ctx context.Context, orgID int64) (map[string]string, error) {
	var vs []models.QuestionnaireVersion
	err := s.conn(ctx).Where("org_id = ? OR id IN (SELECT aq.version_id FROM assessment_questionnaires aq JOIN assessments a ON a.id = aq.assessment_id WHERE a.org_id = ?)", orgID, orgID).
		Order("id").Find(&vs).Error
	if err != nil {
		return nil, fmt.Errorf("read questionnaires: %w", err)
	}
	out := make(map[string]string, len(vs))
	for _, v := range vs {
		src := v.Source
		if src == "" { // shipped versions pinned before sources were kept
			src = v.Definition
		}
		hash := v.Hash
		if len(hash) > 12 {
			hash = hash[:12]
		}
		out[fmt.Sprintf("%s-v%d-%s.yaml", v.Key, v.Seq, hash)] = src
	}
	return out, nil
}

// DeleteOrg removes an organization and every row it owns in one
// transaction, once confirm equals its name: its tables in OrgTables, its
// pending jobs, and the accounts that belonged to no other organization.
// Nothing of another organization changes. It records org.deleted in the
// audit log without an organization, and returns the rows removed per
// table.
func (s *Store) DeleteOrg(ctx context.Context, orgID int64, confirm string) (map[string]int64, error) {
	org, err := s.Org(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(confirm) != org.Name {
		return nil, apperr.Field("confirm", "Type the organization's name exactly to delete it.")
	}
	removed := map[string]int64{}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		// Accounts to remove with the organization: those in no other one.
		var solo []int64
		err := tx.Model(&models.Membership{}).Where("org_id = ?", orgID).
			Where("user_id NOT IN (SELECT user_id FROM memberships WHERE org_id <> ?)", orgID).
			Order("user_id").Pluck("user_id", &solo).Error
		if err != nil {
			return fmt.Errorf("find the organization's accounts: %w", err)
		}
		var rounds []int64
		if err := tx.Model(&models.Assessment{}).Where("org_id = ?", orgID).Pluck("id", &rounds).Error; err != nil {
			return fmt.Errorf("find the organization's rounds: %w", err)
		}
		keys := make([]string, len(rounds))
		for i, id := range rounds {
			keys[i] = recomputeKey(id)
		}
		if len(keys) > 0 {
			res := tx.Where("kind = ? AND dedupe_key IN ?", RecomputeKind, keys).Delete(&models.Job{})
			if res.Error != nil {
				return fmt.Errorf("delete the organization's jobs: %w", res.Error)
			}
			removed["jobs"] = res.RowsAffected
		}
		res := tx.Where("kind = ? AND dedupe_key IN (SELECT 'email:' || id FROM outbox WHERE org_id = ?)", SendEmailKind, orgID).Delete(&models.Job{})
		if res.Error != nil {
			return fmt.Errorf("delete the organization's email jobs: %w", res.Error)
		}
		removed["jobs"] += res.RowsAffected
		res = tx.Where("kind = ? AND dedupe_key IN (SELECT 'webhook:' || id FROM webhook_deliveries WHERE org_id = ?)", DeliverWebhookKind, orgID).Delete(&models.Job{})
		if res.Error != nil {
			return fmt.Errorf("delete the organization's webhook jobs: %w", res.Error)
		}
		removed["jobs"] += res.RowsAffected
		tables := OrgTables()
		for i := len(tables) - 1; i >= 0; i-- {
			t := tables[i]
			if t.Table == "users" {
				continue // after the memberships that name them, below
			}
			res := tx.Exec("DELETE FROM "+t.Table+" WHERE "+t.Where, orgID)
			if res.Error != nil {
				return fmt.Errorf("delete %s: %w", t.Table, res.Error)
			}
			removed[t.Table] = res.RowsAffected
		}
		if len(solo) > 0 {
			res := tx.Where("id IN ?", solo).Delete(&models.User{})
			if res.Error != nil {
				return fmt.Errorf("delete accounts: %w", res.Error)
			}
			removed["users"] = res.RowsAffected
		}
		return audit(ctx, tx, 0, auditEvent{Action: AuditOrgDeleted, TargetType: "org", TargetID: orgID, Target: org.Name,
			Detail: map[string]any{"rows": removed}})
	})
	if err != nil {
		return nil, fmt.Errorf("delete organization %d: %w", orgID, err)
	}
	return removed, nil
}

// TableNames lists the tables of the database's schema (goose's included).
func (s *Store) TableNames(ctx context.Context) ([]string, error) {
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if s.postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
	}
	var out []string
	if err := s.conn(ctx).Raw(q).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return out, nil
}
