-- Alert digests (issue 11).
--
-- resource_texts: when each resource entered the library (added) and when
-- its text last changed (changed, with the text's version number), kept
-- by triggers in the transaction of every write (staff edit, import,
-- crawl, upload). Only the body counts: metadata edits, link checks and
-- recrawls that bring the same text change nothing here. Times are UTC,
-- fixed width (YYYY-MM-DDTHH:MM:SS.SSSZ), so they compare as text.
CREATE TABLE resource_texts (
    resource_id TEXT PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL DEFAULT 1,
    added       TEXT NOT NULL,
    changed     TEXT NOT NULL
);
CREATE INDEX resource_texts_changed ON resource_texts (changed);
INSERT INTO resource_texts (resource_id, version, added, changed)
    SELECT id, 1, coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created), created),
                  coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created), created) FROM resources;

CREATE TRIGGER resource_texts_added AFTER INSERT ON resources
BEGIN
    INSERT INTO resource_texts (resource_id, version, added, changed)
    VALUES (NEW.id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ON CONFLICT (resource_id) DO NOTHING;
END;

CREATE TRIGGER resource_texts_changed AFTER UPDATE OF body ON resources
WHEN OLD.body <> NEW.body AND NEW.body <> ''
BEGIN
    UPDATE resource_texts SET version = version + 1, changed = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE resource_id = NEW.id;
END;

-- alert_sent: each (person, item, text version) an alert digest carried,
-- written in the transaction that queues the digest, so nothing is sent
-- twice, ever, whatever restarts or crashes happen.
CREATE TABLE alert_sent (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    sent        TEXT NOT NULL,
    PRIMARY KEY (user_id, resource_id, version)
) WITHOUT ROWID;

-- recheck: what the sender checks again just before it sends a message
-- built for one reader (JSON: the account, whether it read members-only
-- items, the items shown): '' for messages that need no check.
ALTER TABLE mail_outbox ADD COLUMN recheck TEXT NOT NULL DEFAULT '';

-- job_runs: each scheduled job's last run, so a restart neither skips a
-- run that fell due while serve was down nor repeats one that was done.
CREATE TABLE job_runs (
    name     TEXT PRIMARY KEY,
    last_run TEXT NOT NULL,
    summary  TEXT NOT NULL DEFAULT '',
    error    TEXT NOT NULL DEFAULT ''
);
