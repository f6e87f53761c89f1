"""A new INHERITS parent's columns added after its new children are made: shapes only ALTER TABLE ... ADD COLUMN makes.

A parent's column added after a child exists merges into the child's column of that name as it is: a child's plain
column stays plain under the parent's generated one (its DEFAULT or identity kept), a generated one generated under
a plain one, and a child of two parents keeps the first's generated column under the second's plain one. inspect
writes them as the database holds them; CREATE TABLE ... INHERITS makes none of them: it gives the child the parent's
expression (drift) or refuses ('child column "g" specifies generation expression', 'column "g" inherits from
generated column but specifies default', 'inherited column "g" has a generation conflict'), and so does ALTER TABLE
... INHERIT ('column "g" in child table must be a generated column'). So the parent is created without those columns
and each is added after its children (compare.differ; plan.dependencies orders them): only the parent's last
columns, whose place ADD COLUMN keeps.
"""

from __future__ import annotations

from schemac.model import Column, Table
from schemac.model.tables import own_columns


def _conflict(given: Column, parent: Column) -> bool:
    """Whether a parent's column under the one a child has otherwise (`given`) differs in its generation."""
    return (given.generated is None) != (parent.generated is None) or \
        (given.generated is not None and parent.generated is not None and given.virtual != parent.virtual)


def columns_after_children(tables: dict, current: dict) -> dict[tuple[str, str], tuple[str, ...]]:
    """(schema, parent) -> the names of its columns added after its new children (of a parent that exists, those
    it gains: its ADD COLUMN waits for them too)."""
    later: dict[tuple[str, str], set[str]] = {}
    for key, child in tables.items():
        if not child.inherits or child.partition_of is not None or key in current:
            continue
        own = {c.name: c for c in own_columns(child)}
        parents = [(q.schema, q.name) for q in child.inherits]
        for at, pk in enumerate(parents):
            parent, was = tables.get(pk), current.get(pk)
            if parent is None:
                continue
            for col in parent.columns:
                if was is not None and was.column(col.name) is not None:
                    continue  # (an existing parent's column: its child is made under it as it is)
                given = own.get(col.name) or next((c for q in parents[:at] for c in (tables[q].column(col.name),)
                                                   if q in tables and c is not None), None)
                if given is not None and _conflict(given, col):
                    later.setdefault(pk, set()).add(col.name)
    return {pk: tail for pk, names in later.items() if (tail := _trailing(tables[pk], names))}


def _trailing(t: Table, names: set[str]) -> tuple[str, ...]:
    """`names` in `t`'s order when they are its last columns and nothing CREATE TABLE makes reads them; else ()."""
    order = [c.name for c in t.columns]
    tail = order[min(order.index(n) for n in names):]
    if set(tail) != names:
        return ()
    keys = [*(t.primary_key.columns if t.primary_key else ()), *(n for u in t.uniques for n in u.columns)]
    if any(n in keys for n in names) or t.checks or t.partition_by is not None:
        return ()
    return tuple(tail)
