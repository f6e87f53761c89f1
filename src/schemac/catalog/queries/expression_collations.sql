-- A fragment indexes.sql and exclusions.sql include (a block comment `include expression_collations`), over pg_index
-- `i`: NULL unless a key is an expression; then one entry per key column: an expression key's collation
-- (pg_index.indcollation as regcollation, `"C"`, `"default"`), NULL for a column key or one of a type without. Where
-- pg_get_indexdef prints no COLLATE for the key it is the collation Postgres derives for the expression, which SQL
-- cannot otherwise ask for (IndexElement.expression_collation, compare.key_collations).
CASE WHEN 0 = ANY (i.indkey::int2[]) THEN ARRAY(
  SELECT CASE WHEN k.attnum = 0 AND k.coll <> 0 THEN k.coll::pg_catalog.regcollation::text END
  FROM unnest(i.indkey::int2[], i.indcollation::oid[]) WITH ORDINALITY AS k(attnum, coll, ord)
  WHERE k.ord <= i.indnkeyatts
  ORDER BY k.ord
) END
