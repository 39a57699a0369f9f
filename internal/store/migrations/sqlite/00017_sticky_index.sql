-- +goose Up
-- The home page's sticky posts are found without reading every post.
CREATE INDEX posts_sticky ON posts (published_at DESC) WHERE sticky <> 0;

-- +goose Down
DROP INDEX posts_sticky;
