-- A fragment text_search_configs.sql and unmanaged.sql include (a block comment `include ts_config_made`), over
-- pg_ts_config `c`: true where the configuration's parser is Postgres's own (default) or an extension's, and so is
-- the template of every dictionary it maps to (ts_dictionary_made.sql); not a parser of the database's own (CREATE
-- TEXT SEARCH PARSER, which schemac does not make: unmanaged.sql lists it, and the configuration).
((c.cfgparser < 16384
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend pde
             WHERE pde.classid = 'pg_catalog.pg_ts_parser'::regclass AND pde.objid = c.cfgparser AND pde.deptype = 'e'))
 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_ts_config_map cm
                 JOIN pg_catalog.pg_ts_dict cmd ON cmd.oid = cm.mapdict
                 WHERE cm.mapcfg = c.oid AND cmd.dicttemplate >= 16384
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend tde
                                   WHERE tde.classid = 'pg_catalog.pg_ts_template'::regclass
                                     AND tde.objid = cmd.dicttemplate AND tde.deptype = 'e')))
