-- +goose Up
-- Comments by time alone, so the flood check can find the comments of the
-- last seconds (to compare their addresses' /64 networks) without a scan.
CREATE INDEX comments_created ON comments (created_at);

-- +goose Down
DROP INDEX comments_created;
