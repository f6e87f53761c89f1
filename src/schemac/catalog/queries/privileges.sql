-- Owners and access lists of the tables, views, materialized views, sequences, functions and types of the requested schemas (and of
-- the schemas themselves, and of the database's foreign servers and foreign-data wrappers), and the column privileges of those relations: one row per access-list entry
-- (aclexplode), or one row with a NULL grantee for an object whose list holds nothing. The owner's own entries
-- are read where the list is not NULL (the caller keeps them where they are not its defaults: REVOKE INSERT ON t
-- FROM its owner, a grant option it gave itself, an access list of '{}'); a NULL list is Postgres's default for the
-- owner (acldefault): the owner's privileges, and EXECUTE for PUBLIC on a function, USAGE on a type. grantee:
-- PUBLIC for the role oid 0. grantor: NULL when the owner granted it (or a superuser did), else the role holding
-- the grant option that did. explicit: the object's own list is not NULL (never on a column's row).
-- catalog: 'class' (tables, views and sequences, by pg_class oid), 'proc' (functions, procedures, aggregates: pg_proc oid), 'namespace', 'type'
-- (enums, domains, range types, their multiranges and composite types of their own, by pg_type oid), 'server' (pg_foreign_server oid), 'wrapper' (pg_foreign_data_wrapper oid: the database's own, foreign_data_wrappers.sql's; an extension's are
-- extensions.sql's member_grants). kind: what its privileges are
-- (model.grants.PRIVILEGES' key).
-- namespace_name: set on a namespace's rows. column_name: set on column privileges (attacl; never a default). Rows for objects the other queries
-- left out are dropped by the caller. Reading needs no privilege beyond CONNECT (catalogs only).
-- Parameter: schemas, an array of schema names.
-- A relation's, a schema's, a server's or a wrapper's NULL list is read as no entry at all (acl NULL: aclexplode gives no row),
-- not as acldefault's: that default holds the owner's privileges only, which the filter below drops, so each such
-- object gives its one row with a NULL grantee either way (10,000 tables: 20,000 lists of 7 entries made and
-- dropped). A function's and a type's default also grant PUBLIC: those are still read from acldefault.
-- Column privileges are looked for among the columns that have an access list (pg_attribute read once, OFFSET 0
-- so it is not joined back per table), not among every column of each table (~12 index lookups a table).
WITH objects AS (
  SELECT 'class' AS catalog, c.oid, NULL::text AS name, c.relowner AS owner, NULL::text AS column_name,
         CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind, c.relacl IS NOT NULL AS explicit,
         c.relacl AS acl
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY (%(schemas)s::name[]) AND c.relkind IN ('r', 'p', 'f', 'S', 'v', 'm')
  UNION ALL
  SELECT 'class', c.oid, NULL, c.relowner, a.attname::text, 'table', false, a.attacl
  FROM (SELECT attrelid, attname, attacl, attnum, attisdropped FROM pg_catalog.pg_attribute WHERE attacl IS NOT NULL OFFSET 0) a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY (%(schemas)s::name[]) AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
    AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'proc', p.oid, NULL, p.proowner, NULL, 'function', p.proacl IS NOT NULL, COALESCE(p.proacl, pg_catalog.acldefault('f'::"char", p.proowner))
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = ANY (%(schemas)s::name[]) AND p.prokind IN ('f', 'p', 'a')
  UNION ALL
  SELECT 'type', t.oid, NULL, t.typowner, NULL, 'type', t.typacl IS NOT NULL, COALESCE(t.typacl, pg_catalog.acldefault('T'::"char", t.typowner))
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
  WHERE n.nspname = ANY (%(schemas)s::name[]) AND t.typtype IN ('e', 'd', 'r', 'm', 'c')
    AND (t.typtype <> 'c' OR c.relkind = 'c')
  UNION ALL
  SELECT 'server', s.oid, NULL, s.srvowner, NULL, 'foreign server', s.srvacl IS NOT NULL,
         s.srvacl
  FROM pg_catalog.pg_foreign_server s  -- the database's, whatever schemas are requested (foreign_servers.sql)
  UNION ALL
  SELECT 'wrapper', w.oid, NULL, w.fdwowner, NULL, 'foreign data wrapper', w.fdwacl IS NOT NULL, w.fdwacl
  FROM pg_catalog.pg_foreign_data_wrapper w  -- likewise (foreign_data_wrappers.sql)
  UNION ALL
  SELECT 'namespace', n.oid, n.nspname::text, n.nspowner, NULL, 'schema', n.nspacl IS NOT NULL, n.nspacl
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname = ANY (%(schemas)s::name[])
)
SELECT o.catalog,
       o.oid AS object_oid,
       o.name AS namespace_name,
       pg_catalog.pg_get_userbyid(o.owner)::text AS owner,
       o.column_name,
       o.kind,
       o.explicit,
       CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(e.grantee)::text END AS grantee,
       e.privilege_type AS privilege,
       e.is_grantable AS grantable,
       CASE WHEN e.grantor <> o.owner THEN pg_catalog.pg_get_userbyid(e.grantor)::text END AS grantor
FROM objects o
LEFT JOIN LATERAL (
  SELECT x.grantee, x.privilege_type, x.is_grantable, x.grantor
  FROM pg_catalog.aclexplode(o.acl) AS x
  WHERE x.grantee <> o.owner OR o.explicit OR o.column_name IS NOT NULL
) e ON true;  -- in no order: the caller merges and sorts each object's list (by code point)
