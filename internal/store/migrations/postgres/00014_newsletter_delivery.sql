-- +goose Up
-- The delivery engine's batches: an issue's deliveries cut into runs of
-- consecutive subscribers (after_subscriber, last_subscriber], each sent
-- by one durable job. A batch being sent holds a lease: owner is the
-- process sending it and lease_until_ms (Unix milliseconds) is renewed
-- while it runs; a lease left to expire (the process died) is reclaimed by
-- bumping gen and writing a new job, and a job whose gen is not the
-- batch's any more does nothing (a fencing token).
CREATE TABLE newsletter_batches (
    issue_id BIGINT NOT NULL REFERENCES newsletter_issues(id) ON DELETE CASCADE,
    batch BIGINT NOT NULL,
    after_subscriber BIGINT NOT NULL,
    last_subscriber BIGINT NOT NULL,
    recipients BIGINT NOT NULL,
    -- waiting (its job is queued or retrying) | running (leased) | done
    state TEXT NOT NULL,
    gen BIGINT NOT NULL DEFAULT 0,
    owner TEXT NOT NULL DEFAULT '',
    lease_until_ms BIGINT NOT NULL DEFAULT 0,
    -- When a waiting batch's job is due (Unix seconds).
    next_at BIGINT NOT NULL,
    -- Runs that ended with messages still to retry (the backoff grows).
    retries BIGINT NOT NULL DEFAULT 0,
    -- Since when the SMTP server has failed this batch (connection
    -- refused, 421…), and what it said; cleared by the next message
    -- accepted.
    failing_since BIGINT,
    error TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (issue_id, batch)
);
CREATE INDEX newsletter_batches_state ON newsletter_batches (state, lease_until_ms);

-- The weekly slots handled: one row per slot (its time, Unix seconds),
-- claimed by the one instance whose insert wins, with what it sent.
CREATE TABLE newsletter_slots (
    slot BIGINT PRIMARY KEY,
    claimed_at BIGINT NOT NULL,
    -- issue | digest | nothing | no-subscribers | missed
    outcome TEXT NOT NULL,
    issue_id BIGINT REFERENCES newsletter_issues(id) ON DELETE SET NULL,
    detail TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE newsletter_slots;
DROP TABLE newsletter_batches;
