-- A fragment aggregates.sql, casts.sql, operators.sql, range_types.sql, triggers.sql and opclass_members.sql include
-- (a block comment `include pg_catalog_hides(proc=p)`: `{proc}` below is the includer's alias of a pg_proc row): true
-- where pg_catalog holds a function of {proc}'s name and input types. A public function so hidden is named
-- public.name: a bare name would find pg_catalog's (searched first, whatever the search path). `c` is this text's own
-- alias, not one the includer may pass.
EXISTS (SELECT FROM pg_catalog.pg_proc c WHERE c.pronamespace = 'pg_catalog'::regnamespace
                                          AND c.proname = {proc}.proname AND c.proargtypes = {proc}.proargtypes)
