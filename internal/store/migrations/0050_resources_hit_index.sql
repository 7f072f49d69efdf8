-- A search loads its hits without their bodies (store.Resources with
-- withBody false), but body sits in the middle of the row: reading the
-- columns after it walks the body's overflow pages, a read per 4 KB of
-- text. This index holds every column of resourceCols (summary last, the
-- only long one), and Resources reads through it (INDEXED BY), so those
-- reads never touch the table.
CREATE INDEX resources_hit ON resources (id, url, title, publisher, type, published, area, region,
    access, source, status, sport, phone, email, last_verified, last_reviewed, hash, version,
    created, updated, summary);
