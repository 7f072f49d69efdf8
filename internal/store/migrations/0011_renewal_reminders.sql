-- Renewal reminders (issue 11): one row per reminder sent, keyed by the
-- membership end date it was about, so each stage goes once per end date
-- and moving the end date (a renewal) starts afresh, far from any stage.
-- stage: '30' (30 days before), '7' (7 days before), 'lapsed' (the day
-- after). The row is written in the same transaction as the message.
CREATE TABLE renewal_reminders (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires TEXT NOT NULL,
    stage   TEXT NOT NULL CHECK (stage IN ('30', '7', 'lapsed')),
    sent    TEXT NOT NULL,
    PRIMARY KEY (user_id, expires, stage)
);
