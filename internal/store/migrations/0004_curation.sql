-- Staff curation: earlier versions of re-published documents, and link
-- health. Times are UTC in the fixed-width stamp layout
-- (2006-01-02T15:04:05.000000Z) so they compare as text.

-- Earlier versions of a document. A row is kept, by the trigger below,
-- whenever a resource's text is replaced by a re-published one: new text
-- together with a new date, title or address, or text that grew or shrank
-- by more than a twentieth. Small corrections don't make versions. The
-- trigger sees every write path (staff edit, import, crawl) in the same
-- transaction as the write.
CREATE TABLE resource_versions (
    id          INTEGER PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    -- version is the resource's version number while this text was current.
    version     INTEGER NOT NULL,
    url         TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    published   TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    hash        TEXT NOT NULL DEFAULT '',
    -- current_since is when this text was saved, superseded when the next
    -- one replaced it (RFC 3339, like resources.updated).
    current_since TEXT NOT NULL DEFAULT '',
    superseded  TEXT NOT NULL
);
CREATE INDEX resource_versions_resource ON resource_versions (resource_id, id);

CREATE TRIGGER resource_versions_keep AFTER UPDATE OF body ON resources
WHEN OLD.body <> '' AND NEW.body <> '' AND OLD.body <> NEW.body AND (
    OLD.published <> NEW.published OR OLD.title <> NEW.title OR OLD.url <> NEW.url
    OR abs(length(NEW.body) - length(OLD.body)) * 20 > length(OLD.body))
BEGIN
    INSERT INTO resource_versions (resource_id, version, url, title, published, summary, body, hash,
        current_since, superseded)
    VALUES (OLD.id, OLD.version, OLD.url, OLD.title, OLD.published, OLD.summary, OLD.body, OLD.hash,
        OLD.updated, NEW.updated);
    -- Keep the twenty most recent earlier versions of each document.
    DELETE FROM resource_versions WHERE resource_id = OLD.id AND id NOT IN (
        SELECT id FROM resource_versions WHERE resource_id = OLD.id ORDER BY id DESC LIMIT 20);
END;

-- Link health: the last check of each resource URL. A link is broken after
-- two failed checks in a row (failures >= 2); a good answer resets it.
CREATE TABLE link_checks (
    url       TEXT PRIMARY KEY,
    checked   TEXT NOT NULL,
    -- status is the last HTTP status (0 when there was no answer).
    status    INTEGER NOT NULL DEFAULT 0,
    -- reason says why the last check failed ('' when it passed).
    reason    TEXT NOT NULL DEFAULT '',
    failures  INTEGER NOT NULL DEFAULT 0,
    last_good TEXT NOT NULL DEFAULT '',
    took_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX link_checks_failures ON link_checks (failures) WHERE failures > 0;
CREATE INDEX link_checks_checked ON link_checks (checked);

-- One row per link check run (scheduled or safelib check-links).
CREATE TABLE link_check_runs (
    id       INTEGER PRIMARY KEY,
    started  TEXT NOT NULL,
    finished TEXT NOT NULL DEFAULT '',
    checked  INTEGER NOT NULL DEFAULT 0,
    ok       INTEGER NOT NULL DEFAULT 0,
    failed   INTEGER NOT NULL DEFAULT 0,
    broken   INTEGER NOT NULL DEFAULT 0,
    error    TEXT NOT NULL DEFAULT ''
);
