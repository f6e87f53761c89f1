"""A column an INHERITS parent renames (`renamed_from:`) is renamed in its children too: ALTER TABLE parent RENAME
COLUMN recurses to every table inheriting it (Postgres renames the child's column, merged or inherited alone, and
what reads it there follows). schema.yaml writes `renamed_from:` on the parent's column only, and the child's copy of
it (model.tables.inherited_column) holds none: the child's comparison saw a column dropped and one added, and
generate refused the drop as destructive (or wrote it, losing the child's values). The child's column is given the
parent's `renamed_from:`, so its comparison sees the same RENAME COLUMN, which compare.differ marks INHERITED (the
parent's statement makes it). So for a partition that lists no columns (as inspect writes one made PARTITION OF: the
loader copies its parent's, without their hints), a sub-partition's too: its column was dropped and added, 'column
"id" of relation "p1" does not exist' after the parent's RENAME COLUMN. A table leaving its parent for good (DETACH
PARTITION, NO INHERIT) is left before the parent's RENAMEs (left_before_renames), keeping its names: the name schema.yaml
gives it there is its own RENAME COLUMN after, where it is the parent's new one."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.column_renames import _cycles
from schemac.compare.detour_readers import RETYPE
from schemac.model import Check, Column, Schema, Table
from schemac.model.frozen import replace

Key = tuple[str, str]


def children_follow_renames(cur_tables: dict[Key, Table], des_tables: dict[Key, Table]) -> dict[Key, Table]:
    """`des_tables` with each child's column that a parent it keeps renames given that rename, grandchildren too."""
    if not any(t.inherits or t.partition_of for t in (*des_tables.values(), *cur_tables.values())):  # (most schemas)
        return des_tables
    out = dict(des_tables)
    done: set[Key] = set()

    def follow(key: Key, path: tuple = ()) -> Table:
        t = out[key]
        if key in done or key in path:
            return t
        done.add(key)
        old = cur_tables.get(key)
        if old is None or not (t.inherits or t.partition_of or old.inherits or old.partition_of):
            return t
        had = {c.name for c in old.columns}
        renames: dict[str, str] = {}
        cycled: dict[str, str] = {}  # (a parent's swap or rotation of names: the child's columns swap alike)
        left = [(q, None) for q in parent_keys(old) if q not in parent_keys(t)]  # (left for good: DETACHed or NO
        # INHERITed before the parent's RENAME COLUMN (left_before_renames), its own RENAME after is the child's own)
        for pkey, kept in _parents(t, old) + left:
            if kept is False or pkey not in out or pkey not in cur_tables:
                continue  # (a parent it joins: its ALTER TABLE does not reach the child)
            parent, parent_had = follow(pkey, path + (key,)), {c.name for c in cur_tables[pkey].columns}
            for c in parent.columns:
                if c.renamed_from in parent_had and c.name not in parent_had and c.renamed_from in had:
                    renames.setdefault(c.name, c.renamed_from)  # type: ignore[arg-type]
            for cycle in _cycles(cur_tables[pkey], parent) if kept else ():  # (a swap, a rotation: each name held
                # before and after; one a parent left makes is the parent's alone)
                if all(a in had for a, _ in cycle):
                    cycled.update((b, a) for a, b in cycle)
        names = {c.name for c in t.columns}
        follows = {n for n, was in renames.items() if n not in had and was not in names}
        renames.update(cycled)
        follows |= {n for n in cycled if n in names}
        if any(c.name in follows and c.renamed_from is None for c in t.columns):  # (a hint: columns compare equal)
            out[key] = replace(t, columns=tuple(replace(c, renamed_from=renames[c.name])
                                                if c.name in follows and c.renamed_from is None else c for c in t.columns))
        return out[key]

    for key in des_tables:
        follow(key)
    return out


