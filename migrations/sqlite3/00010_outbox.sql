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

-- +goose Down
DROP TABLE outbox;
