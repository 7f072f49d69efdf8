-- Reading lists: a signed-in person's named lists of resources, in the
-- order they choose, each item with a note. A list is private until its
-- owner shares it: share_token is then the unguessable part of its public
-- address (NULL when not shared; a new token each time it is shared).
CREATE TABLE reading_lists (
    id          TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    share_token TEXT UNIQUE,
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL
);
CREATE INDEX reading_lists_user ON reading_lists (user_id, created);

CREATE TABLE reading_list_items (
    list_id     TEXT NOT NULL REFERENCES reading_lists(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    added       TEXT NOT NULL,
    PRIMARY KEY (list_id, resource_id)
);
