-- A fragment functions.sql and unmanaged.sql include (a block comment `include managed_language`), over pg_proc `p`
-- and pg_language `l`: true where the function's body is one schemac writes. Procedural languages' are text; a C
-- function's is its library and link symbol (probin, prosrc: `AS '$libdir/postgis-3', 'LWGEOM_addpoint'`, as PostGIS's
-- legacy.sql makes them outside the extension), made again as written where the library is installed; an internal
-- function's is the name of one of Postgres's own C functions (prosrc: `AS 'pg_num_nonnulls'`), which every server
-- has. Not so a C or internal function that is a base type's I/O or support function or takes or returns a base or
-- shell type of the database's own (a type schemac does not make: CREATE TYPE t (INPUT = t_in, ...) needs them as one
-- piece; the migration expects the type, and them, to be there). Nor a function in a language of the database's own
-- (CREATE LANGUAGE without an extension, which schemac does not make: unmanaged.sql lists it): the migration would
-- create the function before, or without, its language. Postgres's languages (sql, c, internal) have system oids,
-- plpgsql and the other procedural languages are an extension's. Nor a function with a TRANSFORM FOR TYPE clause
-- (pg_proc.protrftypes): schemac writes none (nor makes the transform), so it would be rebuilt without it.
(p.protrftypes IS NULL AND (l.oid < 16384 OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend le
                           WHERE le.classid = 'pg_catalog.pg_language'::regclass AND le.objid = l.oid
                             AND le.deptype = 'e'))
 AND (l.lanname NOT IN ('c', 'internal') OR (
   NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type io
               WHERE p.oid IN (io.typinput, io.typoutput, io.typreceive, io.typsend, io.typmodin, io.typmodout,
                               io.typanalyze, io.typsubscript))
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type own
                   WHERE own.oid = ANY (COALESCE(p.proallargtypes, p.proargtypes::oid[]) || p.prorettype)
                     AND own.oid >= 16384 AND own.typtype IN ('b', 'p') AND own.typelem = 0
                     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend te
                                     WHERE te.classid = 'pg_catalog.pg_type'::regclass AND te.objid = own.oid
                                       AND te.deptype = 'e')))))
