-- Domains of the requested schemas: base type (format_type of typbasetype/typtypmod), default (typdefaultbin
-- deparsed now, under the inspect's search_path: typdefault is its text as deparsed under the search_path of the
-- CREATE DOMAIN, 'public.s' after pg_dump's empty search_path but 's' after a plain one), NOT NULL (typnotnull), and CHECK constraints as a JSON array
-- of {name, expression, not_valid, comment} ordered by name; the expression is the deparsed check
-- without the outer CHECK (...), written with VALUE. (PostgreSQL 17+ also stores a domain's NOT NULL
-- as a contype 'n' row: nullability comes from typnotnull on every version.)
-- not_null_name, not_null_comment: that row's name (the caller drops Postgres's own, <domain>_not_null) and comment.
-- collation: the domain's COLLATE as regcollation prints it (qualified when another schema's), when it is not its base type's own. Types owned by an
-- extension are left out.
-- Parameter: schemas, an array of schema names. One row per domain.
SELECT t.oid AS type_oid,
       n.nspname::text AS schema_name,
       t.typname::text AS type_name,
       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS type_text,
       pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default_expr,
       t.typnotnull AS not_null,
       COALESCE((
         SELECT json_agg(json_build_object(
                  'name', con.conname::text,
                  'expression', pg_catalog.pg_get_expr(con.conbin, 0),
                  'not_valid', NOT con.convalidated,
                  'comment', cd.description)
                ORDER BY con.conname COLLATE "C")
         FROM pg_catalog.pg_constraint con
         LEFT JOIN pg_catalog.pg_description cd
                ON cd.objoid = con.oid AND cd.classoid = 'pg_catalog.pg_constraint'::regclass AND cd.objsubid = 0
         WHERE con.contypid = t.oid
           AND con.contype = 'c'
       ), '[]'::json) AS checks,
       d.description AS comment,
       nn.conname::text AS not_null_name,
       nd.description AS not_null_comment,
       (SELECT t.typcollation::pg_catalog.regcollation::text FROM pg_catalog.pg_type bt
        WHERE bt.oid = t.typbasetype AND t.typcollation <> bt.typcollation) AS collation,
       /* include outside_type_users */ AS used_outside
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0
LEFT JOIN pg_catalog.pg_constraint nn ON nn.contypid = t.oid AND nn.contype = 'n'
LEFT JOIN pg_catalog.pg_description nd
       ON nd.objoid = nn.oid AND nd.classoid = 'pg_catalog.pg_constraint'::regclass AND nd.objsubid = 0
WHERE n.nspname = ANY (%(schemas)s::name[])
  AND t.typtype = 'd'
  AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_type'::regclass
          AND dep.objid = t.oid
          AND dep.deptype = 'e')
ORDER BY n.nspname COLLATE "C", t.typname COLLATE "C";
