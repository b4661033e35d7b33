-- Answers to nps and number questions keep their value in number (nps 0..10,
-- number between the question's min and max, possibly fractional); answers
-- to text questions keep the respondent's words in text. Scored answers
-- leave both NULL.

-- +goose Up
ALTER TABLE answers ADD COLUMN number REAL;
ALTER TABLE answers ADD COLUMN text TEXT;

-- +goose Down
ALTER TABLE answers DROP COLUMN text;
ALTER TABLE answers DROP COLUMN number;
