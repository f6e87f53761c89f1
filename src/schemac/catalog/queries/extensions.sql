-- Installed extensions, except plpgsql (every database has it). Extensions belong to the database,
-- not to a schema: all are returned whatever schemas are requested (the parameter is not used).
-- comment: COMMENT ON EXTENSION where it differs from the extension's own (pg_available_extensions reads
-- the control files: only for an extension with a comment); '' where the comment was removed (COMMENT ... IS NULL)
-- from an extension whose control file has one (NULL would say "not compared"). One row per extension.
-- member_grants: GRANT/REVOKE made on the extension's own relations, routines, types and schemas since its script ran (what
-- pg_dump writes for them): each access-list entry of the object now that its initial list (pg_init_privs, or the
-- kind's default where none was recorded) lacks, ['+'], and each entry of the initial list now gone, ['-'], as
-- [object, '+' or '-', grantee or PUBLIC, privilege, grantable, grantor or NULL for the object's owner]; the object
-- as GRANT names it (TABLE, SEQUENCE, ROUTINE, TYPE, SCHEMA, a schema its script creates, or FOREIGN DATA WRAPPER, and pg_identify_object's
-- identity: qualified names, a routine's argument types qualified too). An entry of the initial list held now with another grant option is a
-- '+' (or kept, when it only lost the option); column grants are listed as not managed (unmanaged.sql).
-- member_owners: the extension's own objects whose owner is not the one its script gave them (ALTER ... OWNER TO made
-- since: pgstac's pgstac_admin_owns() takes every routine of its schema, unaccent's among them), as [object as ALTER
-- names it, owner]; members_owner: that one, the role that created the extension where it is a superuser, else the
-- bootstrap superuser (a trusted extension made by another role: its script runs as that superuser).
-- member_settings and member_comments: ALTER FUNCTION ... COST/ROWS/SET and COMMENT ON made on the extension's own
-- objects after its script ran, which Postgres records nowhere: told by the catalog row's transaction (xmin), which
-- is none of those that made the extension's objects (the xmin of its pg_depend 'e' rows, which are never updated)
-- nor the one of its last CREATE or UPDATE (pg_extension's row). A change made in the very transaction of CREATE
-- EXTENSION is not told apart (the migration makes them in a file of its own). member_settings: each routine so
-- changed whose settings are not Postgres's defaults (a cost or rows only where its access list and owner are the
-- script's: else they are taken for the script's), [routine as ALTER names it, procost, prorows (a set-returning
-- function's, else NULL), proconfig]; member_comments: [object as COMMENT ON names it, comment] (a column of its
-- relations or composite types too: COLUMN; a transform's aside: COMMENT ON names it otherwise than its identity).
-- detached: base types its script made and that were detached from it since (ALTER EXTENSION citext DROP TYPE citext),
-- which schemac does not make: a base type outside every extension whose input function is this extension's (its
-- input function must return it: no other type can have it; an array type's is array_in), as [TYPE and
-- pg_identify_object's identity].
-- version: the version installed (extversion); default_version: the one CREATE EXTENSION installs on this server
-- (its control file's, NULL without one), which inspect leaves unwritten.
WITH moved AS MATERIALIZED (  -- the extensions' own objects (of the kinds an owner can be given) owned by another role
    SELECT m.ext, m.classid, m.objid, m.owner
    FROM (SELECT dp.refobjid AS ext, dp.classid, dp.objid,
                 CASE dp.classid  -- each looked up by its oid
                 WHEN 'pg_catalog.pg_proc'::regclass THEN (SELECT proowner FROM pg_catalog.pg_proc WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_class'::regclass THEN (SELECT relowner FROM pg_catalog.pg_class WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_type'::regclass THEN (SELECT typowner FROM pg_catalog.pg_type WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_namespace'::regclass THEN (SELECT nspowner FROM pg_catalog.pg_namespace WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_operator'::regclass THEN (SELECT oprowner FROM pg_catalog.pg_operator WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_opclass'::regclass THEN (SELECT opcowner FROM pg_catalog.pg_opclass WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_opfamily'::regclass THEN (SELECT opfowner FROM pg_catalog.pg_opfamily WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_ts_dict'::regclass THEN (SELECT dictowner FROM pg_catalog.pg_ts_dict WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_ts_config'::regclass THEN (SELECT cfgowner FROM pg_catalog.pg_ts_config WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_collation'::regclass THEN (SELECT collowner FROM pg_catalog.pg_collation WHERE oid = dp.objid)
                 WHEN 'pg_catalog.pg_conversion'::regclass THEN (SELECT conowner FROM pg_catalog.pg_conversion WHERE oid = dp.objid)
                 END AS owner
          FROM pg_catalog.pg_depend dp
          WHERE dp.refclassid = 'pg_catalog.pg_extension'::regclass AND dp.deptype = 'e') m
    JOIN pg_catalog.pg_extension e ON e.oid = m.ext
    JOIN pg_catalog.pg_roles u ON u.oid = e.extowner
    WHERE m.owner <> CASE WHEN u.rolsuper THEN u.oid ELSE 10 END
      -- what follows another object's owner (looked for only where the owner differs): an index, a sequence a column
      -- owns, an array or multirange type, a relation's row type
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c
                      WHERE m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid
                        AND (c.relkind NOT IN ('r', 'p', 'v', 'm', 'S', 'f')
                             OR EXISTS (SELECT FROM pg_catalog.pg_depend sd
                                        WHERE sd.classid = 'pg_catalog.pg_class'::regclass AND sd.objid = c.oid
                                          AND sd.refclassid = 'pg_catalog.pg_class'::regclass AND sd.deptype IN ('a', 'i'))))
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_type t
                      WHERE m.classid = 'pg_catalog.pg_type'::regclass AND t.oid = m.objid
                        AND (t.typtype = 'm' OR EXISTS (SELECT FROM pg_catalog.pg_type b
                                                        WHERE b.oid = t.typelem AND b.typarray = t.oid)
                             -- a table's (view's...) row type, a member beside it: ALTER TYPE refuses it
                             OR EXISTS (SELECT FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid AND r.relkind <> 'c')))
)
, made AS MATERIALIZED (  -- the transactions that made each extension's objects
    SELECT dp.refobjid AS ext, array_agg(DISTINCT dp.xmin::text) AS xids
    FROM pg_catalog.pg_depend dp
    WHERE dp.refclassid = 'pg_catalog.pg_extension'::regclass AND dp.deptype = 'e'
    GROUP BY dp.refobjid
)
SELECT e.extname::text AS extension_name,
       n.nspname::text AS schema_name,
       CASE WHEN d.description IS DISTINCT FROM a.comment
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
                                WHEN fw.oid IS NOT NULL THEN 'FOREIGN DATA WRAPPER '
                                ELSE 'TABLE ' END || o.identity AS obj,
                           COALESCE(c.relowner, p.proowner, t.typowner, ns.nspowner, fw.fdwowner) AS owner,
                           COALESCE(c.relacl, p.proacl, t.typacl, ns.nspacl, fw.fdwacl) AS now,
                           COALESCE(ip.initprivs, pg_catalog.acldefault(
                               CASE WHEN c.relkind = 'S' THEN 's' WHEN c.oid IS NOT NULL THEN 'r'
                                    WHEN p.oid IS NOT NULL THEN 'f' WHEN ns.oid IS NOT NULL THEN 'n'
                                    WHEN fw.oid IS NOT NULL THEN 'F' ELSE 'T' END::"char",
                               COALESCE(c.relowner, p.proowner, t.typowner, ns.nspowner, fw.fdwowner))) AS was
                    FROM pg_catalog.pg_depend dp
                    LEFT JOIN pg_catalog.pg_class c ON dp.classid = 'pg_catalog.pg_class'::regclass AND c.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_proc p ON dp.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_type t ON dp.classid = 'pg_catalog.pg_type'::regclass AND t.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_namespace ns
                           ON dp.classid = 'pg_catalog.pg_namespace'::regclass AND ns.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_foreign_data_wrapper fw  -- postgres_fdw's: GRANT USAGE ON FOREIGN DATA WRAPPER
                           ON dp.classid = 'pg_catalog.pg_foreign_data_wrapper'::regclass AND fw.oid = dp.objid
                    LEFT JOIN pg_catalog.pg_init_privs ip
                           ON ip.classoid = dp.classid AND ip.objoid = dp.objid AND ip.objsubid = 0
                    CROSS JOIN LATERAL pg_catalog.pg_identify_object(dp.classid, dp.objid, 0) o
                    WHERE dp.refobjid = e.oid AND dp.refclassid = 'pg_catalog.pg_extension'::regclass
                      AND dp.deptype = 'e' AND COALESCE(c.relacl, p.proacl, t.typacl, ns.nspacl, fw.fdwacl) IS NOT NULL) m,
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
       ) AS member_grants,
       (SELECT COALESCE(jsonb_agg(jsonb_build_array(w.obj, w.owner) ORDER BY w.obj COLLATE "C"), '[]'::jsonb)
        FROM (SELECT CASE o.type WHEN 'function' THEN 'FUNCTION ' WHEN 'procedure' THEN 'PROCEDURE '
                                 WHEN 'aggregate' THEN 'AGGREGATE ' ELSE upper(o.type) || ' ' END || o.identity AS obj,
                     pg_catalog.pg_get_userbyid(m.owner)::text AS owner
              FROM moved m CROSS JOIN LATERAL pg_catalog.pg_identify_object(m.classid, m.objid, 0) o
              WHERE m.ext = e.oid) w
       ) AS member_owners,
       (SELECT COALESCE(jsonb_agg(jsonb_build_array(w.obj, w.cost, w.rows, w.config) ORDER BY w.obj COLLATE "C"),
                         '[]'::jsonb)
        FROM (SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || o.identity AS obj,
                     p.procost::float8 AS cost, CASE WHEN p.proretset THEN p.prorows::float8 END AS rows,
                     p.proconfig::text[] AS config
              FROM pg_catalog.pg_depend dp
              JOIN pg_catalog.pg_proc p ON p.oid = dp.objid
              JOIN pg_catalog.pg_language l ON l.oid = p.prolang
              LEFT JOIN pg_catalog.pg_init_privs ip
                     ON ip.classoid = dp.classid AND ip.objoid = dp.objid AND ip.objsubid = 0
              CROSS JOIN LATERAL pg_catalog.pg_identify_object(dp.classid, dp.objid, 0) o
              WHERE dp.refobjid = e.oid AND dp.refclassid = 'pg_catalog.pg_extension'::regclass AND dp.deptype = 'e'
                AND dp.classid = 'pg_catalog.pg_proc'::regclass AND p.prokind IN ('f', 'p')
                AND NOT p.xmin::text = ANY (mk.xids || e.xmin::text)
                AND (p.proconfig IS NOT NULL
                     -- a cost or rows other than Postgres's default is the script's own where the row was changed by a
                     -- GRANT or REVOKE or ALTER ... OWNER TO as well (GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public
                     -- changes every PostGIS routine's row, 457 of which have a COST of the script's)
                     OR ((p.procost <> CASE WHEN l.lanname IN ('c', 'internal') THEN 1 ELSE 100 END
                          OR (p.proretset AND p.prorows <> 1000))
                         AND p.proowner = (SELECT CASE WHEN u.rolsuper THEN u.oid ELSE 10 END
                                           FROM pg_catalog.pg_roles u WHERE u.oid = e.extowner)
                         AND COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))
                             = COALESCE(ip.initprivs, pg_catalog.acldefault('f', p.proowner))))) w
       ) AS member_settings,
       (SELECT COALESCE(jsonb_agg(jsonb_build_array(w.obj, w.description) ORDER BY w.obj COLLATE "C"), '[]'::jsonb)
        FROM (SELECT CASE WHEN ds.objsubid <> 0 THEN 'COLUMN'
                          WHEN o.type = 'foreign-data wrapper' THEN 'FOREIGN DATA WRAPPER'
                          ELSE upper(o.type) END || ' ' || o.identity AS obj,
                     ds.description
              FROM pg_catalog.pg_depend dp
              JOIN pg_catalog.pg_description ds ON ds.classoid = dp.classid AND ds.objoid = dp.objid
              CROSS JOIN LATERAL pg_catalog.pg_identify_object(dp.classid, dp.objid, ds.objsubid) o
              WHERE dp.refobjid = e.oid AND dp.refclassid = 'pg_catalog.pg_extension'::regclass AND dp.deptype = 'e'
                AND NOT ds.xmin::text = ANY (mk.xids || e.xmin::text)
                AND o.type IN ('function', 'procedure', 'aggregate', 'type', 'domain', 'table', 'view', 'materialized view',
                               'sequence', 'foreign table', 'schema', 'operator', 'operator class', 'operator family',
                               'text search dictionary', 'text search configuration', 'text search parser',
                               'text search template', 'collation', 'conversion', 'cast', 'access method',
                               'event trigger', 'server', 'foreign-data wrapper', 'language', 'table column',
                               'view column', 'materialized view column', 'foreign table column',
                               'composite type column')) w
       ) AS member_comments,
       (SELECT COALESCE(jsonb_agg('TYPE ' || o.identity ORDER BY o.identity COLLATE "C"), '[]'::jsonb)
        FROM pg_catalog.pg_depend dp
        JOIN pg_catalog.pg_type t ON t.typinput = dp.objid AND t.typtype = 'b'
        CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_type'::regclass, t.oid, 0) o
        WHERE dp.refobjid = e.oid AND dp.refclassid = 'pg_catalog.pg_extension'::regclass AND dp.deptype = 'e'
          AND dp.classid = 'pg_catalog.pg_proc'::regclass
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend x
                          WHERE x.classid = 'pg_catalog.pg_type'::regclass AND x.objid = t.oid AND x.deptype = 'e')
       ) AS detached,
       (SELECT CASE WHEN u.rolsuper THEN u.rolname ELSE pg_catalog.pg_get_userbyid(10) END::text
        FROM pg_catalog.pg_roles u WHERE u.oid = e.extowner) AS members_owner,
       e.extversion::text AS version,
       a.default_version::text AS default_version
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname  -- its control file's comment and default version
LEFT JOIN made mk ON mk.ext = e.oid
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = e.oid AND d.classoid = 'pg_catalog.pg_extension'::regclass AND d.objsubid = 0
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname COLLATE "C";
