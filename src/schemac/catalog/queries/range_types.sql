-- Range types of the requested schemas (pg_range), each with:
--   subtype: format_type of rngsubtype;
--   subtype_opclass: rngsubopc when it is not the subtype's default operator class, named bare in
--     pg_catalog and public, else schema.name (as functions are below), a part that holds a dot or a double quote
--     quoted as schema.yaml writes it (ops-x."Abs.Ops": pg.names.reference_part);
--   collation: rngcollation as regcollation prints it (qualified when another schema's), when the range has one other than its subtype's own;
--   canonical, subtype_diff: rngcanonical, rngsubdiff (NULL where unset), a public one that pg_catalog's of the same
--     name and inputs hides public.name (a bare name would find pg_catalog's);
--   multirange_comment: its multirange type's comment;
--   multirange: the multirange type Postgres made beside it (rngmultitypid, PostgreSQL 14+), multirange_oid its oid,
--     multirange_schema its schema (MULTIRANGE_TYPE_NAME = other.m makes it outside the range's)
--     (its access list, of its own on PostgreSQL 15 and older: privileges.sql);
--   constructors: [oid, returns the multirange, number of arguments, variadic] of each function Postgres made with
--     the type and its multirange (pg_depend deptype 'i' on either), whose access lists privileges.sql reads.
-- Types owned by an extension are left out.
-- Parameter: schemas, an array of schema names. One row per type.
SELECT t.oid AS type_oid,
       n.nspname::text AS schema_name,
       t.typname::text AS type_name,
       pg_catalog.format_type(r.rngsubtype, NULL) AS subtype,
       CASE WHEN NOT opc.opcdefault
            THEN CASE WHEN opn.nspname IN ('pg_catalog', 'public') THEN /* include quoted_part(name=opc.opcname) */
                      ELSE /* include qualified_part(schema=opn.nspname, name=opc.opcname) */ END END AS subtype_opclass,
       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN r.rngcollation::pg_catalog.regcollation::text END AS collation,
       CASE WHEN r.rngcanonical <> 0
            THEN CASE WHEN cn.nspname = 'pg_catalog' OR (cn.nspname = 'public' AND NOT /* include pg_catalog_hides(proc=cp) */) THEN /* include quoted_part(name=cp.proname) */
                      ELSE /* include qualified_part(schema=cn.nspname, name=cp.proname) */ END END AS canonical,
       CASE WHEN r.rngsubdiff <> 0
            THEN CASE WHEN dn.nspname = 'pg_catalog' OR (dn.nspname = 'public' AND NOT /* include pg_catalog_hides(proc=dp) */) THEN /* include quoted_part(name=dp.proname) */
                      ELSE /* include qualified_part(schema=dn.nspname, name=dp.proname) */ END END AS subtype_diff,
       mt.typname::text AS multirange,
       mn.nspname::text AS multirange_schema,
       mt.oid AS multirange_oid,
       COALESCE((SELECT json_agg(json_build_array(p.oid::bigint, p.prorettype = r.rngmultitypid, p.pronargs, p.provariadic <> 0))
                 FROM pg_catalog.pg_depend dep
                 JOIN pg_catalog.pg_proc p ON p.oid = dep.objid
                 WHERE dep.refclassid = 'pg_catalog.pg_type'::regclass AND dep.refobjid IN (t.oid, r.rngmultitypid)
                   AND dep.classid = 'pg_catalog.pg_proc'::regclass AND dep.deptype = 'i'), '[]'::json) AS constructors,
       d.description AS comment,
       md.description AS multirange_comment,
       /* include outside_type_users */ AS used_outside
FROM pg_catalog.pg_range r
JOIN pg_catalog.pg_type t ON t.oid = r.rngtypid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc
JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
LEFT JOIN pg_catalog.pg_proc cp ON cp.oid = r.rngcanonical
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = cp.pronamespace
LEFT JOIN pg_catalog.pg_proc dp ON dp.oid = r.rngsubdiff
LEFT JOIN pg_catalog.pg_namespace dn ON dn.oid = dp.pronamespace
LEFT JOIN pg_catalog.pg_type mt ON mt.oid = r.rngmultitypid
LEFT JOIN pg_catalog.pg_namespace mn ON mn.oid = mt.typnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0
LEFT JOIN pg_catalog.pg_description md
       ON md.objoid = mt.oid AND md.classoid = 'pg_catalog.pg_type'::regclass AND md.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_type'::regclass
          AND dep.objid = t.oid
          AND dep.deptype = 'e')
ORDER BY n.nspname COLLATE "C", t.typname COLLATE "C";
