-- User columns of every table of the requested schemas, in no order: the caller orders them by
-- position (attnum) per table; sorting ~10^5 rows here spilled to disk at 10,000 tables.
-- System columns (attnum <= 0) and dropped ones (attisdropped) are catalog noise.
-- expression: the column default, or of a generated column (STORED 's' and, on PostgreSQL 18, VIRTUAL 'v': its
-- expression lives in pg_attrdef too, but it is not a default; generated_kind tells them apart: one field of two, a
-- row stays under 30 fields, tests/test_catalog_rows.py). Identity columns have no pg_attrdef row. A default cannot
-- refer to a column, so it is deparsed without the table (relid 0: no per-table lookup, ~10 ms less
-- at 10,000 columns); a generated expression needs the table for its column names.
-- default_calls: of a default, the functions and operators it calls of a name with other overloads, as
-- constraints.sql's bound_calls, as JSON text (a row's fields are its definition's key: catalog.rows).
-- comment: pg_description joined, rather than col_description() called per row (a SQL function:
-- ~25 ms at 10,000 columns); the other queries do the same.
-- collation: the column's collation when it is not its type's own (COLLATE on the column), as regcollation
-- prints it under search_path = public (qualified when it is another schema's: pg.collnames reads it).
-- identity: attidentity ('a' ALWAYS, 'd' BY DEFAULT, '' none); seq_*: the options of the identity
-- column's sequence (pg_sequence), found through its internal ('i') pg_depend row on the column;
-- NULL for a column that is not an identity. seq_oid, seq_name: that sequence (its grants are privileges.sql's).
-- seq_comment is looked up for an identity column only: as a bare subquery it ran for every column (a rescan of
-- pg_description's index each, ~11,500 at 1,000 tables for ~1,000 identity columns).
-- statistics, storage, compression, options: ALTER COLUMN ... SET STATISTICS (attstattarget; -1, or NULL from
-- PostgreSQL 17 on, is the default), SET STORAGE (attstorage, when not its type's typstorage), SET COMPRESSION
-- (attcompression, '' the default), SET (n_distinct = ...) (attoptions, joined by commas: numbers only, and
-- text keeps the row hashable for the reader's sharing of equal columns); NULL where default. Only the keys ALTER
-- COLUMN SET takes: Debian's PostgreSQL 15.20 writes pg_attver=<n> into every column's attoptions itself (no
-- SET or RESET changes it), which would be written to schema.yaml, refused by generate and differ per database.
-- not_null_*: the column's own NOT NULL constraint (PostgreSQL 18+: a pg_constraint row, contype 'n'; nothing
-- before 18): its name where it is not <table>_<column>_not_null (a longer one, clipped by Postgres's rule, is
-- compared by the caller), not_null_flags: 'v' NOT VALID (attnotnull is true then too), 'i' NO INHERIT (one field
-- for both: a row of 30 fields or more is no longer a split dict, five times the memory: catalogrows.row_maker),
-- not_null_comment its comment. One inherited and not also
-- declared here (not conislocal) is what the parent's gives, left out as constraints.sql leaves out inherited
-- CHECKs, where it has the parent's name (CREATE ... INHERITS / PARTITION OF names it so); a local one under the
-- parent's name (declared in CREATE TABLE ... INHERITS, copied by LIKE, or SET NOT NULL on a column the child only
-- inherits) is read with it: it is the child's own too, as schema.yaml's named NOT NULL of a child is, where an
-- unnamed one is the parent's only (compare.not_null_names.parents_names_given), which would lose conislocal.
-- One inherited (coninhcount > 0) under a name of its own is read even where that is <table>_<column>_not_null:
-- a table made first and then attached (pg_dump's partitions) or INHERIT'ed, or a child declaring the column NOT
-- NULL itself, keeps that name, which PARTITION OF / INHERITS alone would not give it.
-- fdw_options: a foreign table's column's OPTIONS (attfdwoptions) as JSON text [[name, value], ...] (text: the
-- reader shares equal rows by their values), but those naming a credential (credential_option.sql), else null.
-- Rows for tables tables.sql left out (extension-owned) are dropped by the caller.
-- Parameter: schemas, an array of schema names. One row per column.
-- (A parent's name is looked for only where the constraint has a parent's merged in: coninhcount > 0.)
-- On 18, the table's own NOT NULL constraints are hashed once (not_nulls): joined per column through
-- pg_constraint's conrelid index, each lookup filtered the ~10 constraints of its table (26 of 67 ms at
-- 1,000 tables). Before 18 there are none, and no CTE either: one keeps the planner from a parallel plan
-- (PostgreSQL 15 at 10,000 tables: 310 -> 385 ms).
-- not_nulls' array_length(conkey, 1) = 1 is always true (a NOT NULL constraint names one column); it is there for
-- the planner, which takes it for a selective condition (an equality on a function's result: 0.5%%) and so hashes
-- not_nulls to join the columns to it. Estimating 61,379 rows there and ~7,700 columns (115,254 at 10,000 tables:
-- the requested tables have more columns than a relation's average), it hashed the columns instead, wide rows,
-- in 4 batches spilled to disk (10,000 tables: the query's backend CPU 640 -> 500 ms, 790 -> 720 ms without
-- parallel workers).
WITH /* since 18: not_nulls AS MATERIALIZED (SELECT oid, conrelid, attnum, CASE WHEN NOT parents OR conislocal THEN conname END AS conname, convalidated, connoinherit, coninhcount FROM (SELECT con.oid, con.conrelid, con.conkey[1] AS attnum, con.conname, con.convalidated, con.connoinherit, con.coninhcount, con.conislocal, con.coninhcount > 0 AND EXISTS (SELECT FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_constraint pc ON pc.conrelid = i.inhparent AND pc.contype = 'n' AND pc.conname = con.conname WHERE i.inhrelid = con.conrelid) AS parents FROM pg_catalog.pg_constraint con WHERE con.contype = 'n' AND pg_catalog.array_length(con.conkey, 1) = 1) n WHERE conislocal OR NOT parents), identity_sequences */ identity_sequences AS (
  -- The sequence of each identity column of the database, found by what depends ('i') on the column; a
  -- partition's identity column (PG 17+) uses the sequence of the same-named column of the partition
  -- tree's root. Joined once, not looked up per column (115,000 lookups at 10,000 tables, mostly empty).
  SELECT dep.refobjid AS root_oid, ra.attname AS column_name, s.seqrelid, sc.relname, s.seqtypid, s.seqstart,
         s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle
  FROM pg_catalog.pg_depend dep
  JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid
  JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid
  JOIN pg_catalog.pg_attribute ra ON ra.attrelid = dep.refobjid AND ra.attnum = dep.refobjsubid
  WHERE dep.classid = 'pg_catalog.pg_class'::regclass
    AND dep.refclassid = 'pg_catalog.pg_class'::regclass
    AND dep.deptype = 'i'
)
SELECT a.attrelid AS table_oid,
       a.attnum AS position,
       a.attname::text AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_text,
       CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::pg_catalog.regcollation::text END AS collation,
       a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) AS expression,
       CASE WHEN ad.oid IS NOT NULL AND a.attgenerated = '' THEN /* include bound_calls(classid='pg_catalog.pg_attrdef'::regclass, objid=ad.oid, body=pg_catalog.pg_get_expr(ad.adbin, 0)) */::text END AS default_calls,
       a.attgenerated::text AS generated_kind,
       a.attidentity::text AS identity,
       pg_catalog.format_type(seq.seqtypid, NULL) AS seq_type,
       seq.seqstart AS seq_start,
       seq.seqincrement AS seq_increment,
       seq.seqmin AS seq_min,
       seq.seqmax AS seq_max,
       seq.seqcache AS seq_cache,
       seq.seqcycle AS seq_cycle,
       seq.seqrelid AS seq_oid,
       seq.relname::text AS seq_name,
       CASE WHEN seq.seqrelid IS NOT NULL THEN (SELECT d.description FROM pg_catalog.pg_description d
          WHERE d.objoid = seq.seqrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0) END
         AS seq_comment,
       d.description AS comment,
       CASE WHEN COALESCE(a.attstattarget, -1) <> -1 THEN a.attstattarget::int END AS statistics,
       CASE WHEN a.attstorage <> t.typstorage THEN CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external'
            WHEN 'm' THEN 'main' ELSE 'extended' END END AS storage,
       CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END AS compression,
       CASE WHEN a.attoptions IS NOT NULL THEN NULLIF(pg_catalog.array_to_string(ARRAY(SELECT o FROM pg_catalog.unnest(a.attoptions) o
         WHERE pg_catalog.split_part(o, '=', 1) IN ('n_distinct', 'n_distinct_inherited')), ','), '') END AS options,
       CASE WHEN a.attfdwoptions IS NOT NULL THEN (
         SELECT json_agg(json_build_array(o.option_name, o.option_value) ORDER BY o.n)
         FROM pg_catalog.pg_options_to_table(a.attfdwoptions) WITH ORDINALITY AS o(option_name, option_value, n)
         WHERE NOT /* include credential_option(name=o.option_name) */)::text
         END AS fdw_options,
       CASE WHEN nn.coninhcount > 0 OR nn.conname <> c.relname || '_' || a.attname || '_not_null' THEN nn.conname::text END
         AS not_null_name,
       CASE WHEN NOT nn.convalidated THEN 'v' ELSE '' END || CASE WHEN nn.connoinherit THEN 'i' ELSE '' END AS not_null_flags,
       nd.description AS not_null_comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN /* since 18: not_nulls */ pg_catalog.pg_constraint nn
       ON /* since 18: nn.conrelid = a.attrelid AND nn.attnum = a.attnum */ false
LEFT JOIN pg_catalog.pg_description nd
       ON nd.objoid = nn.oid AND nd.classoid = 'pg_catalog.pg_constraint'::regclass AND nd.objsubid = 0
LEFT JOIN identity_sequences seq
       ON seq.root_oid = CASE WHEN a.attidentity <> '' THEN COALESCE(pg_catalog.pg_partition_root(a.attrelid), a.attrelid) END
      AND seq.column_name = a.attname
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p', 'f')
  AND a.attnum > 0
  AND NOT a.attisdropped;
