-- +goose Up
-- Reminders (app/reminders). A round's reminder days before its due date,
-- as a JSON list of whole numbers ('' for none).
ALTER TABLE assessments ADD COLUMN reminder_days TEXT NOT NULL DEFAULT '';

-- The List-Unsubscribe URL of an outbox email ('' for none); the sender
-- adds List-Unsubscribe-Post for one-click unsubscribe (RFC 8058).
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT NOT NULL DEFAULT '';

-- The address a respondent link was emailed to, and the link's token, so
-- that a reminder can carry the link again. The token is checked against
-- the invitation's hash before use: a regenerated link is never resent.
-- Rows of emails queued before this migration carry no token.
CREATE TABLE invitation_addresses (
    invitation_id INTEGER PRIMARY KEY REFERENCES invitations(id) ON DELETE CASCADE,
    org_id        INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    address       TEXT NOT NULL,
    token         TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL
);
CREATE INDEX invitation_addresses_round ON invitation_addresses(assessment_id);
INSERT INTO invitation_addresses (invitation_id, org_id, assessment_id, address, token, created_at)
    SELECT i.id, i.org_id, i.assessment_id, o.to_addr, '', o.created_at
    FROM invitations i JOIN outbox o ON o.id = (SELECT MAX(id) FROM outbox x WHERE x.invitation_id = i.id);

-- One row per reminder sent: the unique key (round, lower-case address,
-- UTC day) makes a second reminder to an address on one day impossible,
-- whatever sends it. unsubscribe_hash is the SHA-256 of the reminder's
-- unsubscribe token.
CREATE TABLE reminders (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    assessment_id    INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    invitation_id    INTEGER REFERENCES invitations(id) ON DELETE SET NULL,
    email_id         INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
    address          TEXT NOT NULL,
    day              TEXT NOT NULL,
    unsubscribe_hash TEXT NOT NULL UNIQUE,
    created_at       DATETIME NOT NULL
);
CREATE UNIQUE INDEX reminders_once_a_day ON reminders(assessment_id, address, day);
CREATE INDEX reminders_org ON reminders(org_id);

-- Addresses that asked for no more reminders of a round.
CREATE TABLE reminder_optouts (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    address       TEXT NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    created_at    DATETIME NOT NULL,
    PRIMARY KEY (assessment_id, address)
);
CREATE INDEX reminder_optouts_org ON reminder_optouts(org_id);

-- +goose Down
DROP TABLE reminder_optouts;
DROP TABLE reminders;
DROP TABLE invitation_addresses;
ALTER TABLE outbox DROP COLUMN list_unsubscribe;
ALTER TABLE assessments DROP COLUMN reminder_days;
