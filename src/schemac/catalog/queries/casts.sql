-- User-defined casts of the database (CREATE CAST: they belong to no schema): not Postgres's own (oid below
-- FirstNormalObjectId), not those an extension owns (pg_depend deptype 'e'), not those Postgres made with
-- another object (deptype 'i': a range type's cast to its multirange type).
-- source_type, target_type: format_type of castsource and casttarget (bare where the search path finds them).
-- function: castfunc as `name(types)`, bare in public (but public.name(types) where pg_catalog's of the same name and
-- inputs hides it, which a bare name would find), else `schema.name(types)`, the types as format_type
-- prints them, a part of the name that holds a dot or a double quote quoted as schema.yaml writes it
-- (fn-x."m.text"(money): pg.names.reference_part); NULL for WITHOUT FUNCTION (method 'b') and WITH INOUT (method 'i').
-- One row per cast.
SELECT pg_catalog.format_type(ca.castsource, NULL) AS source_type,
       pg_catalog.format_type(ca.casttarget, NULL) AS target_type,
       (SELECT CASE WHEN n.nspname = 'public' AND NOT /* include pg_catalog_hides(proc=p) */ THEN '' ELSE /* include quoted_part(name=n.nspname) */ || '.' END || /* include quoted_part(name=p.proname) */
               || '(' || coalesce((SELECT string_agg(pg_catalog.format_type(a.t, NULL), ', ' ORDER BY a.i)
                                   FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)), '') || ')'
        FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE p.oid = ca.castfunc) AS function,
       ca.castmethod::text AS method,
       ca.castcontext::text AS context,
       d.description AS comment
FROM pg_catalog.pg_cast ca
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = ca.oid AND d.classoid = 'pg_catalog.pg_cast'::regclass AND d.objsubid = 0
WHERE ca.oid >= 16384  -- FirstNormalObjectId: not one of Postgres's own
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                  WHERE dep.classid = 'pg_catalog.pg_cast'::regclass AND dep.objid = ca.oid
                    AND dep.deptype IN ('e', 'i'))
ORDER BY pg_catalog.format_type(ca.castsource, NULL) COLLATE "C", pg_catalog.format_type(ca.casttarget, NULL) COLLATE "C";
