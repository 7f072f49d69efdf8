-- Signed mail links (issue 11): unsubscribe, pause, change and manage
-- links in alert and newsletter emails carry a token signed with this
-- secret (HMAC-SHA256), so they need no sign-in and no stored row per
-- link. The secret never leaves the database; one row, made on first use.
CREATE TABLE mail_secret (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    secret  BLOB NOT NULL,
    created TEXT NOT NULL
);

-- What a person asked not to be sent: 'newsletter' (the association's
-- newsletter). Alerts are ended by deleting them; "unsubscribe from
-- everything" deletes every alert and records 'newsletter' here.
CREATE TABLE mail_optouts (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    what    TEXT NOT NULL CHECK (what IN ('newsletter')),
    at      TEXT NOT NULL,
    PRIMARY KEY (user_id, what)
);
