-- The mail outbox (issue 11). A message is written in the same transaction
-- as what caused it (a reset request, a digest run), and serve's sender
-- delivers it. state: pending (waiting, next_attempt says when), sending
-- (handed to the SMTP server; a row left here by a crash is the one window
-- for a repeat, logged when it is retried), sent, failed (permanent: the
-- server's words are in last_error). Bodies are kept: the row is the record.
CREATE TABLE mail_outbox (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL DEFAULT '',
    to_addr      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    text_body    TEXT NOT NULL,
    html_body    TEXT NOT NULL DEFAULT '',
    -- extra headers as a JSON object (List-Unsubscribe, ...)
    headers      TEXT NOT NULL DEFAULT '{}',
    message_id   TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    created      TEXT NOT NULL,
    next_attempt TEXT NOT NULL,
    first_try    TEXT NOT NULL DEFAULT '',
    last_try     TEXT NOT NULL DEFAULT '',
    sent         TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt);
