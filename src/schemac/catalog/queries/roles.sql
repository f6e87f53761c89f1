-- The roles of the cluster (pg_roles, readable by every role): schema.yaml names roles, never creates
-- them, and a role it names that does not exist is an error of `diff`. One row per role; is_current: the
-- role that reads (inspect leaves implicit the owner of what that role owns).
SELECT r.rolname::text AS role_name, r.rolname = current_user AS is_current
FROM pg_catalog.pg_roles r
ORDER BY 1;
