-- Whether each of several catalog queries can return a row, asked once before them: each of these queries' rows is
-- an object this condition holds for (its own WHERE, or the index its constraint needs), so where one is false the
-- query is not sent and its rows are none. Their planning is most of what they cost where the database has none of
-- them (views.sql ~9 ms of a fresh backend's CPU, extensions, functions, range types and exclusions ~4-5 ms each at
-- 1,000 tables of gen_schema.py's shape; aggregates, operators, operator classes and families, text search
-- configurations and dictionaries, collations, triggers, rules, policies, event triggers, publications, foreign servers and
-- wrappers, default privileges and casts 0.4-2 ms each, docs/benchmarks-catalog.md, "Session 34"; enums and domains
-- 1.2-1.6 ms each of an empty database's read, "Session 40"); this one takes ~2-3 ms (6 at 10,000
-- tables: pg_index read whole).
-- Columns in catalog/fetch.py's PROBED order. Parameter: schemas, an array of schema names.
-- (views.sql's relations, each by the oid of its _RETURN rule's relation: as a join, a full index scan of pg_class)
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE c.oid = ANY (ARRAY(SELECT r.ev_class FROM pg_catalog.pg_rewrite r WHERE r.rulename = '_RETURN'))
                 AND c.relkind IN ('v', 'm') AND n.nspname = ANY (%(schemas)s::name[])) AS views,
       EXISTS (SELECT 1 FROM pg_catalog.pg_proc p
               JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
               WHERE p.prokind IN ('f', 'p') AND n.nspname = ANY (%(schemas)s::name[])) AS functions,
       EXISTS (SELECT 1 FROM pg_catalog.pg_range r
               JOIN pg_catalog.pg_type t ON t.oid = r.rngtypid
               JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS range_types,
       EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname <> 'plpgsql') AS extensions,
       -- (an exclusion constraint's index, on its table, is the one index with indisexclusion)
       EXISTS (SELECT 1 FROM pg_catalog.pg_index i
               JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE i.indisexclusion AND n.nspname = ANY (%(schemas)s::name[])) AS exclusions,
       EXISTS (SELECT 1 FROM pg_catalog.pg_aggregate a
               JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
               JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS aggregates,
       EXISTS (SELECT 1 FROM pg_catalog.pg_operator o
               JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
               WHERE o.oprcode <> 0 AND n.nspname = ANY (%(schemas)s::name[])) AS operators,
       EXISTS (SELECT 1 FROM pg_catalog.pg_opclass oc
               JOIN pg_catalog.pg_namespace n ON n.oid = oc.opcnamespace
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS operator_classes,
       EXISTS (SELECT 1 FROM pg_catalog.pg_opfamily f
               JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS operator_families,
       EXISTS (SELECT 1 FROM pg_catalog.pg_ts_config c
               JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS text_search_configs,
       EXISTS (SELECT 1 FROM pg_catalog.pg_ts_dict dct
               JOIN pg_catalog.pg_namespace n ON n.oid = dct.dictnamespace
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS text_search_dictionaries,
       EXISTS (SELECT 1 FROM pg_catalog.pg_collation co
               JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS collations,
       EXISTS (SELECT 1 FROM pg_catalog.pg_trigger tg
               JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE NOT tg.tgisinternal AND n.nspname = ANY (%(schemas)s::name[])) AS triggers,
       EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite r
               JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE r.rulename <> '_RETURN' AND n.nspname = ANY (%(schemas)s::name[])) AS rules,
       EXISTS (SELECT 1 FROM pg_catalog.pg_policy pol
               JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = ANY (%(schemas)s::name[])) AS policies,
       -- (kinds kept in pg_type: each test reads pg_type whole where it finds none, as the query would)
       EXISTS (SELECT 1 FROM pg_catalog.pg_type t
               JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
               WHERE t.typtype = 'e' AND n.nspname = ANY (%(schemas)s::name[])) AS enums,
       EXISTS (SELECT 1 FROM pg_catalog.pg_type t
               JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
               WHERE t.typtype = 'd' AND n.nspname = ANY (%(schemas)s::name[])) AS domains,
       -- (the database's own, in no schema: any at all)
       EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger) AS event_triggers,
       EXISTS (SELECT 1 FROM pg_catalog.pg_publication) AS publications,
       EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server) AS foreign_servers,
       EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_data_wrapper) AS foreign_data_wrappers,
       EXISTS (SELECT 1 FROM pg_catalog.pg_default_acl) AS default_privileges,
       EXISTS (SELECT 1 FROM pg_catalog.pg_cast ca WHERE ca.oid >= 16384) AS casts;
