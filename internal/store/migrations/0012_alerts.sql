-- Alerts (issue 11): a member's saved search, emailed daily, weekly (on
-- day) or monthly when something new matches. search is the canonical
-- query string of /api/v1/search. last_sent is when the alert's last
-- email was built ('' before the first: its creation counts).
CREATE TABLE alerts (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    search    TEXT NOT NULL,
    cadence   TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
    day       TEXT NOT NULL DEFAULT '',
    paused    INTEGER NOT NULL DEFAULT 0,
    created   TEXT NOT NULL,
    last_sent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_user ON alerts (user_id);
