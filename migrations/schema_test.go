package migrations_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

// TestDialectsGiveTheSameSchema migrates an SQLite file and a fresh
// PostgreSQL schema and compares what their catalogs say: the same tables,
// the same columns with the same (mapped) types and nullability, the same
// primary keys, indexes (name, columns, uniqueness, partial or not) and
// foreign keys (columns, target, ON DELETE and ON UPDATE). It reads the
// catalogs, so every later migration is covered without a change here.
// goose's own version table is left out: goose creates it differently per
// dialect.
func TestDialectsGiveTheSameSchema(t *testing.T) {
	_, path := storetest.SQLitePath(t)
	lite := readSQLite(t, rawOpen(t, sqlite.Open(store.SQLiteDSN(path))))

	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open PostgreSQL: %v", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate PostgreSQL: %v", err)
	}
	pg := readPostgres(t, rawOpen(t, postgres.Open(dsn)))

	if len(lite) == 0 {
		t.Fatal("the SQLite catalog lists no table after migrating")
	}
	for dialect, sc := range map[string]schema{"sqlite3": lite, "postgres": pg} {
		for name, tb := range sc {
			for c, col := range tb.Columns {
				if strings.HasPrefix(col.Type, "unknown ") {
					t.Errorf("%s: %s.%s has a type that the mapping does not know (%s): add it to %sTypes",
						dialect, name, c, strings.TrimPrefix(col.Type, "unknown "), strings.TrimSuffix(dialect, "3"))
				}
			}
		}
	}
	cols, idxs, fks := 0, 0, 0
	for _, tb := range lite {
		cols, idxs, fks = cols+len(tb.Columns), idxs+len(tb.Indexes), fks+len(tb.FKs)
	}
	t.Logf("sqlite3: %d tables, %d columns, %d indexes besides primary keys, %d foreign keys", len(lite), cols, idxs, fks)
	seen := map[string]bool{}
	for _, d := range schemaDiff(lite, pg) {
		if knownDifferences[d] {
			seen[d] = true
			continue
		}
		t.Errorf("sqlite3 and postgres migrations differ: %s", d)
	}
	for d := range knownDifferences {
		if !seen[d] {
			t.Errorf("the known difference %q is gone: remove it from knownDifferences", d)
		}
	}
}

// knownDifferences are the differences that the migrations have today, each
// one exactly as schemaDiff words it. The test fails on any other
// difference, and on an entry here that no longer occurs.
var knownDifferences = map[string]bool{}

// Canonical column types. Each dialect's declared type maps to one of
// them; a type missing from these tables fails the test, so that a new
// type is a decision and not an accident.
var (
	sqliteTypes = map[string]string{
		"INTEGER":   "integer", // SQLite integers are 64-bit
		"BIGINT":    "integer",
		"INT":       "integer",
		"TEXT":      "text",
		"VARCHAR":   "text",
		"BLOB":      "bytes",
		"DATETIME":  "timestamp",
		"TIMESTAMP": "timestamp",
		"DATE":      "date",
		"BOOLEAN":   "boolean", // stored as 0/1 (NUMERIC affinity)
		"REAL":      "float",
		"DOUBLE":    "float",
		"NUMERIC":   "numeric",
	}
	postgresTypes = map[string]string{
		"integer":                  "integer",
		"bigint":                   "integer",
		"text":                     "text",
		"character varying":        "text",
		"bytea":                    "bytes",
		"timestamp with time zone": "timestamp",
		"date":                     "date",
		"boolean":                  "boolean",
		"double precision":         "float",
		"real":                     "float",
		"numeric":                  "numeric",
	}
)

// goose's version table differs by dialect and is not part of the schema.
const gooseTable = "goose_db_version"

type column struct {
	Type    string // canonical, or "unknown TYPE"
	NotNull bool
}

type table struct {
	Columns map[string]column
	PK      string   // primary key columns, comma-separated
	Indexes []string // sorted descriptions, see index
	FKs     []string // sorted descriptions, see foreignKey
}

type schema map[string]*table

// index describes an index. Indexes created for UNIQUE constraints have
// names that each database makes up, so they are described by their
// columns alone.
func index(name string, constraint bool, cols []string, unique, partial bool) string {
	if constraint {
		name = "(constraint)"
	}
	s := fmt.Sprintf("index %s (%s)", name, strings.Join(cols, ", "))
	if unique {
		s += " unique"
	}
	if partial {
		s += " partial"
	}
	return s
}

func foreignKey(cols []string, target string, targetCols []string, onDelete, onUpdate string) string {
	return fmt.Sprintf("foreign key (%s) references %s(%s) on delete %s on update %s",
		strings.Join(cols, ", "), target, strings.Join(targetCols, ", "), onDelete, onUpdate)
}

