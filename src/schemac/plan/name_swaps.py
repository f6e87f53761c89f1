"""Names of a schema's relations that a migration swaps: one table's key renamed to the name another table's key gives
up, which takes the first one's (two tables' keys recorded under each other's Postgres names, left unnamed now; or
two indexes renamed with `renamed_from:`; two columns of a table swapping names, or rotating them, by their hints:
compare.column_renames; two unique indexes made keys under each other's names, each ADD CONSTRAINT ... USING INDEX
renaming its index to the key's name: compare.keys_over_indexes). A key's or an index's name is a relation's of the
schema, so each rename waits for the other (plan.keys.relation_key): one of each such cycle goes through a scratch name
first, as a swap of two values does. So do two NOT NULLs of a table (PostgreSQL 18) swapping names, in the table's
constraint names. Renames that only follow one another (a chain) need none: the graph orders them."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import NAMED_AS_DEFAULT, Change
from schemac.compare.keys_over_indexes import TAKEN_BY_KEY
from schemac.model import INDEXED_KEY_TYPES, Column
from schemac.model.frozen import replace
from schemac.pg.names import constraint_name, scratch_name
# The second step's cause: it needs what the first made (not the drop-then-make order of a name removed and taken).
FROM_SCRATCH = "from its scratch name"


def _moved(c: Change) -> Optional[tuple[tuple, str, str]]:
    """(namespace, old name, new name) of a relation `c` renames, a key's index or an index (the schema's relations),
    or of a NOT NULL it renames (the table's constraints; one renamed only, or to Postgres's name)."""
    if c.kind == "rename_constraint" and isinstance(c.old, INDEXED_KEY_TYPES) or c.kind == "rename_index":
        return (c.schema,), c.old.name, c.name  # type: ignore[union-attr, return-value]
    if c.kind == "add_constraint" and c.using_index and c.cause is None:  # (the index renamed to the key's name)
        return (c.schema,), c.using_index, constraint_name(c.table_def, c.new)  # type: ignore[arg-type]
    if c.kind == "rename_column" and c.cause is None:  # (a table's columns: two swapping names, a rotation)
        return (c.schema, c.table, "column"), c.old.name, c.name  # type: ignore[union-attr, return-value]
    if c.kind == "alter_not_null" and c.cause in (None, NAMED_AS_DEFAULT) and (was := not_null_name(c.old)) \
            and (will := not_null_name(c.new)) and was != will:
        return (c.schema, c.table), was, will
    return None


def not_null_name(col: object) -> Optional[str]:
    """The name of a column's NOT NULL constraint, where it has one named."""
    return col.not_null.name if isinstance(col, Column) and col.not_null is not None else None


def through_scratch(changes: list[Change]) -> list[Change]:
    """`changes`, a rename on each cycle of renames made two: to its scratch name, then to its own."""
    moves = {(m[0], m[1]): i for i, c in enumerate(changes) if (m := _moved(c)) is not None}
    if len(moves) < 2:
        return changes
    split: set[int] = set()
    for start in moves.values():
        path, at = [start], start
        while True:
            space, _, name = _moved(changes[at])  # type: ignore[misc]
            nxt = moves.get((space, name))
            if nxt is None or nxt in path:
                break
            path.append(nxt)
            at = nxt
        if nxt == start and not split.intersection(path):
            split.add(start)
    if not split:
        return changes
    out: list[Change] = []
    for i, c in enumerate(changes):
        out.extend(_two_steps(c, changes) if i in split else [c])
    return out


def _two_steps(c: Change, changes: list[Change]) -> list[Change]:
    if c.kind == "add_constraint":  # its index renamed aside first (ALTER INDEX), then taken under that name
        index = next(d.old for d in changes if d.kind == "drop_index" and d.cause == TAKEN_BY_KEY and
                     (d.schema, d.table, d.old.name) == (c.schema, c.table, c.using_index))  # type: ignore[union-attr]
        aside = scratch_name(c.using_index)
        return [Change("rename_index", c.schema, c.table, aside, index, replace(index, name=aside), c.table_def),
                replace(c, using_index=aside, cause=FROM_SCRATCH)]
    if c.kind == "alter_not_null":  # renamed aside alone first; the rest of the change (validity, comment) after
        was = c.old.not_null  # type: ignore[union-attr]
        aside = scratch_name(was.name)  # type: ignore[union-attr]
        held = replace(c.old, not_null=replace(was, name=aside))  # type: ignore[arg-type]
        return [replace(c, new=held, cause=None), replace(c, old=held, cause=FROM_SCRATCH)]
    aside = scratch_name(c.old.name)  # type: ignore[union-attr]
    first = replace(c, name=aside, new=replace(c.new, name=aside)) if c.kind == "rename_index" else replace(c, name=aside)
    return [first, replace(c, old=replace(c.old, name=aside), cause=FROM_SCRATCH)]


def scratch_keys(c: Change, removes: set) -> set:
    """Of the keys the second step removes (or makes), those naming its scratch name: what it needs made first; a key
    that takes its index under it (compare.keys_over_indexes) needs the index's key too, which the first step keeps."""
    if c.cause != FROM_SCRATCH:
        return set()
    if c.kind == "add_constraint":
        return {k for k in removes
                if k[0] == "key" or k[0] in ("relation", "index") and k[-1] == c.using_index}
    aside = not_null_name(c.old) if c.kind == "alter_not_null" else c.old.name  # type: ignore[union-attr]
    return {k for k in removes if k[0] in ("relation", "constraint", "index", "column", "column name") and k[-1] == aside}
