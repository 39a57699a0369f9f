-- +goose Up
-- The links a post sends linkbacks to: every absolute link of its body
-- (kind 'link': Webmention, else Pingback) and every address typed in the
-- editor's "Send trackbacks to" (kind 'trackback'), with the last result.
-- A row outlives its post (post_id becomes NULL, source_path keeps where
-- the post was) until the receiver has been told the post is gone.
CREATE TABLE outbound_links (
    id INTEGER PRIMARY KEY,
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    -- 1: no longer in the post (or the post is no longer public or gone).
    removed INTEGER NOT NULL DEFAULT 0,
    -- The post's path when it was deleted, to build the source URL.
    source_path TEXT NOT NULL DEFAULT '',
    -- Sends asked for and sends finished: pending while requested > done.
    requested INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    -- 1: the target was told the link is live and not told since that it
    -- is gone.
    announced INTEGER NOT NULL DEFAULT 0,
    -- The last result: webmention, pingback or trackback (or '' when no
    -- endpoint was found or nothing was sent), where, how it went, when.
    protocol TEXT NOT NULL DEFAULT '',
    endpoint TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    result_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX outbound_links_target ON outbound_links (post_id, kind, target);

-- +goose Down
DROP TABLE outbound_links;
