-- A fragment operator_classes.sql and operator_families.sql include (a block comment `include opclass_members`):
-- `operators` and `functions` of the class or family whose oid is `h.holder`, its members by the query's CTE
-- `member` (classid, objid, holder: a pg_amop or pg_amproc row and the class or family it counts for); each operator
-- {strategy, operator, left, right, order_by}: operator bare in public and pg_catalog, else schema.op; left and right
-- format_type of amoplefttype and amoprighttype; order_by the sort family of a FOR ORDER BY member (bare in pg_catalog
-- and public, else schema.name), else NULL; each function {number, function, left, right}: function `name(types)`,
-- bare in public (but public.name(types) where pg_catalog's of the same name and inputs hides it), else `schema.name(types)`, the types as format_type prints them. A part of a name that holds a dot
-- or a double quote is quoted as schema.yaml writes it ("op.s".<<<, fn-x."abs.cmp"(integer, integer):
-- pg.names.reference_part).
COALESCE((SELECT json_agg(json_build_object(
            'strategy', ao.amopstrategy,
            'operator', CASE WHEN opn.nspname IN ('public', 'pg_catalog') THEN o.oprname::text
                             ELSE /* include quoted_part(name=opn.nspname) */ || '.' || o.oprname::text END,
            'left', pg_catalog.format_type(ao.amoplefttype, NULL),
            'right', pg_catalog.format_type(ao.amoprighttype, NULL),
            'order_by', (SELECT CASE WHEN sn.nspname IN ('public', 'pg_catalog') THEN /* include quoted_part(name=sf.opfname) */
                                     ELSE /* include qualified_part(schema=sn.nspname, name=sf.opfname) */ END
                         FROM pg_catalog.pg_opfamily sf
                         JOIN pg_catalog.pg_namespace sn ON sn.oid = sf.opfnamespace
                         WHERE sf.oid = ao.amopsortfamily AND ao.amoppurpose = 'o'))
            ORDER BY ao.amopstrategy, ao.amoplefttype, ao.amoprighttype)
          FROM pg_catalog.pg_amop ao
          JOIN member m ON m.classid = 'pg_catalog.pg_amop'::regclass AND m.objid = ao.oid AND m.holder = h.holder
          JOIN pg_catalog.pg_operator o ON o.oid = ao.amopopr
          JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace), '[]'::json) AS operators,
COALESCE((SELECT json_agg(json_build_object(
            'number', ap.amprocnum,
            'function', CASE WHEN pn.nspname = 'public' AND NOT /* include pg_catalog_hides(proc=p) */ THEN '' ELSE /* include quoted_part(name=pn.nspname) */ || '.' END
                        || /* include quoted_part(name=p.proname) */ || '(' || coalesce((
                            SELECT string_agg(pg_catalog.format_type(a.t, NULL), ', ' ORDER BY a.i)
                            FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)), '') || ')',
            'left', pg_catalog.format_type(ap.amproclefttype, NULL),
            'right', pg_catalog.format_type(ap.amprocrighttype, NULL))
            ORDER BY ap.amprocnum, ap.amproclefttype, ap.amprocrighttype)
          FROM pg_catalog.pg_amproc ap
          JOIN member m ON m.classid = 'pg_catalog.pg_amproc'::regclass AND m.objid = ap.oid AND m.holder = h.holder
          JOIN pg_catalog.pg_proc p ON p.oid = ap.amproc
          JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace), '[]'::json) AS functions
