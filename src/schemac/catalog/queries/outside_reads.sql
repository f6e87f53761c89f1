-- A fragment tables.sql, views.sql and sequences.sql include (a block comment `include outside_reads`) among their WITH queries:
-- outside_reads (refobjid, readers), what a schema not read holds that reads a relation of the schemas read (its
-- `used_outside:`): its views, materialized views and rules, policies (a subquery of USING or WITH CHECK), functions
-- and procedures of a SQL-standard body (BEGIN ATOMIC), foreign keys and column defaults (a sequence's), by pg_depend, each with the columns it reads
-- or references ('view api.profiles (id, username)'; none: the relation alone), and its tables inheriting it or
-- partitions of it, by pg_inherits ('child table auth.t', 'partition auth.p'), in the order of their text.
outside_objects AS MATERIALIZED (  -- what the schemas not read hold that can read a table (few, or none)
 SELECT o.* FROM (
  SELECT 'pg_catalog.pg_rewrite'::regclass AS classid, ur.oid,  -- a view's, materialized view's or rule's rewrite row
         CASE WHEN ur.rulename <> '_RETURN' THEN 'rule ' || pg_catalog.quote_ident(ur.rulename) || ' on '
              WHEN uc.relkind = 'm' THEN 'materialized view ' ELSE 'view ' END
         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */ AS label
  FROM pg_catalog.pg_namespace un
  JOIN pg_catalog.pg_class uc ON uc.relnamespace = un.oid
  JOIN pg_catalog.pg_rewrite ur ON ur.ev_class = uc.oid
  WHERE NOT un.nspname = ANY (%(schemas)s::name[]) AND un.nspname NOT IN ('pg_catalog', 'information_schema')
  UNION ALL  -- a policy whose USING or WITH CHECK reads it in a subquery
  SELECT 'pg_catalog.pg_policy'::regclass, up.oid, 'policy ' || pg_catalog.quote_ident(up.polname) || ' on '
         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */
  FROM pg_catalog.pg_namespace un
  JOIN pg_catalog.pg_class uc ON uc.relnamespace = un.oid
  JOIN pg_catalog.pg_policy up ON up.polrelid = uc.oid
  WHERE NOT un.nspname = ANY (%(schemas)s::name[]) AND un.nspname NOT IN ('pg_catalog', 'information_schema')
  UNION ALL  -- a function or procedure of a SQL-standard body (BEGIN ATOMIC, RETURN: the only ones whose reads are recorded)
  SELECT 'pg_catalog.pg_proc'::regclass, fp.oid, CASE fp.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END
         || /* include qualified_ident(schema=un.nspname, name=fp.proname) */
         || '(' || pg_catalog.oidvectortypes(fp.proargtypes) || ')'
  FROM pg_catalog.pg_namespace un
  JOIN pg_catalog.pg_proc fp ON fp.pronamespace = un.oid
  WHERE NOT un.nspname = ANY (%(schemas)s::name[]) AND un.nspname NOT IN ('pg_catalog', 'information_schema')
    AND fp.prosqlbody IS NOT NULL
  UNION ALL  -- a column default of a table there (nextval of a sequence)
  SELECT 'pg_catalog.pg_attrdef'::regclass, ud.oid, 'default of column '
         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */ || '.' || pg_catalog.quote_ident(ua.attname)
  FROM pg_catalog.pg_namespace un
  JOIN pg_catalog.pg_class uc ON uc.relnamespace = un.oid
  JOIN pg_catalog.pg_attrdef ud ON ud.adrelid = uc.oid
  JOIN pg_catalog.pg_attribute ua ON ua.attrelid = ud.adrelid AND ua.attnum = ud.adnum
  WHERE NOT un.nspname = ANY (%(schemas)s::name[]) AND un.nspname NOT IN ('pg_catalog', 'information_schema')
  UNION ALL  -- a foreign key of a table there referencing it
  SELECT 'pg_catalog.pg_constraint'::regclass, uk.oid, 'foreign key ' || pg_catalog.quote_ident(uk.conname) || ' on '
         || /* include qualified_ident(schema=un.nspname, name=uc.relname) */
  FROM pg_catalog.pg_namespace un
  JOIN pg_catalog.pg_class uc ON uc.relnamespace = un.oid
  JOIN pg_catalog.pg_constraint uk ON uk.conrelid = uc.oid AND uk.contype = 'f' AND uk.conparentid = 0
  WHERE NOT un.nspname = ANY (%(schemas)s::name[]) AND un.nspname NOT IN ('pg_catalog', 'information_schema')) o
  -- None, and nothing scanned (a one-time filter), where no schema but those holds any: pg_toast holds TOAST tables
  -- and their indexes alone. Otherwise each branch scanned pg_class (and pg_attrdef, pg_constraint) whole, in each
  -- of the three queries: at 10,000 tables in one schema, tables.sql and sequences.sql 280 -> 230 and 80 -> 50 ms.
  WHERE /* include schemas_elsewhere */),
outside_reads AS MATERIALIZED (
  SELECT x.refobjid, array_agg(x.reader ORDER BY x.reader COLLATE "C") AS readers
  FROM (SELECT ud.refobjid, uo.label
               || COALESCE(' (' || pg_catalog.string_agg(pg_catalog.quote_ident(ua.attname), ', ' ORDER BY ua.attnum)
                           || ')', '') AS reader
        FROM outside_objects uo
        JOIN pg_catalog.pg_depend ud ON ud.classid = uo.classid AND ud.objid = uo.oid
                                    AND ud.refclassid = 'pg_catalog.pg_class'::regclass AND ud.deptype = 'n'
        LEFT JOIN pg_catalog.pg_attribute ua ON ud.refobjsubid > 0 AND ua.attrelid = ud.refobjid
                                            AND ua.attnum = ud.refobjsubid
        GROUP BY ud.refobjid, uo.classid, uo.oid, uo.label
        UNION ALL  -- a table there inheriting it, or a partition of it there (DROP TABLE drops that one with its rows)
        SELECT ui.inhparent, CASE WHEN uc.relispartition THEN 'partition ' ELSE 'child table ' END
                             || /* include qualified_ident(schema=un.nspname, name=uc.relname) */
        FROM pg_catalog.pg_namespace un
        JOIN pg_catalog.pg_class uc ON uc.relnamespace = un.oid AND uc.relkind IN ('r', 'p', 'f')
        JOIN pg_catalog.pg_inherits ui ON ui.inhrelid = uc.oid
        WHERE NOT un.nspname = ANY (%(schemas)s::name[]) AND un.nspname NOT IN ('pg_catalog', 'information_schema')) x
  GROUP BY x.refobjid)
