-- Whether each group of unmanaged.sql's branches can return a row, asked just before it by the connection that sends
-- it: a branch marked `/* if NAME */` there is left out of the text sent where NAME is false here (catalog/fetch.py).
-- Each is a condition every row of its branches holds (their own WHERE, or what it needs to exist: a trigger not
-- internal, a policy, a publication...), so leaving them out leaves out no row. Planning the branches was most of what
-- unmanaged.sql cost where the database has none of those objects (~13 ms of a backend's CPU for 41 branches of an
-- empty database, docs/benchmarks-catalog.md, "Session 40"); these few lookups take well under 1 ms.
-- elsewhere: schemas_elsewhere.sql (pg_toast aside: it holds no table, view, rule or policy; the server refuses
-- CREATE TABLE / VIEW there). Parameter: schemas, an array of schema names.
SELECT EXISTS (SELECT FROM pg_catalog.pg_proc p
               JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
               WHERE p.prokind <> 'a' AND n.nspname = ANY (%(schemas)s::name[])) AS functions,
       -- a trigger on a foreign table: the one kind of relation besides tables and views CREATE TRIGGER takes (a
       -- database of tables and views with triggers, 1,000 of each, planned and ran the branch for none: ~4 ms)
       EXISTS (SELECT FROM pg_catalog.pg_foreign_table ft JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = ft.ftrelid
               WHERE NOT tg.tgisinternal) AS foreign_triggers,
       EXISTS (SELECT FROM pg_catalog.pg_trigger tg WHERE NOT tg.tgisinternal) AS triggers,
       EXISTS (SELECT FROM pg_catalog.pg_policy) AS policies,
       /* include schemas_elsewhere */ AS elsewhere,
       EXISTS (SELECT FROM pg_catalog.pg_publication) AS publications,
       EXISTS (SELECT FROM pg_catalog.pg_rewrite r WHERE r.rulename <> '_RETURN') AS rules,
       -- operators, operator classes, conversions, text search parsers, templates, dictionaries, configurations
       EXISTS (SELECT FROM (SELECT o.oprnamespace AS ns FROM pg_catalog.pg_operator o
                            UNION ALL SELECT oc.opcnamespace FROM pg_catalog.pg_opclass oc
                            UNION ALL SELECT cv.connamespace FROM pg_catalog.pg_conversion cv
                            UNION ALL SELECT tp.prsnamespace FROM pg_catalog.pg_ts_parser tp
                            UNION ALL SELECT tt.tmplnamespace FROM pg_catalog.pg_ts_template tt
                            UNION ALL SELECT dct.dictnamespace FROM pg_catalog.pg_ts_dict dct
                            UNION ALL SELECT c.cfgnamespace FROM pg_catalog.pg_ts_config c) x
               JOIN pg_catalog.pg_namespace n ON n.oid = x.ns
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS schema_objects,
       EXISTS (SELECT FROM pg_catalog.pg_am am WHERE am.oid >= 16384) AS access_methods,
       EXISTS (SELECT FROM pg_catalog.pg_depend dep
               WHERE dep.refclassid = 'pg_catalog.pg_extension'::regclass AND dep.deptype = 'e'
                 AND dep.classid = 'pg_catalog.pg_class'::regclass) AS extension_relations,
       pg_catalog.current_setting('server_version_num')::int >= 170000 AS maintain,
       EXISTS (SELECT FROM pg_catalog.pg_class c  -- (pg_class_tblspc_relfilenode_index)
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE c.reltablespace > 0 AND n.nspname = ANY (%(schemas)s::name[])) AS tablespaces,
       EXISTS (SELECT FROM pg_catalog.pg_am am WHERE am.amtype = 't' AND am.amname <> 'heap') AS table_access_methods,
       EXISTS (SELECT FROM pg_catalog.pg_transform) AS transforms,
       EXISTS (SELECT FROM pg_catalog.pg_foreign_data_wrapper) AS foreign_data_wrappers,
       EXISTS (SELECT FROM pg_catalog.pg_constraint k WHERE k.conparentid > 0) AS constraint_copies,
       EXISTS (SELECT FROM pg_catalog.pg_extension e WHERE e.extconfig IS NOT NULL) AS extension_configuration,
       EXISTS (SELECT FROM pg_catalog.pg_foreign_server) AS foreign_servers,
       EXISTS (SELECT FROM pg_catalog.pg_extension e  -- (pg_depend_reference_index)
               JOIN pg_catalog.pg_depend dep ON dep.refclassid = 'pg_catalog.pg_extension'::regclass
                                            AND dep.refobjid = e.oid AND dep.deptype = 'x') AS extension_dependents;
