-- A fragment text_search_dictionaries.sql and unmanaged.sql include (a block comment `include ts_dictionary_made`),
-- over pg_ts_dict `dct`: true where the dictionary's template is one a migration finds made, Postgres's own (simple,
-- synonym, ispell, snowball, thesaurus) or an extension's; not one of the database's own (CREATE TEXT SEARCH
-- TEMPLATE, which schemac does not make: unmanaged.sql lists it, and the dictionary).
(dct.dicttemplate < 16384
 OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend tde
            WHERE tde.classid = 'pg_catalog.pg_ts_template'::regclass AND tde.objid = dct.dicttemplate
              AND tde.deptype = 'e'))
