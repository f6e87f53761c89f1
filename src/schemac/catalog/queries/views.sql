-- Views and materialized views of the requested schemas (relkind 'v', 'm'), except those owned by an
-- extension. definition: pg_get_viewdef(oid, true), Postgres's own deparse of the query (names
-- qualified where the session's search_path would not find them).
-- options: reloptions ("security_barrier=true", "check_option=local"...); populated: relispopulated
-- (a materialized view created WITH NO DATA, or not refreshed since, is not).
-- cluster_on: the index a materialized view is marked clustered on (ALTER ... CLUSTER ON, or CLUSTER mv USING i).
-- parameters: a materialized view's storage parameters as tables.sql reads a table's (its TOAST table's
-- prefixed "toast."; toast_table: whether it has one); a view's reloptions are its options.
-- columns: one text array per column in order: [name, type (format_type), collation (where not its type's own, as
-- columns.sql reads a table column's: COLLATE "C" of what the query reads), comment, default (ALTER VIEW ...
-- ALTER COLUMN ... SET DEFAULT, deparsed), statistics (a materialized view's SET STATISTICS target, as text, or null),
-- storage (a materialized view's SET STORAGE where not its type's typstorage, as columns.sql reads a table's, or null),
-- compression (a materialized view's SET COMPRESSION, pglz or lz4, as columns.sql reads a table's, or null)]; of a
-- plain view none of whose columns has a comment or a default, [name, type, collation] alone: Postgres refuses SET
-- STATISTICS, STORAGE and COMPRESSION on a view ("not supported for views"), so the other five are null there (at
-- 1,000 views of 11 columns, 69,000 nulls neither built, sent nor read: the query's CPU ~-4 ms).
-- Arrays, not JSON objects repeating their keys (nor the depends'): at 1,000 views of 11 columns, 2.1 -> 1.3 MB of
-- rows sent to diff's parent, and cheaper to build, decode and read (catalog/views.py unpacks them by position).
-- statistics: a materialized view's extended statistics objects (statistics_objects.sql, as tables.sql's), else NULL.
-- depends: what the query reads, from pg_depend of the view's _RETURN rule (normal dependencies):
-- [kind (relation|column|function|type|constraint|operator|text search config|text search dictionary|collation),
-- schema, name, column, type] (a text array each): a relation read as a whole (column null) or one of its columns
-- (with its format_type), a function (column: its result, type: its input types), a type (a cast), a constraint
-- (GROUP BY on a primary key: "table.constraint" in name), an operator (type: its argument types, NONE for a prefix
-- operator's left), a text search configuration (`'app.cfg'::regconfig`), dictionary (`::regdictionary`) or a
-- collation (`COLLATE app.c`): Postgres refuses to drop any of them under the view.
-- written_aliases: the aliases written in the query (its rule's range tables' `:alias`, not those Postgres's deparse
-- makes unique, `m3_1`) that end in _<digits>, as pg.relation_renames tells the two apart (none: an empty array);
-- the rule's node tree (about 11 kB a view) is searched only where the deparse holds `_<digit>` at all (searching
-- every one: views.sql's time at 1,000 views doubled, /work/rwfiles/fix43d/bench2.py).
-- own_path_deparses: [schema, deparse] of each schema but public (and pg_catalog) of a function the view calls (an
-- operator it applies) beside which that schema holds another function (operator) of its name: the view deparsed
-- under a search_path of that schema alone (own_paths below; NULL where there is none).
-- Parameter: schemas, an array of schema names. One row per view.
-- What the views read but columns is gathered for all of them at once (rule_deps, items, deps), one branch per kind of
-- object referenced, so that each pg_depend row is looked up in the one catalog it names (a join over all four looked
-- each up in every one: a third of the query's time at 1,000 views); the columns they read, view by view (depends).
WITH shown AS MATERIALIZED (
  -- The views and materialized views of the schemas read, found from their queries' rules: every one has its
  -- _RETURN rule (pg_rewrite: a few hundred rows, Postgres's own views' among them), each relation looked up by its
  -- oid, where a scan of pg_class for its kind read every relation (2,290 pages at 10,000 tables).
  SELECT r.oid AS rule_oid, r.ev_class AS view_oid
  FROM pg_catalog.pg_class vc
  JOIN pg_catalog.pg_namespace vn ON vn.oid = vc.relnamespace AND vn.nspname = ANY (%(schemas)s::name[])
  JOIN pg_catalog.pg_rewrite r  -- the query's own (a view's other rules: compare.readers)
    ON r.ev_class = vc.oid AND r.rulename = '_RETURN'
  WHERE vc.oid = ANY (ARRAY(SELECT q.ev_class FROM pg_catalog.pg_rewrite q WHERE q.rulename = '_RETURN'))
    AND vc.relkind IN ('v', 'm')
), rule_deps AS (
  SELECT s.view_oid, dep.refclassid, dep.refobjid, dep.refobjsubid
  FROM shown s
  JOIN pg_catalog.pg_depend dep
    ON dep.classid = 'pg_catalog.pg_rewrite'::regclass AND dep.objid = s.rule_oid AND dep.deptype = 'n'
  -- (the view itself as a whole: up to PostgreSQL 15 every view's rule names it, for OLD and NEW; a column of its
  -- own is read by a view that reads itself, made by CREATE OR REPLACE VIEW: plan.stubs)
  WHERE (dep.refobjid <> s.view_oid OR dep.refobjsubid > 0)
    -- (the columns read: depends below, view by view)
    AND NOT (dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjsubid > 0)
), items AS (
  SELECT d.view_oid, CASE WHEN d.refobjsubid = 0 THEN 'relation' ELSE 'column' END AS kind,
         rn.nspname AS schema_name, rc.relname::text AS name, NULL::text AS column_name, NULL::text AS type
  FROM rule_deps d
  JOIN pg_catalog.pg_class rc ON rc.oid = d.refobjid
  JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
  WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjsubid <= 0  -- (< 0: a system column, unnamed)
  UNION ALL
  SELECT d.view_oid, 'function', pn.nspname, p.proname::text, pg_catalog.pg_get_function_result(p.oid),
         (SELECT string_agg(pg_catalog.format_type(x.t, NULL), ', ' ORDER BY x.ord)
          FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS x(t, ord))
  FROM rule_deps d
  JOIN pg_catalog.pg_proc p ON p.oid = d.refobjid
  JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
  WHERE d.refclassid = 'pg_catalog.pg_proc'::regclass
  UNION ALL
  SELECT d.view_oid, 'type', tn.nspname, t.typname::text, NULL, NULL
  FROM rule_deps d
  JOIN pg_catalog.pg_type t ON t.oid = d.refobjid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
  WHERE d.refclassid = 'pg_catalog.pg_type'::regclass
  UNION ALL
  SELECT d.view_oid, 'operator', opn.nspname, o.oprname::text, NULL,
         COALESCE(pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), 'NONE') || ', '
           || pg_catalog.format_type(o.oprright, NULL)
  FROM rule_deps d
  JOIN pg_catalog.pg_operator o ON o.oid = d.refobjid
  JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace
  WHERE d.refclassid = 'pg_catalog.pg_operator'::regclass
  UNION ALL
  SELECT d.view_oid, 'constraint', kn.nspname, kc.relname::text || '.' || k.conname::text, NULL, NULL
  FROM rule_deps d
  JOIN pg_catalog.pg_constraint k ON k.oid = d.refobjid
  JOIN pg_catalog.pg_class kc ON kc.oid = k.conrelid
  JOIN pg_catalog.pg_namespace kn ON kn.oid = kc.relnamespace
  WHERE d.refclassid = 'pg_catalog.pg_constraint'::regclass
  UNION ALL
  -- a text search configuration, dictionary or collation: its schema and name by its address (one branch for three)
  SELECT d.view_oid, CASE d.refclassid WHEN 'pg_catalog.pg_ts_config'::regclass THEN 'text search config'
                       WHEN 'pg_catalog.pg_ts_dict'::regclass THEN 'text search dictionary' ELSE 'collation' END,
         a.object_names[1], a.object_names[2], NULL, NULL
  FROM rule_deps d, pg_catalog.pg_identify_object_as_address(d.refclassid, d.refobjid, 0) a
  WHERE d.refclassid IN ('pg_catalog.pg_ts_config'::regclass, 'pg_catalog.pg_ts_dict'::regclass,
                         'pg_catalog.pg_collation'::regclass)
), deps AS MATERIALIZED (  -- (inlined, it was aggregated again for every view: 6.3 s at 1,000 views)
  SELECT view_oid, array_agg(ARRAY[kind, schema_name::text, name, column_name, type]) AS depends
  FROM items
  WHERE schema_name NOT IN ('pg_catalog', 'information_schema')
  GROUP BY view_oid
), own_paths AS MATERIALIZED (
  -- Of each view calling a function of another schema than public (not an extension's) beside which that schema holds
  -- another function of its name (applying an operator so), the view's deparse under a search_path of that schema alone: Postgres prints a call
  -- bare there only where the name alone takes the function it calls (the catalog's deparse, under public, qualifies
  -- it whatever it is bound to), so a call printed qualified is bound to an older overload (compare.view_binds). The
  -- path is set for that deparse alone and then set back (set_config in nested subqueries, run inside out), as each
  -- row's; a rare row, so the query's other deparses are not touched.
  SELECT b.view_oid, array_agg(ARRAY[b.nspname::text, x.definition]) AS deparses
  FROM (SELECT DISTINCT d.view_oid, pn.nspname
        FROM rule_deps d  -- (a function's row or an operator's: the one catalog it names looked up, the other not)
        LEFT JOIN pg_catalog.pg_proc p ON d.refclassid = 'pg_catalog.pg_proc'::regclass AND p.oid = d.refobjid
        LEFT JOIN pg_catalog.pg_operator op ON d.refclassid = 'pg_catalog.pg_operator'::regclass AND op.oid = d.refobjid
        JOIN pg_catalog.pg_namespace pn ON pn.oid = COALESCE(p.pronamespace, op.oprnamespace)
        WHERE d.refclassid IN ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_operator'::regclass)
          AND pn.nspname NOT IN ('public', 'pg_catalog', 'information_schema')
          AND (EXISTS (SELECT FROM pg_catalog.pg_proc o
                       WHERE o.proname = p.proname AND o.pronamespace = p.pronamespace AND o.oid <> p.oid)
               OR EXISTS (SELECT FROM pg_catalog.pg_operator o
                          WHERE o.oprname = op.oprname AND o.oprnamespace = op.oprnamespace AND o.oid <> op.oid))
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend e WHERE e.classid = d.refclassid
                            AND e.objid = d.refobjid AND e.deptype = 'e')) b
  CROSS JOIN LATERAL (
    SELECT CASE WHEN pg_catalog.set_config('search_path', w.was, true) IS NOT NULL THEN w.definition END AS definition
    FROM (SELECT v.was, CASE WHEN pg_catalog.set_config('search_path', pg_catalog.quote_ident(b.nspname), true)
                                  IS NOT NULL THEN pg_catalog.pg_get_viewdef(b.view_oid, true) END AS definition
          FROM (SELECT pg_catalog.current_setting('search_path') AS was OFFSET 0) v OFFSET 0) w) x
  GROUP BY b.view_oid
), view_types AS MATERIALIZED (
  -- The types of the views' columns (a few, however many columns): looked up in pg_type once each and hashed, where
  -- joined to each column pg_type was searched once per column (11,474 index scans at 1,000 views: -15 ms of CPU).
  SELECT t.oid, t.typstorage, t.typcollation
  FROM pg_catalog.pg_type t
  WHERE t.oid IN (SELECT a.atttypid FROM shown s JOIN pg_catalog.pg_attribute a ON a.attrelid = s.view_oid
                  WHERE a.attnum > 0 AND NOT a.attisdropped)
), /* include outside_reads */
SELECT c.oid AS view_oid,
       n.nspname::text AS schema_name,
       c.relname::text AS view_name,
       c.relkind = 'm' AS materialized,
       vt.definition,
       CASE WHEN vt.definition ~ '_[0-9]' THEN ARRAY(
         SELECT pg_catalog.replace(m[1], '\', '')
         FROM pg_catalog.pg_rewrite wr,
              pg_catalog.regexp_matches(wr.ev_action::text, ':alias \{ALIAS :aliasname ((?:[^\s\\]|\\.)*_[0-9]+) ', 'g') m
         WHERE wr.ev_class = c.oid AND wr.rulename = '_RETURN') ELSE '{}' END AS written_aliases,
       c.reloptions::text[] AS options,
       c.relispopulated AS populated,
       CASE WHEN c.relkind = 'm' THEN COALESCE(c.reloptions::text[], '{}') || ARRAY(
         SELECT 'toast.' || o.option FROM unnest(tc.reloptions::text[]) WITH ORDINALITY AS o(option, n)
         ORDER BY o.n) END AS parameters,
       c.reltoastrelid <> 0 AS toast_table,
       (SELECT ci.relname::text FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class ci ON ci.oid = ix.indexrelid
        WHERE ix.indrelid = c.oid AND ix.indisclustered) AS cluster_on,
       d.description AS comment,
       CASE WHEN c.relkind = 'm' OR vd.column_comments OR vd.column_defaults THEN COALESCE((
         SELECT array_agg(ARRAY[
                  a.attname::text,
                  pg_catalog.format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::pg_catalog.regcollation::text END,
                  CASE WHEN vd.column_comments THEN (SELECT ad.description FROM pg_catalog.pg_description ad
                                                     WHERE ad.objoid = c.oid AND ad.objsubid = a.attnum
                                                       AND ad.classoid = 'pg_catalog.pg_class'::regclass) END,
                  CASE WHEN a.atthasdef THEN (SELECT pg_catalog.pg_get_expr(df.adbin, df.adrelid)
                                              FROM pg_catalog.pg_attrdef df
                                              WHERE df.adrelid = a.attrelid AND df.adnum = a.attnum) END,
                  NULLIF(a.attstattarget, -1)::int::text,
                  CASE WHEN c.relkind = 'm' AND a.attstorage <> t.typstorage THEN CASE a.attstorage
                    WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ELSE 'extended' END END,
                  CASE WHEN c.relkind = 'm' THEN CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END END]
                ORDER BY a.attnum)
         FROM pg_catalog.pg_attribute a
         JOIN view_types t ON t.oid = a.atttypid
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       ), '{}')
       ELSE COALESCE((
         SELECT array_agg(ARRAY[
                  a.attname::text,
                  pg_catalog.format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::pg_catalog.regcollation::text END]
                ORDER BY a.attnum)
         FROM pg_catalog.pg_attribute a
         JOIN view_types t ON t.oid = a.atttypid
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       ), '{}') END AS columns,
       -- The columns the view reads (most of what views read: 11,474 of 11,492 at 1,000 views), gathered view by view:
       -- its rule's pg_depend rows (one index scan), those of one relation at once (the relation and its schema looked
       -- up once, its attributes in one index scan, attnum = ANY: not all three once per column, 189,530 -> 107,512
       -- buffers at 1,000 views). Kept out of rule_deps and deps, where they were written to a tuplestore, scanned
       -- by every branch, sorted and aggregated by view, and hashed back to the views: the query's CPU ~-8 ms there.
       COALESCE(deps.depends, '{}') || COALESCE((
         SELECT array_agg(ARRAY['column', rn.nspname::text, rc.relname::text, ra.attname::text,
                                pg_catalog.format_type(ra.atttypid, ra.atttypmod)])
         FROM (SELECT dep.refobjid, array_agg(dep.refobjsubid) AS attnums
               FROM pg_catalog.pg_depend dep
               WHERE dep.classid = 'pg_catalog.pg_rewrite'::regclass AND dep.objid = s.rule_oid AND dep.deptype = 'n'
                 AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjsubid > 0
               GROUP BY dep.refobjid) d
         JOIN pg_catalog.pg_class rc ON rc.oid = d.refobjid
         JOIN pg_catalog.pg_namespace rn
           ON rn.oid = rc.relnamespace AND rn.nspname NOT IN ('pg_catalog', 'information_schema')
         JOIN pg_catalog.pg_attribute ra ON ra.attrelid = d.refobjid AND ra.attnum = ANY (d.attnums)
       ), '{}') AS depends,
       COALESCE(o.readers, '{}') AS used_outside,
       op.deparses AS own_path_deparses,
       CASE WHEN c.relkind = 'm' THEN /* include statistics_objects */ END AS statistics
-- deps FULL JOINed: every view it holds is one of shown's, so as a LEFT JOIN, but one a nested loop cannot run.
-- shown is estimated at 1 row (its oid = ANY (ARRAY(...))), and LEFT JOINed, deps was scanned whole once per view
-- (a Nested Loop's join filter: 3,000 loops, 8,997,000 rows removed, 0.9 s at 3,000 views); hashed, once. c joins
-- by COALESCE: on s.view_oid alone (a strict condition) the planner made the FULL JOIN a LEFT JOIN again.
-- outside_reads likewise (1,000 views of another schema over 1,000 of ours: 2,999,000 rows removed, 321 ms); its
-- rows of no view (a table's, a sequence's) have neither s nor deps, so COALESCE is NULL and c drops them.
FROM shown s
FULL JOIN deps ON deps.view_oid = s.view_oid
FULL JOIN outside_reads o ON o.refobjid = s.view_oid
FULL JOIN own_paths op ON op.view_oid = s.view_oid  -- (every view it holds is one of shown's: as deps)
JOIN pg_catalog.pg_class c ON c.oid = COALESCE(s.view_oid, deps.view_oid)
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
-- Whether any column of the view has a comment, and any a default (once a view): a column's comment and default are
-- looked up only where it may have one (the view's column_comments, the column's atthasdef), not joined to every
-- column (2 x 11,474 searches at 1,000 views for no row); a plain view with neither sends its columns narrow.
CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_viewdef(c.oid, true) AS definition OFFSET 0) vt  -- (OFFSET 0: computed once, not pulled up into each use)
CROSS JOIN LATERAL (SELECT EXISTS (SELECT FROM pg_catalog.pg_description cd
                                   WHERE cd.objoid = c.oid AND cd.classoid = 'pg_catalog.pg_class'::regclass
                                     AND cd.objsubid > 0) AS column_comments,
                           EXISTS (SELECT FROM pg_catalog.pg_attrdef cf WHERE cf.adrelid = c.oid) AS column_defaults
                    OFFSET 0) vd  -- (evaluated once a view: inlined, its EXISTS ran again where the columns use it)
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_class'::regclass
          AND dep.objid = c.oid
          AND dep.deptype = 'e')
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C";
