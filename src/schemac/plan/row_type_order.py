"""A column that holds a table's row type retyped away from it in the same change as a column of that table: Postgres
refuses ALTER TABLE t ALTER COLUMN ... TYPE while a column of another table is of t's row type ("cannot alter table
"t" because column "u.c" uses its row type"), so the holder's ALTER COLUMN ... TYPE (u.c: t -> text) runs first.
(compare.row_types refuses the change where the holder keeps the row type, or holds it through a composite type or a
domain.)"""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.plan.dependencies import Deps
from schemac.pg.types import type_name


def row_type_freed(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` (each change's Deps) with the holder's retype freeing ("row type", schema, table) of the table whose row
    type it held, which each retype of a column of that table removes."""
    retyped = [i for i, c in enumerate(changes) if c.kind == "alter_column_type" and c.old is not None
               and c.new is not None]
    tables = {(changes[i].schema, changes[i].table) for i in retyped}
    if not tables:
        return out
    out = list(out)
    for i in retyped:
        c = changes[i]
        held = type_name(c.old.type)  # type: ignore[union-attr]
        key = ("row type", c.schema, c.table)
        d = out[i]
        if held in tables and type_name(c.new.type) != held:  # type: ignore[union-attr]
            d = Deps(d.makes, d.removes, d.needs, d.frees | {("row type", *held)})
        out[i] = Deps(d.makes, d.removes | {key}, d.needs, d.frees)
    return out
