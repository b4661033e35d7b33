package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"gapmap/app/apperr"
	"gapmap/app/dora"
)

// Ingested counts the events of one ingest: those stored, and those whose
// external id the team had already sent (or sent twice in the request).
type Ingested struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
}

// eventChunk is how many events go into one INSERT statement (11 columns:
// 11,000 parameters, below SQLite's 32,766 and PostgreSQL's 65,535).
const eventChunk = 1000

// dayDelta is what one ingest adds to a team's rollup of one day.
type dayDelta struct {
	deployments, failed, incidents int64
	leadTimes, recoveries          []int64 // seconds, merged into the row's runs
}

type dayDeltas map[int64]*dayDelta

func (m dayDeltas) of(day int64) *dayDelta {
	d := m[day]
	if d == nil {
		d = &dayDelta{}
		m[day] = d
	}
	return d
}

// firstByID keeps the first item of each id and counts the rest.
func firstByID[T any](items []T, id func(T) string) ([]T, int) {
	seen := make(map[string]bool, len(items))
	out := make([]T, 0, len(items))
	for _, it := range items {
		k := id(it)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, it)
	}
	return out, len(items) - len(out)
}

// IngestDeployments stores a team's deployments, already validated
// (dora.CheckDeployment), and updates the team's rollups in the same
// transaction. An external id the team sent before is a duplicate and
// changes nothing.
func (s *Store) IngestDeployments(ctx context.Context, orgID, teamID int64, deps []dora.Deployment) (Ingested, error) {
	deps, dups := firstByID(deps, func(d dora.Deployment) string { return d.ID })
	res := Ingested{Duplicates: dups}
	created := now()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if _, err := teamOf(tx, orgID, teamID); err != nil {
			return err
		}
		// Incidents that name deployments are rare: look them up only when
		// the team has any.
		var naming []int
		if err := tx.Raw("SELECT 1 FROM incidents WHERE team_id = ? AND deployment_id > '' LIMIT 1", teamID).Scan(&naming).Error; err != nil {
			return fmt.Errorf("read incidents: %w", err)
		}
		deltas := dayDeltas{}
		for chunk := range slices.Chunk(deps, eventChunk) {
			var namedIDs []string
			if len(naming) > 0 {
				ids := make([]string, len(chunk))
				for i, d := range chunk {
					ids[i] = d.ID
				}
				err := tx.Raw("SELECT DISTINCT deployment_id FROM incidents WHERE team_id = ? AND deployment_id IN ?", teamID, ids).Scan(&namedIDs).Error
				if err != nil {
					return fmt.Errorf("read incidents: %w", err)
				}
			}
			named := make(map[string]bool, len(namedIDs))
			for _, id := range namedIDs {
				named[id] = true
			}
			var b strings.Builder
			b.WriteString("INSERT INTO deployments (org_id, team_id, external_id, finished_at, status, environment, production, commits, lead_time_seconds, failed, created_at) VALUES ")
			args := make([]any, 0, len(chunk)*11)
			byID := make(map[string]int, len(chunk))
			failed := make([]bool, len(chunk))
			for i, d := range chunk {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
				var lead *int64
				if v, ok := dora.LeadTime(d); ok {
					lead = &v
				}
				failed[i] = d.Status == dora.StatusFailure || named[d.ID]
				byID[d.ID] = i
				args = append(args, orgID, teamID, d.ID, d.FinishedAt.UTC().Truncate(time.Second), d.Status, d.Environment,
					dora.Production(d.Environment), len(d.Commits), lead, failed[i], created)
			}
			b.WriteString(" ON CONFLICT (team_id, external_id) DO NOTHING RETURNING external_id")
			var inserted []string
			if err := tx.Raw(b.String(), args...).Scan(&inserted).Error; err != nil {
				return fmt.Errorf("insert deployments: %w", err)
			}
			res.Accepted += len(inserted)
			res.Duplicates += len(chunk) - len(inserted)
			for _, id := range inserted {
				i := byID[id]
				d := chunk[i]
				if !dora.Production(d.Environment) {
					continue
				}
				dd := deltas.of(dora.Day(d.FinishedAt))
				dd.deployments++
				if failed[i] {
					dd.failed++
				}
				if v, ok := dora.LeadTime(d); ok {
					dd.leadTimes = append(dd.leadTimes, v)
				}
			}
		}
		return s.addDays(tx, orgID, teamID, deltas)
	})
	if err != nil {
		return Ingested{}, fmt.Errorf("ingest deployments: %w", err)
	}
	return res, nil
}

