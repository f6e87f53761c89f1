-- Operator families made by CREATE OPERATOR FAMILY in the requested schemas: not a class's own (an operator
-- family of a class's name, schema and method, managed with that class: operator_classes.sql), not an
-- extension's (pg_depend deptype 'e').
-- operators, functions: the family's loose members, the pg_amop and pg_amproc rows whose pg_depend ties them to the
-- family, not to a class (ALTER OPERATOR FAMILY ... ADD, and those Postgres binds to the family when a class of it is
-- created: btree's cross-type members, its optional support functions), as operator_classes.sql spells a class's,
-- with both types always.
-- owner: the owning role's name. Parameter: schemas, an array of schema names. One row per family.
WITH loose AS (  -- (catalog, row, family) of each member bound to a family
  SELECT dep.classid, dep.objid, dep.refobjid AS family_oid
  FROM pg_catalog.pg_depend dep
  WHERE dep.classid IN ('pg_catalog.pg_amop'::regclass, 'pg_catalog.pg_amproc'::regclass)
    AND dep.refclassid = 'pg_catalog.pg_opfamily'::regclass
)
SELECT n.nspname::text AS schema_name,
       f.opfname::text AS family_name,
       am.amname::text AS method,
       COALESCE((SELECT json_agg(json_build_object(
                   'strategy', ao.amopstrategy,
                   'operator', CASE WHEN opn.nspname IN ('public', 'pg_catalog') THEN o.oprname::text
                                    ELSE opn.nspname::text || '.' || o.oprname::text END,
                   'left', pg_catalog.format_type(ao.amoplefttype, NULL),
                   'right', pg_catalog.format_type(ao.amoprighttype, NULL),
                   'order_by', (SELECT CASE WHEN sn.nspname IN ('public', 'pg_catalog') THEN sf.opfname::text
                                            ELSE sn.nspname::text || '.' || sf.opfname::text END
                                FROM pg_catalog.pg_opfamily sf
                                JOIN pg_catalog.pg_namespace sn ON sn.oid = sf.opfnamespace
                                WHERE sf.oid = ao.amopsortfamily AND ao.amoppurpose = 'o'))
                   ORDER BY ao.amopstrategy, ao.amoplefttype, ao.amoprighttype)
                 FROM pg_catalog.pg_amop ao
                 JOIN loose m ON m.classid = 'pg_catalog.pg_amop'::regclass AND m.objid = ao.oid AND m.family_oid = f.oid
                 JOIN pg_catalog.pg_operator o ON o.oid = ao.amopopr
                 JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace), '[]'::json) AS operators,
       COALESCE((SELECT json_agg(json_build_object(
                   'number', ap.amprocnum,
                   'function', CASE WHEN pn.nspname = 'public' THEN '' ELSE pn.nspname::text || '.' END
                               || p.proname::text || '(' || coalesce((
                                   SELECT string_agg(pg_catalog.format_type(a.t, NULL), ', ' ORDER BY a.i)
                                   FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)), '') || ')',
                   'left', pg_catalog.format_type(ap.amproclefttype, NULL),
                   'right', pg_catalog.format_type(ap.amprocrighttype, NULL))
                   ORDER BY ap.amprocnum, ap.amproclefttype, ap.amprocrighttype)
                 FROM pg_catalog.pg_amproc ap
                 JOIN loose m ON m.classid = 'pg_catalog.pg_amproc'::regclass AND m.objid = ap.oid AND m.family_oid = f.oid
                 JOIN pg_catalog.pg_proc p ON p.oid = ap.amproc
                 JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace), '[]'::json) AS functions,
       d.description AS comment,
       pg_catalog.pg_get_userbyid(f.opfowner)::text AS owner
FROM pg_catalog.pg_opfamily f
JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
JOIN pg_catalog.pg_am am ON am.oid = f.opfmethod
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
