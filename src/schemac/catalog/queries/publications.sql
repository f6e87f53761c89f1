-- Publications of the database (they belong to no schema), with what each publishes and the tables of
-- the requested schemas it names (pg_publication_rel: column list and row filter, PostgreSQL 15+) and
-- the requested schemas it names (pg_publication_namespace, FOR TABLES IN SCHEMA). tables: [[schema,
-- table, columns (null: every column) in attnum order, row filter (pg_get_expr) or null], ...].
-- generated_columns: PostgreSQL 18's publish_generated_columns (read through to_jsonb, so that the
-- query runs on every major). Parameter: schemas, an array of schema names. One row per publication.
SELECT p.pubname::text AS publication_name,
       pg_catalog.pg_get_userbyid(p.pubowner)::text AS owner,
       p.puballtables AS all_tables,
       p.pubinsert AS publish_insert,
       p.pubupdate AS publish_update,
       p.pubdelete AS publish_delete,
       p.pubtruncate AS publish_truncate,
       p.pubviaroot AS via_partition_root,
       COALESCE(pg_catalog.to_jsonb(p) ->> 'pubgencols' IN ('s', 'true'), false) AS generated_columns,
       COALESCE((
         SELECT json_agg(json_build_array(
                  n.nspname, c.relname,
                  (SELECT json_agg(a.attname ORDER BY a.attnum)
                   FROM pg_catalog.pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum = ANY (r.prattrs)),
                  pg_catalog.pg_get_expr(r.prqual, r.prrelid))
                ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C")
         FROM pg_catalog.pg_publication_rel r
         JOIN pg_catalog.pg_class c ON c.oid = r.prrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE r.prpubid = p.oid AND n.nspname = ANY (%(schemas)s::name[])
       ), '[]'::json) AS tables,
       COALESCE((
         SELECT json_agg(n.nspname ORDER BY n.nspname COLLATE "C")
         FROM pg_catalog.pg_publication_namespace pn
         JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid
         WHERE pn.pnpubid = p.oid AND n.nspname = ANY (%(schemas)s::name[])
       ), '[]'::json) AS schemas,
       d.description AS comment
FROM pg_catalog.pg_publication p
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_publication'::regclass AND d.objsubid = 0
ORDER BY p.pubname COLLATE "C";
