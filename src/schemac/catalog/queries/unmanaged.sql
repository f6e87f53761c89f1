-- Objects of the requested schemas that schemac reads but does not manage, listed so a report can
-- name them (never diffed): one row per object, (kind, schema_name, object_name).
--   foreign table        pg_class relkind 'f' in an inheritance tree, not a partition (the others are managed as
--                        tables: tables.sql; views and materialized views are managed: views.sql)
--   function (plain and window), procedure, aggregate   pg_proc prokind 'f'/'w', 'p', 'a': those
--             functions.sql does not manage (window functions, C and internal ones of a base type:
--             managed_language.sql; aggregates.sql
--             manages every aggregate); not those internal to
--             another object (a range type's constructor functions, whose privileges range_types.sql reads); one
--             row per overload, named without
--             arguments
--   trigger   "table.trigger": user triggers on a foreign table in an inheritance tree, not a partition (those
--             on tables, views and other foreign tables are managed: triggers.sql); not internal ones, not the clones
--             Postgres puts on partitions
--   policy    "relation.policy": policies on relations that are not tables (those on tables are
--             managed: policies.sql)
--   rule      "relation.rule": rewrite rules on relations that are not tables or views (those on tables and
--             views are managed: rules.sql; a view's _RETURN rule is its body)
--   type      base types (not the array types Postgres creates alongside): CREATE TYPE t (INPUT = ..., OUTPUT = ...)
--             over I/O functions in C or internal (Postgres's own C symbols), which schemac does not make: a column
--             of one names it under external_types, and the migration expects it there; composite and range types
--             are managed (composite_types.sql, range_types.sql)
--   shell type  CREATE TYPE t; never completed by CREATE TYPE t (...) (pg_type typtype 'p', not typisdefined): it
--             holds nothing, but a migration does not make it
--   operator ("name(left, right)"): shells only (oprcode 0: a COMMUTATOR or NEGATOR named before its
--             operator was made; the others are managed: operators.sql), operator class ("name USING method": a class
--             of a family in a schema not read, or an extension's; the others are managed: operator_classes.sql, and
--             every family of the schemas read: operator_families.sql; but a class or family of an access method
--             the database made, CREATE ACCESS METHOD, which is not managed), conversion, text search parser and template (a
--             database's own casts are managed: casts.sql)
-- Objects owned by an extension (pg_depend deptype 'e') are left out, and so are the indexes, constraints, triggers,
-- policies, rules, defaults and statistics objects of a relation owned by one that its script made (not members of
-- their own: told by the transaction of their pg_depend row on the relation, one of those that made the extension's
-- members or its last CREATE or UPDATE, as extensions.sql tells changes made since); those made since (CREATE INDEX
-- ON spatial_ref_sys, ALTER TABLE ... ADD CONSTRAINT) are listed: kind 'made on an extension's relation', the object
-- as pg_describe_object names it. One made in the very transaction of CREATE EXTENSION is taken for the script's. Foreign data wrappers (those whose handler or validator is a function of
-- the database's own, with their access lists; the others are managed, grants too: foreign_data_wrappers.sql,
-- privileges.sql) and user mappings belong to the
-- database, not a schema: listed with an empty schema_name, whatever schemas are requested (event
-- triggers, publications and foreign servers, the database's too, are managed: event_triggers.sql,
-- publications.sql, foreign_servers.sql). A user mapping is listed as "role@server", never its options
-- (they hold passwords): pg_user_mappings' umoptions is not read. A server's access list is managed (privileges.sql).
-- An option of a wrapper, a server, a foreign table or its column whose key names a credential (credential_option.sql:
-- `password`, `passfile`, `api_key`...; the queries that read options leave it out): kind 'credential option', by its
-- key alone, "server s: password", "wrapper w: api_key" (the database's), "t: password", "t.c: password".
-- Column privileges changed on an extension's own relations (GRANT SELECT (col) after CREATE EXTENSION): kind
-- 'extension column privileges', "relation.column", where the column's access list is not the one the extension's
-- script left (pg_init_privs); the extension's grants on whole objects are managed (extensions.sql's member_grants).
-- Privileges changed on Postgres's own objects (GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_reset(), GRANT USAGE ON
-- LANGUAGE plpgsql: pg_dump writes them, relative to pg_init_privs): kind 'system object privileges', the object as
-- pg_describe_object names it, where its access list is not the initial one (initdb's, or the kind's default).
-- PostgreSQL 17 and later: a relation whose owner holds every privilege of a table but MAINTAIN, none with a grant
-- option nor from another grantor (REVOKE MAINTAIN ON t FROM its owner), and a role's default privileges on tables,
-- database-wide, that leave it the same: kind 'owner without MAINTAIN', "relation" or "tables of role (default
-- privileges)". schema.yaml counts such an owner as holding its defaults (it is written for every major, and before 17
-- those are the seven privileges: model.grants.owner_holds_defaults), so the migration would give it MAINTAIN back:
-- said rather than lost.
-- A table, partitioned table, materialized view or index in a tablespace other than the database's default: kind
-- 'tablespace', "relation in tablespace" (schemac writes no TABLESPACE clause: the relation is managed, where it
-- lives is not, and is said so rather than lost).
-- Access methods CREATE ACCESS METHOD made (an extension's are left out, Postgres's own have system OIDs): kind
-- 'access method', the database's, with an empty schema_name; and a table, partitioned table or materialized view
-- using a table access method other than heap (CREATE TABLE ... USING, ALTER TABLE ... SET ACCESS METHOD): kind
-- 'table access method', "relation using method" (schemac writes no USING clause: said so rather than lost, as a
-- tablespace). An index's method is managed (indexes.sql).
-- Transforms (CREATE TRANSFORM FOR type LANGUAGE lang: an extension's are left out): kind 'transform', the database's,
-- "for type language lang".
-- Custom settings of this database (ALTER DATABASE ... SET app.x: kind 'custom database setting', the setting's name; Postgres's
-- own are managed: database_settings.sql) and ALTER ROLE ... IN DATABASE ... SET (kind 'role setting in database',
-- "setting for role"), by name alone (a value may be a secret), the database's. An entry of the database's own access
-- list with a grant option or by another grantor than its owner: kind 'database grant', "PRIVILEGE for role".
-- A comment on one of the foreign key rows Postgres adds on a referencing table for each partition of a referenced
-- partitioned table (conparentid: a row of the same table; its name is Postgres's): kind 'foreign key row comment',
-- "table.constraint", and on a partition's clone of its parent's foreign key that Postgres named otherwise than the
-- parent's (the name was taken); the others are managed: tables.sql's copy_comments.
-- Languages CREATE [TRUSTED] LANGUAGE made without an extension (plpgsql and the other procedural languages are
-- extensions' members; sql, c and internal are Postgres's own): kind 'language', the database's, by name (functions in
-- one are listed too: managed_language.sql). Large objects (lo_create, lo_import: pg_largeobject_metadata, with their
-- owners, comments and grants, which pg_dump carries beside the schema): one row whatever their count, kind
-- 'large objects', "N objects" and how many have a comment or an access list. Security labels (SECURITY LABEL FOR
-- provider ON ...: pg_seclabel, and the database's own in pg_shseclabel; a label provider is a server module such as
-- sepgsql): kind 'security label', the object as pg_describe_object names it and the provider, never the label, of
-- every schema (a label names no schema of its own), the database's.
-- Text search dictionaries whose template, and configurations whose parser (or a dictionary they map to), is the
-- database's own (CREATE TEXT SEARCH TEMPLATE / PARSER, listed above): kind 'text search dictionary' and
-- 'text search configuration' (the others are managed: text_search_dictionaries.sql, text_search_configs.sql; the
-- migration would create them before, or without, what they are made of).
-- Subscriptions of this database are listed by name alone: their connection strings are never read. Enums and domains are managed (enums.sql, domains.sql), and
-- so are EXCLUDE constraints (exclusions.sql); a comment on a partition's copy of one (or on its index) is listed, kind
-- 'exclusion copy comment', "partition.constraint".
-- Parameter: schemas, an array of schema names.
WITH ext_owned AS (
  SELECT dep.classid, dep.objid
  FROM pg_catalog.pg_depend dep  -- a member's row names its extension: read by pg_depend_reference_index, not a
  WHERE dep.refclassid = 'pg_catalog.pg_extension'::regclass AND dep.deptype = 'e'  -- scan of all of pg_depend
), ext_made AS MATERIALIZED (  -- the transactions that made each extension's members (their 'e' rows, never updated)
  SELECT dp.refobjid AS ext, array_agg(DISTINCT dp.xmin::text) AS xids
  FROM pg_catalog.pg_depend dp
  WHERE dp.refclassid = 'pg_catalog.pg_extension'::regclass AND dp.deptype = 'e'
  GROUP BY dp.refobjid
), system_ns AS (
  SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = 'pg_catalog'  -- pg_dump leaves information_schema out
), rels AS MATERIALIZED (  -- pg_class read once for the branches below that look for relations by their kind or columns
  -- (foreign tables; an access list; a table access method not heap; a table of a schema not read): few rows, where
  -- each branch scanned pg_class whole (five scans, 2,290 pages each at 10,000 tables)
  SELECT c.oid, c.relname, c.relnamespace, c.relkind, c.relispartition, c.relowner, c.relacl, c.relam, n.nspname,
         n.nspname = ANY (%(schemas)s::name[]) AS read
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'f'
     OR c.relacl IS NOT NULL
     OR (c.relkind IN ('r', 'p', 'm') AND c.relam <> 0
         AND c.relam NOT IN (SELECT am.oid FROM pg_catalog.pg_am am WHERE am.amname = 'heap'))
     OR (c.relkind IN ('r', 'p') AND NOT n.nspname = ANY (%(schemas)s::name[])
         AND n.nspname NOT IN ('pg_catalog', 'information_schema'))
)
SELECT 'foreign table' AS kind,
       c.nspname::text AS schema_name,
       c.relname::text AS object_name
FROM rels c  -- the foreign tables first: an empty pg_inherits is costed nothing, and its EXISTS came before relkind
WHERE c.relkind = 'f' AND c.read
  AND (NOT c.relispartition AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits fi WHERE fi.inhrelid = c.oid)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits fi WHERE fi.inhparent = c.oid))  -- each by its index
  AND (c.oid) NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
