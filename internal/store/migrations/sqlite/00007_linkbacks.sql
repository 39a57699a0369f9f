-- +goose Up
-- Linkbacks (pingbacks, trackbacks, webmentions) are comments of their own
-- type. ping_status is WordPress's per-post "Allow pingbacks & trackbacks".
ALTER TABLE posts ADD COLUMN ping_status TEXT NOT NULL DEFAULT 'open';
-- The page that links to the post; one linkback per source and post.
ALTER TABLE comments ADD COLUMN source_url TEXT NOT NULL DEFAULT '';
-- What a webmention is: reply, like, repost or mention ('' for others).
ALTER TABLE comments ADD COLUMN mention_kind TEXT NOT NULL DEFAULT '';
-- The source's title (p-name, else its <title>) and its author's photo.
ALTER TABLE comments ADD COLUMN source_title TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN author_photo TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX comments_source ON comments (post_id, source_url) WHERE source_url <> '';

-- +goose Down
DROP INDEX comments_source;
ALTER TABLE comments DROP COLUMN author_photo;
ALTER TABLE comments DROP COLUMN source_title;
ALTER TABLE comments DROP COLUMN mention_kind;
ALTER TABLE comments DROP COLUMN source_url;
ALTER TABLE posts DROP COLUMN ping_status;
