-- +goose Up
-- The newsletter's own list of subscribers (comment follow-ups are a
-- separate list). email is normalised (trimmed, lower case).
CREATE TABLE newsletter_subscribers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    -- pending | active | unsubscribed | bounced | complained
    status TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    -- When and how the address consented (kept after it leaves).
    consent_at INTEGER,
    consent_source TEXT NOT NULL DEFAULT '',
    -- Hard bounces since the last message it accepted.
    bounces INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    status_at INTEGER NOT NULL
);
CREATE INDEX newsletter_subscribers_status ON newsletter_subscribers (status, id);

-- Issues: written ones, posts sent by email (post_id, at most once each)
-- and weekly digests. queue_pos orders the tip queue (status queued).
CREATE TABLE newsletter_issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'issue',
    subject TEXT NOT NULL,
    preheader TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- draft | queued | scheduled | sending | sent
    status TEXT NOT NULL,
    queue_pos INTEGER NOT NULL DEFAULT 0,
    scheduled_at INTEGER,
    started_at INTEGER,
    sent_at INTEGER,
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX newsletter_issues_status ON newsletter_issues (status, queue_pos, id);
CREATE INDEX newsletter_issues_sent ON newsletter_issues (sent_at);
CREATE UNIQUE INDEX newsletter_issues_post ON newsletter_issues (post_id) WHERE post_id IS NOT NULL;

-- A subscriber's history: signup, confirmation, mails, leaving, bounces.
CREATE TABLE newsletter_events (
    id INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES newsletter_subscribers(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    issue_id INTEGER REFERENCES newsletter_issues(id) ON DELETE SET NULL
);
CREATE INDEX newsletter_events_subscriber ON newsletter_events (subscriber_id, at, id);
CREATE INDEX newsletter_events_issue ON newsletter_events (issue_id, kind) WHERE issue_id IS NOT NULL;

-- One issue's message to one subscriber: queued, then sending (recorded
-- before the message goes to SMTP), then sent (after), or failed/bounced.
CREATE TABLE newsletter_deliveries (
    issue_id INTEGER NOT NULL REFERENCES newsletter_issues(id) ON DELETE CASCADE,
    subscriber_id INTEGER NOT NULL REFERENCES newsletter_subscribers(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    queued_at INTEGER NOT NULL,
    sending_at INTEGER,
    sent_at INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (issue_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_state ON newsletter_deliveries (issue_id, state, subscriber_id);
CREATE INDEX newsletter_deliveries_subscriber ON newsletter_deliveries (subscriber_id);

-- +goose Down
DROP TABLE newsletter_deliveries;
DROP TABLE newsletter_events;
DROP TABLE newsletter_issues;
DROP TABLE newsletter_subscribers;
