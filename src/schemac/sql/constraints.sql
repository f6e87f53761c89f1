-- Primary keys, unique and check constraints of every table of the requested schemas.
-- NOT NULL is not read here: PostgreSQL 18 also stores it as contype 'n' rows, but nullability
-- comes from pg_attribute.attnotnull on every version.
-- Key columns keep their conkey order (a key on (a, b) is not a key on (b, a)).
-- A check's expression is returned without the outer CHECK (...).
-- Rows for tables tables.sql left out are dropped by the caller.
-- Parameter: schemas, an array of schema names. One row per constraint.
SELECT con.conrelid AS table_oid,
       con.conname::text AS constraint_name,
       con.contype::text AS kind,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS expression,
       ARRAY(
         SELECT a.attname::text
         FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
         ORDER BY k.ord
       ) AS column_names
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p')
  AND con.contype IN ('p', 'u', 'c')
ORDER BY con.conrelid, con.conname COLLATE "C";
