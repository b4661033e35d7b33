-- +goose Up
-- Single sign-on (app/store/sso.go): one OpenID Connect configuration per
-- organization, the email domains it accepts, and the provider identities
-- (issuer and subject) of the accounts that signed in through it. The
-- client secret is never returned by the API nor written to an export.
CREATE TABLE sso_configs (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL UNIQUE REFERENCES orgs(id) ON DELETE CASCADE,
    slug               TEXT NOT NULL UNIQUE,
    issuer             TEXT NOT NULL,
    client_id          TEXT NOT NULL,
    client_secret      TEXT NOT NULL DEFAULT '',
    role_claim         TEXT NOT NULL DEFAULT '',
    admin_values       TEXT NOT NULL DEFAULT '',
    leader_values      TEXT NOT NULL DEFAULT '',
    password_login_off BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);

CREATE TABLE sso_domains (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    UNIQUE (org_id, domain)
);
CREATE INDEX sso_domains_domain ON sso_domains(domain);

CREATE TABLE sso_identities (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    last_login_at DATETIME NOT NULL,
    UNIQUE (org_id, issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities(user_id);

-- +goose Down
DROP TABLE sso_identities;
DROP TABLE sso_domains;
DROP TABLE sso_configs;
