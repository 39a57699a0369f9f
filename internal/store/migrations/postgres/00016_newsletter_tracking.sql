-- +goose Up
-- Open and click tracking (off unless the Tracking setting is on): one
-- row per subscriber who opened an issue (its 1x1 image loaded), and one
-- per subscriber and link of the issue they followed (link is the link's
-- place among the issue's own links, from 0). Recorded once each: the
-- admin counts unique opens and clicks.
CREATE TABLE newsletter_opens (
    issue_id BIGINT NOT NULL REFERENCES newsletter_issues(id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL REFERENCES newsletter_subscribers(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    PRIMARY KEY (issue_id, subscriber_id)
);
CREATE TABLE newsletter_clicks (
    issue_id BIGINT NOT NULL REFERENCES newsletter_issues(id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL REFERENCES newsletter_subscribers(id) ON DELETE CASCADE,
    link BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (issue_id, subscriber_id, link)
);
CREATE INDEX newsletter_clicks_issue_link ON newsletter_clicks (issue_id, link);

-- +goose Down
DROP TABLE newsletter_clicks;
DROP TABLE newsletter_opens;
