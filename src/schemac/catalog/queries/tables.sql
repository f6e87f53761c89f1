-- Tables schemac manages: ordinary and partitioned tables of the requested schemas, partitions
-- included (a partition is a table with its own columns, indexes and constraints; partition_parent
-- and partition_bound say where it is attached). Every table owned by an extension is left out:
-- CREATE EXTENSION made it, schema.yaml must not declare it.
-- partition_strategy / partition_key: set on a partitioned table (relkind 'p'). The key is the text
-- inside the parentheses of pg_get_partkeydef(): 'RANGE (payment_date)' -> 'payment_date'.
-- partition_parent_schema / partition_parent / partition_bound: set on a partition (a partition has
-- exactly one pg_inherits row: its parent); the bound as pg_get_expr() prints it,
-- e.g. FOR VALUES FROM (...) TO (...), FOR VALUES IN (...), DEFAULT.
-- inherits: the INHERITS parents of a table that is not a partition, in order (inhseqno), each
-- {schema, name, extension, defaults} (extension: the extension's name where the parent is its table, pg_depend 'e';
-- defaults: then the parent's columns that have a default, which schema.yaml does not know: a column the child only
-- inherits without one dropped it, written `default: 'NULL'` as for a declared parent's).
-- inherited_only: such a child's columns it has from its parents only, never declared itself
-- (attislocal false: made by INHERITS without them, or added to a parent later), in their order.
-- of: the composite type of a typed table (CREATE TABLE ... OF type, reloftype) as format_type spells it.
-- row_level_security / force_row_level_security: ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY.
-- cluster_on: the index ALTER TABLE ... CLUSTER ON (or CLUSTER ... USING) marked (indisclustered), or null.
-- replica_identity: ALTER TABLE ... REPLICA IDENTITY (relreplident); replica_identity_index: the index
-- USING INDEX marked (indisreplident). 'i' without an index (it was dropped) acts as NOTHING: read so.
-- parameters: the WITH (...) storage parameters as stored (pg_class.reloptions, "fillfactor=70"), then
-- its TOAST table's, named "toast.autovacuum_enabled=false" as ALTER TABLE ... SET (toast.x) names them.
-- toast_table: whether it has a TOAST table (without one, Postgres drops toast.* parameters silently)
-- that CREATE TABLE would make again: one kept after its table's last toastable column (varlena, not
-- storage plain) was dropped holds nothing, and a table created from schema.yaml would have none, so
-- it and its parameters are left out.
-- statistics: its extended statistics objects (CREATE STATISTICS), each {name, schema, kinds (stxkind: d
-- ndistinct, f dependencies, m mcv, e expressions'), columns (in the table's order, as Postgres keeps
-- them), expressions (deparsed), target (stxstattarget: -1, or null on 17+, the default), comment, owner}.
-- Foreign tables (relkind 'f') are tables too (a partition too), but those that inherit or are inherited (unmanaged.sql
-- lists them):
-- foreign_server, foreign_options (ftoptions as [[name, value], ...] in the catalog's order, but those naming a
-- credential: credential_option.sql); null on another table.
-- validated_checks: the CHECKs it inherits that are validated here while a parent's of the same name is NOT VALID
-- (a partition or child made or attached after the parent's ADD CONSTRAINT ... NOT VALID, or ALTER TABLE child
-- VALIDATE CONSTRAINT), by name; a NOT ENFORCED parent's (18) is not NOT VALID.
-- copy_comments: [name, comment] of each copy it has of a parent's constraint that has a comment of its own: a CHECK
-- (or, 18, a NOT NULL) it has from its parents only (not conislocal) under their name, a partition's clone of its
-- parent's foreign key (conparentid) under its name (not one Postgres named otherwise, nor the rows it adds for a
-- referenced partition, whose parent row is this table's own: unmanaged.sql lists their comments). row_type_comment: the comment on its row type (COMMENT ON TYPE table, pg_type reltype).
-- used_outside: the views, materialized views and rules, the policies (a subquery of USING or WITH CHECK), the
-- functions and procedures of a SQL-standard body (BEGIN ATOMIC) and the foreign keys of a schema not read that read
-- or reference the table (pg_depend of their pg_rewrite, pg_policy, pg_proc and pg_constraint rows), and their tables
-- inheriting it or partitions of it (pg_inherits: 'child table auth.t', 'partition auth.p', no columns) (`inspect -n
-- public` of a view api.profiles over public.profiles), each 'view api.profiles (id, username)', 'policy p on
-- auth.users (id, role)', 'function auth.f(integer) (role)', 'foreign key f on auth.t (id)' with the columns it reads
-- (a foreign key: those it references; none: the table alone), in the order of their text. Read once (outside_reads:
-- those rows of the schemas not read, then their pg_depend rows by the depender index), joined by the table's oid:
-- looked up per table through pg_depend's reference index it took 3-4 times as long (3,000 tables, a view each).
-- Parameter: schemas, an array of schema names. One row per table.
-- inherits, inherited_only, validated_checks and copy_comments are looked for only in a table that has a parent
-- (par.has_parent: a pg_inherits row naming it the child). Without one each is empty: inherits, validated_checks
-- and copy_comments' CHECK and NOT NULL copies join such a row; a column that is not local has a parent (NO
-- INHERIT and DETACH PARTITION make it local again: attislocal), and a foreign key clone (conparentid) is a
-- partition's (DETACH clears conparentid).
-- Read for every table, they were half the query's time (10,000 tables: 4 scans of a table's own columns or
-- constraints each). The TOAST table is looked up per table by its oid (LATERAL, OFFSET 0 so it stays per
-- table): joined, the planner hashed all of pg_class (80,401 rows at 10,000 tables) and every varlena column
-- of the database for it.
-- Planned with its joins in the order written where no other schema exists (catalog/fetch.py,
-- JOINS_AS_WRITTEN_GATED: outside_reads holds nothing then): the FROM list, the nested joins in parentheses, inherits'
-- and statistics_objects' joins are in the order the planner chose at 1,000 tables; keep them so when adding a join.
-- An extension's table is left out by a LEFT JOIN of its pg_depend row kept where there is none (dep.objid IS NULL:
-- an anti join where written, where NOT EXISTS in WHERE was put after every join).
WITH /* include outside_reads */
SELECT c.oid AS table_oid,
       n.nspname::text AS schema_name,
       c.relname::text AS table_name,
       d.description AS comment,
       c.relpersistence = 'u' AS unlogged,
       (SELECT ci.relname::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND i.indisclustered) AS cluster_on,
       ri.relname::text AS replica_identity_index,
       fs.srvname::text AS foreign_server,
       CASE WHEN ft.ftrelid IS NOT NULL THEN COALESCE((
         SELECT json_agg(json_build_array(o.option_name, o.option_value) ORDER BY o.n)
         FROM pg_catalog.pg_options_to_table(ft.ftoptions) WITH ORDINALITY AS o(option_name, option_value, n)
         WHERE NOT /* include credential_option(name=o.option_name) */),
         '[]'::json) END AS foreign_options,
       CASE WHEN c.relkind = 'f' THEN 'default' ELSE CASE c.relreplident WHEN 'f' THEN 'full' WHEN 'n' THEN 'nothing'
            WHEN 'i' THEN CASE WHEN ri.relname IS NULL THEN 'nothing' ELSE 'index' END ELSE 'default' END END AS replica_identity,
       CASE pt.partstrat WHEN 'r' THEN 'range' WHEN 'l' THEN 'list' WHEN 'h' THEN 'hash' END AS partition_strategy,
       CASE WHEN c.relkind = 'p'
            THEN substring(pg_catalog.pg_get_partkeydef(c.oid) FROM '^[A-Za-z]+ \((.*)\)$') END AS partition_key,
       pn.nspname::text AS partition_parent_schema,
       pc.relname::text AS partition_parent,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       CASE WHEN NOT c.relispartition THEN CASE WHEN par.has_parent THEN ARRAY(
         SELECT json_build_object('schema', ipn.nspname::text, 'name', ipc.relname::text, 'extension', x.extname,
                                  'defaults', CASE WHEN x.extname IS NOT NULL THEN ARRAY(
                                    SELECT pa.attname::text FROM pg_catalog.pg_attribute pa
                                    WHERE pa.attrelid = ipc.oid AND pa.attnum > 0 AND pa.atthasdef) END)
         FROM pg_catalog.pg_inherits i
         JOIN pg_catalog.pg_class ipc ON ipc.oid = i.inhparent
         LEFT JOIN LATERAL (
           SELECT e.extname::text FROM pg_catalog.pg_depend dx JOIN pg_catalog.pg_extension e ON e.oid = dx.refobjid
           WHERE dx.classid = 'pg_catalog.pg_class'::regclass AND dx.objid = ipc.oid AND dx.deptype = 'e'
             AND dx.refclassid = 'pg_catalog.pg_extension'::regclass) x ON true
         JOIN pg_catalog.pg_namespace ipn ON ipn.oid = ipc.relnamespace
         WHERE i.inhrelid = c.oid
         ORDER BY i.inhseqno) ELSE '{}' END END AS inherits,
       CASE WHEN NOT c.relispartition THEN CASE WHEN par.has_parent THEN ARRAY(
         SELECT ia.attname::text FROM pg_catalog.pg_attribute ia
         WHERE ia.attrelid = c.oid AND ia.attnum > 0 AND NOT ia.attisdropped AND NOT ia.attislocal
         ORDER BY ia.attnum) ELSE '{}' END END AS inherited_only,
       CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS of_type,
       c.relrowsecurity AS row_level_security,
       c.relforcerowsecurity AS force_row_level_security,
       COALESCE(c.reloptions::text[], '{}') || ARRAY(
         SELECT 'toast.' || o.option FROM unnest(tc.reloptions::text[]) WITH ORDINALITY AS o(option, n)
         ORDER BY o.n) AS parameters,
       tc.oid IS NOT NULL AS toast_table,
       CASE WHEN par.has_parent THEN ARRAY(SELECT k.conname::text FROM pg_catalog.pg_constraint k
             WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.convalidated AND k.coninhcount > 0
               AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits pi
                           JOIN pg_catalog.pg_constraint pk ON pk.conrelid = pi.inhparent AND pk.contype = 'c'
                                                           AND pk.conname = k.conname
                           WHERE pi.inhrelid = c.oid AND NOT pk.convalidated
                             AND /* since 18: pk.conenforced */ true)
             ORDER BY k.conname COLLATE "C") ELSE '{}' END AS validated_checks,
       CASE WHEN par.has_parent THEN ARRAY(SELECT json_build_array(k.conname::text, kd.description) FROM pg_catalog.pg_constraint k
             CROSS JOIN LATERAL (SELECT kd.description FROM pg_catalog.pg_description kd
                                 WHERE kd.objoid = k.oid AND kd.classoid = 'pg_catalog.pg_constraint'::regclass
                                   AND kd.objsubid = 0 OFFSET 0) kd
             WHERE k.conrelid = c.oid
               AND (k.contype IN ('c', 'n') AND k.coninhcount > 0 AND NOT k.conislocal
                    AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits pi
                                JOIN pg_catalog.pg_constraint pk ON pk.conrelid = pi.inhparent AND pk.contype = k.contype
                                                                AND pk.conname = k.conname
                                WHERE pi.inhrelid = c.oid)
                    OR k.contype = 'f' AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint pk
                                                   WHERE pk.oid = k.conparentid AND pk.conrelid <> k.conrelid
                                                     AND pk.conname = k.conname))
             ORDER BY k.conname COLLATE "C") ELSE '{}' END AS copy_comments,
       td.description AS row_type_comment,
       COALESCE(o.readers, '{}') AS used_outside,
       /* include statistics_objects */ AS statistics
