-- +goose Up
-- The last verdict on whether a source page links to a target, so that a
-- source verified moments ago is not fetched again (a flood of pings
-- naming one page costs at most one fetch per pair and period).
CREATE TABLE linkback_checks (
    source_url TEXT NOT NULL,
    target_url TEXT NOT NULL,
    verdict TEXT NOT NULL,
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (source_url, target_url)
);
CREATE INDEX linkback_checks_at ON linkback_checks (checked_at);

-- +goose Down
DROP TABLE linkback_checks;
