package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mattn/go-sqlite3"
)

// sqliteWriter is the one connection SQLite's hot writes (autosaves and
// joins, in groups: joinbatch.go) go through, used only under the store's
// writeMu. SQLite runs one writer at a time, so one connection loses
// nothing, and it lets the writes skip database/sql: that layer costs
// about as much Go as SQLite's own work for statements this small (per
// statement a transaction-bound copy of the statement, a goroutine that
// watches the transaction's context, argument and column conversions by
// reflection), and these run one after another under the write lock,
// where every microsecond is lost to all the others. The statements are
// prepared once on the driver's connection.
type sqliteWriter struct {
	conn          *sql.Conn
	drv           *sqlite3.SQLiteConn // the driver connection stmts were prepared on
	stmts         [hotWrites]driver.Stmt
	begin, commit driver.Stmt
}

// run runs fn in one IMMEDIATE transaction on the writer's connection,
// opening it first when needed. A connection closed under the writer
// (sql.ErrConnDone: nothing ran) is replaced once; one that went bad in
// the transaction is dropped and the error returned (the groups then run
// their requests again one by one, on a new connection).
func (w *sqliteWriter) run(ctx context.Context, s *Store, fn func(hotTxn) error) error {
	for try := 0; ; try++ {
		err := w.runOn(ctx, s, fn)
		if errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) {
			w.close()
			if try == 0 && errors.Is(err, sql.ErrConnDone) {
				continue
			}
		}
		return err
	}
}

func (w *sqliteWriter) runOn(ctx context.Context, s *Store, fn func(hotTxn) error) error {
	if w.conn == nil {
		sqlDB, err := s.db.DB()
		if err != nil {
			return err
		}
		c, err := sqlDB.Conn(context.WithoutCancel(ctx))
		if err != nil {
			return fmt.Errorf("writer connection: %w", err)
		}
		w.conn = c
	}
	return w.conn.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("writer connection: unexpected driver connection %T", dc)
		}
		if c != w.drv {
			if err := w.prepare(c, s.hotWriteSQL()); err != nil {
				return err
			}
		}
		return w.tx(c, fn)
	})
}

// prepare prepares the hot write statements on c.
func (w *sqliteWriter) prepare(c *sqlite3.SQLiteConn, queries [hotWrites]string) error {
	w.closeStmts()
	for i, q := range queries {
		st, err := c.Prepare(q)
		if err != nil {
			w.closeStmts()
			return fmt.Errorf("prepare statement: %w", err)
		}
		w.stmts[i] = st
	}
	var err error
	if w.begin, err = c.Prepare("BEGIN IMMEDIATE"); err == nil {
		w.commit, err = c.Prepare("COMMIT")
	}
	if err != nil {
		w.closeStmts()
		return fmt.Errorf("prepare statement: %w", err)
	}
	w.drv = c
	return nil
}

// tx runs fn between BEGIN IMMEDIATE and COMMIT on c, rolling back when
// fn or the commit fails.
func (w *sqliteWriter) tx(c *sqlite3.SQLiteConn, fn func(hotTxn) error) error {
	ctx := context.Background() // a cancellable context makes the driver watch it in a goroutine per statement
	if _, err := w.begin.(driver.StmtExecContext).ExecContext(ctx, nil); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	err := fn(&rawTxn{stmts: &w.stmts})
	if err == nil {
		if _, err = w.commit.(driver.StmtExecContext).ExecContext(ctx, nil); err != nil {
			err = fmt.Errorf("commit: %w", err)
		}
	}
	if err != nil && !c.AutoCommit() {
		if _, rbErr := c.ExecContext(ctx, "ROLLBACK", nil); rbErr != nil {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
	}
	return err
}

func (w *sqliteWriter) closeStmts() {
	for _, st := range append(w.stmts[:], w.begin, w.commit) {
		if st != nil {
			_ = st.Close()
		}
	}
	w.stmts, w.begin, w.commit, w.drv = [hotWrites]driver.Stmt{}, nil, nil, nil
}

// close finalizes the statements and gives the connection back to the
// pool, which closes it if it went bad.
func (w *sqliteWriter) close() {
	if w.conn == nil {
		return
	}
	_ = w.conn.Raw(func(any) error { w.closeStmts(); return nil })
	_ = w.conn.Close()
	w.conn, w.drv = nil, nil
}

// closeWriter closes the SQLite writer's connection (Close).
func (s *Store) closeWriter() {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.writer.close()
}

// rawTxn is the hotTxn of the SQLite writer: statements run on the driver
// with arguments converted as database/sql would.
type rawTxn struct {
	stmts *[hotWrites]driver.Stmt
	args  []driver.NamedValue
	row   []driver.Value
}

func (t *rawTxn) bind(args []any) ([]driver.NamedValue, error) {
	t.args = t.args[:0]
	for i, a := range args {
		v, err := driverValue(a)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		t.args = append(t.args, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	return t.args, nil
}

func (t *rawTxn) queryRow(q hotWrite, args []any, dest ...any) error {
	nv, err := t.bind(args)
	if err != nil {
		return err
	}
	rows, err := t.stmts[q].(driver.StmtQueryContext).QueryContext(context.Background(), nv)
	if err != nil {
		return err
	}
	if err := t.scan(rows, dest); err != nil {
		_ = rows.Close()
		return err
	}
	return rows.Close()
}

// scan scans the first row of rows into dest (one per column: asking the
// driver for the column names costs a call into SQLite per column).
func (t *rawTxn) scan(rows driver.Rows, dest []any) error {
	if cap(t.row) < len(dest) {
		t.row = make([]driver.Value, len(dest))
	}
	row := t.row[:len(dest)]
	if err := rows.Next(row); errors.Is(err, io.EOF) {
		return sql.ErrNoRows
	} else if err != nil {
		return err
	}
	for i, d := range dest {
		if err := assign(d, row[i]); err != nil {
			return fmt.Errorf("column %d: %w", i+1, err)
		}
	}
	return nil
}

func (t *rawTxn) exec(q hotWrite, args ...any) error {
	nv, err := t.bind(args)
	if err != nil {
		return err
	}
	_, err = t.stmts[q].(driver.StmtExecContext).ExecContext(context.Background(), nv)
	return err
}

// driverValue converts an argument as database/sql does for a driver
// without its own converter.
func driverValue(a any) (driver.Value, error) {
	switch v := a.(type) {
	case nil, int64, float64, bool, string, []byte, time.Time:
		return v, nil
	case int:
		return int64(v), nil
	}
	return driver.DefaultParameterConverter.ConvertValue(a)
}

// assign stores a column's value in dest, for the destinations of the hot
// statements: sql.Scanner (the sql.Null types), *int64 and *string.
func assign(dest any, v driver.Value) error {
	switch d := dest.(type) {
	case sql.Scanner:
		return d.Scan(v)
	case *int64:
		if n, ok := v.(int64); ok {
			*d = n
			return nil
		}
	case *string:
		switch x := v.(type) {
		case string:
			*d = x
			return nil
		case []byte:
			*d = string(x)
			return nil
		}
	}
	return fmt.Errorf("cannot store %T in %T", v, dest)
}
