-- Objects of the requested schemas that schemac reads but does not manage, listed so a report can
-- name them (never diffed): one row per object, (kind, schema_name, object_name).
--   view, materialized view, foreign table        pg_class relkind 'v', 'm', 'f'
--   function (plain and window), procedure, aggregate   pg_proc prokind 'f'/'w', 'p', 'a': those
--             functions.sql does not manage (window functions, aggregates, C and internal ones,
--             SQL-standard bodies); not those internal to another object (a range type's constructor
--             functions); one row per overload, named without arguments
--   trigger   "view.trigger": user triggers on views and foreign tables (those on tables are managed:
--             triggers.sql); not internal ones, not the clones Postgres puts on partitions
--   policy    "relation.policy": policies on relations that are not tables (those on tables are
--             managed: policies.sql)
--   rule      "table.rule": rewrite rules, except the _RETURN rule that is a view's body
--   type      composite types that back no table (their pg_class row has relkind 'c'), range types,
--             base types (not the array types Postgres creates alongside; multiranges neither)
--   exclusion constraint   "table.constraint": EXCLUDE constraints (contype 'x')
-- Objects owned by an extension (pg_depend deptype 'e'), and triggers/policies/rules/constraints of
-- a relation owned by one, are left out. Event triggers and publications belong to the database,
-- not a schema: not listed. Enums and domains are managed (enums.sql, domains.sql).
-- Parameter: schemas, an array of schema names.
WITH ext_owned AS (
  SELECT dep.classid, dep.objid
  FROM pg_catalog.pg_depend dep
  WHERE dep.deptype = 'e'
)
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'foreign table' END AS kind,
       n.nspname::text AS schema_name,
       c.relname::text AS object_name
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('v', 'm', 'f')
  AND (c.oid) NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       n.nspname::text,
       p.proname::text
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND (p.prokind NOT IN ('f', 'p') OR l.lanname IN ('c', 'internal') OR p.prosqlbody IS NOT NULL)
  AND p.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_proc'::regclass)
  AND NOT EXISTS (  -- part of another object: the constructors Postgres makes for a range type
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_proc'::regclass
          AND dep.objid = p.oid
          AND dep.deptype = 'i')
UNION ALL
SELECT 'trigger', n.nspname::text, c.relname::text || '.' || tg.tgname::text
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT tg.tgisinternal
  AND tg.tgparentid = 0
  AND c.relkind NOT IN ('r', 'p')
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
SELECT 'policy', n.nspname::text, c.relname::text || '.' || pol.polname::text
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind NOT IN ('r', 'p')
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
SELECT 'rule', n.nspname::text, c.relname::text || '.' || r.rulename::text
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND r.rulename <> '_RETURN'
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
SELECT 'type', n.nspname::text, t.typname::text
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_class tc ON tc.oid = t.typrelid
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND (   (t.typtype = 'c' AND tc.relkind = 'c')
       OR t.typtype = 'r'
       OR (t.typtype = 'b' AND NOT EXISTS (
             SELECT 1 FROM pg_catalog.pg_type elem WHERE elem.typarray = t.oid)))
  AND t.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_type'::regclass)
UNION ALL
SELECT 'exclusion constraint', n.nspname::text, c.relname::text || '.' || con.conname::text
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND con.contype = 'x'
  AND con.conparentid = 0
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
ORDER BY kind, schema_name, object_name;  -- the caller sorts again, by code point
