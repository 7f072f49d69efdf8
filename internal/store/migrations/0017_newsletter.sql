-- The association's newsletter (issue 11). An edition is composed by
-- staff (blocks: a JSON array of sections and items in order), then sent:
-- state becomes 'sent' in the same transaction as its messages are
-- queued in mail_outbox, one per reader, and a row per (edition, person)
-- in newsletter_deliveries, whose key makes each edition go to each
-- person once, ever (a second send reaches only those not yet sent it).
-- Who wants no newsletter is in mail_optouts (what = 'newsletter').
CREATE TABLE newsletter_editions (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    intro      TEXT NOT NULL DEFAULT '',
    blocks     TEXT NOT NULL DEFAULT '[]',
    state      TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'sent')),
    created    TEXT NOT NULL,
    updated    TEXT NOT NULL,
    sent       TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX newsletter_editions_sent ON newsletter_editions (state, sent);

CREATE TABLE newsletter_deliveries (
    edition_id INTEGER NOT NULL REFERENCES newsletter_editions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    queued     TEXT NOT NULL,
    PRIMARY KEY (edition_id, user_id)
);
