-- Crawler state and history.

-- One row per crawl of one source. finished = '' while it runs; a run left
-- unfinished by a crash is closed as interrupted by the next crawl.
CREATE TABLE crawl_runs (
    id        INTEGER PRIMARY KEY,
    source    TEXT NOT NULL,
    started   TEXT NOT NULL,
    finished  TEXT NOT NULL DEFAULT '',
    fetched   INTEGER NOT NULL DEFAULT 0,
    new       INTEGER NOT NULL DEFAULT 0,
    changed   INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    failed    INTEGER NOT NULL DEFAULT 0,
    skipped   INTEGER NOT NULL DEFAULT 0,
    gone      INTEGER NOT NULL DEFAULT 0,
    -- error says why the run could not run or stopped early ('' when it ran).
    error     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX crawl_runs_source ON crawl_runs (source, id);

-- What went wrong, per URL, in a run.
CREATE TABLE crawl_failures (
    run_id INTEGER NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    url    TEXT NOT NULL,
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX crawl_failures_run ON crawl_failures (run_id);

-- What the crawler knows about each canonical URL it fetched: validators
-- for conditional requests, the hash of the last body, and how many times
-- in a row it answered 404 or 410.
CREATE TABLE crawl_urls (
    url           TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    -- resource_url is the URL of the resource this URL's content became
    -- ('' for pages that are not documents).
    resource_url  TEXT NOT NULL DEFAULT '',
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    body_hash     TEXT NOT NULL DEFAULT '',
    last_status   INTEGER NOT NULL DEFAULT 0,
    gone_count    INTEGER NOT NULL DEFAULT 0,
    last_fetched  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX crawl_urls_source ON crawl_urls (source);
