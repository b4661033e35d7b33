-- Evidence on an answer: a link (http or https, at most 2,048 characters)
-- to what backs the answer up, such as a dashboard or a runbook, and a
-- short note about it. Both are empty when the respondent gave none.

-- +goose Up
ALTER TABLE answers ADD COLUMN evidence_url TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN evidence_note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE answers DROP COLUMN evidence_note;
ALTER TABLE answers DROP COLUMN evidence_url;
