-- The requested schemas that exist: a schema declared in schema.yaml that holds no managed object (only
-- views or functions, or nothing yet) is there all the same, and must not be reported missing.
-- comment: COMMENT ON SCHEMA (public's default, "standard public schema", is left out by the caller).
-- extension: the extension whose member the schema is (its script made it: namespaces.sql asks for it where objects
-- of the database's own are there), whose grants and comments hold its access list and comment.
SELECT n.nspname::text AS schema_name,
       pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment,
       (SELECT x.extname::text FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension x ON x.oid = d.refobjid
        WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid
          AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e') AS extension
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY (%(schemas)s);
