"""After a partitioned table's index or UNIQUE is dropped: the partitions' copies Postgres had numbered past its copy's
name (`tote_1a_a_b_key1` beside the dropped one's `tote_1a_a_b_key`) renamed to the first names free, as a fresh
build, which never made the dropped one, names them (compare.renumbered_copies)."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.pg.names import qualified
from schemac.plan.ddl import do_block, literal


def renumbered_copies(change: Change) -> list[exp.Expression]:
    """A DO block renaming, on each partition of `change.renumbers`, each index attached to a parent's (a copy) under
    one of its numbered names to the first name before it no relation of the schema holds: in the order of their
    numbers, so `_key1` takes `_key` before `_key2` takes `_key1`. Asked on the server: which copies a partition
    holds, and which names are free, the model does not say (inspect leaves Postgres's copies out)."""
    if not change.renumbers:
        return []
    values = ", ".join(f"({literal(qualified(schema, table))}, {literal(schema)}, {n}, {literal(name)})"
                       for schema, table, names in change.renumbers for n, name in names)
    named = f"(VALUES {values}) AS x(rel, nsp, n, name)"
    copies = (f"SELECT c.oid AS copy, x.rel, x.n FROM {named} JOIN pg_catalog.pg_class c ON c.relname = x.name JOIN "
              "pg_catalog.pg_index i ON i.indexrelid = c.oid AND i.indrelid = pg_catalog.to_regclass(x.rel) WHERE "
              "EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = c.oid) ORDER BY x.rel, x.n")
    free = (f"SELECT x.name INTO free FROM {named} WHERE x.rel = r.rel AND x.n < r.n AND NOT EXISTS (SELECT 1 FROM "
            "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = x.nsp "
            "AND c.relname = x.name) ORDER BY x.n LIMIT 1;")
    rename = "EXECUTE pg_catalog.format('ALTER INDEX %s RENAME TO %I', r.copy::pg_catalog.regclass, free);"
    return [do_block(f"DECLARE r record; free text; BEGIN FOR r IN {copies} LOOP free := NULL; {free} "
                     f"IF free IS NOT NULL THEN {rename} END IF; END LOOP; END")]