/* if functions */
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       n.nspname::text,
       p.proname::text
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND CASE p.prokind WHEN 'a' THEN false  -- aggregates.sql
                    WHEN 'w' THEN true
                    ELSE NOT /* include managed_language */ END
  AND p.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_proc'::regclass)
  AND NOT EXISTS (  -- part of another object: the constructors Postgres makes for a range type
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_proc'::regclass
          AND dep.objid = p.oid
          AND dep.deptype = 'i')
UNION ALL
/* if foreign_triggers */
SELECT 'trigger', n.nspname::text, c.relname::text || '.' || tg.tgname::text
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT tg.tgisinternal
  AND tg.tgparentid = 0
  AND c.relkind NOT IN ('r', 'p', 'v')
  AND (c.relkind <> 'f' OR NOT c.relispartition AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits fi WHERE fi.inhrelid = c.oid)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits fi WHERE fi.inhparent = c.oid))
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
/* if policies */
SELECT 'policy', n.nspname::text, c.relname::text || '.' || pol.polname::text
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind NOT IN ('r', 'p')
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL  -- a trigger, policy or view of a schema not read that runs or reads a function or relation of the schemas
           -- read (-n public: Supabase's trigger on auth.users running public.handle_new_user, a policy on
           -- storage.objects calling public.is_admin(), a view of schema api over public.profiles): not managed, but
           -- said rather than lost (the migration cannot drop what it needs: DROP FUNCTION refuses), "relation.trigger"
