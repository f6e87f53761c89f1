-- The roles of the cluster (pg_roles, readable by every role): schema.yaml names roles, never creates
-- them, and a role it names that does not exist is an error of `diff`. One row per role; owns_database:
-- the database's owner (inspect leaves implicit the owner of what that role owns).
SELECT r.rolname::text AS role_name,
       r.oid = (SELECT d.datdba FROM pg_catalog.pg_database d WHERE d.datname = current_database()) AS owns_database
FROM pg_catalog.pg_roles r
ORDER BY 1;
