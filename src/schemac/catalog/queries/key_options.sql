-- A fragment indexes.sql and exclusions.sql include (a block comment `include key_options`), over pg_index `i`: NULL unless
-- a key's operator class has parameters (gist_trgm_ops (siglen=32), kept in the index column's
-- pg_attribute.attoptions); then one entry per key column: its operator class's name (the default one's too: the
-- parameters need it named) and parameters, "public.gist_trgm_ops siglen=32", or NULL.
-- The test is a scalar subquery, not EXISTS: the planner hashed EXISTS's subquery, a scan of the whole of
-- pg_attribute (~46,000 rows at 1,000 tables of gen_schema.py's shape) deforming each row to its attoptions, where
-- a lookup of the index's own attributes by pg_attribute's index is ~2 per index (indexes.sql's backend CPU 45.4
-- -> 42.9 ms, median of 9, docs/benchmarks-catalog.md, "Session 33 (speed33c)").
CASE WHEN (SELECT true FROM pg_catalog.pg_attribute a
           WHERE a.attrelid = i.indexrelid AND a.attoptions IS NOT NULL LIMIT 1) THEN ARRAY(
  SELECT (SELECT CASE WHEN opn.nspname = 'pg_catalog' THEN '' ELSE /* include quoted_part(name=opn.nspname) */ || '.' END
                 || /* include quoted_part(name=opc.opcname) */ || ' ' || array_to_string(a.attoptions, ',')
          FROM pg_catalog.pg_attribute a, pg_catalog.pg_opclass opc
          JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
          WHERE a.attrelid = i.indexrelid AND a.attnum = k.ord AND opc.oid = k.opcoid
            AND a.attoptions IS NOT NULL)
  FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opcoid, ord)
  ORDER BY k.ord
) END
