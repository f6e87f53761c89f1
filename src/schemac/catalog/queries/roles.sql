-- The roles of the cluster (pg_roles, readable by every role): schema.yaml names roles, never creates
-- them, and a role it names that does not exist is an error of `diff`. One row per role; owns_database:
-- the database's owner (inspect leaves implicit the owner of what that role owns); runs_migrations: the owner of
-- sqlx's `_sqlx_migrations` in any schema (the role the migrations run as: what it owns is no drift where
-- schema.yaml pins no owner, compare.given_back).
SELECT r.rolname::text AS role_name,
       r.oid = (SELECT d.datdba FROM pg_catalog.pg_database d WHERE d.datname = current_database()) AS owns_database,
       r.oid IN (SELECT c.relowner FROM pg_catalog.pg_class c
                 WHERE c.relname = '_sqlx_migrations' AND c.relkind IN ('r', 'p')) AS runs_migrations
FROM pg_catalog.pg_roles r
ORDER BY 1;
