-- Primary keys, unique, check and foreign key constraints of every table of the requested schemas.
-- NOT NULL is not read here: PostgreSQL 18 also stores it as contype 'n' rows, but nullability
-- comes from pg_attribute.attnotnull on every version. EXCLUDE ('x') is listed by unmanaged.sql.
-- Left out, because Postgres makes them itself:
--   * foreign keys cloned from a partitioned parent (conparentid <> 0): a partition's copy of the
--     parent's FK, and the extra FK rows Postgres adds for each partition of a referenced
--     partitioned table;
--   * constraints inherited and not also declared locally (coninhcount > 0 AND NOT conislocal):
--     a partition's (or an inheritance child's) copy of the parent's CHECKs.
-- Key columns keep their conkey order (a key on (a, b) is not a key on (b, a)); a foreign key's
-- ref_columns keep confkey order, pairwise with column_names.
-- A check's expression is returned without the outer CHECK (...).
-- nulls_not_distinct: from the index backing a UNIQUE constraint (pg_index.indnullsnotdistinct,
-- PostgreSQL 15+); include_names: that index's INCLUDE columns (indkey past indnkeyatts), for
-- PRIMARY KEY and UNIQUE alike; index_comment: the comment on that index; key_parameters: its WITH (...) storage
-- parameters as stored, "fillfactor=90" (pg_class.reloptions).
-- no_inherit: a CHECK ... NO INHERIT (connoinherit; Postgres sets it on other kinds too, where it
-- means nothing). on_delete_column_names: ON DELETE SET NULL|DEFAULT (columns), confdelsetcols
-- (PostgreSQL 15+).
-- period: pg_constraint.conperiod, enforced: conenforced (PostgreSQL 18+: the reader gives the query for the
-- server's major, false and true before 18). A NOT ENFORCED constraint has convalidated false
-- too: not_valid is only said of an enforced one.
-- attached: a partition's copy of its parent's PRIMARY KEY or UNIQUE (conparentid <> 0). Postgres names
-- it as an unnamed one on the partition would be: the caller (catalog/partition_indexes.py) drops those
-- and keeps the ones whose name the partition had of its own (made before it was attached, or renamed).
-- beside_parents: a partition's own UNIQUE (not attached) of the definition of a UNIQUE or PRIMARY KEY of the table it
-- is a partition of (its index compared as indexes.sql's beside_parents, as Postgres compares when it attaches one: not
-- storage parameters or deferrability; the parent's ADD PRIMARY KEY takes a partition's UNIQUE as its copy too):
-- written beside_copy, added after the parent's.
-- attached_to: of a partition's copy of a UNIQUE, the name of the parent's UNIQUE it is attached to, where the parent
-- holds another UNIQUE of that definition (columns, classes, collations, options, NULLS NOT DISTINCT): which copy is
-- whose, as indexes.sql's attached_to.
-- bound_calls: of a CHECK, the functions and operators (not Postgres's own nor an extension's) it calls by pg_depend of
-- a name with other overloads, as functions.sql's bound_calls (the deparse under a path of another schema alone):
-- compare.expression_binds tells those bound to an older overload than the name takes.
-- deferral: 0 not DEFERRABLE, 1 DEFERRABLE, 2 DEFERRABLE INITIALLY DEFERRED (one field of two: a row stays under 30
-- fields, a dict CPython keeps split, tests/test_catalog_rows.py).
-- Rows for tables tables.sql left out are dropped by the caller.
-- Parameter: schemas, an array of schema names. One row per constraint.
-- Planned with its joins in the order written (catalog/fetch.py, JOINS_AS_WRITTEN): the FROM list and beside_parents'
-- joins are in the order the planner chose for them at 1,000 tables; keep them so when adding a join.
-- The rows are made (OFFSET 0) before they are sorted: the sort then holds the rows sent, not the catalog rows
-- they are made from (a CHECK's conbin, the index's and the tables' rows: ~1 kB a row, sorted on disk at 10,000
-- tables).
-- The index and the referenced table are looked up by a key that is NULL where the constraint has none (`ki.oid =
-- CASE WHEN con.contype IN ('p', 'u') THEN con.conindid END`: an index scan on a NULL key ends at once), and the
-- referenced table's extension only for a foreign key: with the condition beside the key (`con.contype IN ('p',
-- 'u') AND ki.oid = con.conindid`) the planner looked each one up for every constraint and filtered after, 33,014
-- lookups each at 10,000 tables for 20,000 keys and 3,014 foreign keys (a foreign key's conindid is the referenced
-- table's index; confrelid is 0 but for one). Same rows; the query's backend CPU 470 -> 410 ms at 10,000 tables.
SELECT * FROM (
SELECT con.conrelid AS table_oid,
       con.conname::text AS constraint_name,
       con.contype::text AS kind,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS expression,
       ARRAY(
         SELECT (SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum)
         FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
         ORDER BY k.ord
       ) AS column_names,
       NOT con.convalidated AND v18.enforced AS not_valid,
       v18.period,
       v18.enforced,
       CASE WHEN con.condeferred THEN 2 WHEN con.condeferrable THEN 1 ELSE 0 END AS deferral,
       COALESCE(ix.indnullsnotdistinct, false) AS nulls_not_distinct,
       CASE WHEN ix.indnatts > ix.indnkeyatts THEN ARRAY(
         SELECT (SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum)
         FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         WHERE k.ord > ix.indnkeyatts
         ORDER BY k.ord
       ) END AS include_names,
       con.contype = 'c' AND con.connoinherit AS no_inherit,
       CASE WHEN con.confdelsetcols IS NOT NULL THEN ARRAY(
         SELECT (SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum)
         FROM unnest(con.confdelsetcols) WITH ORDINALITY AS k(attnum, ord)
         ORDER BY k.ord
       ) END AS on_delete_column_names,
       rn.nspname::text AS ref_schema,
       rc.relname::text AS ref_table,
       CASE WHEN con.contype = 'f' THEN (
         SELECT e.extname::text FROM pg_catalog.pg_depend dx JOIN pg_catalog.pg_extension e ON e.oid = dx.refobjid
         WHERE dx.classid = 'pg_catalog.pg_class'::regclass AND dx.objid = con.confrelid AND dx.deptype = 'e'
           AND dx.refclassid = 'pg_catalog.pg_extension'::regclass) END AS ref_extension,
       CASE WHEN con.contype = 'f' THEN ARRAY(
         SELECT (SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = k.attnum)
         FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
         ORDER BY k.ord
       ) END AS ref_column_names,
       CASE con.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                            WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END AS on_delete,
       CASE con.confupdtype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                            WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END AS on_update,
       con.confmatchtype::text AS match_type,
       d.description AS comment,
       di.description AS index_comment,
       ki.reloptions::text[] AS key_parameters,
       c.relname::text AS table_name,
       con.conparentid <> 0 AS attached,
       CASE WHEN con.contype = 'u' AND con.conparentid = 0 AND c.relispartition THEN EXISTS (
              SELECT 1 FROM pg_catalog.pg_inherits ti
              JOIN pg_catalog.pg_constraint pcon ON pcon.conrelid = ti.inhparent AND pcon.contype IN ('p', 'u')
              JOIN pg_catalog.pg_class pic ON pic.oid = pcon.conindid
              JOIN pg_catalog.pg_index pi ON pi.indexrelid = pic.oid
              WHERE ti.inhrelid = con.conrelid AND pic.relam = ki.relam AND pi.indnatts = ix.indnatts
                AND pi.indnkeyatts = ix.indnkeyatts AND pi.indclass::text = ix.indclass::text
                AND pi.indcollation::text = ix.indcollation::text AND pi.indoption::text = ix.indoption::text
                AND pi.indnullsnotdistinct = ix.indnullsnotdistinct
                AND ARRAY(SELECT pg_catalog.pg_get_indexdef(pi.indexrelid, k, false) FROM generate_series(1, pi.indnatts) k)
                    = ARRAY(SELECT pg_catalog.pg_get_indexdef(ix.indexrelid, k, false) FROM generate_series(1, ix.indnatts) k))
            ELSE false END AS beside_parents,
       CASE WHEN con.contype = 'u' AND con.conparentid <> 0 THEN (
              SELECT pcon.conname::text FROM pg_catalog.pg_constraint pcon
              JOIN pg_catalog.pg_index pi ON pi.indexrelid = pcon.conindid
              WHERE pcon.oid = con.conparentid AND EXISTS (
                SELECT 1 FROM pg_catalog.pg_constraint ocon JOIN pg_catalog.pg_index oi ON oi.indexrelid = ocon.conindid
                WHERE ocon.conrelid = pcon.conrelid AND ocon.contype = 'u' AND ocon.oid <> pcon.oid
                  AND oi.indnatts = pi.indnatts AND oi.indnkeyatts = pi.indnkeyatts
                  AND oi.indkey::text = pi.indkey::text AND oi.indclass::text = pi.indclass::text
                  AND oi.indcollation::text = pi.indcollation::text AND oi.indoption::text = pi.indoption::text
                  AND oi.indnullsnotdistinct = pi.indnullsnotdistinct))
            END AS attached_to,
       COALESCE(ix.indisvalid, true) AS key_valid,
       CASE WHEN con.contype = 'c' THEN /* include bound_calls(classid='pg_catalog.pg_constraint'::regclass, objid=con.oid, body=pg_catalog.pg_get_expr(con.conbin, con.conrelid)) */ END AS bound_calls
FROM pg_catalog.pg_namespace n
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
JOIN pg_catalog.pg_constraint con ON con.conrelid = c.oid
CROSS JOIN LATERAL (SELECT /* since 18: con.conperiod */ false AS period,
                           /* since 18: con.conenforced */ true AS enforced) v18
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = con.oid AND d.classoid = 'pg_catalog.pg_constraint'::regclass AND d.objsubid = 0
LEFT JOIN pg_catalog.pg_description di
       ON con.contype IN ('p', 'u') AND di.objoid = con.conindid AND di.classoid = 'pg_catalog.pg_class'::regclass
      AND di.objsubid = 0
LEFT JOIN pg_catalog.pg_index ix ON ix.indexrelid = CASE WHEN con.contype IN ('p', 'u') THEN con.conindid END
LEFT JOIN pg_catalog.pg_class ki ON ki.oid = CASE WHEN con.contype IN ('p', 'u') THEN con.conindid END
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = CASE WHEN con.contype = 'f' THEN con.confrelid END
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p', 'f')
  AND con.contype IN ('p', 'u', 'c', 'f')
  AND (con.contype IN ('p', 'u')  -- only partitions inherit these: see attached
       OR con.conparentid = 0 AND NOT (con.coninhcount > 0 AND NOT con.conislocal))
OFFSET 0) q
ORDER BY q.table_oid, q.constraint_name COLLATE "C";
