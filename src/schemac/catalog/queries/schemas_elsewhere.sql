-- A fragment outside_reads.sql, unmanaged.sql and functions.sql include (a block comment `include schemas_elsewhere`):
-- whether a schema other than those read exists (pg_catalog, information_schema and pg_toast aside: pg_toast holds
-- TOAST tables and their indexes alone, which read nothing). Uncorrelated, it is a one-time filter: what the schemas
-- not read hold (views, rules, policies, triggers... reading or calling ours) is not looked for where there are none.
EXISTS (SELECT FROM pg_catalog.pg_namespace elsewhere WHERE NOT elsewhere.nspname = ANY (%(schemas)s::name[])
          AND elsewhere.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast'))
