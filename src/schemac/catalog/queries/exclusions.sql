-- EXCLUDE constraints (contype 'x') of every table of the requested schemas, with the index that
-- enforces them, read as indexes.sql reads an index (attnames, expressions, options, opclasses: one
-- entry per indkey position), plus:
--   operators: per key, the operator of its WITH (conexclop), bare in pg_catalog and public, else
--              qualified with its schema (quoted where it holds a dot or a double quote: "op.s".<<<); one of
--              pg_catalog or public qualified too where a bare name would find another: one of those schemas
--              taking the key's type on both sides where this one does not (citext's `<>` in public over a
--              citext key that gist_text_ops indexes with pg_catalog's `<>(text, text)`: pg_dump's `WITH <>`,
--              made under search_path '', refused under the migration's `public`);
--   key_options: as indexes.sql's, an operator class's parameters (gist_trgm_ops (siglen=32));
--   parameters: the index's WITH (...) storage parameters as stored, "fillfactor=75" (pg_class.reloptions);
--   index_comment: the comment on that index (COMMENT ON INDEX), as constraints.sql's for keys;
--   definition: pg_get_constraintdef, the catalog's own form: each key's COLLATE clause is read from it
--              (Postgres prints one exactly where the collation is not the key's own);
--   expression_collations: as indexes.sql's, an expression key's collation (its own where none is printed).
-- Left out: the copies Postgres makes on partitions of a partitioned table (conparentid <> 0).
-- Rows for tables tables.sql left out are dropped by the caller.
-- Parameter: schemas, an array of schema names. One row per constraint.
SELECT con.conrelid AS table_oid,
       con.conname::text AS constraint_name,
       am.amname::text AS method,
       i.indnkeyatts AS key_count,
       ARRAY(
         SELECT (SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = k.attnum)
         FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         ORDER BY k.ord
       ) AS attnames,
       ARRAY(
         SELECT CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END
         FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         ORDER BY k.ord
       ) AS expressions,
       i.indoption::int2[] AS options,
       ARRAY(
         SELECT (SELECT CASE WHEN opc.opcdefault THEN NULL
                             WHEN opn.nspname = 'pg_catalog' THEN /* include quoted_part(name=opc.opcname) */
                             ELSE /* include qualified_part(schema=opn.nspname, name=opc.opcname) */ END
                 FROM pg_catalog.pg_opclass opc
                 JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
                 WHERE opc.oid = k.opcoid)
         FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opcoid, ord)
         ORDER BY k.ord
       ) AS opclasses,
       ARRAY(
         SELECT (SELECT CASE WHEN opn.nspname IN ('pg_catalog', 'public') AND NOT EXISTS (
                                SELECT FROM pg_catalog.pg_operator o2
                                JOIN pg_catalog.pg_namespace n2 ON n2.oid = o2.oprnamespace
                                WHERE o2.oprname = op.oprname AND o2.oid <> op.oid
                                  AND n2.nspname IN ('pg_catalog', 'public')
                                  AND o2.oprleft = kt.typ AND o2.oprright = kt.typ
                                  AND (op.oprleft <> kt.typ OR op.oprright <> kt.typ)) THEN op.oprname::text
                             ELSE /* include quoted_part(name=opn.nspname) */ || '.' || op.oprname::text END
                 FROM pg_catalog.pg_operator op
                 JOIN pg_catalog.pg_namespace opn ON opn.oid = op.oprnamespace
                 WHERE op.oid = k.opoid)
         FROM unnest(con.conexclop) WITH ORDINALITY AS k(opoid, ord)
         -- the key's type: a column's own, an expression's where its index stores it as it is (no opckeytype)
         LEFT JOIN LATERAL (
           SELECT COALESCE(
                    (SELECT a.atttypid FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = i.indrelid AND a.attnum = (i.indkey::int2[])[k.ord - 1] AND a.attnum > 0),
                    (SELECT ia.atttypid FROM pg_catalog.pg_attribute ia
                     JOIN pg_catalog.pg_opclass kc ON kc.oid = (i.indclass::oid[])[k.ord - 1]
                     WHERE ia.attrelid = i.indexrelid AND ia.attnum = k.ord AND kc.opckeytype = 0)) AS typ
         ) kt ON true
         ORDER BY k.ord
       ) AS operators,
       /* include key_options */ AS key_options,
       /* include expression_collations */ AS expression_collations,
       pg_catalog.pg_get_constraintdef(con.oid) AS definition,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred,
       d.description AS comment,
       di.description AS index_comment,
       ic.reloptions::text[] AS parameters
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = con.oid AND d.classoid = 'pg_catalog.pg_constraint'::regclass AND d.objsubid = 0
LEFT JOIN pg_catalog.pg_description di
       ON di.objoid = con.conindid AND di.classoid = 'pg_catalog.pg_class'::regclass AND di.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p')
  AND con.contype = 'x'
  AND con.conparentid = 0
ORDER BY con.conrelid, con.conname COLLATE "C";
