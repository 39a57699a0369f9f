-- +goose Up
-- The status a comment had before it went to the trash, so restoring it
-- puts it back where it was (WordPress's _wp_trash_meta_status).
ALTER TABLE comments ADD COLUMN trashed_status TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE comments DROP COLUMN trashed_status;
