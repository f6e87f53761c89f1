-- The database's own settings (ALTER DATABASE ... SET: pg_db_role_setting with setrole 0 and this database), one row
-- per setting as Postgres keeps it (`search_path="$user", public, topo`: the name in its own spelling, a list
-- setting's items joined by ", ", as pg_proc.proconfig). Not a custom setting (a name with a dot, `app.jwt_secret`:
-- its value may be a secret, unmanaged.sql lists it by name), nor a role's (ALTER ROLE ... IN DATABASE: unmanaged.sql).
-- entry 'grant': the database's own access list (GRANT CREATE ON DATABASE ... TO r), one row per privilege of a
-- grantee other than its owner (setting_name the role, PUBLIC for oid 0; setting_value CONNECT, CREATE or TEMPORARY),
-- a NULL datacl read as Postgres's default (PUBLIC's CONNECT and TEMPORARY); an entry with a grant option or granted
-- by another role than the owner is unmanaged.sql's ('database grant'). entry 'comment': COMMENT ON DATABASE (pg_shdescription),
-- its text as setting_value, where it has one. entry 'no public': the database has no `public` schema (DROP SCHEMA
-- public). entry 'public member': what `public` holds (pg_depend on the namespace), at most two objects, setting_name
-- the relation's name ('' for an object that is no relation): whether it holds only sqlx's table.
SELECT 'setting' AS entry,
       pg_catalog.split_part(cfg, '=', 1) AS setting_name,
       pg_catalog.substr(cfg, pg_catalog.strpos(cfg, '=') + 1) AS setting_value
FROM pg_catalog.pg_db_role_setting s
CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) cfg
WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
  AND s.setrole = 0
  AND pg_catalog.strpos(pg_catalog.split_part(cfg, '=', 1), '.') = 0
UNION ALL
SELECT 'grant', CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END,
       x.privilege_type
FROM pg_catalog.pg_database d
CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(d.datacl, pg_catalog.acldefault('d'::"char", d.datdba))) x
WHERE d.datname = pg_catalog.current_database() AND x.grantee <> d.datdba AND x.grantor = d.datdba
  AND NOT x.is_grantable
UNION ALL
SELECT 'comment', '', pg_catalog.shobj_description(d.oid, 'pg_database')
FROM pg_catalog.pg_database d
WHERE d.datname = pg_catalog.current_database() AND pg_catalog.shobj_description(d.oid, 'pg_database') IS NOT NULL
UNION ALL
SELECT 'no public', '', '' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public')
UNION ALL
SELECT 'public member', COALESCE(c.relname::text, ''), ''
FROM (SELECT d.classid, d.objid FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_namespace n ON n.oid = d.refobjid AND n.nspname = 'public'
      WHERE d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.deptype = 'n' LIMIT 2) m
LEFT JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = m.objid
ORDER BY 1, 2, 3;
