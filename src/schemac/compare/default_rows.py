"""A partition made (or a table attached) beside a DEFAULT partition the migration keeps: the default may hold rows of
the new bound (pg_partman's premake over a default that caught early rows), and Postgres refuses the CREATE ... PARTITION
OF and the ATTACH over them ('updated partition constraint for default partition ... would be violated by some row').
The change is marked `over_default` (the default, the parent's key, and the tables whose rows those are: the parent, its
ancestors, the default itself and the tables under it): plan.default_rows_ddl takes the default's rows of the bound out
before it and puts them back through the parent after. The foreign keys referencing one of those tables are dropped and
added again around the move (ROWS_MOVED): their check of the DELETE from the default would refuse it, or, ON DELETE
CASCADE or SET NULL, delete or change the rows referencing them (one referencing the default itself then fails its
check again, as it must: those rows are no longer the default's; plan.hazards warns). A table the same migration
attaches as the DEFAULT is one too: its ATTACH comes first (plan.dependencies), then its rows of the bound move alike."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from schemac.compare.changes import NEW_TABLE, Change
from schemac.compare.rows_held import RowsHeld
from schemac.model import Table

# The cause of a foreign key's drop and add around rows moved out of a default partition into a new partition.
ROWS_MOVED = "rows moved out of the default partition"
# The cause of a foreign key's drop and add around a partition of the table it references detached and attached again.
REBOUND = "a partition of the referenced table detached and attached again"
# The cause of a drop of a partition of a table a foreign key references: Postgres refuses its DROP TABLE, which the key's
# pg_constraint row on the partition depends on ('cannot drop table ... because other objects depend on it'), until
# it is DETACHed (which checks that no row references one of its rows, as a DELETE of them would).
REFERENCED_PARTITION = "a partition of a table a foreign key references"


def _is_default(t: Table, parent: tuple[str, str]) -> bool:
    p = t.partition_of
    return p is not None and (p.parent_schema, p.parent) == parent and p.bound.strip().upper() == "DEFAULT"


def ancestors(parent: Table, des_tables: dict) -> tuple[tuple[str, str], ...]:
    """The parent and the tables over it: the default's rows are theirs too (a key referencing one checks them)."""
    out, t = [], parent
    while t is not None and (t.schema, t.name) not in out:
        out.append((t.schema, t.name))
        p = t.partition_of
        t = des_tables.get((p.parent_schema, p.parent)) if p is not None else None
    return tuple(out)


def referenced_partition(t: Table, cur_tables: dict) -> Optional[str]:
    """REFERENCED_PARTITION where a foreign key of the current model references `t`'s parent or a table over it (its
    drop is then a DETACH and a DROP); None else."""
    p = t.partition_of
    parent = cur_tables.get((p.parent_schema, p.parent)) if p is not None else None
    over = set(ancestors(parent, cur_tables)) if parent is not None else set()
    return REFERENCED_PARTITION if over and any((fk.ref_schema, fk.ref_table) in over for x in cur_tables.values()
                                                for fk in x.foreign_keys) else None


def partitions(tables: dict) -> dict[tuple[str, str], list[Table]]:
    """Each partitioned table's partitions, (schema, name) -> in `tables`' order: the tree below walks, built once."""
    out: dict[tuple[str, str], list[Table]] = {}
    for t in tables.values():
        if t.partition_of is not None:
            out.setdefault((t.partition_of.parent_schema, t.partition_of.parent), []).append(t)
    return out


def below(t: Table, des_tables: dict, children: Optional[dict] = None) -> tuple[tuple[str, str], ...]:
    """The tables under `t` (its partitions, theirs...), level by level, each level in `des_tables`' order: the rows
    put back through the parent wait for them all (and the copies of a partitioned table's key are theirs:
    compare.rebuilt_keys, compare.unique_pk_copies). `children`: partitions(des_tables), built once by a caller
    walking many trees."""
    children = partitions(des_tables) if children is None else children
    out: list[tuple[str, str]] = []
    level, order = [(t.schema, t.name)], None
    while level:
        found = [u for p in level for u in children.get(p, ())]
        if len(level) > 1:  # (partitions of several parents: in des_tables' order, as one pass over them gave them)
            order = order or {k: n for n, k in enumerate(des_tables)}
            found.sort(key=lambda u: order[(u.schema, u.name)])
        level = [(u.schema, u.name) for u in found if (u.schema, u.name) not in out]
        out += level
    return tuple(out)