// IngestIncidents stores a team's incidents, already validated
// (dora.CheckIncident), marks the deployments they name as failed and
// updates the team's rollups in the same transaction.
func (s *Store) IngestIncidents(ctx context.Context, orgID, teamID int64, incs []dora.Incident) (Ingested, error) {
	incs, dups := firstByID(incs, func(in dora.Incident) string { return in.ID })
	res := Ingested{Duplicates: dups}
	created := now()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if _, err := teamOf(tx, orgID, teamID); err != nil {
			return err
		}
		deltas := dayDeltas{}
		for chunk := range slices.Chunk(incs, eventChunk) {
			var b strings.Builder
			b.WriteString("INSERT INTO incidents (org_id, team_id, external_id, started_at, resolved_at, deployment_id, created_at) VALUES ")
			args := make([]any, 0, len(chunk)*7)
			byID := make(map[string]int, len(chunk))
			for i, in := range chunk {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString("(?,?,?,?,?,?,?)")
				var resolved *time.Time
				if in.ResolvedAt != nil {
					r := in.ResolvedAt.UTC().Truncate(time.Second)
					resolved = &r
				}
				byID[in.ID] = i
				args = append(args, orgID, teamID, in.ID, in.StartedAt.UTC().Truncate(time.Second), resolved, in.DeploymentID, created)
			}
			b.WriteString(" ON CONFLICT (team_id, external_id) DO NOTHING RETURNING external_id")
			var inserted []string
			if err := tx.Raw(b.String(), args...).Scan(&inserted).Error; err != nil {
				return fmt.Errorf("insert incidents: %w", err)
			}
			res.Accepted += len(inserted)
			res.Duplicates += len(chunk) - len(inserted)
			var names []string
			for _, id := range inserted {
				in := chunk[byID[id]]
				deltas.of(dora.Day(in.StartedAt)).incidents++
				if in.ResolvedAt != nil {
					dd := deltas.of(dora.Day(*in.ResolvedAt))
					dd.recoveries = append(dd.recoveries, dora.Seconds(in.ResolvedAt.Sub(in.StartedAt)))
				}
				if in.DeploymentID != "" {
					names = append(names, in.DeploymentID)
				}
			}
			if len(names) == 0 {
				continue
			}
			var hit []struct {
				FinishedAt time.Time
				Production bool
			}
			err := tx.Raw("UPDATE deployments SET failed = ? WHERE team_id = ? AND external_id IN ? AND failed = ? RETURNING finished_at, production",
				true, teamID, names, false).Scan(&hit).Error
			if err != nil {
				return fmt.Errorf("mark failed deployments: %w", err)
			}
			for _, h := range hit {
				if h.Production {
					deltas.of(dora.Day(h.FinishedAt)).failed++
				}
			}
		}
		return s.addDays(tx, orgID, teamID, deltas)
	})
	if err != nil {
		return Ingested{}, fmt.Errorf("ingest incidents: %w", err)
	}
	return res, nil
}

// addDays adds deltas to a team's rollup rows and to its organization's,
// creating missing ones.
func (s *Store) addDays(tx *gorm.DB, orgID, teamID int64, deltas dayDeltas) error {
	if len(deltas) == 0 {
		return nil
	}
	if err := s.addRollups(tx, rollupTeam(orgID, teamID), deltas); err != nil {
		return err
	}
	return s.addRollups(tx, rollupOrg(orgID), deltas)
}

// rollup names the rows of one team, or of a whole organization.
type rollup struct {
	table   string
	keyCols string // the columns besides day that identify a row
	key     []any
	where   string // selects those rows
}

