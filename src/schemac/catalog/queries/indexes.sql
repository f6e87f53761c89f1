-- Indexes of every table and materialized view of the requested schemas, except those that back a
-- PRIMARY KEY, UNIQUE or EXCLUDE constraint: such an index is part of its constraint, not a separate
-- index (foreign keys also set conindid, to the referenced table's index: hence the contype filter).
-- attached: the index is a partition of a partitioned index (a pg_inherits row with inhrelid = the
-- index). Postgres creates those when the partition is created or attached, under a name of its own
-- choosing: the caller (catalog/partition_indexes.py) drops the ones with that name and keeps the others,
-- whose name only an index made on the partition first gives. An index declared directly on a partition
-- has no such row and is kept.
-- parameters_of_its_own: an attached index whose storage parameters are not its parent index's (ALTER INDEX copy
-- SET (fillfactor = 50) after Postgres made it with the parent's): the caller keeps it too, as its own.
-- attached_to: the name of the parent's index it is attached to, where the parent holds another index of the same
-- definition (keys, operator classes, collations, options, expressions, predicate, uniqueness, method: Postgres
-- attaches a partition's index to the first such parent index made that has none there yet), not a key's (a
-- PRIMARY KEY's or UNIQUE's index is its constraint's, copied as a constraint); null otherwise.
-- The caller keeps those whatever their name: which copy is whose is not told by their definition; unless the
-- parent's index is itself a copy the caller leaves out (index_oid, parent_index_oid: a sub-partition's copy of its
-- partition's copy, beside the partition's own index of that definition).
-- beside_parents: an index of a partition, not attached, of the definition of an index (not a key's) of the table
-- it is a partition of, which then holds a copy of that one beside it (keys and INCLUDE by name or expression as
-- pg_get_indexdef prints each, since attnums differ between the tables; operator classes, collations, options,
-- predicate, uniqueness, method): written beside_copy, made after the parent's.
-- Per index, three arrays with one entry per indkey position (key columns, then INCLUDE columns):
--   attnames:    the column name, or NULL where the entry is an expression (indkey = 0);
--   expressions: the deparsed expression, or NULL where the entry is a plain column (the whole array
--                NULL when no entry is an expression);
--   options:     indoption bits, key columns only (1 = DESC, 2 = NULLS FIRST);
-- and opclasses, one entry per key column: the operator class name when it is not the default one
-- for its type (pg_opclass.opcdefault), qualified with its schema unless that is pg_catalog, a part that holds a dot or
-- a double quote quoted as schema.yaml writes it (ops-x."Abs.Ops": pg.names.reference_part); else NULL
-- (the whole array NULL when every key's is the default). The names of the non-default operator classes
-- are gathered once (nd), not looked up per key: at 10,000 tables that lookup was half the query's time. nd is
-- read by scalar subqueries (an InitPlan, computed once), not cross-joined: its two arrays (~1.5 kB) were then
-- carried in every row, through the sort and a hash join that spilled to disk at 10,000 tables.
-- key_options: NULL unless a key's operator class has parameters (gist_trgm_ops (siglen=32), kept in the
-- index column's pg_attribute.attoptions); then one entry per key column: its operator class's name (the
-- default one's too: the parameters need it named) and parameters, "public.gist_trgm_ops siglen=32", or NULL.
-- key_statistics: NULL unless a key (an expression) has a statistics target (ALTER INDEX ... ALTER COLUMN n
-- SET STATISTICS, the index column's attstattarget: -1, or NULL from 17 on, is the default); then one entry per
-- key column, NULL where it has none.
-- nulls_not_distinct: pg_index.indnullsnotdistinct (PostgreSQL 15+).
-- parameters: the WITH (...) storage parameters as stored, "fillfactor=70" (pg_class.reloptions).
-- definition: pg_get_indexdef, only where a key has a collation other than "default" (indcollation)
-- or the table has a column that does, or an expression key may be "default" (a key may then say COLLATE
-- "default": `(lower(name COLLATE "C")) COLLATE "default"` over columns of none was read without it): the caller
-- reads each key's COLLATE clause from it, which Postgres prints exactly when the collation is not the key's own
-- (the column's, or the expression's).
-- expression_collations: NULL unless a key is an expression; then per key column an expression key's collation
-- (indcollation): where definition prints no COLLATE for it, the expression's own (expression_collations.sql).
-- is_valid: false while a CREATE INDEX CONCURRENTLY runs, and for good once one has failed.
-- Rows for tables tables.sql left out are dropped by the caller.
-- Parameter: schemas, an array of schema names. One row per index.
-- The rows are made (OFFSET 0) before they are sorted: the sort then holds the rows sent, not the catalog rows
-- they are made from (10,000 tables: 40 MB sorted on disk -> 4 MB). An index that backs a constraint is found
-- among its own table's constraints (pg_constraint's conrelid index: a PRIMARY KEY's, UNIQUE's or EXCLUDE's
-- index is always on the constrained table), not by a hash of every constraint the planner built on the
-- indexes' side and spilled to disk at 10,000 tables.
WITH nd AS (SELECT array_agg(opc.oid) AS oids,
                   array_agg(CASE WHEN opn.nspname = 'pg_catalog' THEN /* include quoted_part(name=opc.opcname) */
                                  ELSE /* include qualified_part(schema=opn.nspname, name=opc.opcname) */ END) AS names
            FROM pg_catalog.pg_opclass opc
            JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
            WHERE NOT opc.opcdefault)
SELECT * FROM (
SELECT i.indrelid AS table_oid,
       ic.relname::text AS index_name,
       i.indisunique AS is_unique,
       am.amname::text AS method,
       i.indnkeyatts AS key_count,
       ARRAY(
         SELECT (SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = k.attnum)
         FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         ORDER BY k.ord
       ) AS attnames,
       CASE WHEN 0 = ANY (i.indkey::int2[]) THEN ARRAY(
         SELECT CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END
         FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         ORDER BY k.ord
       ) END AS expressions,
       i.indoption::int2[] AS options,
       CASE WHEN i.indclass::oid[] && (SELECT nd.oids FROM nd) THEN ARRAY(
         SELECT nd.names[array_position(nd.oids, k.opcoid)]
         FROM nd, unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opcoid, ord)
         ORDER BY k.ord
       ) END AS opclasses,
       /* include key_options */ AS key_options,
       /* include expression_collations */ AS expression_collations,
       CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                         WHERE a.attrelid = i.indexrelid AND COALESCE(a.attstattarget, -1) <> -1) THEN ARRAY(
         SELECT (SELECT NULLIF(a.attstattarget, -1)::int FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = i.indexrelid AND a.attnum = k.ord)
         FROM generate_series(1, i.indnkeyatts) AS k(ord)
         ORDER BY k.ord
       ) END AS key_statistics,
       i.indnullsnotdistinct AS nulls_not_distinct,
       i.indisvalid AS is_valid,
       ic.reloptions::text[] AS parameters,
       CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[]) AS k(coll) WHERE k.coll NOT IN (0, 100))
              OR EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                         WHERE a.attrelid = i.indrelid AND a.attnum > 0 AND a.attcollation NOT IN (0, 100))
              OR 0 = ANY (i.indkey::int2[]) AND 100 = ANY (i.indcollation::oid[])
            THEN pg_catalog.pg_get_indexdef(i.indexrelid) END AS definition,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
       d.description AS comment,
       c.relname::text AS table_name,
       EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = i.indexrelid) AS attached,
       i.indexrelid AS index_oid,
       CASE WHEN c.relispartition AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = i.indexrelid)
            THEN EXISTS (
              SELECT 1 FROM pg_catalog.pg_inherits ti
              JOIN pg_catalog.pg_index pi ON pi.indrelid = ti.inhparent
              JOIN pg_catalog.pg_class pic ON pic.oid = pi.indexrelid
              WHERE ti.inhrelid = i.indrelid AND pic.relam = ic.relam AND pi.indnatts = i.indnatts
                AND pi.indnkeyatts = i.indnkeyatts AND pi.indclass::text = i.indclass::text
                AND pi.indcollation::text = i.indcollation::text AND pi.indoption::text = i.indoption::text
                AND pi.indisunique = i.indisunique AND pi.indnullsnotdistinct = i.indnullsnotdistinct
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint pcon WHERE pcon.conindid = pi.indexrelid
                                  AND pcon.contype IN ('p', 'u', 'x'))
                AND ARRAY(SELECT pg_catalog.pg_get_indexdef(pi.indexrelid, k, false) FROM generate_series(1, pi.indnatts) k)
                    = ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, false) FROM generate_series(1, i.indnatts) k)
                AND pg_catalog.pg_get_expr(pi.indpred, pi.indrelid) IS NOT DISTINCT FROM
                    pg_catalog.pg_get_expr(i.indpred, i.indrelid))
            ELSE false END AS beside_parents,
       (SELECT inh.inhparent FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = i.indexrelid) AS parent_index_oid,
       EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh JOIN pg_catalog.pg_class pic ON pic.oid = inh.inhparent
               WHERE inh.inhrelid = i.indexrelid AND pic.reloptions IS DISTINCT FROM ic.reloptions) AS parameters_of_its_own,
       (SELECT pic.relname::text
        FROM pg_catalog.pg_inherits inh
        JOIN pg_catalog.pg_class pic ON pic.oid = inh.inhparent
        JOIN pg_catalog.pg_index pi ON pi.indexrelid = inh.inhparent
        WHERE inh.inhrelid = i.indexrelid
          AND EXISTS (SELECT 1 FROM pg_catalog.pg_index si JOIN pg_catalog.pg_class sic ON sic.oid = si.indexrelid
                      WHERE si.indrelid = pi.indrelid AND si.indexrelid <> pi.indexrelid AND sic.relam = pic.relam
                        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint scon WHERE scon.conindid = si.indexrelid
                                          AND scon.contype IN ('p', 'u', 'x'))
                        AND si.indkey::text = pi.indkey::text AND si.indclass::text = pi.indclass::text
                        AND si.indcollation::text = pi.indcollation::text AND si.indoption::text = pi.indoption::text
                        AND si.indisunique = pi.indisunique AND si.indnullsnotdistinct = pi.indnullsnotdistinct
                        AND pg_catalog.pg_get_expr(si.indexprs, si.indrelid) IS NOT DISTINCT FROM
                            pg_catalog.pg_get_expr(pi.indexprs, pi.indrelid)
                        AND pg_catalog.pg_get_expr(si.indpred, si.indrelid) IS NOT DISTINCT FROM
                            pg_catalog.pg_get_expr(pi.indpred, pi.indrelid))) AS attached_to
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = i.indexrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p', 'm')
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_constraint con
        WHERE con.conrelid = i.indrelid
          AND con.conindid = i.indexrelid
          AND con.contype IN ('p', 'u', 'x'))
OFFSET 0) q
ORDER BY q.table_oid, q.index_name COLLATE "C";