/* if triggers */
SELECT 'trigger of a schema not read', n.nspname::text, c.relname::text || '.' || tg.tgname::text
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc fp ON fp.oid = tg.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = fp.pronamespace
WHERE (fn.nspname = ANY (%(schemas)s::name[])
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend d  -- or whose WHEN calls one
                  JOIN pg_catalog.pg_proc wp ON d.refclassid = 'pg_catalog.pg_proc'::regclass AND wp.oid = d.refobjid
                  JOIN pg_catalog.pg_namespace wn ON wn.oid = wp.pronamespace
                  WHERE d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid = tg.oid AND d.deptype = 'n'
                    AND wn.nspname = ANY (%(schemas)s::name[])))
  AND NOT n.nspname = ANY (%(schemas)s::name[])
  AND NOT tg.tgisinternal AND tg.tgparentid = 0
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
/* if elsewhere */
SELECT CASE WHEN x.classid = 'pg_catalog.pg_policy'::regclass THEN 'policy of a schema not read'
            WHEN r.rulename <> '_RETURN' THEN 'rule of a schema not read'
            ELSE 'view of a schema not read' END, n.nspname::text,
       c.relname::text || COALESCE('.' || pol.polname::text, '') || CASE WHEN r.rulename <> '_RETURN'
                                                                      THEN '.' || r.rulename::text ELSE '' END
