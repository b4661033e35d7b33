-- +goose Up
CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner','admin','leader','member')),
    created_at DATETIME NOT NULL,
    UNIQUE (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id  INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id, org_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);
CREATE INDEX api_tokens_user ON api_tokens(org_id, user_id);

CREATE TABLE org_invites (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('owner','admin','leader','member')),
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL,
    expires_at  DATETIME NOT NULL,
    accepted_at DATETIME,
    revoked_at  DATETIME
);
CREATE INDEX org_invites_org ON org_invites(org_id);

CREATE TABLE kv (
    k          TEXT PRIMARY KEY,
    v          BLOB NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX kv_expires ON kv(expires_at);

CREATE TABLE questionnaire_versions (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    version    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    title      TEXT NOT NULL,
    source     TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX questionnaire_versions_key ON questionnaire_versions(org_id, key, seq);
CREATE INDEX questionnaire_versions_hash ON questionnaire_versions(hash);

CREATE TABLE assessments (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open','closed')),
    due            DATE,
    default_target INTEGER NOT NULL,
    targets        TEXT NOT NULL DEFAULT '{}',
    capacity       INTEGER NOT NULL DEFAULT 6,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    closed_at      DATETIME
);
CREATE INDEX assessments_org ON assessments(org_id, created_at);

CREATE TABLE assessment_questionnaires (
    assessment_id          INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    position               INTEGER NOT NULL,
    questionnaire_key      TEXT NOT NULL,
    version_id             INTEGER NOT NULL REFERENCES questionnaire_versions(id),
    previous_assessment_id INTEGER REFERENCES assessments(id) ON DELETE SET NULL,
    PRIMARY KEY (assessment_id, questionnaire_key)
);

CREATE TABLE assessment_teams (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    team_id       INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    PRIMARY KEY (assessment_id, team_id)
);

CREATE TABLE invitations (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    team_id       INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    label         TEXT NOT NULL DEFAULT '',
    token_hash    TEXT NOT NULL UNIQUE,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    DATETIME NOT NULL,
    revoked_at    DATETIME
);
CREATE INDEX invitations_assessment ON invitations(assessment_id, team_id);

CREATE TABLE responses (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    invitation_id INTEGER NOT NULL UNIQUE REFERENCES invitations(id) ON DELETE CASCADE,
    team_id       INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('draft','submitted')),
    revision      INTEGER NOT NULL DEFAULT 0,
    page          TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    submitted_at  DATETIME
);
CREATE INDEX responses_assessment ON responses(assessment_id, status, team_id);

CREATE TABLE answers (
    response_id       INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    questionnaire_key TEXT NOT NULL,
    question_key      TEXT NOT NULL,
    option_key        TEXT,
    level             INTEGER,
    value             INTEGER,
    na                BOOLEAN NOT NULL DEFAULT FALSE,
    comment           TEXT NOT NULL DEFAULT '',
    revision          INTEGER NOT NULL,
    updated_at        DATETIME NOT NULL,
    PRIMARY KEY (response_id, questionnaire_key, question_key)
);

CREATE TABLE result_snapshots (
    assessment_id     INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    questionnaire_key TEXT NOT NULL,
    org_id            INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    data              TEXT NOT NULL,
    computed_at       DATETIME NOT NULL,
    PRIMARY KEY (assessment_id, questionnaire_key)
);

CREATE TABLE plan_items (
    assessment_id      INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    team_id            INTEGER NOT NULL DEFAULT 0,
    questionnaire_key  TEXT NOT NULL,
    recommendation_key TEXT NOT NULL,
    org_id             INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    owner              TEXT NOT NULL DEFAULT '',
    quarter            TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT '',
    notes              TEXT NOT NULL DEFAULT '',
    updated_at         DATETIME NOT NULL,
    PRIMARY KEY (assessment_id, team_id, questionnaire_key, recommendation_key)
);

-- +goose Down
DROP TABLE plan_items;
DROP TABLE result_snapshots;
DROP TABLE answers;
DROP TABLE responses;
DROP TABLE invitations;
DROP TABLE assessment_teams;
DROP TABLE assessment_questionnaires;
DROP TABLE assessments;
DROP TABLE questionnaire_versions;
DROP TABLE kv;
DROP TABLE org_invites;
DROP TABLE api_tokens;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE orgs;
