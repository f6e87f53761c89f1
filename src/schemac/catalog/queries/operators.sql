-- User-defined operators of the requested schemas (CREATE OPERATOR): not those owned by an extension, not
-- shells (oprcode 0: what a COMMUTATOR or NEGATOR naming a missing operator leaves, listed by unmanaged.sql).
-- left_type: format_type of oprleft, NULL for a prefix operator; right_type: of oprright.
-- function: the function's name, bare in public, else schema.name (pg_catalog's too, and a public one that
--   pg_catalog's of the same name and inputs hides, which a bare name would find).
-- restrict, join: the estimators' names, bare in pg_catalog and public, else schema.name; NULL where unset.
-- owner: the owning role's name.
-- commutator, negator: the operator's name, bare in the operator's own schema, else schema.name; NULL where unset.
-- A part of these names that holds a dot or a double quote is quoted as schema.yaml writes it (fn-x."abs.lt":
-- pg.names.reference_part).
-- Parameter: schemas, an array of schema names. One row per operator.
-- fn and op are NOT MATERIALIZED: named by 3 and 2 subqueries, each was materialized whole (every pg_proc,
-- pg_operator row) and each subquery scanned it all for its one oid: 1.4 s at 1,000 operators. Inlined, each is a
-- lookup by oid.
WITH fn AS NOT MATERIALIZED (
  SELECT p.oid, /* include quoted_part(name=n.nspname) */ AS schema_name, /* include quoted_part(name=p.proname) */ AS name,
         n.nspname = 'public' AND /* include pg_catalog_hides(proc=p) */ AS hidden
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
), op AS NOT MATERIALIZED (
  SELECT o.oid, o.oprnamespace, /* include quoted_part(name=n.nspname) */ AS schema_name, o.oprname::text AS name
  FROM pg_catalog.pg_operator o
  JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
)
SELECT n.nspname::text AS schema_name,
       o.oprname::text AS operator_name,
       CASE WHEN o.oprleft <> 0 THEN pg_catalog.format_type(o.oprleft, NULL) END AS left_type,
       pg_catalog.format_type(o.oprright, NULL) AS right_type,
       (SELECT CASE WHEN schema_name = 'public' AND NOT hidden THEN name ELSE schema_name || '.' || name END
        FROM fn WHERE fn.oid = o.oprcode) AS function,
       (SELECT CASE WHEN schema_name IN ('pg_catalog', 'public') THEN name ELSE schema_name || '.' || name END
        FROM fn WHERE fn.oid = o.oprrest) AS restrict,
       (SELECT CASE WHEN schema_name IN ('pg_catalog', 'public') THEN name ELSE schema_name || '.' || name END
        FROM fn WHERE fn.oid = o.oprjoin) AS join,
       (SELECT CASE WHEN op.oprnamespace = o.oprnamespace THEN op.name ELSE op.schema_name || '.' || op.name END
        FROM op WHERE op.oid = o.oprcom) AS commutator,
       (SELECT CASE WHEN op.oprnamespace = o.oprnamespace THEN op.name ELSE op.schema_name || '.' || op.name END
        FROM op WHERE op.oid = o.oprnegate) AS negator,
       o.oprcanhash AS hashes,
       o.oprcanmerge AS merges,
       d.description AS comment,
       pg_catalog.pg_get_userbyid(o.oprowner)::text AS owner
FROM pg_catalog.pg_operator o
JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = o.oid AND d.classoid = 'pg_catalog.pg_operator'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND o.oprcode <> 0
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                  WHERE dep.classid = 'pg_catalog.pg_operator'::regclass AND dep.objid = o.oid AND dep.deptype = 'e')
ORDER BY n.nspname COLLATE "C", o.oprname COLLATE "C", o.oid;