// schemaDiff lists every difference between the two schemas, sorted.
func schemaDiff(lite, pg schema) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(lite)) {
		if pg[name] == nil {
			out = append(out, fmt.Sprintf("table %s: only in sqlite3", name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(pg)) {
		l, p := lite[name], pg[name]
		if l == nil {
			out = append(out, fmt.Sprintf("table %s: only in postgres", name))
			continue
		}
		for _, c := range slices.Sorted(maps.Keys(l.Columns)) {
			lc := l.Columns[c]
			pc, ok := p.Columns[c]
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s.%s: column only in sqlite3", name, c))
			case lc.Type != pc.Type:
				out = append(out, fmt.Sprintf("%s.%s: type %s in sqlite3, %s in postgres", name, c, lc.Type, pc.Type))
			case lc.NotNull != pc.NotNull:
				if pc.NotNull {
					out = append(out, fmt.Sprintf("%s.%s: sqlite3 allows NULL, postgres does not", name, c))
				} else {
					out = append(out, fmt.Sprintf("%s.%s: postgres allows NULL, sqlite3 does not", name, c))
				}
			}
		}
		for _, c := range slices.Sorted(maps.Keys(p.Columns)) {
			if _, ok := l.Columns[c]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: column only in postgres", name, c))
			}
		}
		if l.PK != p.PK {
			out = append(out, fmt.Sprintf("%s: primary key (%s) in sqlite3, (%s) in postgres", name, l.PK, p.PK))
		}
		out = append(out, onlyIn(name, "sqlite3", l.Indexes, p.Indexes)...)
		out = append(out, onlyIn(name, "postgres", p.Indexes, l.Indexes)...)
		out = append(out, onlyIn(name, "sqlite3", l.FKs, p.FKs)...)
		out = append(out, onlyIn(name, "postgres", p.FKs, l.FKs)...)
	}
	return out
}

func onlyIn(tableName, dialect string, have, other []string) []string {
	var out []string
	for _, h := range have {
		if !slices.Contains(other, h) {
			out = append(out, fmt.Sprintf("%s: %s only in %s", tableName, h, dialect))
		}
	}
	return out
}

