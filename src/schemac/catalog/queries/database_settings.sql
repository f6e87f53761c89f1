-- The database's own settings (ALTER DATABASE ... SET: pg_db_role_setting with setrole 0 and this database), one row
-- per setting as Postgres keeps it (`search_path="$user", public, topo`: the name in its own spelling, a list
-- setting's items joined by ", ", as pg_proc.proconfig). Not a custom setting (a name with a dot, `app.jwt_secret`:
-- its value may be a secret, unmanaged.sql lists it by name), nor a role's (ALTER ROLE ... IN DATABASE: unmanaged.sql).
SELECT pg_catalog.split_part(cfg, '=', 1) AS setting_name,
       pg_catalog.substr(cfg, pg_catalog.strpos(cfg, '=') + 1) AS setting_value
FROM pg_catalog.pg_db_role_setting s
CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) cfg
WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
  AND s.setrole = 0
  AND pg_catalog.strpos(pg_catalog.split_part(cfg, '=', 1), '.') = 0
ORDER BY 1;
