"""generate's warning of a table whose column a parent's DROP and ADD COLUMN take and give back (cause INHERITED).

A parent's column dropped and added again (a generated column around the retype of a column it reads,
GENERATED_REBUILT, or any other DROP and ADD) takes a child's or partition's copy of it along when the child has it
from the parent alone, and its ADD gives the copy back as the child's last column (a new attnum): a child with
columns of its own after it (`gauge_local (x int) INHERITS (gauge)`: id, a, g, x) then ends in another order than a
fresh build of schema.yaml gives it (id, a, x, g). No DDL moves a column, nor does diff read a child's order, so the
plan cannot keep it without making the child again: it says so, naming the child and both orders, never silently.
"""

from __future__ import annotations

from schemac.compare.changes import INHERITED, Change
from schemac.model import Schema


def readded_order_notices(changes: list[Change], current: Schema, desired: Schema) -> list[str]:
    """One warning per existing table whose columns a parent's DROP and ADD COLUMN leave in another order than a
    fresh build's: its order after the migration (the columns given back last, in schema.yaml's order, then those it
    gains) and the fresh build's."""
    dropped = {(c.schema, c.table, c.name) for c in changes if c.kind == "drop_column" and c.cause == INHERITED}
    readded: dict[tuple[str, str], set[str]] = {}
    for c in changes:
        if c.kind == "add_column" and c.cause == INHERITED and (c.schema, c.table, c.name) in dropped:
            readded.setdefault((c.schema, c.table), set()).add(c.name)  # type: ignore[arg-type]
    was = {t.key: t for t in current.tables}
    out = []
    for t in desired.tables:
        names, old = readded.get(t.key), was.get(t.key)
        if not names or old is None:
            continue
        wanted = [c.name for c in t.columns]
        kept = [c.name for c in old.columns if c.name in wanted and c.name not in names]
        after = kept + [n for n in wanted if n in names] + [n for n in wanted if n not in kept and n not in names]
        if after != wanted:
            out.append(f"{t.source or t.qualified_name}: table {t.qualified_name}'s column(s) {', '.join(n for n in wanted if n in names)}, "
                       f"dropped and added again by its parent's DROP and ADD COLUMN, come last: its columns will be "
                       f"({', '.join(after)}), where a fresh build of schema.yaml has ({', '.join(wanted)}); diff does "
                       f"not report a column order (make the table again to have the fresh build's)")
    return out
