-- ALTER DEFAULT PRIVILEGES: one row per entry of pg_default_acl's lists (aclexplode), the role's own
-- entries too (the caller leaves them out of a list for every schema where they are its defaults), or one row with a NULL grantee for a list that holds nothing. schema_name NULL:
-- for every schema (the list replaces Postgres's default), else for the requested schemas only (the list
-- adds to it), and for the schemas an extension's script made (pg_cron's cron: extension_name names it), whatever
-- schemas are requested (the requested ones leave extensions' schemas out). object_type: defaclobjtype (r tables,
-- S sequences, f functions, T types, n schemas, L large objects).
-- Readable by every role. Parameter: schemas, an array of schema names.
SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::text AS role_name,
       n.nspname::text AS schema_name,
       d.defaclobjtype::text AS object_type,
       CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(e.grantee)::text END AS grantee,
       e.privilege_type AS privilege,
       e.is_grantable AS grantable,
       x.extname::text AS extension_name
FROM pg_catalog.pg_default_acl d
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
LEFT JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) AS e ON true
LEFT JOIN LATERAL (SELECT ext.extname
                   FROM pg_catalog.pg_depend dep
                   JOIN pg_catalog.pg_extension ext ON ext.oid = dep.refobjid
                   WHERE dep.classid = 'pg_catalog.pg_namespace'::regclass AND dep.objid = d.defaclnamespace
                     AND dep.refclassid = 'pg_catalog.pg_extension'::regclass AND dep.deptype = 'e') x ON true
WHERE d.defaclnamespace = 0 OR n.nspname = ANY (%(schemas)s::name[]) OR x.extname IS NOT NULL
ORDER BY 1, 2, 3;
