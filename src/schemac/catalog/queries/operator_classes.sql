-- User-defined operator classes of the requested schemas (CREATE OPERATOR CLASS), not those an extension owns
-- (pg_depend deptype 'e'), and only those whose operator family a class made: its own (an operator family of
-- the class's name, schema and method, which CREATE OPERATOR CLASS makes when it names none), or another
-- class's own (FAMILY other_ops), or a family made by CREATE OPERATOR FAMILY that operator_families.sql reads (in
-- a schema read, not an extension's); a class of another family is listed as not managed (unmanaged.sql).
-- type_name, storage: format_type of opcintype and opckeytype (NULL where opckeytype is 0: the type itself).
-- family: NULL where the class's own, else its name, bare in the class's schema, else schema.name.
-- operators: the class's members: the pg_amop rows bound to it (pg_depend on the class), and, where the family is
-- its own, the family's rows bound to no class (the optional members CREATE OPERATOR CLASS puts in the family, as
-- btree's FUNCTION 4 (equalimage) and cross-type operators; those ALTER OPERATOR FAMILY ... ADD added), which the
-- class's CREATE makes again; ordered by strategy then types, each {strategy, operator, left, right, order_by}: operator bare in
-- public and pg_catalog, else schema.op; left and right format_type of amoplefttype and amoprighttype; order_by
-- the sort family of a FOR ORDER BY member (bare in pg_catalog and public, else schema.name), else NULL.
-- functions: the class's pg_amproc rows, chosen so, each {number, function, left, right}: function `name(types)`,
-- bare in public, else `schema.name(types)`, the types as format_type prints them.
-- owner: the owning role's name. family_owner: the owner of the class's own family where it is another role
-- (ALTER OPERATOR CLASS ... OWNER TO leaves the family its CREATE made to its first owner), else NULL.
-- Parameter: schemas, an array of schema names. One row per class.
WITH member AS (  -- (catalog, row, class) of each pg_amop and pg_amproc row a class holds
  SELECT dep.classid, dep.objid, dep.refobjid AS holder
  FROM pg_catalog.pg_depend dep
  WHERE dep.classid IN ('pg_catalog.pg_amop'::regclass, 'pg_catalog.pg_amproc'::regclass)
    AND dep.refclassid = 'pg_catalog.pg_opclass'::regclass
  UNION ALL  -- bound to no class, in a class's own family
  SELECT dep.classid, dep.objid, oc.oid
  FROM pg_catalog.pg_depend dep
  JOIN pg_catalog.pg_opfamily f ON f.oid = dep.refobjid
  JOIN pg_catalog.pg_opclass oc ON (oc.opcname, oc.opcnamespace, oc.opcmethod) = (f.opfname, f.opfnamespace, f.opfmethod)
  WHERE dep.classid IN ('pg_catalog.pg_amop'::regclass, 'pg_catalog.pg_amproc'::regclass)
    AND dep.refclassid = 'pg_catalog.pg_opfamily'::regclass
)
SELECT n.nspname::text AS schema_name,
       oc.opcname::text AS class_name,
       am.amname::text AS method,
       pg_catalog.format_type(oc.opcintype, NULL) AS type_name,
       oc.opcdefault AS is_default,
       CASE WHEN (f.opfname, f.opfnamespace) = (oc.opcname, oc.opcnamespace) THEN NULL
            WHEN f.opfnamespace = oc.opcnamespace THEN /* include quoted_part(name=f.opfname) */
            ELSE /* include qualified_part(schema=fn.nspname, name=f.opfname) */ END AS family,
       CASE WHEN oc.opckeytype <> 0 THEN pg_catalog.format_type(oc.opckeytype, NULL) END AS storage,
       /* include opclass_members */,
       d.description AS comment,
       pg_catalog.pg_get_userbyid(oc.opcowner)::text AS owner,
       CASE WHEN (f.opfname, f.opfnamespace) = (oc.opcname, oc.opcnamespace) AND f.opfowner <> oc.opcowner
            THEN pg_catalog.pg_get_userbyid(f.opfowner)::text END AS family_owner
FROM pg_catalog.pg_opclass oc
JOIN pg_catalog.pg_namespace n ON n.oid = oc.opcnamespace
JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
JOIN pg_catalog.pg_opfamily f ON f.oid = oc.opcfamily
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace
CROSS JOIN LATERAL (SELECT oc.oid AS holder) h
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = oc.oid AND d.classoid = 'pg_catalog.pg_opclass'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                  WHERE dep.classid = 'pg_catalog.pg_opclass'::regclass AND dep.objid = oc.oid AND dep.deptype = 'e')
  AND (EXISTS (SELECT 1 FROM pg_catalog.pg_opclass mk  -- its family is a class's own
               WHERE (mk.opcname, mk.opcnamespace, mk.opcmethod) = (f.opfname, f.opfnamespace, f.opfmethod))
       OR (fn.nspname = ANY (%(schemas)s::name[])  -- or one operator_families.sql reads
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                           WHERE dep.classid = 'pg_catalog.pg_opfamily'::regclass AND dep.objid = f.oid
                             AND dep.deptype = 'e')))
  AND (am.oid < 16384  -- FirstNormalObjectId: a method of Postgres's own, or an extension's (CREATE ACCESS METHOD
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep  -- is not managed: unmanaged.sql lists what uses one)
                  WHERE dep.classid = 'pg_catalog.pg_am'::regclass AND dep.objid = am.oid AND dep.deptype = 'e'))
ORDER BY n.nspname COLLATE "C", oc.opcname COLLATE "C", am.amname COLLATE "C";