FROM (SELECT DISTINCT d.classid, d.objid FROM pg_catalog.pg_depend d
      LEFT JOIN pg_catalog.pg_proc rp ON d.refclassid = 'pg_catalog.pg_proc'::regclass AND rp.oid = d.refobjid
      LEFT JOIN pg_catalog.pg_class rc ON d.refclassid = 'pg_catalog.pg_class'::regclass AND rc.oid = d.refobjid
      JOIN pg_catalog.pg_namespace rn ON rn.oid = COALESCE(rp.pronamespace, rc.relnamespace)
      WHERE d.classid IN ('pg_catalog.pg_policy'::regclass, 'pg_catalog.pg_rewrite'::regclass) AND d.deptype = 'n'
        AND rn.nspname = ANY (%(schemas)s::name[])
        -- None, and nothing scanned, where no schema but those read exists: every view's reads were joined to find
        -- none (1,000 views of public read with -n public: the query's CPU 41 -> 32 ms).
        AND /* include schemas_elsewhere */) x
LEFT JOIN pg_catalog.pg_policy pol ON x.classid = 'pg_catalog.pg_policy'::regclass AND pol.oid = x.objid
LEFT JOIN pg_catalog.pg_rewrite r ON x.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = x.objid
JOIN pg_catalog.pg_class c ON c.oid = COALESCE(pol.polrelid, r.ev_class)
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT n.nspname = ANY (%(schemas)s::name[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL  -- a table of a schema not read inheriting a table of the schemas read, or a partition of one ("table"), and a
           -- foreign key of a table there referencing one ("table.constraint")
/* if elsewhere */
SELECT CASE WHEN x.conname IS NOT NULL THEN 'foreign key of a schema not read'
            WHEN c.relispartition THEN 'partition of a schema not read' ELSE 'child table of a schema not read' END,
       n.nspname::text, c.relname::text || COALESCE('.' || x.conname::text, '')
FROM rels c  -- (its tables; each one's parents and foreign keys by their indexes)
JOIN LATERAL (SELECT i.inhparent AS refid, NULL::name AS conname FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid
              UNION ALL
              SELECT k.confrelid, k.conname FROM pg_catalog.pg_constraint k
              WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.conparentid = 0) x ON true
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class pc ON pc.oid = x.refid
JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
WHERE pn.nspname = ANY (%(schemas)s::name[]) AND c.relkind IN ('r', 'p', 'f')
  AND NOT c.read AND c.nspname NOT IN ('pg_catalog', 'information_schema')
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL  -- a function or procedure of a SQL-standard body (BEGIN ATOMIC) of a schema not read that reads a relation
           -- or calls a function of the schemas read (an aggregate made of one is listed with the aggregates): "name(types)"
SELECT DISTINCT 'function of a schema not read', n.nspname::text,
       fp.proname::text || '(' || pg_catalog.oidvectortypes(fp.proargtypes) || ')'
FROM pg_catalog.pg_proc fp
JOIN pg_catalog.pg_namespace n ON n.oid = fp.pronamespace
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = fp.oid AND d.deptype = 'n'
LEFT JOIN pg_catalog.pg_proc rp ON d.refclassid = 'pg_catalog.pg_proc'::regclass AND rp.oid = d.refobjid
LEFT JOIN pg_catalog.pg_class rc ON d.refclassid = 'pg_catalog.pg_class'::regclass AND rc.oid = d.refobjid
JOIN pg_catalog.pg_namespace rn ON rn.oid = COALESCE(rp.pronamespace, rc.relnamespace)
WHERE fp.prosqlbody IS NOT NULL AND rn.nspname = ANY (%(schemas)s::name[])
  AND NOT n.nspname = ANY (%(schemas)s::name[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND fp.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_proc'::regclass)
UNION ALL  -- a member of a publication (the database's: read whatever the schemas) in a schema not read
           -- (-n public: Supabase's supabase_realtime holds the platform's realtime.messages beside the project's
           -- tables): the migration leaves it alone (plan.publication_ddl.made_or_joined), "table in publication"
/* if publications */
SELECT 'publication member of a schema not read', n.nspname::text, c.relname::text || ' in ' || p.pubname::text
FROM pg_catalog.pg_publication_rel pr
JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT n.nspname = ANY (%(schemas)s::name[])
UNION ALL  -- and a schema not read a publication holds whole (FOR TABLES IN SCHEMA realtime), "TABLES IN SCHEMA s in p"
/* if publications */
SELECT 'publication member of a schema not read', '', 'TABLES IN SCHEMA ' || pg_catalog.quote_ident(n.nspname)
                                                      || ' in ' || p.pubname::text
FROM pg_catalog.pg_publication_namespace pn
JOIN pg_catalog.pg_publication p ON p.oid = pn.pnpubid
JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid
WHERE NOT n.nspname = ANY (%(schemas)s::name[])
UNION ALL
/* if rules */
SELECT 'rule', n.nspname::text, c.relname::text || '.' || r.rulename::text
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND r.rulename <> '_RETURN'
  AND c.relkind NOT IN ('r', 'p', 'v')
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
/* if schema_objects */
SELECT 'operator', n.nspname::text, o.oprname::text || '(' || COALESCE(pg_catalog.format_type(o.oprleft, NULL), 'NONE')
                                     || ', ' || COALESCE(pg_catalog.format_type(o.oprright, NULL), 'NONE') || ')'
FROM pg_catalog.pg_operator o
JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND o.oprcode = 0
  AND o.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_operator'::regclass)
UNION ALL
/* if schema_objects */
SELECT 'operator class', n.nspname::text, oc.opcname::text || ' USING ' || am.amname::text
FROM pg_catalog.pg_opclass oc
JOIN pg_catalog.pg_namespace n ON n.oid = oc.opcnamespace
JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
JOIN pg_catalog.pg_opfamily f ON f.oid = oc.opcfamily
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND oc.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_opclass'::regclass)
  AND (NOT (EXISTS (SELECT 1 FROM pg_catalog.pg_opclass mk  -- else managed: operator_classes.sql
                    WHERE (mk.opcname, mk.opcnamespace, mk.opcmethod) = (f.opfname, f.opfnamespace, f.opfmethod))
            OR (f.opfnamespace IN (SELECT sn.oid FROM pg_catalog.pg_namespace sn WHERE sn.nspname = ANY (%(schemas)s::name[]))
                AND f.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_opfamily'::regclass)))
       OR (am.oid >= 16384 AND am.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_am'::regclass)))
UNION ALL  -- a family of an access method of the database's own (CREATE ACCESS METHOD is not managed)
/* if access_methods */
SELECT 'operator family', n.nspname::text, f.opfname::text || ' USING ' || am.amname::text
FROM pg_catalog.pg_opfamily f
JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
JOIN pg_catalog.pg_am am ON am.oid = f.opfmethod
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND f.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_opfamily'::regclass)
  AND (am.oid >= 16384 AND am.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_am'::regclass))
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_opclass oc  -- a class's own: listed with it
                  WHERE (oc.opcname, oc.opcnamespace, oc.opcmethod) = (f.opfname, f.opfnamespace, f.opfmethod))
UNION ALL
/* if schema_objects */
SELECT 'conversion', n.nspname::text, cv.conname::text
FROM pg_catalog.pg_conversion cv
JOIN pg_catalog.pg_namespace n ON n.oid = cv.connamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND cv.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_conversion'::regclass)
UNION ALL
/* if schema_objects */
SELECT 'text search parser', n.nspname::text, tp.prsname::text
FROM pg_catalog.pg_ts_parser tp
JOIN pg_catalog.pg_namespace n ON n.oid = tp.prsnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND tp.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_ts_parser'::regclass)
UNION ALL
/* if schema_objects */
SELECT 'text search template', n.nspname::text, tt.tmplname::text
FROM pg_catalog.pg_ts_template tt
JOIN pg_catalog.pg_namespace n ON n.oid = tt.tmplnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND tt.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_ts_template'::regclass)
UNION ALL
/* if schema_objects */
SELECT 'text search dictionary', n.nspname::text, dct.dictname::text
FROM pg_catalog.pg_ts_dict dct
JOIN pg_catalog.pg_namespace n ON n.oid = dct.dictnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND dct.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_ts_dict'::regclass)
  AND NOT /* include ts_dictionary_made */
UNION ALL
/* if schema_objects */
SELECT 'text search configuration', n.nspname::text, c.cfgname::text
FROM pg_catalog.pg_ts_config c
JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_ts_config'::regclass)
  AND NOT /* include ts_config_made */
UNION ALL
SELECT 'type', n.nspname::text, t.typname::text
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND t.typtype = 'b' AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_type elem WHERE elem.typarray = t.oid)
  AND t.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_type'::regclass)
UNION ALL
SELECT 'shell type', n.nspname::text, t.typname::text  -- CREATE TYPE name; never completed (nor made by a COMMUTATOR)
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND t.typtype = 'p' AND NOT t.typisdefined
  AND t.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_type'::regclass)
UNION ALL
/* if extension_relations */
SELECT 'extension column privileges', n.nspname::text, c.relname::text || '.' || a.attname::text
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.oid IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
  AND a.attnum > 0 AND NOT a.attisdropped
  AND ARRAY(SELECT x::text FROM unnest(COALESCE(a.attacl, '{}'::aclitem[])) x ORDER BY 1)
      IS DISTINCT FROM
      ARRAY(SELECT x::text
            FROM unnest(COALESCE((SELECT ip.initprivs FROM pg_catalog.pg_init_privs ip
                                  WHERE ip.classoid = 'pg_catalog.pg_class'::regclass AND ip.objoid = c.oid
                                    AND ip.objsubid = a.attnum), '{}'::aclitem[])) x
            ORDER BY 1)
UNION ALL  -- what was made on an extension's relation after its script ran, "index i", "constraint k on table t", ...
/* if extension_relations */
SELECT DISTINCT 'made on an extension''s relation', n.nspname::text, pg_catalog.pg_describe_object(d.classid, d.objid, 0)
FROM pg_catalog.pg_depend x  -- the relation's membership
JOIN pg_catalog.pg_class c ON c.oid = x.objid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_extension e ON e.oid = x.refobjid
JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = c.oid AND d.deptype = 'a'
WHERE x.classid = 'pg_catalog.pg_class'::regclass AND x.refclassid = 'pg_catalog.pg_extension'::regclass
  AND x.deptype = 'e' AND n.nspname = ANY (%(schemas)s::name[])
  AND d.classid IN ('pg_catalog.pg_constraint'::regclass, 'pg_catalog.pg_trigger'::regclass,
                    'pg_catalog.pg_policy'::regclass, 'pg_catalog.pg_rewrite'::regclass,
                    'pg_catalog.pg_attrdef'::regclass, 'pg_catalog.pg_statistic_ext'::regclass,
                    'pg_catalog.pg_class'::regclass)
  AND (d.classid <> 'pg_catalog.pg_class'::regclass  -- an index (a sequence a column owns is read as a sequence)
       OR EXISTS (SELECT FROM pg_catalog.pg_class ic WHERE ic.oid = d.objid AND ic.relkind IN ('i', 'I')))
  AND NOT d.xmin::text = ANY ((SELECT mk.xids FROM ext_made mk WHERE mk.ext = e.oid) || e.xmin::text)
UNION ALL
SELECT 'system object privileges', '', pg_catalog.pg_describe_object(x.classid, x.objid, 0)
FROM (SELECT 'pg_catalog.pg_proc'::regclass AS classid, p.oid AS objid, 'f' AS kind, p.proowner AS owner, p.proacl AS acl
      FROM pg_catalog.pg_proc p WHERE p.pronamespace IN (SELECT oid FROM system_ns)
      UNION ALL
      SELECT 'pg_catalog.pg_class'::regclass, c.oid, CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END, c.relowner, c.relacl
      FROM rels c WHERE c.relnamespace IN (SELECT oid FROM system_ns)  -- (those of an access list: x.acl below)
      UNION ALL
      SELECT 'pg_catalog.pg_type'::regclass, t.oid, 'T', t.typowner, t.typacl
      FROM pg_catalog.pg_type t WHERE t.typnamespace IN (SELECT oid FROM system_ns)
      UNION ALL
      SELECT 'pg_catalog.pg_namespace'::regclass, n.oid, 'n', n.nspowner, n.nspacl
      FROM pg_catalog.pg_namespace n WHERE n.oid IN (SELECT oid FROM system_ns)
      UNION ALL
      SELECT 'pg_catalog.pg_language'::regclass, l.oid, 'l', l.lanowner, l.lanacl FROM pg_catalog.pg_language l) x
LEFT JOIN pg_catalog.pg_init_privs ip ON ip.classoid = x.classid AND ip.objoid = x.objid AND ip.objsubid = 0
WHERE x.acl IS NOT NULL
  AND ARRAY(SELECT a::text FROM unnest(x.acl) a ORDER BY 1)
      IS DISTINCT FROM
      ARRAY(SELECT a::text FROM unnest(COALESCE(ip.initprivs, pg_catalog.acldefault(x.kind::"char", x.owner))) a
            ORDER BY 1)
UNION ALL  -- an owner (17+) holding its table defaults but MAINTAIN; its own entries as a sorted text array
/* if maintain */
SELECT 'owner without MAINTAIN', o.nspname, o.object_name
FROM (SELECT c.nspname::text AS nspname, c.relname::text AS object_name, c.relowner AS owner, c.relacl AS acl
      FROM rels c
      WHERE c.read AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relacl IS NOT NULL
        AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
      UNION ALL
      SELECT '', 'tables of ' || pg_catalog.pg_get_userbyid(d.defaclrole)::text || ' (default privileges)',
             d.defaclrole, d.defaclacl
      FROM pg_catalog.pg_default_acl d WHERE d.defaclnamespace = 0 AND d.defaclobjtype = 'r') o
WHERE pg_catalog.current_setting('server_version_num')::int >= 170000
  AND ARRAY(SELECT x.privilege_type || CASE WHEN x.is_grantable OR x.grantor <> o.owner THEN '*' ELSE '' END
            FROM pg_catalog.aclexplode(o.acl) x WHERE x.grantee = o.owner ORDER BY 1)
      = ARRAY['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE']
UNION ALL
/* if tablespaces */
SELECT 'tablespace', n.nspname::text, c.relname::text || ' in ' || t.spcname::text
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_tablespace t ON t.oid = c.reltablespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p', 'm', 'i', 'I')
  AND c.reltablespace > 0  -- 0: the database's default; > 0 reads pg_class_tblspc_relfilenode_index, not all pg_class
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
/* if access_methods */
SELECT 'access method', '', am.amname::text
FROM pg_catalog.pg_am am
WHERE am.oid >= 16384  -- FirstNormalObjectId: not Postgres's own
  AND am.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_am'::regclass)
UNION ALL
/* if table_access_methods */
SELECT 'table access method', c.nspname::text, c.relname::text || ' using ' || am.amname::text
FROM rels c
JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.read
  AND c.relkind IN ('r', 'p', 'm')
  AND am.amname <> 'heap'
  AND c.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
/* if transforms */
SELECT 'transform', '', 'for ' || pg_catalog.format_type(tr.trftype, NULL) || ' language ' || l.lanname::text
FROM pg_catalog.pg_transform tr
JOIN pg_catalog.pg_language l ON l.oid = tr.trflang
WHERE tr.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_transform'::regclass)
UNION ALL  -- CREATE [TRUSTED] LANGUAGE without an extension (its handler, a C function, is managed)
SELECT 'language', '', l.lanname::text
FROM pg_catalog.pg_language l
WHERE l.oid >= 16384
  AND l.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_language'::regclass)
UNION ALL  -- large objects: data, with their owners, comments and grants; one row whatever their count
SELECT 'large objects', '', lo.n::text || CASE lo.n WHEN 1 THEN ' object, ' ELSE ' objects, ' END
       || (SELECT pg_catalog.count(*) FROM pg_catalog.pg_description d  -- a scan of the comments (not a lookup per
           WHERE d.classoid = 'pg_catalog.pg_largeobject'::regclass AND d.objsubid = 0)::text  -- object), only where
       || ' with a comment, ' || lo.acl::text || ' with an access list'             -- there are large objects
FROM (SELECT pg_catalog.count(*) AS n, pg_catalog.count(m.lomacl) AS acl FROM pg_catalog.pg_largeobject_metadata m) lo
WHERE lo.n > 0
UNION ALL  -- security labels: the object and the provider, never the label
SELECT 'security label', '', pg_catalog.pg_describe_object(sl.classoid, sl.objoid, sl.objsubid) || ' for ' || sl.provider
FROM pg_catalog.pg_seclabel sl
UNION ALL
SELECT 'security label', '', pg_catalog.pg_describe_object(sl.classoid, sl.objoid, 0) || ' for ' || sl.provider
FROM pg_catalog.pg_shseclabel sl
WHERE sl.classoid = 'pg_catalog.pg_database'::regclass
  AND sl.objoid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
UNION ALL
SELECT 'subscription', '', s.subname::text  -- the name only: subconninfo holds a connection string
FROM pg_catalog.pg_subscription s
WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
UNION ALL
/* if foreign_data_wrappers */
SELECT 'foreign data wrapper', '', w.fdwname::text  -- its handler or validator is a function of the database's own
FROM pg_catalog.pg_foreign_data_wrapper w            -- (the others are managed: foreign_data_wrappers.sql)
WHERE w.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_foreign_data_wrapper'::regclass)
  AND EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
              WHERE p.oid IN (w.fdwhandler, w.fdwvalidator) AND pn.nspname <> 'pg_catalog'
                AND p.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_proc'::regclass))
UNION ALL  -- ALTER DATABASE ... SET of a custom setting (a name with a dot; the others are managed: database_settings.sql)
           -- and ALTER ROLE ... IN DATABASE ... SET of this database (pg_db_role_setting): by the setting's name alone
           -- (a value may hold a secret: Supabase's app.settings.jwt_secret); a role's own settings of every database
           -- (setdatabase 0) are the cluster's, not the database's
SELECT CASE WHEN s.setrole = 0 THEN 'custom database setting' ELSE 'role setting in database' END, '',
       pg_catalog.split_part(cfg, '=', 1)
       || CASE WHEN s.setrole = 0 THEN '' ELSE ' for ' || pg_catalog.pg_get_userbyid(s.setrole)::text END
FROM pg_catalog.pg_db_role_setting s
CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) cfg
WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
  AND (s.setrole <> 0 OR pg_catalog.strpos(pg_catalog.split_part(cfg, '=', 1), '.') > 0)
UNION ALL  -- an entry of the database's own access list with a grant option, or granted by another role than its owner
           -- (the others are managed: database_settings.sql), "privilege for role"
SELECT 'database grant', '', x.privilege_type || ' for ' || CASE WHEN x.grantee = 0 THEN 'PUBLIC'
       ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END
FROM pg_catalog.pg_database d
CROSS JOIN LATERAL pg_catalog.aclexplode(d.datacl) x
WHERE d.datname = pg_catalog.current_database() AND x.grantee <> d.datdba
  AND (x.is_grantable OR x.grantor <> d.datdba)
UNION ALL
/* if constraint_copies */
SELECT 'foreign key row comment', n.nspname::text, c.relname::text || '.' || k.conname::text
FROM pg_catalog.pg_constraint k  -- a comment on a row Postgres adds to a foreign key for each partition of the table it
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid  -- references (named by Postgres): not managed, said rather than lost
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_constraint pk ON pk.oid = k.conparentid AND (pk.conrelid = k.conrelid OR pk.conname <> k.conname)
JOIN pg_catalog.pg_description kd ON kd.objoid = k.oid AND kd.objsubid = 0
                                 AND kd.classoid = 'pg_catalog.pg_constraint'::regclass
WHERE n.nspname = ANY (%(schemas)s::name[]) AND k.contype = 'f'
UNION ALL  -- a comment on a partition's copy of its parent's EXCLUDE constraint (PostgreSQL 17+) or on the copy's
           -- index: exclusions.sql reads no copies, so not managed: said rather than lost, "partition.constraint"
/* if constraint_copies */
SELECT 'exclusion copy comment', n.nspname::text, c.relname::text || '.' || k.conname::text
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[]) AND k.contype = 'x'
  AND k.conparentid > 0  -- (an oid: <> 0; > 0 reads pg_constraint_conparentid_index, the copies alone, not every constraint)
  AND EXISTS (SELECT FROM pg_catalog.pg_description kd
              WHERE kd.objsubid = 0 AND (kd.objoid = k.oid AND kd.classoid = 'pg_catalog.pg_constraint'::regclass
                                         OR kd.objoid = k.conindid AND kd.classoid = 'pg_catalog.pg_class'::regclass))
UNION ALL  -- rows of an extension's configuration table (pg_extension_config_dump) that its condition says are the
           -- database's own, which pg_dump dumps beside the schema: PostGIS's SRIDs added to spatial_ref_sys, the
           -- topologies and layers postgis_topology registers (topology.topology, topology.layer, whose ids the
           -- topology's own schema, triggers and CHECKs name). Data schemac does not carry: said so rather than lost.
           -- Read only where the role may (a refusal would end the whole read); one row whatever their count
/* if extension_configuration */
SELECT 'extension configuration rows', n.nspname::text, c.relname::text
FROM pg_catalog.pg_extension e
CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(e.extconfig), pg_catalog.unnest(e.extcondition)) AS x(cfg, cond)
JOIN pg_catalog.pg_class c ON c.oid = x.cfg AND c.relkind IN ('r', 'p')
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND CASE WHEN pg_catalog.has_table_privilege(c.oid, 'SELECT')
           THEN pg_catalog.query_to_xml(pg_catalog.format('SELECT 1 AS x FROM %%s %%s LIMIT 1', c.oid::regclass,
                                                          COALESCE(x.cond, '')), false, true, '')::text <> '' END
UNION ALL  -- a function, procedure, trigger, materialized view or index marked as depending on an extension (ALTER ...
           -- DEPENDS ON EXTENSION: pg_depend deptype 'x', dropped with the extension), as pg_dump writes it (test_pg_dump's
           -- extdependtab indexes): the object is managed, the mark is not; said so rather than lost. The object as
           -- pg_describe_object names it, "on" the extension
/* if extension_dependents */
SELECT 'depends on extension', o.schema, pg_catalog.pg_describe_object(d.classid, d.objid, 0) || ' on ' || x.extname::text
FROM pg_catalog.pg_extension x  -- (pg_depend_reference_index: the extensions' dependents, not all of pg_depend)
JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = x.oid
CROSS JOIN LATERAL (SELECT COALESCE((SELECT xn.nspname::text  -- pg_identify_object's schema is quoted ("Ext"): its name
                                      FROM pg_catalog.pg_namespace xn WHERE pg_catalog.quote_ident(xn.nspname) = i.schema),
                                     (SELECT tn.nspname::text  -- a trigger's: its table's schema
                                      FROM pg_catalog.pg_trigger tg
                                      JOIN pg_catalog.pg_class tc ON tc.oid = tg.tgrelid
                                      JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
                                      WHERE d.classid = 'pg_catalog.pg_trigger'::regclass AND tg.oid = d.objid)) AS schema
                    FROM pg_catalog.pg_identify_object(d.classid, d.objid, 0) i) o
WHERE d.deptype = 'x' AND o.schema = ANY (%(schemas)s::name[])
UNION ALL
/* if foreign_servers */
SELECT 'user mapping', '', (CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(m.umuser)::text END)
                           || '@' || m.srvname::text
FROM pg_catalog.pg_user_mappings m  -- the view any role reads (pg_user_mapping is the superuser's); umoptions not read
UNION ALL  -- an option of a wrapper naming a credential (credential_option.sql): by its key alone, never its value
/* if foreign_data_wrappers */
SELECT 'credential option', '', 'wrapper ' || w.fdwname::text || ': ' || o.option_name
FROM pg_catalog.pg_foreign_data_wrapper w
CROSS JOIN LATERAL pg_catalog.pg_options_to_table(w.fdwoptions) o
WHERE w.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_foreign_data_wrapper'::regclass)
  AND /* include credential_option(name=o.option_name) */
UNION ALL  -- of a server, a foreign table or a foreign table's column likewise ("server s: password", "t: password",
           -- "t.c: password")
/* if foreign_servers */
SELECT 'credential option', x.schema_name, x.object_name || ': ' || o.option_name
FROM (SELECT '' AS schema_name, 'server ' || s.srvname::text AS object_name, s.srvoptions AS options
      FROM pg_catalog.pg_foreign_server s
      WHERE s.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_foreign_server'::regclass)
        AND s.srvoptions IS NOT NULL
      UNION ALL
      SELECT c.nspname::text, c.relname::text, ft.ftoptions
      FROM rels c JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid
      WHERE c.relkind = 'f' AND c.read AND ft.ftoptions IS NOT NULL
      UNION ALL
      SELECT c.nspname::text, c.relname::text || '.' || a.attname::text, a.attfdwoptions
      FROM rels c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
      WHERE c.relkind = 'f' AND c.read AND a.attnum > 0 AND NOT a.attisdropped AND a.attfdwoptions IS NOT NULL) x
CROSS JOIN LATERAL pg_catalog.pg_options_to_table(x.options) o(option_name, option_value)
WHERE /* include credential_option(name=o.option_name) */
ORDER BY kind, schema_name, object_name;  -- the caller sorts again, by code point