FROM pg_catalog.pg_namespace n
JOIN (pg_catalog.pg_class c
      LEFT JOIN pg_catalog.pg_description td
             ON td.objoid = c.reltype AND td.classoid = 'pg_catalog.pg_type'::regclass AND td.objsubid = 0)
  ON n.oid = c.relnamespace
CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits hp WHERE hp.inhrelid = c.oid) AS has_parent) par
LEFT JOIN (pg_catalog.pg_foreign_table ft LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver)
       ON ft.ftrelid = c.oid
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
LEFT JOIN outside_reads o ON o.refobjid = c.oid
LEFT JOIN pg_catalog.pg_depend dep  -- an extension's table: none (dep.objid IS NULL below, an anti join)
       ON dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e'
LEFT JOIN (pg_catalog.pg_inherits inh
           LEFT JOIN pg_catalog.pg_class pc ON pc.oid = inh.inhparent
           LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace)
       ON c.relispartition AND inh.inhrelid = c.oid
LEFT JOIN LATERAL (SELECT ci.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
                   WHERE c.relreplident = 'i' AND i.indrelid = c.oid AND i.indisreplident) ri ON true
LEFT JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = c.oid
LEFT JOIN LATERAL (SELECT tc.oid, tc.reloptions FROM pg_catalog.pg_class tc
                   WHERE tc.oid = c.reltoastrelid
                     AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute ta
                                 WHERE ta.attrelid = c.oid AND ta.attnum > 0 AND NOT ta.attisdropped
                                   AND ta.attlen = -1 AND ta.attstorage <> 'p')
                   OFFSET 0) tc ON true
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND (c.relkind IN ('r', 'p')
       OR c.relkind = 'f' AND (c.relispartition
          OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits fi WHERE fi.inhrelid = c.oid OR fi.inhparent = c.oid)))
  AND dep.objid IS NULL
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C";
