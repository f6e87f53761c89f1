-- The user schemas of the database, for `schemac inspect` without --schema: everything except the
-- system schemas, temporary and toast schemas, and schemas created by extensions, unless such a schema
-- holds a table, view, sequence, function or type of the database's own (no extension's member: made
-- there since, as pg_dump dumps test_pg_dump's regress_pg_dump_schema.external_tab), which would be lost.
SELECT n.nspname::text AS name
FROM pg_catalog.pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp\_%'
  AND (NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                   WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                  WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                                      AND d.deptype IN ('e', 'a', 'i')))
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = n.oid
                    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                    WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                                      AND d.deptype IN ('e', 'i')))
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_type t
                  WHERE t.typnamespace = n.oid AND t.typtype IN ('d', 'e', 'r')
                    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                    WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid
                                      AND d.deptype = 'e')))
ORDER BY n.nspname COLLATE "C";
