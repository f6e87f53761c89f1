-- User columns of every table of the requested schemas, in declaration order.
-- System columns (attnum <= 0) and dropped ones (attisdropped) are catalog noise.
-- A generated column's expression lives in pg_attrdef too, but it is not a default:
-- default_expr is NULL for those.
-- Rows for tables tables.sql left out (extension-owned, partitions) are dropped by the caller.
-- Parameter: schemas, an array of schema names. One row per column.
SELECT a.attrelid AS table_oid,
       a.attnum AS position,
       a.attname::text AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_text,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END AS default_expr,
       pg_catalog.col_description(a.attrelid, a.attnum) AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p')
  AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum;