def over_defaults(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with each new partition (add_table, attach_partition) beside a DEFAULT partition of its parent that
    the current model has there already marked `over_default` (RowsHeld: the default's rows of the bound); and after
    each, its `put_back_rows` (ROWS_MOVED): the rows taken out put back once the partition's own partitions are there
    too."""
    out, created = [], {(c.schema, c.table) for c in changes if c.kind == "add_table"}
    for c in changes:
        made = c.kind == "add_table" and c.cause is None  # (a new table in a column order of its own: its ATTACH)
        new = c.new if made or (c.kind == "attach_partition" and c.cause in (None, NEW_TABLE)) else None
        p = getattr(new, "partition_of", None)
        parent = des_tables.get((p.parent_schema, p.parent)) if p is not None and p.bound.strip().upper() != "DEFAULT" \
            else None
        if parent is None or parent.partition_by is None or parent.partition_by.strategy == "hash":
            out.append(c)
            continue
        default = next((t for t in des_tables.values() if _is_default(t, (parent.schema, parent.name))), None)
        was = cur_tables.get((default.schema, default.name)) if default is not None else None
        if was is None or not _is_default(was, (parent.schema, parent.name)) and (was.schema, was.name) in created:
            out.append(c)  # (a default made anew holds no rows)
            continue
        # (a table attached as the DEFAULT by the same migration too: attached first, then its rows are moved alike)
        by, held = parent.partition_by, ((default.schema, default.name),) + below(default, des_tables)
        mark = RowsHeld((default.schema, default.name), by.strategy, by.key, ancestors(parent, des_tables) + held,
                        below(new, des_tables))
        out += [replace(c, over_default=mark),
                Change("put_back_rows", c.schema, c.table, None, None, new, new, ROWS_MOVED, over_default=mark)]
    return out


def leaving_rows(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with each partition detached and attached again under another bound (or parent) marked as over a
    default, the partition itself in the default's place (RowsHeld.leaving): Postgres refuses the ATTACH over its rows
    outside the new bound ('partition constraint ... is violated by some row': a range partition split in two, a hash
    partition given a greater modulus), so plan.default_rows_ddl takes them out before the ATTACH and puts them back
    through the parent once every partition of it is made and attached (its new siblings take them). Not a foreign
    partition: Postgres checks no row of a foreign table it attaches, and most wrappers cannot DELETE. One over_defaults
    marked already (its parent keeps a DEFAULT whose rows of the new bound move in) keeps that mark, widened (`also`):
    its own rows outside the bound are taken out too, into the same held rows, put back once every
    partition of the parent is there."""
    again = {(c.schema, c.table) for c in changes if c.kind == "detach_partition"}
    out, widened = [], {}
    for c in changes:
        if c.kind == "put_back_rows" and (c.schema, c.table) in widened:
            out.append(replace(c, over_default=widened[(c.schema, c.table)]))
            continue
        p = getattr(c.new, "partition_of", None) if c.kind == "attach_partition" else None
        parent = des_tables.get((p.parent_schema, p.parent)) if p is not None else None
        if p is None or parent is None or parent.partition_by is None or \
                c.over_default is not None and (c.over_default.leaving or c.over_default.also) or \
                (c.schema, c.table) not in again or (c.schema, c.table) not in cur_tables or \
                p.bound.strip().upper() == "DEFAULT" or c.new.foreign is not None:
            out.append(c)
            continue
        me = (c.schema, c.table)
        if _keeps_its_rows(cur_tables[me], c.new, parent, cur_tables):
            out.append(c)
            continue
        tables = ancestors(parent, des_tables) + (me,) + below(c.new, des_tables)
        under = (ancestors(parent, des_tables)[0],) + below(parent, des_tables)
        if c.over_default:  # (the default's rows of the bound move in too: one mark for both, put back after all)
            d = c.over_default
            mark = widened[me] = replace(d, tables=tuple(dict.fromkeys(d.tables + tables)),
                                         under=tuple(dict.fromkeys(d.under + under)), also=True)
            out.append(replace(c, over_default=mark))
            continue
        mark = RowsHeld(me, parent.partition_by.strategy, parent.partition_by.key, tables, under, leaving=True)
        out += [replace(c, over_default=mark),
                Change("put_back_rows", c.schema, c.table, None, None, c.new, c.new, ROWS_MOVED, over_default=mark)]
    return out


def _keeps_its_rows(was: Table, t: Table, parent: Table, cur_tables: dict) -> bool:
    """Whether every row of `was` is inside `t`'s bound: the same bound under a parent partitioned alike (a partition
    moved to another parent as it was), its columns as they were (a retype can reorder a range: '9' > '10' as text)."""
    old, new = was.partition_of, t.partition_of
    if old is None or new is None or old.bound != new.bound:
        return False
    old_parent = cur_tables.get((old.parent_schema, old.parent))
    by = old_parent.partition_by if old_parent is not None else None
    return by is not None and by == parent.partition_by and \
        [(x.name, x.type, x.collation) for x in was.columns] == [(x.name, x.type, x.collation) for x in t.columns]


def moved_under(changes: list[Change]) -> dict:
    """The tables whose rows the migration moves between partitions ((schema, name) of each parent and ancestor): the
    tables ((schema, name), ...) their rows are taken out of, which a foreign key's ROWS_MOVED changes are given as
    their `held_from` (plan.default_rows_ddl drops and adds the key only where one of them holds rows)."""
    out: dict = {}
    for c in changes:
        held = c.over_default if c.kind == "put_back_rows" else None
        for a in held.tables if held is not None else ():
            own = ((c.schema, c.table),) if held.also else ()  # (its own rows leave too)
            out[a] = tuple(dict.fromkeys(out.get(a, ()) + (held.source,) + own))
    return out


def rebound(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with the DETACH and ATTACH of each partition the migration attaches again (another bound: Postgres
    has no ALTER for it; or another parent) marked `rebound`: the parent it leaves and its ancestors, the parent it
    joins and theirs. The DETACH checks every foreign key referencing one of them, and Postgres refuses it where a row
    references one of the partition's rows ('removing partition ... violates foreign key constraint'), though the
    ATTACH puts them back: those keys are dropped before it and added again after the ATTACH (REBOUND), which checks
    the rows once they are back."""
    again = {(c.schema, c.table) for c in changes if c.kind == "detach_partition"} & \
        {(c.schema, c.table) for c in changes if c.kind == "attach_partition"}
    if not again:  # (most migrations: none walked)
        return changes
    out = []
    for c in changes:
        if c.kind not in ("detach_partition", "attach_partition") or (c.schema, c.table) not in again:
            out.append(c)
            continue
        side, tables = (c.old, cur_tables) if c.kind == "detach_partition" else (c.new, des_tables)
        p = getattr(side, "partition_of", None)
        parent = tables.get((p.parent_schema, p.parent)) if p is not None else None
        out.append(replace(c, rebound=ancestors(parent, tables)) if parent is not None else c)
    return out
