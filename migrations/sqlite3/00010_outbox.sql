-- +goose Up
-- Emails waiting to be sent, and those sent or given up (app/mail). A row
-- is written in the transaction of the action that causes the email,
-- together with the job that sends it, so a crash never loses one. The
-- Message-ID is fixed when the row is written, so that a message sent
-- again after a crash carries the same one.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
    invitation_id INTEGER REFERENCES invitations(id) ON DELETE SET NULL,
    purpose       TEXT NOT NULL,
    to_addr       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body_text     TEXT NOT NULL,
    body_html     TEXT NOT NULL DEFAULT '',
    message_id    TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL DEFAULT 'queued',
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    sent_at       DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX outbox_org ON outbox(org_id);
CREATE INDEX outbox_invitation ON outbox(invitation_id);
CREATE INDEX outbox_status ON outbox(status);

-- Password reset links: the hash of a single-use token valid until
-- expires_at. sessions_after ends every session of a user that logged in at
-- or before that Unix second (set when the password is reset).
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX password_resets_user ON password_resets(user_id);
ALTER TABLE users ADD COLUMN sessions_after INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN sessions_after;
DROP TABLE password_resets;
DROP TABLE outbox;
