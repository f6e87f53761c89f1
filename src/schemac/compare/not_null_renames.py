"""A NOT NULL renamed to Postgres's default name (compare.not_nulls.not_null_changes, cause NAMED_AS_DEFAULT) on a
table with partitions or INHERITS children: kept only where Postgres's recursing RENAME CONSTRAINT finds the same
name in each of them."""

from __future__ import annotations

from schemac.compare.changes import NAMED_AS_DEFAULT, Change
from schemac.model import Schema


def renamed_on_leaves(changes: list[Change], current: Schema) -> list[Change]:
    """`changes` less the NAMED_AS_DEFAULT renames (not_null_changes) of a table whose partitions or INHERITS children
    hold that NOT NULL under a name of their own: Postgres's RENAME CONSTRAINT recurses into them and refuses one
    that holds another (a table attached as a partition keeps `ev_2025_id_not_null`), while ONLY is refused for an
    inherited constraint; the name is left as it is, as before. Children holding the parent's (read unnamed, or
    under it) are renamed along, as a fresh build names them."""
    if not any(c.kind == "alter_not_null" and c.cause == NAMED_AS_DEFAULT for c in changes):
        return changes
    below: dict = {}
    for t in current.tables:
        ups = [(p.schema, p.name) for p in t.inherits]
        if t.partition_of is not None:
            ups.append((t.partition_of.parent_schema, t.partition_of.parent))
        for up in ups:
            below.setdefault(up, []).append(t)

    def followed(key: tuple, column: str, name: str) -> bool:
        for child in below.get(key, ()):
            col = child.column(column)
            held = col.not_null.name if col is not None and col.not_null is not None else None
            if held not in (None, name) or not followed(child.key, column, name):
                return False
        return True

    return [c for c in changes if not (c.kind == "alter_not_null" and c.cause == NAMED_AS_DEFAULT
                                       and not followed((c.schema, c.table), c.name, c.old.not_null.name))]
