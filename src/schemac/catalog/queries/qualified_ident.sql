-- A fragment functions.sql and outside_reads.sql include (a block comment `include qualified_ident(schema=un.nspname,
-- name=uc.relname)`): `schema.name` quoted as Postgres quotes an identifier (quote_ident), in the text naming what a
-- schema not read holds (a table's `used_outside:`, a function's).
pg_catalog.quote_ident({schema}) || '.' || pg_catalog.quote_ident({name})
