-- +goose Up
-- Work done off the request path (app/jobs): one row per job, written in
-- the transaction of the change that causes it. A dedupe key coalesces
-- pending work of one kind; NULL keys never coalesce.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    dedupe_key  TEXT,
    payload     TEXT NOT NULL DEFAULT '',
    run_at      DATETIME NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until DATETIME,
    rerun       BOOLEAN NOT NULL DEFAULT FALSE,
    failed_at   DATETIME,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX jobs_dedupe ON jobs(kind, dedupe_key);
CREATE INDEX jobs_due ON jobs(run_at);

-- results_revision counts the changes that alter a round's results; a
-- recomputation stores its snapshots only if it is still current.
ALTER TABLE assessments ADD COLUMN results_revision INTEGER NOT NULL DEFAULT 0;
-- scoring_version is the scoring.Version a snapshot was computed under.
ALTER TABLE result_snapshots ADD COLUMN scoring_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE result_snapshots DROP COLUMN scoring_version;
ALTER TABLE assessments DROP COLUMN results_revision;
DROP TABLE jobs;
