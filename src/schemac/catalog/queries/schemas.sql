-- The requested schemas that exist: a schema declared in schema.yaml that holds no managed object (only
-- views or functions, or nothing yet) is there all the same, and must not be reported missing.
SELECT n.nspname::text AS schema_name
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY (%(schemas)s);
