"""A deferred materialized view (plan.populate) kept split, WITH NO DATA then REFRESH after every object, because a body
its query calls names a table that reads the view, made whole instead where that table reads it through its columns'
defaults alone: the table is created without those defaults, the view WITH DATA after it (LAST), and each default set
after the view (ALTER TABLE ... ALTER COLUMN ... SET DEFAULT), as a hand-written schema does it. On 15 and 16 CREATE
... WITH NO DATA types the view's columns by the query as written, WITH DATA by the planned one (a SQL function inlined,
`COALESCE(amount, NULL)` folded to `amount`: `numeric(10,2)`): the split view lacked the typmods a fresh build gives.
The table is new and empty: no row is given a default before it is set."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Table
from schemac.model.frozen import replace
from schemac.plan.keys import refs_of
from schemac.plan.populate import made_last, named_readers, reader_refs, reads

# The cause of a new table's set_default moved after the materialized view its default reads.
AFTER_THE_VIEW = "set after the materialized view its default reads"


def defaults_after(changes: list[Change], which: set[int]) -> list[Change]:
    """`changes` with the new tables that keep one of `which` (deferred views) split, reading it only through column
    defaults, created without them and each default set after (appended: the indexes of `which` hold)."""
    split = which - made_last(changes, which)
    if not split:
        return changes
    out = list(changes)
    for i in sorted(split):
        tried = list(out)
        for j, keys in named_readers(tried, reader_refs(tried), i):
            c = tried[j]
            t = c.new
            if c.kind != "add_table" or not isinstance(t, Table) or _in_a_hierarchy(t, tried):
                continue
            moved = [col for col in t.columns if col.default and refs_of(t, col) & keys]
            bare = replace(t, columns=tuple(replace(col, default=None) if col in moved else col for col in t.columns))
            if not moved or reads(replace(c, new=bare)) & keys:
                continue
            tried[j] = replace(c, new=bare, table_def=bare)
            tried += [Change("set_default", t.schema, t.name, col.name, None, col, t, AFTER_THE_VIEW) for col in moved]
        if i in made_last(tried, {i}):
            out = tried
    return out


def _in_a_hierarchy(t: Table, changes: list[Change]) -> bool:
    """Whether `t` is a partition or child, partitioned, or a parent of a table the migration creates: its defaults
    pass down at CREATE and at SET DEFAULT otherwise (a child may keep one of its own)."""
    return t.partition_of is not None or t.partition_by is not None or bool(t.inherits) or any(
        c.kind == "add_table" and isinstance(c.new, Table) and (
            any((p.schema, p.name) == (t.schema, t.name) for p in c.new.inherits)
            or c.new.partition_of is not None and (c.new.partition_of.parent_schema, c.new.partition_of.parent)
            == (t.schema, t.name)) for c in changes)
