-- A fragment in place of outside_reads.sql where no schema but those read exists (elsewhere.sql; queries.gated_text):
-- outside_reads holds nothing then. Its objects are filtered by schemas_elsewhere.sql, and its tables inheriting a
-- relation are tables of a schema not read, pg_catalog and information_schema aside: of pg_toast none (the server
-- refuses CREATE TABLE there), whose absence is the one schemas_elsewhere.sql does not count.
outside_reads AS (SELECT NULL::oid AS refobjid, NULL::text[] AS readers WHERE false)
