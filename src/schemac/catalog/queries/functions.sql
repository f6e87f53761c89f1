-- Functions and procedures of the requested schemas in the languages schemac writes (managed_language.sql: not
-- C and internal ones of a base type). library: a C function's library (probin, `$libdir/postgis-3`), its
-- body then the link symbol. body: the
-- source text Postgres keeps as given (pg_proc.prosrc), or of a SQL-standard body (BEGIN ATOMIC / RETURN,
-- PostgreSQL 14+, kept as a parse tree in prosqlbody) its deparse, `RETURN (a + b)` or `BEGIN ATOMIC ... END`
-- (pg_get_function_sqlbody, names qualified unless the search_path, public, finds them).
-- Aggregates and window functions are listed by unmanaged.sql too, as are functions owned by an
-- extension or made for another object (a range type's constructors).
-- arguments: one JSON object per argument in order: {name, type (format_type), mode (i, o, b, v, t:
-- proargmodes), default (the deparsed expression, or null)}; defaults belong to the last input
-- arguments (pg_get_function_arguments prints them; here they are matched by position from
-- pg_get_expr(proargdefaults)).
-- result: pg_get_function_result (NULL for a procedure): "integer", "SETOF text", "TABLE(a integer)",
-- "trigger", "void".
-- config: proconfig, "name=value" per SET clause.
-- support: prosupport, the planner support function's name, bare in pg_catalog and public, else schema.name (a part
-- holding a dot or a double quote quoted, as triggers.sql spells a function)
-- (as aggregates.sql names functions); NULL where none.
-- Parameter: schemas, an array of schema names. One row per function.
SELECT p.oid AS function_oid,
       n.nspname::text AS schema_name,
       p.proname::text AS function_name,
       p.prokind = 'p' AS is_procedure,
       l.lanname::text AS language,
       CASE WHEN p.prosqlbody IS NULL THEN p.prosrc ELSE pg_catalog.pg_get_function_sqlbody(p.oid) END AS body,
       -- (the parse tree of a SQL-standard body naming some arguments but not all, whose deparse prints an unnamed
       -- one as "": pg.param_order tells which one each is)
       CASE WHEN p.prosqlbody IS NOT NULL AND '' = ANY (p.proargnames) THEN p.prosqlbody::text END AS body_tree,
       p.probin AS library,
       pg_catalog.pg_get_function_result(p.oid) AS result,
       p.provolatile::text AS volatility,
       p.proisstrict AS strict,
       p.prosecdef AS security_definer,
       p.proleakproof AS leakproof,
       p.proparallel::text AS parallel,
       p.procost::float8 AS cost,
       p.prorows::float8 AS rows,
       p.proretset AS returns_set,
       p.proconfig::text[] AS config,
       -- (the support function and the arguments looked up only where there are some: a subquery run for each function,
       -- 1,000 trigger functions of no argument and no support function, for nothing: the query's CPU 12.2 -> 10.6 ms)
       CASE WHEN p.prosupport <> 0 THEN (
         SELECT CASE WHEN sn.nspname IN ('pg_catalog', 'public') THEN ''
                     ELSE /* include quoted_part(name=sn.nspname) */ || '.' END
                || /* include quoted_part(name=s.proname) */
         FROM pg_catalog.pg_proc s JOIN pg_catalog.pg_namespace sn ON sn.oid = s.pronamespace
         WHERE s.oid = p.prosupport) END AS support,
       p.pronargdefaults AS default_count,
       CASE WHEN p.pronargdefaults > 0 THEN pg_catalog.pg_get_expr(p.proargdefaults, 0) END AS defaults,
       CASE WHEN p.pronargs = 0 AND p.proallargtypes IS NULL THEN '[]'::json ELSE COALESCE((
         SELECT json_agg(json_build_object(
                  'name', NULLIF(COALESCE(p.proargnames[a.ord], ''), ''),
                  'type', pg_catalog.format_type(a.type_oid, NULL),
                  'mode', COALESCE(p.proargmodes[a.ord]::text, 'i'))
                ORDER BY a.ord)
         FROM unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY AS a(type_oid, ord)
       ), '[]'::json) END AS arguments,
       COALESCE((  -- what a schema not read holds that depends on it: a trigger running it (or calling it in its WHEN), a
                   -- policy, view, materialized view or rule calling it, a function or procedure of a SQL-standard body
                   -- (BEGIN ATOMIC) calling it, an aggregate made of it; a default, generated column, CHECK, index or
                   -- table (its partition key) of a table there calling it, a domain's CHECK there calling it
         SELECT json_agg(DISTINCT CASE
                  WHEN dp.classid = 'pg_catalog.pg_trigger'::regclass
                    THEN 'trigger ' || pg_catalog.quote_ident(tg.tgname) || ' on '
                         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */
                  WHEN dp.classid = 'pg_catalog.pg_policy'::regclass
                    THEN 'policy ' || pg_catalog.quote_ident(pol.polname) || ' on '
                         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */
                  WHEN dp.classid = 'pg_catalog.pg_proc'::regclass
                    THEN CASE op.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate ' ELSE 'function ' END
                         || /* include qualified_ident(schema=un.nspname, name=op.proname) */
                         || '(' || pg_catalog.oidvectortypes(op.proargtypes) || ')'
                  WHEN dp.classid = 'pg_catalog.pg_attrdef'::regclass
                    THEN CASE WHEN at.attgenerated <> '' THEN 'generated column ' ELSE 'default of column ' END
                         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */ || '.'
                         || pg_catalog.quote_ident(at.attname)
                  WHEN dp.classid = 'pg_catalog.pg_constraint'::regclass
                    THEN 'constraint ' || pg_catalog.quote_ident(ck.conname) || ' on '
                         || CASE WHEN ck.contypid <> 0 THEN 'domain ' ELSE '' END || pg_catalog.quote_ident(un.nspname)
                         || '.' || pg_catalog.quote_ident(COALESCE(uc.relname, ty.typname))
                  WHEN dp.classid = 'pg_catalog.pg_class'::regclass
                    THEN CASE WHEN uc.relkind IN ('i', 'I') THEN 'index ' ELSE 'table ' END
                         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */
                  WHEN rw.rulename <> '_RETURN'
                    THEN 'rule ' || pg_catalog.quote_ident(rw.rulename) || ' on '
                         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */
                  ELSE CASE WHEN uc.relkind = 'm' THEN 'materialized view ' ELSE 'view ' END
                       || /* include qualified_ident(schema=un.nspname, name=uc.relname) */ END)
         FROM pg_catalog.pg_depend dp
         LEFT JOIN pg_catalog.pg_trigger tg ON dp.classid = 'pg_catalog.pg_trigger'::regclass AND tg.oid = dp.objid
                                            AND NOT tg.tgisinternal
         LEFT JOIN pg_catalog.pg_policy pol ON dp.classid = 'pg_catalog.pg_policy'::regclass AND pol.oid = dp.objid
         LEFT JOIN pg_catalog.pg_rewrite rw ON dp.classid = 'pg_catalog.pg_rewrite'::regclass AND rw.oid = dp.objid
         LEFT JOIN pg_catalog.pg_proc op ON dp.classid = 'pg_catalog.pg_proc'::regclass AND op.oid = dp.objid
         LEFT JOIN pg_catalog.pg_attrdef ad ON dp.classid = 'pg_catalog.pg_attrdef'::regclass AND ad.oid = dp.objid
         LEFT JOIN pg_catalog.pg_attribute at ON at.attrelid = ad.adrelid AND at.attnum = ad.adnum
         LEFT JOIN pg_catalog.pg_constraint ck ON dp.classid = 'pg_catalog.pg_constraint'::regclass AND ck.oid = dp.objid
         LEFT JOIN pg_catalog.pg_type ty ON ty.oid = ck.contypid AND ck.contypid <> 0
         LEFT JOIN pg_catalog.pg_class uc ON uc.oid = COALESCE(tg.tgrelid, pol.polrelid, rw.ev_class, ad.adrelid,
                                                               NULLIF(ck.conrelid, 0),
                                                               CASE WHEN dp.classid = 'pg_catalog.pg_class'::regclass
                                                                    THEN dp.objid END)
         JOIN pg_catalog.pg_namespace un ON un.oid = COALESCE(uc.relnamespace, op.pronamespace, ty.typnamespace)
         WHERE dp.refclassid = 'pg_catalog.pg_proc'::regclass AND dp.refobjid = p.oid AND dp.deptype = 'n'
           AND NOT un.nspname = ANY (%(schemas)s::name[]) AND un.nspname NOT IN ('pg_catalog', 'information_schema')
           -- none, and nothing looked up, where no schema but those read exists (1,000 functions each run by a trigger
           -- of public, read with -n public: each trigger was joined to find it read: the query's CPU 22 -> 11 ms)
           AND /* include schemas_elsewhere */
       ), '[]'::json) AS used_outside,
       -- The functions a SQL-standard body calls (bound at CREATE, as a view's query: pg_depend), and the operators it
       -- applies, beside which their schema holds another of the name (bound_calls.sql)
       CASE WHEN p.prosqlbody IS NOT NULL
            THEN /* include bound_calls(classid='pg_catalog.pg_proc'::regclass, objid=p.oid, body=pg_catalog.pg_get_function_sqlbody(p.oid)) */
       END AS bound_calls,
       d.description AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND p.prokind IN ('f', 'p')
  AND /* include managed_language */
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                  WHERE dep.classid = 'pg_catalog.pg_proc'::regclass AND dep.objid = p.oid AND dep.deptype IN ('e', 'i'))
ORDER BY n.nspname, p.proname, p.oid;
