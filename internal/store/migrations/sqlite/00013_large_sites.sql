-- +goose Up
-- (PostgreSQL's 00013 adds the NOTIFY of each new content version; SQLite
-- needs none: see internal/store/version.go.)
SELECT 1;

-- +goose Down
SELECT 1;
