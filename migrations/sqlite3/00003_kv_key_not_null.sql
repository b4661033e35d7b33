-- The kv key is NOT NULL, as on PostgreSQL: SQLite lets a TEXT PRIMARY KEY
-- hold NULL unless it says so, and changing that needs a table rebuild.

-- +goose Up
CREATE TABLE kv_new (
    k          TEXT NOT NULL PRIMARY KEY,
    v          BLOB NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO kv_new (k, v, expires_at) SELECT k, v, expires_at FROM kv WHERE k IS NOT NULL;
DROP TABLE kv;
ALTER TABLE kv_new RENAME TO kv;
CREATE INDEX kv_expires ON kv(expires_at);

-- +goose Down
CREATE TABLE kv_old (
    k          TEXT PRIMARY KEY,
    v          BLOB NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO kv_old (k, v, expires_at) SELECT k, v, expires_at FROM kv;
DROP TABLE kv;
ALTER TABLE kv_old RENAME TO kv;
CREATE INDEX kv_expires ON kv(expires_at);