def left_before_renames(changes: list[Change], cur_tables: dict[Key, Table]) -> list[Change]:
    """`changes` with each DETACH or NO INHERIT of a table leaving a parent for good given `leaves_first`: the keys of
    the columns of that parent and of its ancestors that the table holds too and this migration renames, whose RENAME COLUMN waits for it (plan.dependencies). Run after it, it would rename the
    table's column too, which its own comparison, against the name schema.yaml gives it there, knows nothing of:
    'column "a" of relation "qt3" does not exist' at its DROP COLUMN, or a column left under the parent's new name.
    Before it, the table keeps its name, and its own RENAME (children_follow_renames) follows the DETACH. So for the
    CHECKs and NOT NULLs of those parents that the migration renames (a parent renamed by `renamed_from:` takes a new
    build's names for them), whose RENAME CONSTRAINT recurses too: run after it, the table's copy took the parent's
    new name where schema.yaml keeps the old. And for the CHECKs those parents drop to add again around a retype
    (compare.tables), whose DROP CONSTRAINT recurses too: with_detached_copies counts them kept, the table's copy
    its own after the DETACH, which run after the DROP had none to keep or drop ('constraint "pv_ck" of relation
    "pv_2" does not exist'). (A CHECK a parent drops for good goes before the DETACH, taking the copy along.) A
    partition DETACHed to be ATTACHed again to it (another bound) renames its columns itself in between
    (differ._not_inherited): it goes before the parent's RENAME COLUMNs alone, which reached it and left its own
    RENAME none to rename ('column "pa" does not exist'); the parent's constraints, which its ATTACH matches, stay
    as they were."""
    renamed: dict[Key, set[str]] = {}
    named: dict[Key, set[tuple]] = {}
    for c in changes:
        if c.kind == "rename_column" and isinstance(c.old, Column):
            renamed.setdefault((c.schema, c.table), set()).add(c.old.name)
        elif isinstance(c.old, Check) and (c.kind == "rename_constraint" or c.kind == "drop_constraint" and c.cause == RETYPE):
            named.setdefault((c.schema, c.table), set()).add(("constraint", c.schema, c.table, c.old.name))
        elif c.kind == "alter_not_null" and (was := _not_null_name(c.old)) and was != _not_null_name(c.new):
            named.setdefault((c.schema, c.table), set()).add(("constraint", c.schema, c.table, was))
    if not renamed and not named:
        return changes
    out = []
    for c in changes:
        t, p = cur_tables.get((c.schema, c.table)), getattr(c.old, "partition_of", None)
        detached = c.kind == "detach_partition" and p is not None and isinstance(c.new, Table)
        again = detached and (p.parent_schema, p.parent) in parent_keys(c.new)  # type: ignore[union-attr, arg-type]
        left = (p.parent_schema, p.parent) if detached else \
            (c.old.schema, c.old.name) if c.kind == "drop_inherit" and c.cause is None else None  # type: ignore
        if t is None or left is None:
            out.append(c)
            continue
        had, above, todo = {x.name for x in t.columns}, set(), [left]
        while todo:  # (the parent and every table above it: a RENAME COLUMN recurses down from any of them)
            q = todo.pop()
            if q not in above and q in cur_tables:
                above.add(q)
                todo += parent_keys(cur_tables[q])
        keys = tuple(sorted({("column name", *q, n) for q in above for n in renamed.get(q, ()) if n in had}
                            | {k for q in above for k in (() if again else named.get(q, ()))}))  # (compared so:
        # compare.partition_copies.with_detached_copies)
        out.append(replace(c, leaves_first=keys) if keys else c)
    return out


def _not_null_name(col: object) -> Optional[str]:
    return col.not_null.name if isinstance(col, Column) and col.not_null is not None else None


def _parents(t: Table, old: Table) -> list[tuple[Key, bool]]:
    """The key of each parent of `t` (its INHERITS parents, or a partition's), and whether `old` had it too."""
    if t.partition_of is not None:
        p = t.partition_of
        was = old.partition_of
        return [((p.parent_schema, p.parent), was is not None and (was.parent_schema, was.parent) == (p.parent_schema,
                                                                                                    p.parent))]
    return [((p.schema, p.name), p in old.inherits) for p in t.inherits]


def parent_keys(t: Table) -> list[Key]:
    """The keys of `t`'s INHERITS parents, or of a partition's parent."""
    p = t.partition_of
    return [(q.schema, q.name) for q in t.inherits] + ([(p.parent_schema, p.parent)] if p is not None else [])


def renames_refused(changes: list[Change], current: Schema, desired: Schema) -> list[tuple[Change, str]]:
    """Each RENAME COLUMN Postgres refuses ('cannot rename inherited column'), with why generate does: of a column a
    table has from a parent it keeps (renamed on the child or partition alone, in a swap of names too: a partition
    DETACHed first renames its own), or of a parent's column a child of it has from another parent too (merged: the
    rename cannot reach it, nor can the other parent's). Not of a partition DETACHed and ATTACHed again, which renames
    its own in between (left_before_renames)."""
    renames = [c for c in changes if c.kind == "rename_column" and c.cause is None]
    if not renames or not any(t.inherits or t.partition_of for t in current.tables):
        return []
    tables = {t.key: t for t in current.tables}
    kept = {t.key: set(parent_keys(t)) for t in desired.tables}
    for c in changes:  # (a partition DETACHed and ATTACHed again renames its own column in between: differ._not_inherited)
        if c.kind == "detach_partition":
            kept.pop((c.schema, c.table), None)
    out = []
    for c in renames:
        old = getattr(c.old, "name", None)
        t = tables.get((c.schema, c.table))
        given = [] if t is None else [f"{q[0]}.{q[1]}" for q in parent_keys(t)
                                      if q in tables and tables[q].column(old) and q in kept.get(t.key, ())]
        if given:
            out.append((c, f"table {c.schema}.{c.table}: column {old} is inherited from {', '.join(given)}, and Postgres "
                           "cannot rename an inherited column: rename it in the parent (its children follow)"))
            continue
        for child in current.tables:
            if (c.schema, c.table) not in {(q.schema, q.name) for q in child.inherits} or \
                    child.key in kept and (c.schema, c.table) not in kept[child.key]:
                continue  # (one leaving it: NO INHERIT first, left_before_renames)
            others = [f"{q.schema}.{q.name}" for q in child.inherits if (q.schema, q.name) != (c.schema, c.table)
                      and (q.schema, q.name) in tables and tables[(q.schema, q.name)].column(old)]
            if others:
                out.append((c, f"table {c.schema}.{c.table}: column {old} is inherited by {child.schema}.{child.name} "
                               f"from {', '.join(others)} too, and Postgres cannot rename a column a table inherits "
                               "from two parents ('cannot rename inherited column'): make it leave one of them first "
                               "(drop it from that parent's inherits:), or keep the name"))
                break
    return out
