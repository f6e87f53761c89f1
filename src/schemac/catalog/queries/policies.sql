-- Row-level security policies on the tables of the requested schemas (rows for tables tables.sql left
-- out are dropped by the caller). command: polcmd ('*' all, r select, a insert, w update, d delete);
-- roles: PUBLIC for the role oid 0, else the role's name; using / with_check: pg_get_expr of polqual
-- and polwithcheck. written_aliases: the aliases ending in _<digits> written in its conditions (their subqueries'
-- range tables' `:alias`, not those Postgres's print makes unique, `issues issues_1`), as views.sql's.
-- Parameter: schemas, an array of schema names. One row per policy.
SELECT pol.polrelid AS table_oid,
       pol.polname::text AS policy_name,
       pol.polcmd::text AS command,
       pol.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(r.oid)::text END
             FROM unnest(pol.polroles) AS r(oid)) AS roles,
       pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
       pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check_expr,
       d.description AS comment,
       ARRAY(SELECT pg_catalog.replace(m[1], '\', '')
             FROM pg_catalog.regexp_matches(COALESCE(pol.polqual::text, '') || ' ' || COALESCE(pol.polwithcheck::text, ''),
                                            ':alias \{ALIAS :aliasname ((?:[^\s\\]|\\.)*_[0-9]+) ', 'g') m) AS written_aliases
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = pol.oid AND d.classoid = 'pg_catalog.pg_policy'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p')
ORDER BY pol.polrelid, pol.polname COLLATE "C";
