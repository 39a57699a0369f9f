-- +goose Up
-- A large site (issue 11): indexes that keep a page's cost independent of
-- how many posts and comments there are. (PostgreSQL's 00013 also adds the
-- NOTIFY of each new content version; SQLite needs none: see
-- internal/store/version.go.)

-- Listings in their exact order (newest first, then by id), so page 500
-- skips index entries rather than sorting and reading 5,000 posts.
DROP INDEX posts_list;
CREATE INDEX posts_list ON posts (type, status, published_at DESC, id DESC);
-- When content last changed (Last-Modified), without reading every post.
CREATE INDEX posts_updated ON posts (updated_at);
-- The admin's lists of every status, newest first.
CREATE INDEX posts_admin ON posts (type, published_at DESC, id DESC);
-- Whether a post is public, read from a small index rather than the post's
-- row with its body: counting a tag's or a category's posts looks up
-- every one of them (see dialect.visiblePosts).
CREATE INDEX posts_visibility ON posts (id, type, status, published_at, password);
-- The moderation list, one status newest first, in its exact order.
DROP INDEX comments_status;
CREATE INDEX comments_status ON comments (status, created_at DESC, id DESC);

-- What is built from posts alone (the sidebar's archives and category
-- counts) is kept across comments' changes, which move only version.
ALTER TABLE site_state ADD COLUMN posts_version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE site_state DROP COLUMN posts_version;
DROP INDEX comments_status;
CREATE INDEX comments_status ON comments (status, created_at DESC);
DROP INDEX posts_visibility;
DROP INDEX posts_admin;
DROP INDEX posts_updated;
DROP INDEX posts_list;
CREATE INDEX posts_list ON posts (type, status, published_at DESC);
