"""What a partition detached holds of its parent's: the copies DETACH PARTITION leaves it as its own.

A partition holds Postgres's copies of its parent's primary key, UNIQUEs, CHECKs, foreign keys, EXCLUDEs (17+) and
indexes; inspect leaves out those named as Postgres names them (catalog/partition_indexes.py, constraints.sql), so the
model of a partition lacks them. DETACH keeps them on the table, now its own: the table to diff against
schema.yaml's standalone one is the partition with them, or the migration would add a primary key the
table has (refused) and leave the copies schema.yaml does not list.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.tables import constraint_key, index_signature
from schemac.compare.changes import Change
from schemac.compare.column_renames import with_column_renames
from schemac.compare.default_rows import ancestors
from schemac.compare.definition_keys import attach_key
from schemac.compare.unique_pk_copies import taking
from schemac.compare.new_row_triggers import reads_new_row
from schemac.model import Check, Index, Table, Trigger, UNIQUE_KEY_TYPES
from schemac.pg.beside_copies import beside_copy
from schemac.pg.childindex import child_index_name, child_key_name, is_child_index_name
from schemac.pg.names import constraint_name, default_constraint_name


def name_parts(i: Index) -> tuple[list, list]:
    """What Postgres names an index's copy after: its columns (INCLUDE's too), and its expressions where a key is one."""
    return [e.column for e in i.elements] + list(i.include), [e.expression for e in i.elements] + [None] * len(i.include)


def index_copies(t: Table, indexes: list[Index], reserved: frozenset = frozenset()) -> tuple[Index, ...]:
    """`t`'s copies of its parent's `indexes`, named as Postgres names them: a name taken (a twin's copy, an index of
    `t`'s own, one `reserved`) numbered, `t_k_idx1` (ChooseRelationName); attached_to the parent's, by which the
    DETACH's change names them so (Postgres numbered them in the order it made them, unknown here:
    plan.partition_index_ddl.copies_named)."""
    taken, out = {i.name for i in t.indexes} | reserved, []
    for i in indexes:
        n, name = 0, child_index_name(t.name, *name_parts(i))
        while name in taken:
            n += 1
            name = child_index_name(t.name, *name_parts(i), f"idx{n}")
        taken.add(name)
        out.append(replace(i, name=name, comment=None, renamed_from=None, attached_to=i.name))
    return tuple(out)


def _implied_copy(t: Table, i: Index) -> bool:
    return i.attached_to is not None and i.comment is None and is_child_index_name(i.name, t.name, *name_parts(i))


def without_implied_twin_copies(cur: Table, des: Table) -> Table:
    """`cur` without the copies of a parent's twin indexes (attached_to) under the names Postgres gives, where
    `des` declares no copy of a twin: inspect lists them all (which copy is whose is not told by their
    definition), a schema.yaml written by hand none, and then they are what the parent's indexes imply, whichever
    twin each is attached to (a partition's copy cannot be dropped on its own anyway). Where `des` declares them,
    they are compared and made as declared."""
    if cur.partition_of is None or des.partition_of is None or any(i.attached_to is not None for i in des.indexes):
        return cur
    return replace(cur, indexes=tuple(i for i in cur.indexes if not _implied_copy(cur, i)))


def _sorted_by(parent: Table, other: Table, has: bool, seen: Optional[Table] = None) -> Table:
    """`parent` with only the keys, CHECKs, foreign keys and indexes `other` has as they are (`has`), or only
    those it lacks (not `has`). A CHECK is the same by its name too (what ATTACH looks a parent's up by). `seen`:
    `parent` after its RENAME COLUMNs, which run after the DETACH (compare.inherited_renames.left_before_renames):
    each compared so, and a CHECK by its definition alone (its RENAME CONSTRAINT after the DETACH too)."""
    def key(c) -> tuple:
        return (c.name, constraint_key(c)) if isinstance(c, Check) and seen is None else constraint_key(c)
    seen = seen or parent
    same = {key(c) for c in (*other.uniques, *other.checks, *other.foreign_keys, *other.exclusions)}
    same_indexes = {index_signature(i) for i in other.indexes}
    pk = parent.primary_key
    if pk is not None and (other.primary_key is not None and constraint_key(other.primary_key) ==
                           constraint_key(seen.primary_key)) != has:  # type: ignore[arg-type]
        pk = None
    return replace(parent, primary_key=pk, uniques=tuple(u for u, s in zip(parent.uniques, seen.uniques) if (key(s) in same) == has),
                   checks=tuple(c for c, s in zip(parent.checks, seen.checks) if (key(s) in same) == has),
                   foreign_keys=tuple(f for f, s in zip(parent.foreign_keys, seen.foreign_keys) if (key(s) in same) == has),
                   exclusions=tuple(x for x, s in zip(parent.exclusions, seen.exclusions) if (key(s) in same) == has),
                   indexes=tuple(i for i, s in zip(parent.indexes, seen.indexes) if (index_signature(s) in same_indexes) == has))


def with_detached_copies(cur: Table, des: Table, cur_tables: dict, des_tables: dict) -> Table:
    """`cur` as DETACH leaves it when `des` is a standalone table, or a partition of another parent. Not the
    copies of what the parent drops or changes: that DROP runs before the DETACH (drops rank first) and takes
    the partition's copy with it. Not when `des` is a partition of the same parent again (another bound): ATTACH
    takes the copies as the parent's again, and a partition declares none (dropping them made the ATTACH fail:
    "child table is missing constraint"); of another parent, not the copies of what the new parent has too
    (ATTACH takes them as its own: a CHECK of the same name and expression, an index or key of the same
    definition), the others stay the table's own after the ATTACH, which it declares none of."""
    p, d = cur.partition_of, des.partition_of
    parent: Optional[Table] = cur_tables.get((p.parent_schema, p.parent)) if p is not None else None
    if parent is None or (d is not None and (d.parent_schema, d.parent) == parent.key):
        return cur
    signatures = {index_signature(i) for i in cur.indexes if not beside_copy(cur, i)}  # (its own beside the copy: not it)
    # Named over all the parent's indexes, as Postgres named them when it made them: a copy the DETACH keeps may carry
    # a number its twin's copy (one the migration drops or the new parent adopts) made it take, t3_k_idx1; not the
    # names the copies the new parent adopts take before the DETACH (copies_adopted).
    reserved = frozenset(name for _, name in copies_adopted(cur, des, cur_tables, des_tables))
    named = [i for i in parent.indexes if index_signature(i) not in signatures]
    copies = dict(zip((i.name for i in named), index_copies(cur, named, reserved)))
    kept = des_tables.get(parent.key)
    if kept is not None:  # the parent stays: only what it keeps as it is is still there at the DETACH (its renames aside)
        moved = with_column_renames(parent, kept)
        parent = _sorted_by(parent, kept, True, None if moved is parent else moved)
    new_parent = des_tables.get((d.parent_schema, d.parent)) if d is not None else None
    if new_parent is not None:
        parent = _sorted_by(parent, new_parent, False)
    pk = cur.primary_key
    # (not where its own UNIQUE of the key's columns is the key's copy, which DETACH leaves the table's: unique_pk_copies)
    if pk is None and parent.primary_key is not None and (taking(cur, key := attach_key(parent.primary_key)) is None
                                                          or any(attach_key(u) == key for u in parent.uniques)):
        k = parent.primary_key
        pk = replace(k, name=child_key_name(cur.name, True, k.columns + k.include), comment=None, index_comment=None)
    own = {constraint_key(u) for u in cur.uniques if not beside_copy(cur, u)}
    # (a copy renamed, attached_to one of the parent's two UNIQUEs of its definition: the table's own after the DETACH)
    uniques = tuple(replace(u, attached_to=None) for u in cur.uniques) + tuple(replace(u, name=child_key_name(cur.name, False, u.columns + u.include), comment=None,
                                          index_comment=None, attached_to=None)
                                  for u in parent.uniques if constraint_key(u) not in own)
    names = {c.name for c in cur.checks}
    checks = cur.checks + tuple(replace(c, comment=None) for c in parent.checks if not c.no_inherit and c.name not in names)
    indexes = cur.indexes + tuple(copies[i.name] for i in parent.indexes if i.name in copies)
    # A foreign key's copy keeps the parent's constraint's name (plan.planner renames it after the DETACH
    # to the one the table declares, as it would have been created).
    fks = {constraint_key(f) for f in cur.foreign_keys}
    foreign_keys = cur.foreign_keys + tuple(replace(f, name=constraint_name(parent, f), comment=None)
                                            for f in parent.foreign_keys if constraint_key(f) not in fks)
    # An EXCLUDE's copy (17+) is named as its index, ChooseIndexName's `<partition>_<columns>_excl`.
    own_x = {constraint_key(x) for x in cur.exclusions}
    exclusions = cur.exclusions + tuple(replace(x, name=default_constraint_name(cur, x), comment=None, index_comment=None)
                                        for x in parent.exclusions if constraint_key(x) not in own_x)
    return replace(cur, primary_key=pk, uniques=uniques, checks=checks, indexes=indexes, foreign_keys=foreign_keys,
                   exclusions=exclusions)


def copies_adopted(cur: Table, des: Table, cur_tables: dict, des_tables: dict) -> tuple[tuple[str, str], ...]:
    """((the old parent's index, name), ...): the copies of partition `cur` that its new parent (`des`'s) takes over,
    each with the name a new build of `des` gives its copy of the new parent's index (a copy Postgres numbered on the
    old parent, t3_k_idx1, keeps its name through DETACH and ATTACH): plan.partition_index_ddl.copies_named gives it
    before the DETACH. Not a name one of `cur`'s own indexes holds (what the migration does with it comes later)."""
    p, d = cur.partition_of, des.partition_of
    parent = cur_tables.get((p.parent_schema, p.parent)) if p is not None else None
    new_parent = des_tables.get((d.parent_schema, d.parent)) if d is not None else None
    if parent is None or new_parent is None or new_parent.key == parent.key:
        return ()
    kept = des_tables.get(parent.key)
    standing = _sorted_by(parent, kept, True) if kept is not None else parent
    own = {index_signature(i) for i in cur.indexes}
    free = [i for i in standing.indexes if index_signature(i) not in own]
    taken, out = {i.name for i in cur.indexes}, []
    for copy in index_copies(des, list(new_parent.indexes)):
        i = next((i for i in free if index_signature(i) == index_signature(copy)), None)
        if i is not None:
            free.remove(i)
            if copy.name not in taken:
                out.append((i.name, copy.name))
    return tuple(out)


def named_adopted_copies(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with each detach_partition of a partition moved to another parent carrying its copies_adopted."""
    def named(c: Change) -> Change:
        cur = without_implied_twin_copies(cur_tables[(c.schema, c.table)], c.new)  # type: ignore[arg-type]
        return replace(c, adopted_copies=copies_adopted(cur, c.new, cur_tables, des_tables))  # type: ignore[arg-type]
    return [named(c) if c.kind == "detach_partition" and isinstance(c.new, Table) else c for c in changes]


def adopted_by_attach(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with each drop of a table's own index, primary key or UNIQUE that its ATTACH PARTITION adopts marked
    (`adopted_by`): ATTACH takes an index of the definition (and storage parameters) of one of the parent's, and a key
    of one of its keys, as its copy, where it would otherwise build one over the rows. Only of the parent's that stand
    before and after the migration (one made or dropped by it is not there at the ATTACH)."""
    attached = {(c.schema, c.table) for c in changes if c.kind == "attach_partition"}
    if not attached:
        return changes
    return [replace(c, adopted_by=parent) if (c.schema, c.table) in attached and c.kind in ("drop_index", "drop_constraint")
            and (parent := _adopting(c.old, des_tables[(c.schema, c.table)], cur_tables, des_tables)) else c
            for c in changes]


def under_grandparents(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with each add_index (drop_index) of a partition of a partition carrying the tables above its parent in
    the desired (current) model (`above`): the root's CREATE INDEX makes the middle's copy, which attaches the leaf's
    index of that definition made before it (a copy renamed since), as the parent's own CREATE INDEX does; so each
    add_trigger reading NEW's whole row: every ADD COLUMN of a generated column above waits for it (new_row_triggers)."""
    def above(c: Change) -> tuple:
        tables = cur_tables if c.kind == "drop_index" else des_tables
        t = tables.get((c.schema, c.table))
        p = t.partition_of if t is not None else None
        parent = tables.get((p.parent_schema, p.parent)) if p is not None else None
        return ancestors(parent, tables)[1:] if parent is not None else ()
    return [replace(c, above=up) if (c.kind in ("add_index", "drop_index") or c.kind in ("add_trigger", "alter_trigger")
                                     and isinstance(c.new, Trigger) and reads_new_row(c.new)) and (up := above(c)) else c
            for c in changes]


def copies_renamed(changes: list[Change], des_tables: dict) -> list[Change]:
    """`changes` with each add_index of a partition's own index that Postgres's copy of an ancestor's index stands
    for marked (`renames_copy_of`, that index): a copy renamed by hand, which inspect keeps as the partition's own,
    written where the partition holds the copy under Postgres's name (or another) was made a second index beside it.
    The ancestor is the topmost declaring an index of its definition (a middle one's copy may be renamed by the same
    migration, after), or the parent's index attached_to names (a copy of a twin)."""
    def source(c: Change) -> tuple:
        t, i = des_tables.get((c.schema, c.table)), c.new
        if c.kind != "add_index" or c.old is not None or t is None or t.partition_of is None \
                or not isinstance(i, Index) or beside_copy(t, i) or i.name == child_index_name(t.name, *name_parts(i)):
            return ()
        if i.attached_to is not None:
            return (t.partition_of.parent_schema, i.attached_to)
        mine = (index_signature(i), i.parameters)

        def alike(u: Table) -> list[Index]:  # (not a copy of a twin, attached_to, nor an index beside a copy)
            return [j for j in u.indexes if (index_signature(j), j.parameters) == mine and j.attached_to is None
                    and not beside_copy(u, j)]
        if len(alike(t)) > 1:  # (which is the copy: not told)
            return ()
        parent = des_tables.get((t.partition_of.parent_schema, t.partition_of.parent))
        found = [(a[0], same) for a in (ancestors(parent, des_tables) if parent is not None else ())
                 if (same := alike(des_tables[a]))]
        return (found[-1][0], found[-1][1][0].name) if found and len(found[-1][1]) == 1 else ()
    return [replace(c, renames_copy_of=up) if c.kind == "add_index" and (up := source(c)) else c for c in changes]


def _adopting(old: object, t: Table, cur_tables: dict, des_tables: dict) -> Optional[tuple[str, str]]:
    """The parent's key, where its ATTACH adopts `old` (an index or key of `t`, the partition)."""
    p = t.partition_of
    before = cur_tables.get((p.parent_schema, p.parent)) if p is not None else None
    after = des_tables.get((p.parent_schema, p.parent)) if p is not None else None
    if before is None or after is None:
        return None
    if isinstance(old, Index):
        def signature(i: Index) -> tuple:
            return index_signature(i), i.parameters
        kept = {signature(i) for i in before.indexes} & {signature(i) for i in after.indexes}
        return (p.parent_schema, p.parent) if old.valid and signature(old) in kept else None  # type: ignore[union-attr]
    if isinstance(old, UNIQUE_KEY_TYPES):
        def keys(x: Table) -> set:
            return {constraint_key(k) for k in x.unique_keys()}
        return (p.parent_schema, p.parent) if constraint_key(old) in keys(before) & keys(after) else None  # type: ignore
    return None
