package migrations_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"
	"gorm.io/driver/sqlite"

	"gapmap/migrations"
)

// TestAnswersClusteredKeepsEveryAnswer migrates an SQLite database holding
// answers to 00017 (answers clustered on their key, WITHOUT ROWID) and
// back, and checks that every column of every answer survives both ways.
func TestAnswersClusteredKeepsEveryAnswer(t *testing.T) {
	ctx := context.Background()
	// Foreign keys off: the answers stand alone, without their responses.
	path := filepath.Join(t.TempDir(), "gapmap.db")
	db := rawOpen(t, sqlite.Open("file:"+path+"?_foreign_keys=off"))
	sub, err := fs.Sub(migrations.FS, "sqlite3")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 16); err != nil {
		t.Fatalf("migrate to 16: %v", err)
	}
	rows := [][]any{
		{int64(1), "cncf", "q1", "o2", int64(2), nil, false, "", int64(3), "2026-12-01 10:00:00+00:00", nil, nil, "", ""},
		{int64(1), "cncf", "q2", nil, nil, nil, true, "not ours", int64(4), "2026-12-01 10:01:00+00:00", nil, nil, "https://x.test/a", "runbook"},
		{int64(2), "dx", "nps", nil, nil, nil, false, "", int64(1), "2026-12-02 00:00:00+00:00", 9.5, nil, "", ""},
		{int64(2), "dx", "words", nil, nil, int64(4), false, "", int64(2), "2026-12-02 00:00:00+00:00", nil, "in our words", "", ""},
	}
	const cols = `response_id, questionnaire_key, question_key, option_key, level, value, na, comment, revision, updated_at, number, text, evidence_url, evidence_note`
	for _, r := range rows {
		if _, err := db.ExecContext(ctx, `INSERT INTO answers (`+cols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, r...); err != nil {
			t.Fatal(err)
		}
	}
	read := func(step string) [][]any {
		t.Helper()
		rs, err := db.QueryContext(ctx, `SELECT `+cols+` FROM answers ORDER BY response_id, questionnaire_key, question_key`)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		defer rs.Close()
		var out [][]any
		for rs.Next() {
			vals := make([]any, 14)
			ptrs := make([]any, 14)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			out = append(out, vals)
		}
		if err := rs.Err(); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return out
	}
	clustered := func() bool {
		var ddl string
		if err := db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'answers'`).Scan(&ddl); err != nil {
			t.Fatal(err)
		}
		return strings.Contains(ddl, "WITHOUT ROWID")
	}
	before := read("before")
	if len(before) != len(rows) || clustered() {
		t.Fatalf("before 00017: %d answers, clustered %v", len(before), clustered())
	}
	if _, err := p.UpTo(ctx, 17); err != nil {
		t.Fatalf("migrate to 17: %v", err)
	}
	if !clustered() {
		t.Error("after 00017 the answers table is not WITHOUT ROWID")
	}
	if got := read("after 00017"); !reflect.DeepEqual(got, before) {
		t.Errorf("after 00017:\n got %v\nwant %v", got, before)
	}
	if _, err := p.DownTo(ctx, 16); err != nil {
		t.Fatalf("migrate down to 16: %v", err)
	}
	if clustered() {
		t.Error("after 00017 down the answers table is still WITHOUT ROWID")
	}
	if got := read("after 00017 down"); !reflect.DeepEqual(got, before) {
		t.Errorf("after 00017 down:\n got %v\nwant %v", got, before)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name IN ('answers_clustered', 'answers_rowid')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d tables of the rebuild left behind (%v)", n, err)
	}
}
