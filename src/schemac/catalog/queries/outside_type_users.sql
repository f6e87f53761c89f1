-- A fragment enums.sql, domains.sql, composite_types.sql and range_types.sql include as their column used_outside
-- (a block comment `include outside_type_users`): what a schema not read holds that depends on the type t, on its
-- array type, or on its multirange type (a range's) or that one's array: a column of a table or composite type
-- there, a function's argument or result, a domain over it, by pg_depend, as pg_identify_object names it ('table
-- column auth.t.m', 'function auth.f(public.mood)', 'domain auth.d'), in the order of their text; and a cast from or
-- to it whose function is of such a schema ('cast (public.mood AS text)': a cast belongs to no schema, and one whose
-- function the read does not hold is not managed, catalog.outside; its function may take anyenum or record, so no
-- other entry names the type). Postgres refuses DROP TYPE under them (a type re-created too: an enum's values removed
-- or reordered, a range's definition). pg_identify_object's schema is quoted as an identifier ("mySchema"), so the
-- schemas read are compared quoted too (a column of a mixed-case schema read is no user outside).
ARRAY(SELECT DISTINCT (CASE WHEN ud.classid = 'pg_catalog.pg_type'::regclass AND (
                                SELECT ut.typtype FROM pg_catalog.pg_type ut WHERE ut.oid = ud.objid) = 'd'
                              THEN 'domain' ELSE uo.type END || ' ' || uo.identity) COLLATE "C"
      FROM pg_catalog.pg_depend ud
      CROSS JOIN LATERAL pg_catalog.pg_identify_object(ud.classid, ud.objid, ud.objsubid) uo
      WHERE ud.refclassid = 'pg_catalog.pg_type'::regclass AND ud.deptype = 'n'
        AND ud.refobjid = ANY (ARRAY[t.oid, t.typarray] || ARRAY(
              SELECT pg_catalog.unnest(ARRAY[um.oid, um.typarray])
              FROM pg_catalog.pg_range ur JOIN pg_catalog.pg_type um ON um.oid = ur.rngmultitypid
              WHERE ur.rngtypid = t.oid))
        AND NOT COALESCE(uo.schema, (SELECT pg_catalog.quote_ident(fn.nspname) FROM pg_catalog.pg_cast uca
                                     JOIN pg_catalog.pg_proc ufp ON ufp.oid = uca.castfunc
                                     JOIN pg_catalog.pg_namespace fn ON fn.oid = ufp.pronamespace
                                     WHERE ud.classid = 'pg_catalog.pg_cast'::regclass AND uca.oid = ud.objid))
                = ANY (ARRAY(SELECT pg_catalog.quote_ident(rs) FROM pg_catalog.unnest(
                               %(schemas)s::name[] || '{pg_catalog,information_schema}'::name[]) rs))
      ORDER BY 1)
