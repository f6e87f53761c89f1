-- Aggregates of the requested schemas: ordinary, ordered-set and hypothetical-set (WITHIN GROUP). Not those owned
-- by an extension.
-- arguments: the input types (format_type), in order; [] for name(*). variadic: the last one is VARIADIC.
-- argument_names: proargnames ("" for an unnamed input; NULL when none is named).
-- kind: aggkind (n ordinary, o ordered-set, h hypothetical-set); direct: aggnumdirectargs, the inputs before
-- ORDER BY of an ordered-set one.
-- sfunc, finalfunc, combinefunc, serialfunc, deserialfunc, msfunc, minvfunc, mfinalfunc: the function's
-- name, bare in pg_catalog and public, else schema.name (as range_types.sql names functions; regproc's text
-- would qualify an overloaded name too), a part that holds a dot or a double quote quoted as schema.yaml writes it
-- (fn-x."sum.step": pg.names.reference_part); NULL where unset. A public function that pg_catalog's of the same
-- name and inputs hides (Evergreen's public.tsvector_concat) is public.name: a bare SFUNC would find pg_catalog's.
-- stype, mstype: format_type of the state types (mstype NULL without moving-aggregate mode).
-- initcond, minitcond: agginitval, aggminitval as Postgres keeps them (NULL: none).
-- sortop: the operator's name, qualified outside pg_catalog and public (a schema holding a dot quoted: "op.s".<<<); parallel: proparallel (u, r, s).
-- finalfunc_extra, mfinalfunc_extra: FINALFUNC_EXTRA; finalfunc_modify, mfinalfunc_modify: r (READ_ONLY, the
-- default), s (SHAREABLE), w (READ_WRITE); sspace, msspace: SSPACE, MSSPACE (0: unset).
-- Parameter: schemas, an array of schema names. One row per aggregate.
-- fn is NOT MATERIALIZED: named by 7 subqueries, it was materialized whole (every pg_proc row) and each subquery
-- scanned it all for its one oid, 7 x 12,000 rows per aggregate: 2.9 s at 1,000 aggregates. Inlined, each is a
-- lookup by oid (pg_proc_oid_index).
WITH fn AS NOT MATERIALIZED (
  SELECT p.oid, CASE WHEN n.nspname = 'pg_catalog' OR (n.nspname = 'public' AND NOT /* include pg_catalog_hides(proc=p) */) THEN /* include quoted_part(name=p.proname) */
                     ELSE /* include qualified_part(schema=n.nspname, name=p.proname) */ END AS name
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
)
SELECT p.oid AS aggregate_oid,
       n.nspname::text AS schema_name,
       p.proname::text AS aggregate_name,
       COALESCE((SELECT json_agg(pg_catalog.format_type(x.t, NULL) ORDER BY x.ord)
                 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS x(t, ord)), '[]'::json) AS arguments,
       p.provariadic <> 0 AS variadic,
       p.proargnames::text[] AS argument_names,
       a.aggkind::text AS kind,
       a.aggnumdirectargs AS direct,
       (SELECT name FROM fn WHERE fn.oid = a.aggtransfn) AS sfunc,
       pg_catalog.format_type(a.aggtranstype, NULL) AS stype,
       (SELECT name FROM fn WHERE fn.oid = a.aggfinalfn) AS finalfunc,
       (SELECT name FROM fn WHERE fn.oid = a.aggcombinefn) AS combinefunc,
       (SELECT name FROM fn WHERE fn.oid = a.aggserialfn) AS serialfunc,
       (SELECT name FROM fn WHERE fn.oid = a.aggdeserialfn) AS deserialfunc,
       (SELECT name FROM fn WHERE fn.oid = a.aggmtransfn) AS msfunc,
       (SELECT name FROM fn WHERE fn.oid = a.aggminvtransfn) AS minvfunc,
       (SELECT name FROM fn WHERE fn.oid = a.aggmfinalfn) AS mfinalfunc,
       CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END AS mstype,
       a.agginitval AS initcond,
       a.aggminitval AS minitcond,
       (SELECT CASE WHEN opn.nspname IN ('pg_catalog', 'public') THEN o.oprname::text
                    ELSE /* include quoted_part(name=opn.nspname) */ || '.' || o.oprname::text END
        FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace
        WHERE o.oid = a.aggsortop) AS sortop,
       p.proparallel::text AS parallel,
       a.aggfinalextra AS finalfunc_extra,
       a.aggmfinalextra AS mfinalfunc_extra,
       a.aggfinalmodify::text AS finalfunc_modify,
       a.aggmfinalmodify::text AS mfinalfunc_modify,
       a.aggtransspace AS sspace,
       a.aggmtransspace AS msspace,
       d.description AS comment
FROM pg_catalog.pg_aggregate a
JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                  WHERE dep.classid = 'pg_catalog.pg_proc'::regclass AND dep.objid = p.oid AND dep.deptype IN ('e', 'i'))
ORDER BY n.nspname, p.proname, p.oid;