func rawOpen(t *testing.T, dial gorm.Dialector) *sql.DB {
	t.Helper()
	db, err := gorm.Open(dial, store.GormConfig())
	if err != nil {
		t.Fatalf("open %s: %v", dial.Name(), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	return sqlDB
}

// query runs q and calls scan for each row.
func query(t *testing.T, db *sql.DB, q string, args []any, scan func(rows *sql.Rows) error) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func canonical(types map[string]string, declared string) string {
	if c, ok := types[declared]; ok {
		return c
	}
	return "unknown " + declared
}

// sqliteType strips a length or precision: VARCHAR(255) is VARCHAR.
var sqliteLength = regexp.MustCompile(`\s*\(.*\)$`)

func readSQLite(t *testing.T, db *sql.DB) schema {
	t.Helper()
	s := schema{}
	query(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name != ?`,
		[]any{gooseTable}, func(rows *sql.Rows) error {
			var name string
			err := rows.Scan(&name)
			s[name] = &table{Columns: map[string]column{}}
			return err
		})
	for name, tb := range s {
		var pk []string
		pkType := ""
		query(t, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk, cid`, []any{name}, func(rows *sql.Rows) error {
			var col, typ string
			var notNull bool
			var pkPos int
			if err := rows.Scan(&col, &typ, &notNull, &pkPos); err != nil {
				return err
			}
			typ = strings.ToUpper(sqliteLength.ReplaceAllString(strings.TrimSpace(typ), ""))
			tb.Columns[col] = column{Type: canonical(sqliteTypes, typ), NotNull: notNull}
			if pkPos > 0 {
				pk = append(pk, col)
				pkType = typ
			}
			return nil
		})
		tb.PK = strings.Join(pk, ",")
		// An INTEGER PRIMARY KEY is the rowid: never NULL, though the
		// catalog does not say NOT NULL.
		if len(pk) == 1 && pkType == "INTEGER" {
			c := tb.Columns[pk[0]]
			c.NotNull = true
			tb.Columns[pk[0]] = c
		}
		type idx struct {
			name, origin    string
			unique, partial bool
		}
		var idxs []idx
		query(t, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, []any{name}, func(rows *sql.Rows) error {
			var i idx
			err := rows.Scan(&i.name, &i.unique, &i.origin, &i.partial)
			idxs = append(idxs, i)
			return err
		})
		for _, i := range idxs {
			if i.origin == "pk" {
				continue // compared as the primary key
			}
			var cols []string
			query(t, db, `SELECT coalesce(name, '<expression>') FROM pragma_index_info(?) ORDER BY seqno`, []any{i.name}, func(rows *sql.Rows) error {
				var c string
				err := rows.Scan(&c)
				cols = append(cols, c)
				return err
			})
			tb.Indexes = append(tb.Indexes, index(i.name, i.origin == "u", cols, i.unique, i.partial))
		}
		slices.Sort(tb.Indexes)
	}
	for name, tb := range s {
		type fk struct {
			target, onUpdate, onDelete string
			from, to                   []string
		}
		fks := map[int]*fk{}
		query(t, db, `SELECT id, "table", "from", coalesce("to", ''), on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`,
			[]any{name}, func(rows *sql.Rows) error {
				var id int
				var target, from, to, onUpdate, onDelete string
				if err := rows.Scan(&id, &target, &from, &to, &onUpdate, &onDelete); err != nil {
					return err
				}
				f := fks[id]
				if f == nil {
					f = &fk{target: target, onUpdate: onUpdate, onDelete: onDelete}
					fks[id] = f
				}
				f.from, f.to = append(f.from, from), append(f.to, to)
				return nil
			})
		for _, f := range fks {
			if slices.Contains(f.to, "") && s[f.target] != nil {
				// REFERENCES t without columns: t's primary key.
				f.to = strings.Split(s[f.target].PK, ",")
			}
			tb.FKs = append(tb.FKs, foreignKey(f.from, f.target, f.to, f.onDelete, f.onUpdate))
		}
		slices.Sort(tb.FKs)
	}
	return s
}

func readPostgres(t *testing.T, db *sql.DB) schema {
	t.Helper()
	s := schema{}
	query(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1`,
		[]any{gooseTable}, func(rows *sql.Rows) error {
			var name string
			err := rows.Scan(&name)
			s[name] = &table{Columns: map[string]column{}}
			return err
		})
	query(t, db, `SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
		WHERE table_schema = current_schema()`, nil, func(rows *sql.Rows) error {
		var tbl, col, typ string
		var notNull bool
		if err := rows.Scan(&tbl, &col, &typ, &notNull); err != nil {
			return err
		}
		if tb := s[tbl]; tb != nil {
			tb.Columns[col] = column{Type: canonical(postgresTypes, typ), NotNull: notNull}
		}
		return nil
	})
	// cols(rel, keys) lists the names of the attributes keys of rel in order.
	const cols = `array_to_string(ARRAY(
		SELECT coalesce(a.attname, '<expression>') FROM unnest(%[2]s) WITH ORDINALITY AS k(num, ord)
		LEFT JOIN pg_attribute a ON a.attrelid = %[1]s AND a.attnum = k.num ORDER BY k.ord), ',')`
	query(t, db, `SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL,
			EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('u', 'p')),
			`+fmt.Sprintf(cols, "ix.indrelid", "ix.indkey::int2[]")+`
		FROM pg_index ix
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace ns ON ns.oid = t.relnamespace
		WHERE ns.nspname = current_schema()`, nil, func(rows *sql.Rows) error {
		var tbl, name, colList string
		var unique, primary, partial, constraint bool
		if err := rows.Scan(&tbl, &name, &unique, &primary, &partial, &constraint, &colList); err != nil {
			return err
		}
		tb := s[tbl]
		if tb == nil {
			return nil
		}
		if primary {
			tb.PK = colList
			return nil
		}
		tb.Indexes = append(tb.Indexes, index(name, constraint, strings.Split(colList, ","), unique, partial))
		return nil
	})
	actions := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	query(t, db, `SELECT cl.relname, rf.relname, `+fmt.Sprintf(cols, "c.conrelid", "c.conkey")+`, `+fmt.Sprintf(cols, "c.confrelid", "c.confkey")+`,
			c.confdeltype, c.confupdtype
		FROM pg_constraint c
		JOIN pg_class cl ON cl.oid = c.conrelid
		JOIN pg_class rf ON rf.oid = c.confrelid
		JOIN pg_namespace ns ON ns.oid = cl.relnamespace
		WHERE c.contype = 'f' AND ns.nspname = current_schema()`, nil, func(rows *sql.Rows) error {
		var tbl, target, from, to, onDelete, onUpdate string
		if err := rows.Scan(&tbl, &target, &from, &to, &onDelete, &onUpdate); err != nil {
			return err
		}
		if tb := s[tbl]; tb != nil {
			tb.FKs = append(tb.FKs, foreignKey(strings.Split(from, ","), target, strings.Split(to, ","), actions[onDelete], actions[onUpdate]))
		}
		return nil
	})
	for _, tb := range s {
		slices.Sort(tb.Indexes)
		slices.Sort(tb.FKs)
	}
	return s
}
