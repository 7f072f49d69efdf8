-- Covering indexes for the queries that read every row's status. status
-- sits after body in resources, so without them SQLite walks each long
-- body's overflow pages: at 100,000 resources (2.6 GB) the start-up check
-- that the index holds exactly the active ids read the whole file.
CREATE INDEX resources_status ON resources (status, id);
-- The staff dashboard's counts by source and type.
CREATE INDEX resources_source_type ON resources (source, type, status);
