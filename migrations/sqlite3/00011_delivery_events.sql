-- +goose Up
-- Delivery events (app/store/events.go) and the per-day rollups the DORA
-- metrics are read from (app/dora). external_id is the sender's id, unique
-- per team: sending it again is a duplicate and changes nothing.
-- lead_time_seconds is the deployment's own lead time, computed on ingest
-- (the given lead_time_seconds, else the median over its commits); NULL
-- when it has neither. failed is set when the status is failure or an
-- incident names the deployment; production when the environment is empty
-- or "production".
CREATE TABLE deployments (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    team_id           INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    external_id       TEXT NOT NULL,
    finished_at       DATETIME NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('success','failure')),
    environment       TEXT NOT NULL DEFAULT '',
    production        BOOLEAN NOT NULL,
    commits           INTEGER NOT NULL DEFAULT 0,
    lead_time_seconds BIGINT,
    failed            BOOLEAN NOT NULL,
    created_at        DATETIME NOT NULL,
    UNIQUE (team_id, external_id)
);
CREATE INDEX deployments_org ON deployments(org_id, finished_at);

-- deployment_id is the external id of the team's deployment the incident
-- names ('' for none); the deployment may arrive before or after it.
CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    team_id       INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    external_id   TEXT NOT NULL,
    started_at    DATETIME NOT NULL,
    resolved_at   DATETIME,
    deployment_id TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    UNIQUE (team_id, external_id)
);
CREATE INDEX incidents_org ON incidents(org_id, started_at);
CREATE INDEX incidents_deployment ON incidents(team_id, deployment_id);

-- One row per team and UTC day (days since 1970-01-01), kept in the
-- transaction of each ingest: production deployments finished that day,
-- how many failed, their lead times, incidents started that day, and the
-- recovery times of incidents resolved that day. Lead and recovery times are
-- sorted runs of 4-byte big-endian seconds (app/dora.Sample): a window's
-- exact medians read one row per day and select by binary search, instead
-- of reading every event.
CREATE TABLE dora_days (
    org_id      INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    team_id     INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    day         INTEGER NOT NULL,
    deployments INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    lead_times  BLOB NOT NULL,
    incidents   INTEGER NOT NULL DEFAULT 0,
    recoveries  BLOB NOT NULL,
    PRIMARY KEY (team_id, day)
);
CREATE INDEX dora_days_org ON dora_days(org_id, day);

-- The same per organization and day, over all its teams (the
-- organization's metrics read 90 rows for 90 days, whatever the number of
-- teams); deleting a team subtracts its rows.
CREATE TABLE dora_org_days (
    org_id      INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    day         INTEGER NOT NULL,
    deployments INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    lead_times  BLOB NOT NULL,
    incidents   INTEGER NOT NULL DEFAULT 0,
    recoveries  BLOB NOT NULL,
    PRIMARY KEY (org_id, day)
);

-- Scopes limit an API token ('' keeps every right of its owner;
-- 'events:write' allows the event endpoints only).
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN scopes;
DROP TABLE dora_org_days;
DROP TABLE dora_days;
DROP TABLE incidents;
DROP TABLE deployments;
