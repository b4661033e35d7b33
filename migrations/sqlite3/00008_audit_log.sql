-- +goose Up
-- Who did what (app/store/audit.go): one row per audited action, written in
-- the transaction of the change. org_id is NULL for events that belong to no
-- organization (a failed sign-in with an unknown email, a deleted
-- organization). No secret, token or answer is ever stored here.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
    at            DATETIME NOT NULL,
    actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_token_id INTEGER REFERENCES api_tokens(id) ON DELETE SET NULL,
    actor         TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    target_type   TEXT NOT NULL DEFAULT '',
    target_id     INTEGER,
    target        TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT '',
    ip            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_org ON audit_log(org_id, id);
CREATE INDEX audit_log_at ON audit_log(at);

-- +goose Down
DROP TABLE audit_log;
