-- Rewrite rules on the tables and views of the requested schemas (not a view's _RETURN rule: its body). event: ev_type ('1' select, '2' update, '3' insert, '4' delete);
-- enabled: ev_enabled (O origin, D disabled, R replica, A always: ALTER TABLE ... ENABLE/DISABLE RULE);
-- definition: pg_get_ruledef, the catalog's only form of the condition and actions (kept as parse
-- trees), which the caller reads them from.
-- Rows for relations tables.sql and views.sql left out are dropped by the caller.
-- Parameter: schemas, an array of schema names. One row per rule.
SELECT r.ev_class AS table_oid,
       r.rulename::text AS rule_name,
       r.ev_type::text AS event,
       r.is_instead AS instead,
       r.ev_enabled::text AS enabled,
       pg_catalog.pg_get_ruledef(r.oid) AS definition,
       d.description AS comment
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = r.oid AND d.classoid = 'pg_catalog.pg_rewrite'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p', 'v')
  AND r.rulename <> '_RETURN'
ORDER BY r.ev_class, r.rulename COLLATE "C";
