-- Triggers on the tables, views and foreign tables of the requested schemas: user triggers, not those Postgres makes for
-- foreign keys (tgisinternal). The clones it puts on partitions of a table with a row trigger
-- (tgparentid <> 0) only where one's state (tgenabled) is not its parent trigger's (ALTER TABLE
-- partition DISABLE TRIGGER: own_state) or it has a comment (COMMENT ON TRIGGER t ON partition): clone true, read
-- for that state and comment alone.
-- tgtype bits: 1 ROW, 2 BEFORE, 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE, 64 INSTEAD.
-- update_columns: UPDATE OF, from tgattr; definition: pg_get_triggerdef, read only for its WHEN
-- clause (when tgqual is set); arguments: tgargs, NUL-ended strings; referenced_table: a constraint
-- trigger's FROM table (tgconstrrelid), bare in public (function_name too, but for a public function that
-- pg_catalog's of the same name and inputs hides: public.name, which a bare name would not find). function_name and referenced_table are spelled as schema.yaml
-- writes them, a part that holds a dot or a double quote quoted (fn-x."touch.v": pg.names.reference_part).
-- Rows for tables tables.sql left out are dropped by the caller.
-- Parameter: schemas, an array of schema names. One row per trigger.
SELECT tg.tgrelid AS table_oid,
       tg.tgname::text AS trigger_name,
       CASE WHEN fn.nspname = 'public' AND NOT /* include pg_catalog_hides(proc=p) */ THEN /* include quoted_part(name=p.proname) */
            ELSE /* include qualified_part(schema=fn.nspname, name=p.proname) */ END AS function_name,
       tg.tgtype::int AS tgtype,
       ARRAY(SELECT a.attname::text FROM unnest(tg.tgattr::int2[]) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = tg.tgrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS update_columns,
       CASE WHEN tg.tgqual IS NOT NULL THEN pg_catalog.pg_get_triggerdef(tg.oid) END AS definition,
       tg.tgargs AS arguments,
       tg.tgnargs AS argument_count,
       tg.tgoldtable::text AS old_table,
       tg.tgnewtable::text AS new_table,
       tg.tgconstraint <> 0 AS is_constraint,
       tg.tgdeferrable AS deferrable,
       tg.tginitdeferred AS initially_deferred,
       tg.tgenabled::text AS enabled,
       d.description AS comment,
       (SELECT CASE WHEN rn.nspname = 'public' THEN /* include quoted_part(name=rc.relname) */
                    ELSE /* include qualified_part(schema=rn.nspname, name=rc.relname) */ END
        FROM pg_catalog.pg_class rc JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
        WHERE rc.oid = tg.tgconstrrelid) AS referenced_table,
       tg.tgparentid <> 0 AS clone,
       tg.tgparentid <> 0 AND tg.tgenabled <> (SELECT pt.tgenabled FROM pg_catalog.pg_trigger pt WHERE pt.oid = tg.tgparentid)
         AS own_state
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc p ON p.oid = tg.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = tg.oid AND d.classoid = 'pg_catalog.pg_trigger'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND c.relkind IN ('r', 'p', 'v', 'f')
  AND NOT tg.tgisinternal
  AND (tg.tgparentid = 0 OR d.description IS NOT NULL
       OR tg.tgenabled <> (SELECT pt.tgenabled FROM pg_catalog.pg_trigger pt WHERE pt.oid = tg.tgparentid))
ORDER BY tg.tgrelid, tg.tgname COLLATE "C";
