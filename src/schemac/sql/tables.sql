-- Tables schemac manages: ordinary and partitioned tables of the requested schemas.
-- Partitions are left out (their columns and indexes belong to the parent), and so is every
-- table owned by an extension: CREATE EXTENSION made it, schema.yaml must not declare it.
-- Parameter: schemas, an array of schema names. One row per table.
SELECT c.oid AS table_oid,
       n.nspname::text AS schema_name,
       c.relname::text AS table_name,
       pg_catalog.obj_description(c.oid, 'pg_class') AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_class'::regclass
          AND dep.objid = c.oid
          AND dep.deptype = 'e')
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C";
