-- Foreign servers of the database (they belong to no schema), not those an extension owns (pg_depend
-- deptype 'e'). options: srvoptions as [[name, value], ...] in the catalog's order, but those naming a credential
-- (credential_option.sql: never read; unmanaged.sql lists their keys). User mappings (whose
-- options hold passwords) are not read here (the access list is privileges.sql's, by server_oid): unmanaged.sql lists them by name only.
SELECT s.oid AS server_oid,
       s.srvname::text AS server_name,
       w.fdwname::text AS wrapper,
       s.srvtype::text AS server_type,
       s.srvversion::text AS server_version,
       COALESCE((SELECT json_agg(json_build_array(o.option_name, o.option_value) ORDER BY o.n)
                 FROM pg_catalog.pg_options_to_table(s.srvoptions) WITH ORDINALITY AS o(option_name, option_value, n)
                 WHERE NOT /* include credential_option(name=o.option_name) */),
                '[]'::json) AS options,
       pg_catalog.pg_get_userbyid(s.srvowner)::text AS owner,
       d.description AS comment
FROM pg_catalog.pg_foreign_server s
JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = s.oid AND d.classoid = 'pg_catalog.pg_foreign_server'::regclass AND d.objsubid = 0
WHERE NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_foreign_server'::regclass
          AND dep.objid = s.oid
          AND dep.deptype = 'e')
ORDER BY s.srvname COLLATE "C";
