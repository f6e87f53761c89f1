-- Whether a schema other than those read exists (schemas_elsewhere.sql), asked before tables.sql, sequences.sql and
-- views.sql by the connection that sends them (catalog/fetch.py, GATED): where none does, what such a schema holds
-- that reads a relation of the schemas read (outside_reads.sql) is none, and they are sent with
-- outside_reads_none.sql in its place. Planning it was a third of what sequences.sql cost an empty database, ~2 ms of
-- a backend's CPU in each of the three (docs/benchmarks-catalog.md, "Session 40").
SELECT /* include schemas_elsewhere */ AS elsewhere;
