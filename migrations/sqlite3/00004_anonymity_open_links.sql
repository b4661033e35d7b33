-- Anonymous rounds with a minimum group size, team headcounts, and open
-- links: one link per team from which any number of respondents start
-- their own response.

-- +goose Up
ALTER TABLE assessments ADD COLUMN anonymity TEXT NOT NULL DEFAULT 'named' CHECK (anonymity IN ('named','anonymous'));
ALTER TABLE assessments ADD COLUMN min_group INTEGER NOT NULL DEFAULT 5;
ALTER TABLE teams ADD COLUMN size INTEGER;
CREATE TABLE open_links (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    team_id       INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    max_responses INTEGER,
    joined        INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    DATETIME NOT NULL,
    revoked_at    DATETIME
);
CREATE INDEX open_links_assessment ON open_links(assessment_id, team_id);
-- The open link a respondent joined through; no foreign key, so that the
-- column can be dropped again on SQLite (links are revoked, never deleted,
-- except with their round, which takes the invitations with it).
ALTER TABLE invitations ADD COLUMN open_link_id INTEGER;
CREATE INDEX invitations_open_link ON invitations(open_link_id);

-- +goose Down
DROP INDEX invitations_open_link;
ALTER TABLE invitations DROP COLUMN open_link_id;
DROP TABLE open_links;
ALTER TABLE teams DROP COLUMN size;
ALTER TABLE assessments DROP COLUMN min_group;
ALTER TABLE assessments DROP COLUMN anonymity;
