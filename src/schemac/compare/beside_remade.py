"""A partition's own UNIQUE or index beside a copy that an ancestor's new key or index of its definition would take.

Postgres's ALTER TABLE ... ADD UNIQUE or CREATE INDEX on a partitioned table, going down its partitions, attaches
the first index of each that is of its definition and attached to nothing: a partition's own key or index there
becomes the new one's copy. Where schema.yaml keeps it beside that copy (pg.beside_copies: a fresh build makes it
after the ancestor's), the migration left it standing, the ancestor's ADD took it, and the partition held one key or
index fewer than a fresh build (the middle one of a three-level tree given its own UNIQUE beside the root's copy,
its leaf's own beside taken by it). Such a key or index is dropped before the ancestor's ADD (drops run first) and
made again after it, as a fresh build makes it.
"""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.default_rows import ancestors
from schemac.compare.definition_keys import attach_key, index_signature
from schemac.compare.tables import constraint_key
from schemac.model import Index, PrimaryKey, Table, Unique
from schemac.pg.beside_copies import beside_copy

_ADDS = ("add_constraint", "add_index")
_TOUCHING = frozenset(("rename_constraint", "drop_constraint", "add_constraint", "validate_constraint",
                       "set_constraint_comment", "rename_index", "drop_index", "add_index", "set_index_parameters",
                       "set_index_comment"))


def _definition(obj: object) -> Optional[tuple]:
    if isinstance(obj, Unique):
        return "key", constraint_key(obj)
    if isinstance(obj, Index):
        return "index", index_signature(obj)
    return None


def _taken_by(obj: object) -> Optional[tuple]:
    """The definition by which an ancestor's ADD takes `obj` as its copy (not its storage parameters, deferrability;
    a PRIMARY KEY's ADD takes a UNIQUE of its columns)."""
    return attach_key(obj) if isinstance(obj, (Unique, PrimaryKey, Index)) else None


def _added(changes: list[Change]) -> set[tuple]:
    """(schema, table, definition as Postgres attaches) of each key or index a partitioned table gets in this
    migration."""
    return {(c.schema, c.table, d) for c in changes if c.kind in _ADDS and c.table_def is not None
            and c.table_def.partition_by is not None and (d := _taken_by(c.new)) is not None}


def _standing(cur: Table, new: object, changes: list[Change]) -> Optional[object]:
    """`cur`'s key or index that `new` is (its name, or the one a change renames to it), of its definition."""
    mine = cur.uniques if isinstance(new, Unique) else cur.indexes
    for old in mine:
        if _definition(old) == _definition(new) and (old.name == new.name or any(  # type: ignore[attr-defined]
                c.kind in ("rename_constraint", "rename_index") and c.old == old and c.new == new for c in changes)):
            return old
    return None


def beside_remade(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with each partition's own key or index kept beside the copy of an ancestor's that this migration adds
    (of its definition) dropped and made again around that ADD, in place of what else was planned for it."""
    added = fresh = _added(changes)
    while fresh:
        remade: list[tuple[Table, object, Optional[object]]] = []
        for key, t in des_tables.items():
            cur, p = cur_tables.get(key), t.partition_of
            parent = des_tables.get((p.parent_schema, p.parent)) if p is not None else None
            if cur is None or parent is None:
                continue
            above = ancestors(parent, des_tables)
            for new in (*t.uniques, *t.indexes):
                d = _definition(new)
                if _left_to_its_parent(cur, new, parent, above, added, changes):
                    remade.append((t, _named(cur, new.name), None))  # type: ignore[union-attr]
                    continue
                if not beside_copy(t, new) or not any((*a, _taken_by(new)) in added for a in above):
                    continue
                old = _standing(cur, new, changes)
                if old is not None and not any(c.kind == "drop_" + d[0].replace("key", "constraint")  # type: ignore
                                               and (c.schema, c.table) == key and c.old == old for c in changes):
                    remade.append((t, old, new))
        if not remade:
            break
        for t, old, new in remade:
            gone = [x for x in (old, new) if x is not None]
            changes = [c for c in changes if not ((c.schema, c.table) == (t.schema, t.name) and c.kind in _TOUCHING
                                                  and (c.old == old or c.new in gone))] + _again(t, old, new)
        fresh = _added(changes) - added  # (the keys and indexes made again: their partitions' own below them too)
        added |= fresh
    return changes


def _named(t: Table, name: str) -> Optional[Index]:
    return next((i for i in t.indexes if i.name == name), None)


def _left_to_its_parent(cur: Table, new: object, parent: Table, above: tuple, added: set,
                        changes: list[Change]) -> bool:
    """Whether `new` is a copy schema.yaml lists attached_to its parent's index that this migration makes (one beside a
    copy, made again), under an ancestor's new index of its definition, where `cur` holds an index of its own under its
    name: the ancestor's CREATE INDEX would take that one as its copy, and the parent's make another. It is dropped
    before; the parent's CREATE INDEX makes the copy, under that name, as a fresh build does."""
    if not isinstance(new, Index) or new.attached_to is None:
        return False
    old = _named(cur, new.name)
    if old is None or old.attached_to is not None or not beside_copy(cur, old) or \
            index_signature(old) != index_signature(new) or not any((*a, _taken_by(new)) in added for a in above[1:]):
        return False
    dropped = any(c.kind == "drop_index" and (c.schema, c.table) == cur.key and c.old == old for c in changes)
    return not dropped and any(c.kind == "add_index" and (c.schema, c.table) == parent.key and c.name == new.attached_to
                               for c in changes)


def _again(t: Table, old: object, new: object) -> list[Change]:
    """DROP and ADD (CREATE INDEX) of `old` as `new`, and its comments, which went with the DROP; the DROP alone where
    there is no `new` (_left_to_its_parent)."""
    if new is None:
        return [Change("drop_index", t.schema, t.name, old.name, old, None, t)]  # type: ignore[attr-defined]
    index = isinstance(new, Index)
    drop, add = ("drop_index", "add_index") if index else ("drop_constraint", "add_constraint")
    out = [Change(drop, t.schema, t.name, old.name, old, new, t),  # type: ignore[attr-defined]
           Change(add, t.schema, t.name, new.name, old, new, t)]  # type: ignore[attr-defined]
    again = "comment of a re-created object"
    if not index and new.comment:  # type: ignore[attr-defined]
        out.append(Change("set_constraint_comment", t.schema, t.name, new.name, old, new, t, again))  # type: ignore
    note = new.comment if index else new.index_comment  # type: ignore[attr-defined]
    if note:
        out.append(Change("set_index_comment", t.schema, t.name, new.name if index else None, old, new, t,  # type: ignore
                          again))
    return out
