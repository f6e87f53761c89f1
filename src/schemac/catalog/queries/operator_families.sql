-- Operator families made by CREATE OPERATOR FAMILY in the requested schemas: not a class's own (an operator
-- family of a class's name, schema and method, managed with that class: operator_classes.sql), not an
-- extension's (pg_depend deptype 'e').
-- operators, functions: the family's loose members, the pg_amop and pg_amproc rows whose pg_depend ties them to the
-- family, not to a class (ALTER OPERATOR FAMILY ... ADD, and those Postgres binds to the family when a class of it is
-- created: btree's cross-type members, its optional support functions), as operator_classes.sql spells a class's,
-- with both types always.
-- owner: the owning role's name. Parameter: schemas, an array of schema names. One row per family.
WITH member AS (  -- (catalog, row, family) of each member bound to a family
  SELECT dep.classid, dep.objid, dep.refobjid AS holder
  FROM pg_catalog.pg_depend dep
  WHERE dep.classid IN ('pg_catalog.pg_amop'::regclass, 'pg_catalog.pg_amproc'::regclass)
    AND dep.refclassid = 'pg_catalog.pg_opfamily'::regclass
)
SELECT n.nspname::text AS schema_name,
       f.opfname::text AS family_name,
       am.amname::text AS method,
       /* include opclass_members */,
       d.description AS comment,
       pg_catalog.pg_get_userbyid(f.opfowner)::text AS owner
FROM pg_catalog.pg_opfamily f
JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
JOIN pg_catalog.pg_am am ON am.oid = f.opfmethod
CROSS JOIN LATERAL (SELECT f.oid AS holder) h
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = f.oid AND d.classoid = 'pg_catalog.pg_opfamily'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                  WHERE dep.classid = 'pg_catalog.pg_opfamily'::regclass AND dep.objid = f.oid AND dep.deptype = 'e')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_opclass mk  -- a class's own: managed with it
                  WHERE (mk.opcname, mk.opcnamespace, mk.opcmethod) = (f.opfname, f.opfnamespace, f.opfmethod))
  AND (am.oid < 16384  -- FirstNormalObjectId: a method of Postgres's own, or an extension's (CREATE ACCESS METHOD
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep  -- is not managed: unmanaged.sql lists what uses one)
                  WHERE dep.classid = 'pg_catalog.pg_am'::regclass AND dep.objid = am.oid AND dep.deptype = 'e'))
ORDER BY n.nspname COLLATE "C", f.opfname COLLATE "C", am.amname COLLATE "C";
