"""generate's warning for a column added with a default under a primary key, UNIQUE or unique index the same migration
makes over it alone (or over columns all added so): ADD COLUMN gives every row the table holds the default's one value
(a constant, now(), pg_current_xact_id(): one transaction), so the key's index fails where the table holds two rows
('could not create unique index'). SpiceDB's xid column replayed: its history filled the column by an UPDATE no
schema.yaml holds before making the key. generate never sees the rows, so it says so; a default that differs row by
row (nextval(), gen_random_uuid(), random(), clock_timestamp()) is none of these, nor one calling a function schema.yaml
declares VOLATILE (every overload of its name): Postgres evaluates a volatile default for each row as ADD COLUMN
rewrites the table, where a STABLE or IMMUTABLE one, or a function it cannot see, is taken as evaluated once (a STABLE
function's nextval() too: checked on 18)."""

from __future__ import annotations

import re

from schemac.compare.changes import Change
from schemac.model import Schema
from schemac.pg.calls import called_functions
from schemac.plan.partial_keys import full_key

__all__ = ["one_value_keys"]

_ROW_BY_ROW = re.compile(r"\b(nextval|gen_random_uuid|uuid_generate_v[14]|uuidv[47]|random|clock_timestamp|timeofday)"
                         r"\s*\(", re.I)


def one_value_keys(changes: list[Change], desired: Schema) -> list[str]:
    """Warnings for each key or unique index the plan makes on a kept table over columns it adds with one default."""
    made = {(c.schema, c.table) for c in changes if c.kind == "add_table"}
    added = {(c.schema, c.table, c.name): c for c in changes
             if c.kind == "add_column" and c.cause is None and (c.schema, c.table) not in made
             and getattr(c.new, "default", None) is not None and not _ROW_BY_ROW.search(c.new.default)  # type: ignore
             and c.new.identity is None and not c.new.generated}  # type: ignore[union-attr]
    if added and desired.functions:
        volatile = _volatile_names(desired)
        added = {k: c for k, c in added.items() if not called_functions(c.new.default) & volatile}  # type: ignore
    if not added:
        return []
    out = []
    for c in changes:
        key = full_key(c)
        if key is None:
            continue
        what, columns = key
        cols = [added.get((c.schema, c.table, name)) for name in columns]
        if not cols or any(x is None for x in cols):
            continue
        first = cols[0]
        out.append(f"warning: {first.source or first.path}: column {first.path} is added with the default "  # type: ignore
                   f"{first.new.default} under {what}, made by the same migration: every row the table holds takes "  # type: ignore
                   "that one value, and the migration fails where it holds two (fill the column row by row, then "
                   "add the key in a later migration)")
    return out


def _volatile_names(desired: Schema) -> set[tuple[str, str]]:
    """The (schema, name) of the functions schema.yaml declares whose every overload is VOLATILE."""
    kinds: dict[tuple[str, str], set[str]] = {}
    for f in desired.functions:
        kinds.setdefault((f.schema, f.name), set()).add(f.volatility)
    return {key for key, seen in kinds.items() if seen == {"volatile"}}
