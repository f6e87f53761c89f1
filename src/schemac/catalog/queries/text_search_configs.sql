-- Text search configurations of the requested schemas (CREATE TEXT SEARCH CONFIGURATION), not those
-- owned by an extension, nor those over a parser or template of the database's own (ts_config_made.sql: listed as not
-- managed). parser and each dictionary: [schema, name]. mappings: {token type alias:
-- [dictionaries in the order they are tried (mapseqno)]}, only the token types that have a mapping.
-- owner: the owning role's name. Parameter: schemas, an array of schema names. One row per configuration.
SELECT n.nspname::text AS schema_name,
       c.cfgname::text AS config_name,
       json_build_array(pn.nspname, p.prsname) AS parser,
       COALESCE((
         SELECT json_object_agg(tt.alias, (
                  SELECT json_agg(json_build_array(dn.nspname, d.dictname) ORDER BY m.mapseqno)
                  FROM pg_catalog.pg_ts_config_map m
                  JOIN pg_catalog.pg_ts_dict d ON d.oid = m.mapdict
                  JOIN pg_catalog.pg_namespace dn ON dn.oid = d.dictnamespace
                  WHERE m.mapcfg = c.oid AND m.maptokentype = tt.tokid))
         FROM pg_catalog.ts_token_type(c.cfgparser) AS tt
         WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_ts_config_map m WHERE m.mapcfg = c.oid AND m.maptokentype = tt.tokid)
       ), '{}'::json) AS mappings,
       d.description AS comment,
       pg_catalog.pg_get_userbyid(c.cfgowner)::text AS owner
FROM pg_catalog.pg_ts_config c
JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_ts_config'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_ts_config'::regclass
          AND dep.objid = c.oid
          AND dep.deptype = 'e')
  AND /* include ts_config_made */
ORDER BY n.nspname COLLATE "C", c.cfgname COLLATE "C";
