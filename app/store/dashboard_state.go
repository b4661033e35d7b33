package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"gapmap/app/dora"
)

// RoundState is what one read says about everything a round's dashboard
// page (DashboardState) or results answer (ResultsState) can show: a
// digest of the rows it is built from, whether the round exists in the
// organization, and whether the organization has delivery rollups in the
// window (then what is shown depends on them too).
type RoundState struct {
	Digest   [sha256.Size]byte
	Found    bool
	Delivery bool
}

// dashboardStateSQL reads, in one statement, every stored input of a
// round's dashboard page and of its layout, one row per input (kind,
// number, text): every round of the organization (its row, including
// updated_at and results_revision, and its pinned questionnaires, which
// the trends and the language picker read), the round's teams (names,
// headcounts), the computed_at of every snapshot of the organization's
// rounds, the round's pending recompute, the organization's stored plan of
// the round, whether the organization has delivery rollups in the window,
// and the viewer's memberships (the layout's organization switcher). It
// is a superset of what the page shows, so that a change to any of them
// changes the digest. Every part filters by the organization (or the
// viewer) through an index; the snapshots' versions come from the index
// result_snapshots_versions alone, never from their data.
const dashboardStateSQL = `SELECT 1 AS k, a.id AS i, a.name || '|' || a.status || '|' || COALESCE(CAST(a.due AS TEXT), '') || '|' ||
  CAST(a.default_target AS TEXT) || '|' || a.targets || '|' || CAST(a.capacity AS TEXT) || '|' || a.anonymity || '|' ||
  CAST(a.min_group AS TEXT) || '|' || CAST(a.created_at AS TEXT) || '|' || CAST(a.updated_at AS TEXT) || '|' ||
  COALESCE(CAST(a.closed_at AS TEXT), '') || '|' || CAST(a.results_revision AS TEXT) AS s
 FROM assessments a WHERE a.org_id = ?
UNION ALL SELECT 2, aq.assessment_id, aq.questionnaire_key || '|' || CAST(aq.position AS TEXT) || '|' || CAST(aq.version_id AS TEXT) || '|' ||
  COALESCE(CAST(aq.previous_assessment_id AS TEXT), '')
 FROM assessments a JOIN assessment_questionnaires aq ON aq.assessment_id = a.id WHERE a.org_id = ?
UNION ALL SELECT 3, t.id, t.name || '|' || COALESCE(CAST(t.size AS TEXT), '') || '|' || CAST(t.updated_at AS TEXT)
 FROM assessment_teams at %sJOIN teams t ON t.id = at.team_id WHERE at.assessment_id = ? AND t.org_id = ?
UNION ALL SELECT 4, rs.assessment_id, rs.questionnaire_key || '|' || CAST(rs.computed_at AS TEXT)
 FROM result_snapshots rs WHERE rs.org_id = ?
UNION ALL SELECT 5, COUNT(*), '' FROM jobs WHERE kind = ? AND dedupe_key = ? AND failed_at IS NULL
UNION ALL SELECT 6, p.team_id, p.questionnaire_key || '|' || p.recommendation_key || '|' || p.status || '|' || CAST(p.updated_at AS TEXT)
 FROM plan_items p WHERE p.assessment_id = ? AND p.team_id = 0 AND p.org_id = ?
UNION ALL SELECT 7, COUNT(*), '' FROM (SELECT 1 FROM dora_days WHERE org_id = ? AND day >= ? AND day <= ? LIMIT 1) x
UNION ALL SELECT 8, m.org_id, o.name || '|' || CAST(m.role AS TEXT)
 FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ?
ORDER BY 1, 2, 3`

// DashboardState reads, in one statement, the state of round id's
// dashboard as viewer userID of organization orgID sees it, for delivery
// window w (see dashboardStateSQL). Readers cache a rendered page under
// its Digest: the digest is read before the page is built, so a page is
// never older than the digest it is kept under.
func (s *Store) DashboardState(ctx context.Context, orgID, id, userID int64, w dora.Window) (RoundState, error) {
	h, err := s.hot(ctx)
	if err != nil {
		return RoundState{}, err
	}
	return roundState(ctx, id, h.dashState,
		orgID, orgID, id, orgID, orgID, RecomputeKind, recomputeKey(id), id, orgID, orgID, w.From, w.To, userID)
}

// resultsStateSQL reads the inputs of a round's stored results answer as
// dashboardStateSQL does: the round's row, its pinned questionnaires, the
// versions of its snapshots, its pending recompute, and whether the
// organization has delivery rollups in the window.
const resultsStateSQL = `SELECT 1 AS k, a.id AS i, a.name || '|' || a.status || '|' || CAST(a.updated_at AS TEXT) || '|' ||
  CAST(a.results_revision AS TEXT) AS s
 FROM assessments a WHERE a.id = ? AND a.org_id = ?
UNION ALL SELECT 2, aq.assessment_id, aq.questionnaire_key || '|' || CAST(aq.position AS TEXT) || '|' || CAST(aq.version_id AS TEXT)
 FROM assessments a JOIN assessment_questionnaires aq ON aq.assessment_id = a.id WHERE a.id = ? AND a.org_id = ?
UNION ALL SELECT 4, rs.assessment_id, rs.questionnaire_key || '|' || CAST(rs.computed_at AS TEXT)
 FROM result_snapshots rs WHERE rs.org_id = ? AND rs.assessment_id = ?
UNION ALL SELECT 5, COUNT(*), '' FROM jobs WHERE kind = ? AND dedupe_key = ? AND failed_at IS NULL
UNION ALL SELECT 7, COUNT(*), '' FROM (SELECT 1 FROM dora_days WHERE org_id = ? AND day >= ? AND day <= ? LIMIT 1) x
ORDER BY 1, 2, 3`

// ResultsState reads, in one statement, the state of round id's stored
// results answer in organization orgID for delivery window w (see
// resultsStateSQL); the digest is read before the answer is built.
func (s *Store) ResultsState(ctx context.Context, orgID, id int64, w dora.Window) (RoundState, error) {
	h, err := s.hot(ctx)
	if err != nil {
		return RoundState{}, err
	}
	return roundState(ctx, id, h.resultsState, id, orgID, id, orgID, orgID, id, RecomputeKind, recomputeKey(id), orgID, w.From, w.To)
}

// roundState runs a state statement of round id (rows of kind, number,
// text), prepared once per connection with the hot path's statements
// (preparing the long statement was most of its cost), and hashes its
// rows.
func roundState(ctx context.Context, id int64, stmt *sql.Stmt, args ...any) (RoundState, error) {
	var st RoundState
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return st, fmt.Errorf("read round state: %w", err)
	}
	h := sha256.New()
	var buf []byte
	for rows.Next() {
		var (
			k, i int64
			text string
		)
		if err := rows.Scan(&k, &i, &text); err != nil {
			rows.Close()
			return st, fmt.Errorf("read round state: %w", err)
		}
		switch {
		case k == 1 && i == id:
			st.Found = true
		case k == 7:
			st.Delivery = i > 0
		}
		buf = strconv.AppendInt(buf[:0], k, 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, i, 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(len(text)), 10)
		buf = append(buf, ':')
		buf = append(buf, text...)
		h.Write(buf)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return st, fmt.Errorf("read round state: %w", err)
	}
	h.Sum(st.Digest[:0])
	return st, nil
}
