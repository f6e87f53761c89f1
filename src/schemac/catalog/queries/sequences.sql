-- Standalone sequences of the requested schemas, with their options (pg_sequence). Left out:
-- identity sequences (an internal 'i' pg_depend row on their column: they are part of the column)
-- and sequences owned by an extension.
-- owned_table / owned_column: the column of an OWNED BY (an automatic 'a' pg_depend
-- row from the sequence to a table column, as serial and ALTER SEQUENCE ... OWNED BY make); NULL
-- when the sequence is OWNED BY NONE. (The table is always in the sequence's schema: Postgres
-- requires it.)
-- Parameter: schemas, an array of schema names. One row per sequence.
WITH /* include outside_reads */
SELECT c.oid AS sequence_oid,
       n.nspname::text AS schema_name,
       c.relname::text AS sequence_name,
       pg_catalog.format_type(s.seqtypid, NULL) AS seq_type,
       s.seqstart AS seq_start,
       s.seqincrement AS seq_increment,
       s.seqmin AS seq_min,
       s.seqmax AS seq_max,
       s.seqcache AS seq_cache,
       s.seqcycle AS seq_cycle,
       owner.table_name AS owned_table,
       owner.column_name AS owned_column,
       d.description AS comment,
       COALESCE(o.readers, '{}') AS used_outside,  -- a default of a table of a schema not read calling nextval of it
       c.relpersistence = 'u' AS unlogged  -- CREATE UNLOGGED SEQUENCE (PostgreSQL 15+), a serial's of an unlogged table too
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN outside_reads o ON o.refobjid = c.oid
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
LEFT JOIN LATERAL (
        SELECT tc.relname::text AS table_name, ta.attname::text AS column_name
        FROM pg_catalog.pg_depend dep
        JOIN pg_catalog.pg_class tc ON tc.oid = dep.refobjid
        JOIN pg_catalog.pg_attribute ta ON ta.attrelid = dep.refobjid AND ta.attnum = dep.refobjsubid
        WHERE dep.classid = 'pg_catalog.pg_class'::regclass
          AND dep.objid = c.oid
          AND dep.objsubid = 0
          AND dep.refclassid = 'pg_catalog.pg_class'::regclass
          AND dep.refobjsubid > 0
          AND dep.deptype = 'a'
        LIMIT 1
     ) owner ON true
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind = 'S'
  -- an identity's or an extension's: the pg_depend rows of every sequence at once, by one scan of the depender index
  -- over their oids (a sorted array: PostgreSQL 17+ reads its leaf pages once, in order; an anti-join looked each
  -- sequence up alone, 3 pages apiece: 3,466 buffers at 1,000 tables of identities, 44,483 at 10,000, for no row)
  AND c.oid NOT IN (SELECT dep.objid
                    FROM pg_catalog.pg_depend dep
                    WHERE dep.classid = 'pg_catalog.pg_class'::regclass
                      AND dep.objid = ANY (ARRAY(SELECT q.seqrelid FROM pg_catalog.pg_sequence q))
                      AND dep.deptype IN ('i', 'e'))
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C";
