"""A partitioned table's index or UNIQUE dropped where its partitions hold a second copy of its definition.

Postgres names a partition's copies of its ancestors' indexes and keys `<partition>_<columns>_idx` / `_key`, the
name taken numbered (`_idx1`, `_key1`) in the order it made them. A root's UNIQUE (a, b) and a middle partition's
own of that definition give the leaf two copies, `tote_1a_a_b_key` (the root's) and `tote_1a_a_b_key1` (the
middle's): the root's dropped, the leaf keeps `_key1`, where a fresh build, which never made the root's, names it
`_key` (inspect leaves both out: Postgres's names). The drop carries those partitions (`Change.renumbers`) and
plan.renumbering_ddl renames their copies left to the first names free, as Postgres would have chosen them.
"""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.default_rows import ancestors
from schemac.compare.partition_copies import name_parts
from schemac.model import Index, Table, Unique
from schemac.model.frozen import replace
from schemac.pg.childindex import child_index_name
from schemac.pg.names import constraint_name

_NUMBERS = 10  # (the names tried: `_key`, `_key1` ... `_key9`, as plan.partition_index_ddl's free names)


def _parts(obj: object) -> tuple:
    """What Postgres names a copy of `obj` after: (columns, expressions, label)."""
    if isinstance(obj, Unique):
        columns = list(obj.columns) + list(obj.include)
        return tuple(columns), (None,) * len(columns), "key"
    columns, expressions = name_parts(obj)  # type: ignore[arg-type]
    return tuple(columns), tuple(expressions), "idx"


def _alike(t: Table, obj: object) -> bool:
    """Whether `t` declares an index (UNIQUE) whose copies Postgres names as `obj`'s (its copies' names numbered)."""
    held = t.uniques if isinstance(obj, Unique) else t.indexes
    return any(_parts(o) == _parts(obj) for o in held)


def _below(t: Table, tables: dict) -> list[Table]:
    """The partitions under `t`, at any depth."""
    out: list[tuple] = []
    level = [t.key]
    while level:
        level = [u.key for u in tables.values() if u.partition_of is not None
                 and (u.partition_of.parent_schema, u.partition_of.parent) in level and u.key not in out]
        out += level
    return [tables[k] for k in out]


def _renumbered(t: Table, obj: object, cur_tables: dict, des_tables: dict, added: set) -> tuple:
    """((schema, partition, ((n, name), ...)), ...): the partitions under `t` left holding a copy of another table's
    index (UNIQUE) of `obj`'s name parts, each with the names Postgres gives such a copy by number (`_key`, `_key1`...)
    but those it declares itself (made or kept by the migration: not a copy's to take). Not one under a table the
    migration adds one of those name parts to (`added`: the dropped one made again, changed), whose new copy takes the
    first name free, as a fresh build, which makes it first, names it."""
    columns, expressions, label = _parts(obj)
    out = []
    for d in _below(t, cur_tables):
        kept = des_tables.get(d.key)
        p = kept.partition_of if kept is not None else None
        parent = des_tables.get((p.parent_schema, p.parent)) if p is not None else None
        above = ancestors(parent, des_tables) if parent is not None else ()
        if not any(_alike(des_tables[a], obj) for a in above) or any((*a, _parts(obj)) in added for a in above):
            continue
        declared = {i.name for i in kept.indexes} | {constraint_name(kept, k) for k in kept.indexed_keys()}  # type: ignore
        names = [(n, child_index_name(d.name, columns, expressions, f"{label}{n or ''}")) for n in range(_NUMBERS)]
        out.append((d.schema, d.name, tuple((n, x) for n, x in names if x not in declared)))
    return tuple(out)


def renumbered_below(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with each drop of a partitioned table's index or UNIQUE carrying the partitions whose copies of
    another's of its definition a fresh build names otherwise (`renumbers`)."""
    added = {(c.schema, c.table, _parts(c.new)) for c in changes
             if c.kind in ("add_index", "add_constraint") and isinstance(c.new, (Index, Unique))}

    def marked(c: Change) -> Change:
        t = cur_tables.get((c.schema, c.table))
        if c.kind not in ("drop_index", "drop_constraint") or t is None or t.partition_by is None \
                or not isinstance(c.old, (Index, Unique)):
            return c
        found = _renumbered(t, c.old, cur_tables, des_tables, added)
        return replace(c, renumbers=found) if found else c
    return [marked(c) for c in changes]
