-- Installed extensions, except plpgsql (every database has it). Extensions belong to the database,
-- not to a schema: all are returned whatever schemas are requested (the parameter is not used).
-- One row per extension.
SELECT e.extname::text AS extension_name,
       n.nspname::text AS schema_name
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname COLLATE "C";
