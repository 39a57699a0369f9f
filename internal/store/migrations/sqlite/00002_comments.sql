-- +goose Up
ALTER TABLE posts ADD COLUMN comment_status TEXT NOT NULL DEFAULT 'open';

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
    type TEXT NOT NULL DEFAULT 'comment',
    status TEXT NOT NULL,
    author_name TEXT NOT NULL DEFAULT '',
    author_email TEXT NOT NULL DEFAULT '',
    author_url TEXT NOT NULL DEFAULT '',
    author_ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    content TEXT NOT NULL,
    content_html TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX comments_post ON comments (post_id, status, created_at);
CREATE INDEX comments_status ON comments (status, created_at DESC);
CREATE INDEX comments_email ON comments (author_email);
CREATE INDEX comments_ip ON comments (author_ip, created_at);
CREATE INDEX comments_parent ON comments (parent_id);

-- Follow-up subscriptions: post_id 0 is never used; one row per post and
-- address, confirmed once per address (double opt-in).
CREATE TABLE comment_subscriptions (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    confirmed_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (post_id, email)
);
CREATE INDEX comment_subscriptions_email ON comment_subscriptions (email);

-- Addresses that confirmed follow-ups once, and those that asked for none.
CREATE TABLE comment_subscribers (
    email TEXT PRIMARY KEY,
    confirmed_at INTEGER,
    unsubscribed_all_at INTEGER
);

-- +goose Down
DROP TABLE comment_subscribers;
DROP TABLE comment_subscriptions;
DROP TABLE comments;
ALTER TABLE posts DROP COLUMN comment_status;