func rollupTeam(orgID, teamID int64) rollup {
	return rollup{table: "dora_days", keyCols: "org_id, team_id", key: []any{orgID, teamID}, where: "team_id = ?"}
}

func rollupOrg(orgID int64) rollup {
	return rollup{table: "dora_org_days", keyCols: "org_id", key: []any{orgID}, where: "org_id = ?"}
}

func (r rollup) whereArgs() []any { return r.key[len(r.key)-1:] }

// addRollups adds deltas to the rows of r. The rows are locked first on
// PostgreSQL (SQLite has one writer), so that concurrent ingests never lose
// each other's values. Rows are created and locked in day order, and a
// team's rows before its organization's, so two ingests that share
// organization days wait for each other instead of deadlocking
// (TestConcurrentIngestTwoTeams).
func (s *Store) addRollups(tx *gorm.DB, r rollup, deltas dayDeltas) error {
	days := make([]int64, 0, len(deltas))
	for d := range deltas {
		days = append(days, d)
	}
	slices.Sort(days)
	var b strings.Builder
	b.WriteString("INSERT INTO " + r.table + " (" + r.keyCols + ", day, deployments, failed, lead_times, incidents, recoveries) VALUES ")
	marks := strings.Repeat("?,", len(r.key))
	args := make([]any, 0, len(days)*(len(r.key)+3))
	for i, d := range days {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("(" + marks + "?,0,0,?,0,?)")
		args = append(append(args, r.key...), d, []byte{}, []byte{})
	}
	b.WriteString(" ON CONFLICT DO NOTHING")
	if err := tx.Exec(b.String(), args...).Error; err != nil {
		return fmt.Errorf("create rollups: %w", err)
	}
	q := "SELECT day, lead_times, recoveries FROM " + r.table + " WHERE " + r.where + " AND day IN ? ORDER BY day"
	if s.postgres {
		q += " FOR UPDATE"
	}
	var rows []struct {
		Day        int64
		LeadTimes  []byte
		Recoveries []byte
	}
	if err := tx.Raw(q, append(r.whereArgs(), days)...).Scan(&rows).Error; err != nil {
		return fmt.Errorf("read rollups: %w", err)
	}
	for _, row := range rows {
		d := deltas[row.Day]
		err := tx.Exec("UPDATE "+r.table+" SET deployments = deployments + ?, failed = failed + ?, incidents = incidents + ?, lead_times = ?, recoveries = ? WHERE "+r.where+" AND day = ?",
			append([]any{d.deployments, d.failed, d.incidents, dora.MergeRun(row.LeadTimes, d.leadTimes), dora.MergeRun(row.Recoveries, d.recoveries)},
				append(r.whereArgs(), row.Day)...)...).Error
		if err != nil {
			return fmt.Errorf("update rollups: %w", err)
		}
	}
	return nil
}

// subtractTeamDays takes a team's rollups out of its organization's, before
// the team (and with it its events and rollups) is deleted.
func subtractTeamDays(tx *gorm.DB, orgID, teamID int64) error {
	var rows []struct {
		Day                            int64
		Deployments, Failed, Incidents int64
		LeadTimes, Recoveries          []byte
	}
	err := tx.Raw("SELECT day, deployments, failed, incidents, lead_times, recoveries FROM dora_days WHERE org_id = ? AND team_id = ? ORDER BY day", orgID, teamID).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("read the team's rollups: %w", err)
	}
	// On PostgreSQL each organization row is locked before it is read (in
	// day order, as ingest takes them), so a concurrent ingest's values are
	// never overwritten with a stale run.
	lock := ""
	if tx.Dialector.Name() == "postgres" {
		lock = " FOR UPDATE"
	}
	for _, r := range rows {
		var org struct{ LeadTimes, Recoveries []byte }
		if err := tx.Raw("SELECT lead_times, recoveries FROM dora_org_days WHERE org_id = ? AND day = ?"+lock, orgID, r.Day).Scan(&org).Error; err != nil {
			return fmt.Errorf("read the organization's rollups: %w", err)
		}
		err := tx.Exec("UPDATE dora_org_days SET deployments = deployments - ?, failed = failed - ?, incidents = incidents - ?, lead_times = ?, recoveries = ? WHERE org_id = ? AND day = ?",
			r.Deployments, r.Failed, r.Incidents, dora.SubtractRun(org.LeadTimes, r.LeadTimes), dora.SubtractRun(org.Recoveries, r.Recoveries), orgID, r.Day).Error
		if err != nil {
			return fmt.Errorf("update the organization's rollups: %w", err)
		}
	}
	return nil
}

