-- The kv key was NOT NULL on PostgreSQL from the start (a primary key is);
-- this version keeps the two dialects' version numbers in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
