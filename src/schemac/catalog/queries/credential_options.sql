-- The options naming a credential (credential_option.sql) of the database's wrappers and servers (not an extension's)
-- and of the foreign tables of the schemas read and their columns, with their values: read by `rebuild-state` alone,
-- from the throwaway database its replay of the project's own migrations built (so the values are those files' own,
-- which schema.yaml declared), and put back into the model it records (model.credentials.with_credentials); never by
-- inspect nor diff. One row per option: kind ('wrapper', 'server', 'table', 'column'), schema_name ('' for a wrapper's
-- or server's), object_name, column_name (a column's, else ''), option_name, option_value.
-- Parameter: schemas, an array of schema names.
WITH ext_owned AS (
  SELECT dep.classid, dep.objid FROM pg_catalog.pg_depend dep WHERE dep.deptype = 'e'
)
SELECT 'wrapper' AS kind, '' AS schema_name, w.fdwname::text AS object_name, '' AS column_name, o.option_name,
       o.option_value
FROM pg_catalog.pg_foreign_data_wrapper w
CROSS JOIN LATERAL pg_catalog.pg_options_to_table(w.fdwoptions) o
WHERE w.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_foreign_data_wrapper'::regclass)
  AND /* include credential_option(name=o.option_name) */
UNION ALL
SELECT 'server', '', s.srvname::text, '', o.option_name, o.option_value
FROM pg_catalog.pg_foreign_server s
CROSS JOIN LATERAL pg_catalog.pg_options_to_table(s.srvoptions) o
WHERE s.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_foreign_server'::regclass)
  AND /* include credential_option(name=o.option_name) */
UNION ALL
SELECT 'table', n.nspname::text, c.relname::text, '', o.option_name, o.option_value
FROM pg_catalog.pg_foreign_table ft
JOIN pg_catalog.pg_class c ON c.oid = ft.ftrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL pg_catalog.pg_options_to_table(ft.ftoptions) o
WHERE n.nspname = ANY (%(schemas)s::name[]) AND /* include credential_option(name=o.option_name) */
UNION ALL
SELECT 'column', n.nspname::text, c.relname::text, a.attname::text, o.option_name, o.option_value
FROM pg_catalog.pg_foreign_table ft
JOIN pg_catalog.pg_class c ON c.oid = ft.ftrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
CROSS JOIN LATERAL pg_catalog.pg_options_to_table(a.attfdwoptions) o
WHERE n.nspname = ANY (%(schemas)s::name[]) AND /* include credential_option(name=o.option_name) */
ORDER BY 1, 2, 3, 4;
