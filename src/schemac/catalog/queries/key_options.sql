-- A fragment indexes.sql and exclusions.sql include (a block comment `include key_options`), over pg_index `i`: NULL unless
-- a key's operator class has parameters (gist_trgm_ops (siglen=32), kept in the index column's
-- pg_attribute.attoptions); then one entry per key column: its operator class's name (the default one's too: the
-- parameters need it named) and parameters, "public.gist_trgm_ops siglen=32", or NULL.
CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                  WHERE a.attrelid = i.indexrelid AND a.attoptions IS NOT NULL) THEN ARRAY(
  SELECT (SELECT CASE WHEN opn.nspname = 'pg_catalog' THEN '' ELSE CASE WHEN opn.nspname::text ~ '[."()]|^[ \t\n\r\f\v]|[ \t\n\r\f\v]$' THEN '"' || replace(opn.nspname::text, '"', '""') || '"' ELSE opn.nspname::text END || '.' END
                 || CASE WHEN opc.opcname::text ~ '[."()]|^[ \t\n\r\f\v]|[ \t\n\r\f\v]$' THEN '"' || replace(opc.opcname::text, '"', '""') || '"' ELSE opc.opcname::text END || ' ' || array_to_string(a.attoptions, ',')
          FROM pg_catalog.pg_attribute a, pg_catalog.pg_opclass opc
          JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
          WHERE a.attrelid = i.indexrelid AND a.attnum = k.ord AND opc.oid = k.opcoid
            AND a.attoptions IS NOT NULL)
  FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opcoid, ord)
  ORDER BY k.ord
) END
