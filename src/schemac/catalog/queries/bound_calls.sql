-- A fragment (a block comment `include bound_calls(classid=..., objid=..., body=...)`): of the object {objid} of
-- catalog {classid} (a function's SQL-standard body, a CHECK, a column default), the functions it calls and the
-- operators it applies (bound when it is stored: pg_depend), beside which their schema holds another of the name (not
-- an extension's), as JSON: [[schema, name, input types, its text {body} deparsed under a search_path of that schema
-- alone (not of public's, whose call the text deparsed under public prints qualified where the name alone takes
-- another), the path set and set back around it as views.sql's own_paths]] (compare.view_binds.older_body_calls).
(SELECT json_agg(json_build_array(cn.nspname::text, COALESCE(cf.proname, co.oprname)::text,
                       CASE WHEN cf.oid IS NOT NULL THEN (
                         SELECT string_agg(pg_catalog.format_type(x.t, NULL), ', ' ORDER BY x.ord)
                         FROM unnest(cf.proargtypes::oid[]) WITH ORDINALITY AS x(t, ord))
                       ELSE COALESCE(pg_catalog.format_type(NULLIF(co.oprleft, 0), NULL), 'NONE') || ', '
                            || pg_catalog.format_type(co.oprright, NULL) END,
                       CASE WHEN cn.nspname <> 'public' THEN (
                         SELECT CASE WHEN pg_catalog.set_config('search_path', w.was, true) IS NOT NULL
                                     THEN w.body END
                         FROM (SELECT v.was, CASE WHEN pg_catalog.set_config('search_path',
                                                         pg_catalog.quote_ident(cn.nspname), true) IS NOT NULL
                                                  THEN {body} END AS body
                               FROM (SELECT pg_catalog.current_setting('search_path') AS was OFFSET 0) v
                               OFFSET 0) w) END))
FROM pg_catalog.pg_depend cd  -- (a function's row or an operator's it applies, as views.sql's own_paths)
LEFT JOIN pg_catalog.pg_proc cf ON cd.refclassid = 'pg_catalog.pg_proc'::regclass AND cf.oid = cd.refobjid
LEFT JOIN pg_catalog.pg_operator co
       ON cd.refclassid = 'pg_catalog.pg_operator'::regclass AND co.oid = cd.refobjid
JOIN pg_catalog.pg_namespace cn ON cn.oid = COALESCE(cf.pronamespace, co.oprnamespace)
WHERE cd.classid = {classid} AND cd.objid = {objid}
  AND cd.refclassid IN ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_operator'::regclass) AND cd.deptype = 'n'
  AND cn.nspname NOT IN ('pg_catalog', 'information_schema')
  AND (EXISTS (SELECT FROM pg_catalog.pg_proc o
               WHERE o.proname = cf.proname AND o.pronamespace = cf.pronamespace AND o.oid <> cf.oid)
       OR EXISTS (SELECT FROM pg_catalog.pg_operator o
                  WHERE o.oprname = co.oprname AND o.oprnamespace = co.oprnamespace AND o.oid <> co.oid))
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend e WHERE e.classid = cd.refclassid
                    AND e.objid = cd.refobjid AND e.deptype = 'e'))
