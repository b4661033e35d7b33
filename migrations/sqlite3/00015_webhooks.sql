-- +goose Up
-- Webhooks: an organization's HTTP endpoints and the events they receive
-- (app/webhooks). secret signs each delivery (HMAC-SHA256); it is never
-- returned by the API nor written to an organization export.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX webhooks_org ON webhooks(org_id);

-- One delivery of one event to one webhook: written with its job in the
-- transaction of the change that causes the event, so a crash never loses
-- one; retried with back-off until it is delivered or too old.
CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    webhook_id   INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event        TEXT NOT NULL,
    delivery_id  TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'queued',
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    delivered_at DATETIME,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_deliveries_org ON webhook_deliveries(org_id);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
