-- Files the library holds itself (issue 12): each version of an uploaded
-- document. The bytes live under DATA/files/, named by their SHA-256; this
-- row is the truth (a file no row names is an orphan, reported by verify).
-- A resource's current file is its highest version; its search text is
-- that file's.
CREATE TABLE resource_files (
    resource_id  TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL CHECK (version >= 1),
    label        TEXT NOT NULL DEFAULT '',
    published    TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    added        TEXT NOT NULL,
    PRIMARY KEY (resource_id, version)
);
CREATE INDEX resource_files_sha256 ON resource_files (sha256);
