-- +goose Up
-- How a post's body is written: 'markdown' (rendered by Quire's Markdown
-- renderer) or 'wordpress' (WordPress's stored content, kept as WordPress
-- wrote it and rendered as WordPress displays it: paragraphs, typography,
-- shortcodes, blocks). An export writes the body back as it is.
ALTER TABLE posts ADD COLUMN format TEXT NOT NULL DEFAULT 'markdown';
-- WordPress's sticky posts: shown first on the home page.
ALTER TABLE posts ADD COLUMN sticky INTEGER NOT NULL DEFAULT 0;

-- What an import from WordPress made of each thing it read, by the
-- WordPress site (its wp:base_blog_url), the kind (post, term, user,
-- comment, attachment) and the WordPress ID: running the same import
-- again updates these rows rather than adding new ones, and old
-- addresses (/?p=ID, /wp-content/uploads/…) find what they became.
-- new_id is 0 for an attachment whose file did not come in.
CREATE TABLE wp_ids (
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    old_id BIGINT NOT NULL,
    new_id BIGINT NOT NULL DEFAULT 0,
    -- An attachment's file URL on the old site (its path in old_path),
    -- and the WordPress ID of the post it is attached to.
    url TEXT NOT NULL DEFAULT '',
    old_path TEXT NOT NULL DEFAULT '',
    parent BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (site, kind, old_id)
);
CREATE INDEX wp_ids_old ON wp_ids (kind, old_id);
CREATE INDEX wp_ids_new ON wp_ids (kind, new_id);
CREATE INDEX wp_ids_path ON wp_ids (old_path) WHERE old_path <> '';

-- +goose Down
DROP TABLE wp_ids;
ALTER TABLE posts DROP COLUMN sticky;
ALTER TABLE posts DROP COLUMN format;
