-- +goose Up
-- session_epoch is a user's credential generation: a password change or
-- "Log out everywhere else" advances it, and a session or known-device
-- cookie made under an older one no longer counts.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
-- Whose session each row is (read from its data when it is saved), so a
-- user's sessions can be listed and ended; when it began, when it was last
-- used, and a coarse description of the browser, for the profile page.
ALTER TABLE sessions ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX tokens_user ON tokens (user_id, purpose);

-- +goose Down
DROP INDEX tokens_user;
-- SQLite cannot drop a column that references another table: sessions are
-- made again empty (everyone logs in again).
DROP TABLE sessions;
CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    expiry INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);
ALTER TABLE users DROP COLUMN session_epoch;
