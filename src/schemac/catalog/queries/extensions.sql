-- Installed extensions, except plpgsql (every database has it). Extensions belong to the database,
-- not to a schema: all are returned whatever schemas are requested (the parameter is not used).
-- comment: COMMENT ON EXTENSION where it differs from the extension's own (pg_available_extensions reads
-- the control files: only for an extension with a comment). One row per extension.
SELECT e.extname::text AS extension_name,
       n.nspname::text AS schema_name,
       CASE WHEN d.description IS DISTINCT FROM (SELECT a.comment FROM pg_catalog.pg_available_extensions a
                                                WHERE a.name = e.extname)
            THEN d.description END AS comment
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = e.oid AND d.classoid = 'pg_catalog.pg_extension'::regclass AND d.objsubid = 0
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname COLLATE "C";
