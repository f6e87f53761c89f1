-- Installed extensions, except plpgsql (every database has it). Extensions belong to the database,
-- not to a schema: all are returned whatever schemas are requested (the parameter is not used).
-- comment: COMMENT ON EXTENSION where it differs from the extension's own (pg_available_extensions reads
-- the control files: only for an extension with a comment); '' where the comment was removed (COMMENT ... IS NULL)
-- from an extension whose control file has one (NULL would say "not compared"). One row per extension.
-- member_grants: GRANT/REVOKE made on the extension's own relations, routines, types and schemas since its script ran (what
-- pg_dump writes for them): each access-list entry of the object now that its initial list (pg_init_privs, or the
-- kind's default where none was recorded) lacks, ['+'], and each entry of the initial list now gone, ['-'], as
-- [object, '+' or '-', grantee or PUBLIC, privilege, grantable, grantor or NULL for the object's owner]; the object
-- as GRANT names it (TABLE, SEQUENCE, ROUTINE, TYPE or SCHEMA, a schema its script creates, and pg_identify_object's
-- identity: qualified names, a routine's argument types qualified too). An entry of the initial list held now with another grant option is a
-- '+' (or kept, when it only lost the option); column grants are listed as not managed (unmanaged.sql).
SELECT e.extname::text AS extension_name,
       n.nspname::text AS schema_name,
       CASE WHEN d.description IS DISTINCT FROM (SELECT a.comment FROM pg_catalog.pg_available_extensions a
                                                WHERE a.name = e.extname)
            THEN COALESCE(d.description, '') END AS comment,
       (SELECT COALESCE(jsonb_agg(jsonb_build_array(g.obj, g.act, g.grantee, g.priv, g.grantable, g.grantor)
                                  ORDER BY g.obj COLLATE "C", g.act, g.grantee COLLATE "C", g.priv,
                                           g.grantor COLLATE "C", g.grantable), '[]'::jsonb)
        FROM (SELECT m.obj, x.act,
                     CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END AS grantee,
                     x.priv, x.grantable,
                     CASE WHEN x.grantor <> m.owner THEN pg_catalog.pg_get_userbyid(x.grantor)::text END AS grantor
              FROM (SELECT CASE WHEN o.type = 'sequence' THEN 'SEQUENCE ' WHEN p.oid IS NOT NULL THEN 'ROUTINE '
                                WHEN t.oid IS NOT NULL THEN 'TYPE ' WHEN ns.oid IS NOT NULL THEN 'SCHEMA '
                                ELSE 'TABLE ' END || o.identity AS obj,
                           COALESCE(c.relowner, p.proowner, t.typowner, ns.nspowner) AS owner,
                           COALESCE(c.relacl, p.proacl, t.typacl, ns.nspacl) AS now,
                           COALESCE(ip.initprivs, pg_catalog.acldefault(
                               CASE WHEN c.relkind = 'S' THEN 's' WHEN c.oid IS NOT NULL THEN 'r'
                                    WHEN p.oid IS NOT NULL THEN 'f' WHEN ns.oid IS NOT NULL THEN 'n' ELSE 'T' END::"char",
                               COALESCE(c.relowner, p.proowner, t.typowner, ns.nspowner))) AS was
                    FROM pg_catalog.pg_depend dp
                    LEFT JOIN pg_catalog.pg_class c ON dp.classid = 'pg_catalog.pg_class'::regclass AND c.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_proc p ON dp.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_type t ON dp.classid = 'pg_catalog.pg_type'::regclass AND t.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_namespace ns
                           ON dp.classid = 'pg_catalog.pg_namespace'::regclass AND ns.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_init_privs ip
                           ON ip.classoid = dp.classid AND ip.objoid = dp.objid AND ip.objsubid = 0
                    CROSS JOIN LATERAL pg_catalog.pg_identify_object(dp.classid, dp.objid, 0) o
                    WHERE dp.refobjid = e.oid AND dp.refclassid = 'pg_catalog.pg_extension'::regclass
                      AND dp.deptype = 'e' AND COALESCE(c.relacl, p.proacl, t.typacl, ns.nspacl) IS NOT NULL) m,
                   LATERAL (SELECT '+' AS act, a.grantee, a.grantor, a.privilege_type AS priv,
                                   a.is_grantable AS grantable
                            FROM pg_catalog.aclexplode(m.now) a
                            WHERE NOT EXISTS (SELECT FROM pg_catalog.aclexplode(m.was) b
                                              WHERE (b.grantee, b.grantor, b.privilege_type) = (a.grantee, a.grantor, a.privilege_type)
                                                AND (b.is_grantable OR NOT a.is_grantable))
                            UNION ALL
                            SELECT '-', a.grantee, m.owner, a.privilege_type, false FROM pg_catalog.aclexplode(m.was) a
                            WHERE NOT EXISTS (SELECT FROM pg_catalog.aclexplode(m.now) b
                                              WHERE (b.grantee, b.privilege_type) = (a.grantee, a.privilege_type))) x) g
       ) AS member_grants
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = e.oid AND d.classoid = 'pg_catalog.pg_extension'::regclass AND d.objsubid = 0
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname COLLATE "C";
