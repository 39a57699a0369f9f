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

-- +goose Down
DROP TRIGGER site_state_notify ON site_state;
DROP FUNCTION quire_notify_version();
