-- +goose Up
-- When a comment's status last changed (0: before this was recorded), so a
-- moderation link from an older email can say what happened since.
ALTER TABLE comments ADD COLUMN status_changed_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE comments DROP COLUMN status_changed_at;
