"""A partition's (or INHERITS child's) own column default, kept under its parent's SET or DROP DEFAULT.

ALTER TABLE parent ALTER COLUMN c SET DEFAULT (or DROP DEFAULT), without ONLY, makes the same change on every
partition and child, below any level. A child whose default schema.yaml gives otherwise than its parent's
(`PARTITION OF p (c DEFAULT 7)`) loses it: its own change is then made after its parent's (plan.dependencies
orders it), not left to the parent's (compare.differ marks a child's change INHERITED when the parent makes one of
that kind on that column), and a child with no change of its own gets its default set again (DEFAULT_KEPT): a child
the migration makes too (its CREATE TABLE, ordered before the parent's ALTER, is reached by it).
ALTER TABLE parent ADD COLUMN c ... DEFAULT x likewise gives x to every table below that gains the column from it
(an INHERITED add_column; a fresh build of a child declared without one has none): a child wanting none or another
gets its own after (DEFAULT_KEPT, its old column None).
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Iterator, Optional

from schemac.compare.changes import INHERITED, Change
from schemac.compare.declared_below import declared_before_parents
from schemac.compare.normalize import same_default
from schemac.model import Column, Table
from schemac.model.tables import inherited_column

DEFAULT_KEPT = "its own default, set again after its parent's ALTER TABLE carried the parent's down"
_KINDS = ("set_default", "drop_default")


def parents_of(t: Table) -> Iterator[tuple[str, str]]:
    """(schema, name) of the tables `t` is a partition or an INHERITS child of."""
    if t.partition_of is not None:
        yield (t.partition_of.parent_schema, t.partition_of.parent)
    for q in t.inherits:
        yield (q.schema, q.name)


def given_but_default(column: Column, parent_column: Column) -> bool:
    """Whether an inherited-only `column` of a child is what its parent's gives it but for its default (schema.yaml
    writes it in the child for that alone: `default: 'NULL'` where the child dropped its parent's)."""
    return replace(column, default=None, source=None) == replace(inherited_column(parent_column, None), default=None)


def _default(t: Table, column: str) -> tuple[bool, Optional[str], str]:
    col = next((c for c in t.columns if c.name == column), None)
    return (col is not None, col.default if col is not None else None, col.type if col is not None else "")


def defaults_kept_below(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with the defaults of the children (at any depth) of a table whose column default changes made
    again after it where they differ from the parent's new one (see the module); a standing child's ADD COLUMN of a
    column it starts declaring as its parents gain it made its own first (compare.declared_below), which stops theirs."""
    changes = declared_before_parents(changes, cur_tables, des_tables)
    carried = [c for c in changes if c.kind in _KINDS and c.cause != INHERITED]
    added = {(c.schema, c.table, c.name): c for c in changes if c.kind == "add_column"}
    carried += [c for c in added.values() if c.cause != INHERITED]
    if not carried or not any(t.partition_of is not None or t.inherits for t in des_tables.values()):
        return changes
    children: dict[tuple[str, str], list[Table]] = {}
    for t in des_tables.values():
        for p in parents_of(t):
            children.setdefault(p, []).append(t)
    own = {(c.schema, c.table, c.name): c for c in changes if c.kind in _KINDS}
    out = list(changes)
    for c in carried:
        parent_default = c.new.default if c.kind != "drop_default" else None  # type: ignore[union-attr]
        below, seen = list(children.get((c.schema, c.table), ())), set()
        while below:
            t = below.pop()
            if t.key in seen:
                continue
            gained = added.get((t.schema, t.name, c.name))  # type: ignore[arg-type]
            if c.kind == "add_column" and (gained is None or gained.cause != INHERITED):
                continue  # (one it has already: the parent's ADD COLUMN merges into it, and stops there)
            seen.add(t.key)
            below += children.get(t.key, ())
            has, default, type_text = _default(t, c.name)  # type: ignore[arg-type]
            if not has or same_default(default, parent_default, type_text):
                continue  # what the parent's ALTER TABLE gives it is what it wants
            mine = own.get((t.schema, t.name, c.name))
            if mine is not None and mine.cause == DEFAULT_KEPT:
                continue  # (set again already: the parent drops its default and sets it again)
            if mine is not None and mine.kind == "set_default":
                if mine.cause == INHERITED:  # its own value, not the parent's: made by its own statement
                    # (and found so again by the parent's next change of that column: a DROP and a SET DEFAULT
                    # around its ALTER TYPE)
                    out[out.index(mine)] = own[(t.schema, t.name, c.name)] = replace(mine, cause=None)
                continue
            was = cur_tables.get(t.key)  # (None: a table made in this migration, before its parent's ALTER TABLE)
            old = next((x for x in was.columns if x.name == c.name), None) if was is not None else None  # None: a
            # table attached, or made
            new = next(x for x in t.columns if x.name == c.name)
            out.append(Change("set_default" if default is not None else "drop_default", t.schema, t.name, c.name,
                              old, new, t, DEFAULT_KEPT))
            own[(t.schema, t.name, c.name)] = out[-1]
    return out
