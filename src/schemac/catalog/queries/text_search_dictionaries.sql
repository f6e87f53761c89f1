-- Text search dictionaries of the requested schemas (CREATE TEXT SEARCH DICTIONARY), not those owned by
-- an extension (unaccent's own), nor those over a template of the database's own (ts_dictionary_made.sql: listed as not
-- managed). template: [schema, name]; options: pg_ts_dict.dictinitoption, the
-- options as Postgres keeps them (`language = 'english', stopwords = 'english'`), or null.
-- owner: the owning role's name. Parameter: schemas, an array of schema names. One row per dictionary.
SELECT n.nspname::text AS schema_name,
       dct.dictname::text AS dictionary_name,
       json_build_array(tn.nspname, t.tmplname) AS template,
       dct.dictinitoption AS options,
       d.description AS comment,
       pg_catalog.pg_get_userbyid(dct.dictowner)::text AS owner
FROM pg_catalog.pg_ts_dict dct
JOIN pg_catalog.pg_namespace n ON n.oid = dct.dictnamespace
JOIN pg_catalog.pg_ts_template t ON t.oid = dct.dicttemplate
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = dct.oid AND d.classoid = 'pg_catalog.pg_ts_dict'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_ts_dict'::regclass
          AND dep.objid = dct.oid
          AND dep.deptype = 'e')
  AND /* include ts_dictionary_made */
ORDER BY n.nspname COLLATE "C", dct.dictname COLLATE "C";
