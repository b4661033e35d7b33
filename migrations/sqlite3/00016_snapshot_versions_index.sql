-- +goose Up
-- The versions of an organization's snapshots (computed_at per round and
-- questionnaire), read by every dashboard and results request, answered
-- from this index alone: reading them from the table walks each
-- snapshot's data (megabytes for a large round) to reach computed_at.
CREATE INDEX result_snapshots_versions ON result_snapshots(org_id, assessment_id, questionnaire_key, computed_at);

-- +goose Down
DROP INDEX result_snapshots_versions;