// DoraTotals sums an organization's rollups over a window: of one team, or
// of every team when teamID is 0.
func (s *Store) DoraTotals(ctx context.Context, orgID, teamID int64, w dora.Window) (dora.Totals, error) {
	by, err := s.doraTotals(ctx, orgID, teamID, w, false)
	if err != nil {
		return dora.Totals{}, err
	}
	t := by[0]
	t.Days = w.Days()
	return t, nil
}

// HasDeliveryDays reports whether any team of the organization has a
// rollup day in w: one indexed EXISTS (dora_days_org), so that readers of
// results of an organization that sends no delivery events pay only this.
func (s *Store) HasDeliveryDays(ctx context.Context, orgID int64, w dora.Window) (bool, error) {
	var n int
	err := s.conn(ctx).Raw("SELECT COUNT(*) FROM (SELECT 1 FROM dora_days WHERE org_id = ? AND day >= ? AND day <= ? LIMIT 1) x",
		orgID, w.From, w.To).Row().Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check delivery rollups: %w", err)
	}
	return n > 0, nil
}

// DoraTotalsByTeam sums an organization's rollups over a window per team;
// teams without events in it are absent.
func (s *Store) DoraTotalsByTeam(ctx context.Context, orgID int64, w dora.Window) (map[int64]dora.Totals, error) {
	by, err := s.doraTotals(ctx, orgID, 0, w, true)
	if err != nil {
		return nil, err
	}
	for k, t := range by {
		t.Days = w.Days()
		by[k] = t
	}
	return by, nil
}

func (s *Store) doraTotals(ctx context.Context, orgID, teamID int64, w dora.Window, perTeam bool) (map[int64]dora.Totals, error) {
	q := "SELECT 0, deployments, failed, lead_times, incidents, recoveries FROM dora_org_days WHERE org_id = ? AND day >= ? AND day <= ?"
	args := []any{orgID, w.From, w.To}
	if perTeam {
		q = "SELECT team_id, deployments, failed, lead_times, incidents, recoveries FROM dora_days WHERE org_id = ? AND day >= ? AND day <= ?"
	}
	if teamID != 0 {
		q = "SELECT team_id, deployments, failed, lead_times, incidents, recoveries FROM dora_days WHERE org_id = ? AND team_id = ? AND day >= ? AND day <= ?"
		args = []any{orgID, teamID, w.From, w.To}
	}
	rows, err := s.conn(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("read delivery rollups: %w", err)
	}
	defer rows.Close()
	out := map[int64]dora.Totals{}
	var (
		team, deps, failed, incs int64
		leads, recs              []byte
	)
	for rows.Next() {
		if err := rows.Scan(&team, &deps, &failed, &leads, &incs, &recs); err != nil {
			return nil, fmt.Errorf("read delivery rollups: %w", err)
		}
		key := int64(0)
		if perTeam {
			key = team
		}
		t := out[key]
		t.Deployments += deps
		t.Failed += failed
		t.Incidents += incs
		t.LeadTimes.AddRun(leads)
		t.Recoveries.AddRun(recs)
		out[key] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read delivery rollups: %w", err)
	}
	return out, nil
}

// teamOf loads a team of the organization inside a transaction.
func teamOf(tx *gorm.DB, orgID, teamID int64) (int64, error) {
	var id int64
	err := tx.Raw("SELECT id FROM teams WHERE org_id = ? AND id = ?", orgID, teamID).Scan(&id).Error
	if err != nil {
		return 0, fmt.Errorf("load team: %w", err)
	}
	if id == 0 {
		return 0, apperr.NotFound("team")
	}
	return id, nil
}
