-- Resources: the library's items. The Bleve index is derived from this table.
CREATE TABLE resources (
    id            TEXT PRIMARY KEY,
    url           TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    publisher     TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL,
    published     TEXT NOT NULL DEFAULT '',
    area          TEXT NOT NULL DEFAULT '',
    region        TEXT NOT NULL DEFAULT '',
    summary       TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '',
    access        TEXT NOT NULL DEFAULT 'public' CHECK (access IN ('public', 'members')),
    source        TEXT NOT NULL DEFAULT 'curated',
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'gone')),
    sport         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    last_verified TEXT NOT NULL DEFAULT '',
    last_reviewed TEXT NOT NULL DEFAULT '',
    hash          TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created       TEXT NOT NULL,
    updated       TEXT NOT NULL,
    -- index_pending is the outbox: set in the same transaction as every
    -- write, cleared once the index holds that version. A crash between
    -- the two leaves it set, and the next start re-indexes the row.
    index_pending INTEGER NOT NULL DEFAULT 1
);
-- Not unique: several documents may share a landing page as their link.
CREATE INDEX resources_url ON resources (url) WHERE url <> '';
CREATE INDEX resources_pending ON resources (id) WHERE index_pending = 1;
CREATE INDEX resources_updated ON resources (updated);

CREATE TABLE resource_themes (
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    -- machine: assigned by the tagger and not yet confirmed by staff.
    machine     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (resource_id, slug)
);
CREATE INDEX resource_themes_slug ON resource_themes (slug);

-- Text per page for PDFs, so snippets can say which page they are on.
CREATE TABLE resource_pages (
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    page        INTEGER NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (resource_id, page)
);
