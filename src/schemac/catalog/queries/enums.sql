-- Enum types of the requested schemas, with their labels in sort order (enumsortorder: the order
-- ALTER TYPE ... ADD VALUE BEFORE/AFTER gives, not creation order). Types owned by an extension are
-- left out: CREATE EXTENSION made them.
-- Parameter: schemas, an array of schema names. One row per enum.
SELECT t.oid AS type_oid,
       n.nspname::text AS schema_name,
       t.typname::text AS type_name,
       ARRAY(
         SELECT e.enumlabel::text
         FROM pg_catalog.pg_enum e
         WHERE e.enumtypid = t.oid
         ORDER BY e.enumsortorder
       ) AS labels,
       d.description AS comment,
       /* include outside_type_users */ AS used_outside
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND t.typtype = 'e'
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_type'::regclass
          AND dep.objid = t.oid
          AND dep.deptype = 'e')
ORDER BY n.nspname COLLATE "C", t.typname COLLATE "C";
