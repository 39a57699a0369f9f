-- +goose Up
-- Each new content version is announced to every instance: the NOTIFY is
-- sent by the transaction that bumps the version, when it commits (see
-- internal/store/version.go). The payload names the schema, so two sites
-- sharing a database in different schemas do not hear each other.
-- +goose StatementBegin
CREATE FUNCTION quire_notify_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('quire_content_version', TG_TABLE_SCHEMA || ' ' || NEW.version::text);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER site_state_notify AFTER UPDATE OF version ON site_state
    FOR EACH ROW EXECUTE FUNCTION quire_notify_version();

-- A large site: indexes that keep a page's cost independent of how many
-- posts and comments there are (see the SQLite migration of this number).
DROP INDEX posts_list;
CREATE INDEX posts_list ON posts (type, status, published_at DESC, id DESC);
CREATE INDEX posts_updated ON posts (updated_at);
-- The admin's lists of every status, newest first.
CREATE INDEX posts_admin ON posts (type, published_at DESC, id DESC);
DROP INDEX comments_status;
CREATE INDEX comments_status ON comments (status, created_at DESC, id DESC);

-- What is built from posts alone (the sidebar's archives and category
-- counts) is kept across comments' changes, which move only version.
ALTER TABLE site_state ADD COLUMN posts_version BIGINT NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE site_state DROP COLUMN posts_version;
DROP INDEX comments_status;
CREATE INDEX comments_status ON comments (status, created_at DESC);
DROP INDEX posts_admin;
DROP INDEX posts_updated;
DROP INDEX posts_list;
CREATE INDEX posts_list ON posts (type, status, published_at DESC);
DROP TRIGGER site_state_notify ON site_state;
DROP FUNCTION quire_notify_version();
