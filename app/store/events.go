package store

import (
	"context"
	"database/sql"
	"encoding/binary"
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
// 4,400 parameters, below SQLite's and PostgreSQL's limits).
const eventChunk = 400

// dayDelta is what one ingest adds to a team's rollup of one day.
type dayDelta struct {
	deployments, failed, incidents int64
	leadTimes, recoveries          []byte // varints, appended to the row's
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
		deltas := dayDeltas{}
		for chunk := range slices.Chunk(deps, eventChunk) {
			ids := make([]string, len(chunk))
			for i, d := range chunk {
				ids[i] = d.ID
			}
			var namedIDs []string
			if err := tx.Raw("SELECT DISTINCT deployment_id FROM incidents WHERE team_id = ? AND deployment_id IN ?", teamID, ids).Scan(&namedIDs).Error; err != nil {
				return fmt.Errorf("read incidents: %w", err)
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
					dd.leadTimes = binary.AppendUvarint(dd.leadTimes, uint64(v))
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
					dd.recoveries = binary.AppendUvarint(dd.recoveries, uint64(dora.Seconds(in.ResolvedAt.Sub(in.StartedAt))))
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

// addDays adds deltas to a team's rollup rows, creating missing ones. The
// rows are locked first on PostgreSQL (SQLite has one writer), so that
// concurrent ingests of one team never lose each other's values.
func (s *Store) addDays(tx *gorm.DB, orgID, teamID int64, deltas dayDeltas) error {
	if len(deltas) == 0 {
		return nil
	}
	days := make([]int64, 0, len(deltas))
	for d := range deltas {
		days = append(days, d)
	}
	slices.Sort(days)
	var b strings.Builder
	b.WriteString("INSERT INTO dora_days (org_id, team_id, day, deployments, failed, lead_times, incidents, recoveries) VALUES ")
	args := make([]any, 0, len(days)*5)
	for i, d := range days {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("(?,?,?,0,0,?,0,?)")
		args = append(args, orgID, teamID, d, []byte{}, []byte{})
	}
	b.WriteString(" ON CONFLICT (team_id, day) DO NOTHING")
	if err := tx.Exec(b.String(), args...).Error; err != nil {
		return fmt.Errorf("create rollups: %w", err)
	}
	q := "SELECT day, lead_times, recoveries FROM dora_days WHERE team_id = ? AND day IN ? ORDER BY day"
	if s.postgres {
		q += " FOR UPDATE"
	}
	var rows []struct {
		Day        int64
		LeadTimes  []byte
		Recoveries []byte
	}
	if err := tx.Raw(q, teamID, days).Scan(&rows).Error; err != nil {
		return fmt.Errorf("read rollups: %w", err)
	}
	for _, r := range rows {
		d := deltas[r.Day]
		err := tx.Exec("UPDATE dora_days SET deployments = deployments + ?, failed = failed + ?, incidents = incidents + ?, lead_times = ?, recoveries = ? WHERE team_id = ? AND day = ?",
			d.deployments, d.failed, d.incidents, append(r.LeadTimes, d.leadTimes...), append(r.Recoveries, d.recoveries...), teamID, r.Day).Error
		if err != nil {
			return fmt.Errorf("update rollups: %w", err)
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
	q := "SELECT team_id, deployments, failed, lead_times, incidents, recoveries FROM dora_days WHERE org_id = ? AND day >= ? AND day <= ?"
	args := []any{orgID, w.From, w.To}
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
		leads, recs              sql.RawBytes
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
		t.LeadTimes = appendVarints(t.LeadTimes, leads)
		t.Recoveries = appendVarints(t.Recoveries, recs)
		out[key] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read delivery rollups: %w", err)
	}
	return out, nil
}

func appendVarints(dst []int64, b []byte) []int64 {
	for len(b) > 0 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			break
		}
		dst = append(dst, int64(v))
		b = b[n:]
	}
	return dst
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
