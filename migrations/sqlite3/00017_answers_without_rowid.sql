-- +goose Up
-- Answers are read and written by their primary key (a response's answers
-- together, one answer by its question). As a rowid table every such access
-- went through the key's index and then the table; clustered on the key
-- (WITHOUT ROWID) it walks one b-tree, and a response's answers sit side by
-- side.
CREATE TABLE answers_clustered (
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
    number            REAL,
    text              TEXT,
    evidence_url      TEXT NOT NULL DEFAULT '',
    evidence_note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, questionnaire_key, question_key)
) WITHOUT ROWID;
INSERT INTO answers_clustered SELECT response_id, questionnaire_key, question_key, option_key, level, value, na, comment,
    revision, updated_at, number, text, evidence_url, evidence_note FROM answers ORDER BY response_id, questionnaire_key, question_key;
DROP TABLE answers;
ALTER TABLE answers_clustered RENAME TO answers;

-- +goose Down
CREATE TABLE answers_rowid (
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
    number            REAL,
    text              TEXT,
    evidence_url      TEXT NOT NULL DEFAULT '',
    evidence_note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, questionnaire_key, question_key)
);
INSERT INTO answers_rowid SELECT response_id, questionnaire_key, question_key, option_key, level, value, na, comment,
    revision, updated_at, number, text, evidence_url, evidence_note FROM answers;
DROP TABLE answers;
ALTER TABLE answers_rowid RENAME TO answers;
