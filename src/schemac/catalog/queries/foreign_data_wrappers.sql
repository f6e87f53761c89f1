-- Foreign-data wrappers of the database made by CREATE FOREIGN DATA WRAPPER (they belong to no schema), not those
-- an extension owns (pg_depend deptype 'e': postgres_fdw's, file_fdw's), and not one whose handler or validator is
-- a function of the database's own (a C function, or one in a procedural language: unmanaged.sql lists those).
-- handler, validator: the function as a name, schema-qualified outside pg_catalog (an extension's: CREATE FOREIGN
-- DATA WRAPPER w2 HANDLER postgres_fdw_handler), or null (NO HANDLER / NO VALIDATOR). options: fdwoptions as
-- [[name, value], ...] in the catalog's order, but those naming a credential (credential_option.sql: never read;
-- unmanaged.sql lists their keys).
WITH ext_owned AS (
  SELECT dep.classid, dep.objid FROM pg_catalog.pg_depend dep WHERE dep.deptype = 'e'
), fdw AS (
  SELECT w.*,
         (SELECT CASE WHEN pn.nspname = 'pg_catalog' THEN '' ELSE pg_catalog.quote_ident(pn.nspname) || '.' END
                 || pg_catalog.quote_ident(p.proname)
          FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
          WHERE p.oid = w.fdwhandler) AS handler,
         (SELECT CASE WHEN pn.nspname = 'pg_catalog' THEN '' ELSE pg_catalog.quote_ident(pn.nspname) || '.' END
                 || pg_catalog.quote_ident(p.proname)
          FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
          WHERE p.oid = w.fdwvalidator) AS validator
  FROM pg_catalog.pg_foreign_data_wrapper w
  WHERE w.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_foreign_data_wrapper'::regclass)
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
                    WHERE p.oid IN (w.fdwhandler, w.fdwvalidator) AND pn.nspname <> 'pg_catalog'
                      AND p.oid NOT IN (SELECT objid FROM ext_owned WHERE classid = 'pg_catalog.pg_proc'::regclass))
)
SELECT fdw.fdwname::text AS wrapper_name,
       fdw.oid AS wrapper_oid,
       fdw.handler,
       fdw.validator,
       COALESCE((SELECT json_agg(json_build_array(o.option_name, o.option_value) ORDER BY o.n)
                 FROM pg_catalog.pg_options_to_table(fdw.fdwoptions) WITH ORDINALITY AS o(option_name, option_value, n)
                 WHERE NOT /* include credential_option(name=o.option_name) */),
                '[]'::json) AS options,
       pg_catalog.pg_get_userbyid(fdw.fdwowner)::text AS owner,
       d.description AS comment
FROM fdw
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = fdw.oid AND d.classoid = 'pg_catalog.pg_foreign_data_wrapper'::regclass AND d.objsubid = 0
ORDER BY fdw.fdwname COLLATE "C";
