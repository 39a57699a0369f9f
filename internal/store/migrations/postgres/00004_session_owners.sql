-- +goose Up
-- session_epoch is a user's credential generation: a password change or
-- "Log out everywhere else" advances it, and a session or known-device
-- cookie made under an older one no longer counts.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
-- Whose session each row is (read from its data when it is saved), so a
-- user's sessions can be listed and ended; when it began, when it was last
-- used, and a coarse description of the browser, for the profile page.
ALTER TABLE sessions ADD COLUMN user_id BIGINT REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN seen_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX tokens_user ON tokens (user_id, purpose);

-- +goose Down
DROP INDEX tokens_user;
DROP INDEX sessions_user;
ALTER TABLE sessions DROP COLUMN client;
ALTER TABLE sessions DROP COLUMN seen_at;
ALTER TABLE sessions DROP COLUMN created_at;
ALTER TABLE sessions DROP COLUMN epoch;
ALTER TABLE sessions DROP COLUMN user_id;
ALTER TABLE users DROP COLUMN session_epoch;
