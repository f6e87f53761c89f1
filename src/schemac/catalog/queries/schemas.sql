-- The requested schemas that exist: a schema declared in schema.yaml that holds no managed object (only
-- views or functions, or nothing yet) is there all the same, and must not be reported missing.
-- comment: COMMENT ON SCHEMA (public's default, "standard public schema", is left out by the caller).
SELECT n.nspname::text AS schema_name,
       pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY (%(schemas)s);
