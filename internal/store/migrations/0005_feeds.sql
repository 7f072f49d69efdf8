-- Feeds and embeds (issue 6).

-- Private feed addresses: a member's Atom feeds carry a random token in the
-- URL, so a feed reader (which can't sign in) gets the member's view. The
-- table keeps only the token's SHA-256; a token is revoked, never deleted,
-- and a person has at most one live token (a new one revokes the old).
CREATE TABLE feed_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created    TEXT NOT NULL,
    last_used  TEXT NOT NULL DEFAULT '',
    revoked    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feed_tokens_user ON feed_tokens (user_id);

-- A counter bumped in the same transaction as every change to a resource,
-- its themes or its pages (including the index outbox flag being cleared).
-- Cached listings, embeds and feeds are valid while it stays the same: one
-- primary-key read tells whether anything in the library changed.
CREATE TABLE library_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    counter INTEGER NOT NULL
);
INSERT INTO library_changes (id, counter) VALUES (1, 0);

CREATE TRIGGER resources_changed_insert AFTER INSERT ON resources
BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER resources_changed_update AFTER UPDATE ON resources
BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER resources_changed_delete AFTER DELETE ON resources
BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER resource_themes_changed_insert AFTER INSERT ON resource_themes
BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER resource_themes_changed_delete AFTER DELETE ON resource_themes
BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER resource_themes_changed_update AFTER UPDATE ON resource_themes
BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
