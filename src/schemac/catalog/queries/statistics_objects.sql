-- A fragment tables.sql and views.sql include (a block comment `include statistics_objects`), over pg_class `c`: the
-- extended statistics objects on the relation (CREATE STATISTICS; a materialized view has them too), as a json array
-- of {name, schema, kinds (stxkind: d ndistinct, f dependencies, m mcv, e expressions), columns (in the table's
-- order), expressions (pg_get_statisticsobjdef_expressions), target (stxstattarget), comment, owner}.
COALESCE((
  SELECT json_agg(json_build_object(
           'name', s.stxname::text,
           'schema', sn.nspname::text,
           'kinds', s.stxkind::text[],
           'columns', ARRAY(SELECT a.attname::text FROM unnest(s.stxkeys::int2[]) WITH ORDINALITY AS k(attnum, n)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                            ORDER BY k.n),
           'expressions', pg_catalog.pg_get_statisticsobjdef_expressions(s.oid),
           'target', s.stxstattarget,
           'comment', sd.description,
           'owner', pg_catalog.pg_get_userbyid(s.stxowner)::text) ORDER BY s.stxname)
  FROM pg_catalog.pg_statistic_ext s
  LEFT JOIN pg_catalog.pg_description sd
         ON sd.objoid = s.oid AND sd.classoid = 'pg_catalog.pg_statistic_ext'::regclass AND sd.objsubid = 0
  JOIN pg_catalog.pg_namespace sn ON sn.oid = s.stxnamespace
  WHERE s.stxrelid = c.oid), '[]'::json)
