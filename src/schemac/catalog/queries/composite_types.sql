-- Composite types of the requested schemas that back no table (their pg_class row has relkind 'c'),
-- with their attributes as a JSON array in order: {name, type (format_type), collation (the
-- attribute's collation as regcollation prints it when it is not its type's own, else null), comment (COMMENT ON COLUMN)}. Dropped attributes are
-- left out. Types owned by an extension are left out.
-- Parameter: schemas, an array of schema names. One row per type.
SELECT t.oid AS type_oid,
       n.nspname::text AS schema_name,
       t.typname::text AS type_name,
       COALESCE((
         SELECT json_agg(json_build_object(
                  'name', a.attname::text,
                  'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                  'collation', CASE WHEN a.attcollation <> at.typcollation THEN a.attcollation::pg_catalog.regcollation::text END,
                  'comment', pg_catalog.col_description(t.typrelid, a.attnum))
                ORDER BY a.attnum)
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
         WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
       ), '[]'::json) AS attributes,
       d.description AS comment,
       /* include outside_type_users */ AS used_outside
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND t.typtype = 'c'
  AND c.relkind = 'c'
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_type'::regclass
          AND dep.objid = t.oid
          AND dep.deptype = 'e')
ORDER BY n.nspname COLLATE "C", t.typname COLLATE "C";
