-- ALTER DEFAULT PRIVILEGES: one row per entry of pg_default_acl's lists (aclexplode), the role's own
-- entries too (the caller leaves them out of a list for every schema where they are its defaults), or one row with a NULL grantee for a list that holds nothing. schema_name NULL:
-- for every schema (the list replaces Postgres's default), else for the requested schemas only (the list
-- adds to it). object_type: defaclobjtype (r tables, S sequences, f functions, T types, n schemas, L large objects).
-- Readable by every role. Parameter: schemas, an array of schema names.
SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::text AS role_name,
       n.nspname::text AS schema_name,
       d.defaclobjtype::text AS object_type,
       CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(e.grantee)::text END AS grantee,
       e.privilege_type AS privilege,
       e.is_grantable AS grantable
FROM pg_catalog.pg_default_acl d
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
LEFT JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) AS e ON true
WHERE d.defaclnamespace = 0 OR n.nspname = ANY (%(schemas)s::name[])
ORDER BY 1, 2, 3;
