-- Collations of the requested schemas (CREATE COLLATION), not those owned by an extension. The row
-- comes whole as JSON (`collation`): its locale column is colliculocale on PostgreSQL 15 and 16 and
-- colllocale from 17 on, which the caller picks (collprovider 'c' libc, 'i' icu, 'b' builtin).
-- owner: the owning role's name. Parameter: schemas, an array of schema names. One row per collation.
SELECT n.nspname::text AS schema_name,
       co.collname::text AS collation_name,
       pg_catalog.to_jsonb(co.*) AS collation,
       d.description AS comment,
       pg_catalog.pg_get_userbyid(co.collowner)::text AS owner
FROM pg_catalog.pg_collation co
JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = co.oid AND d.classoid = 'pg_catalog.pg_collation'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_collation'::regclass
          AND dep.objid = co.oid
          AND dep.deptype = 'e')
ORDER BY n.nspname COLLATE "C", co.collname COLLATE "C";
