"""`generate --concurrently`: a partition's own index built CONCURRENTLY before the partitioned index that attaches it.

A partitioned table's index cannot be built CONCURRENTLY: it stays in a transaction (plan.online). Its CREATE INDEX
attaches each partition's index of its definition and makes a copy (under a name Postgres chooses) on every partition
holding none. A fresh build makes the partitions' own indexes first (plan.member_dependencies orders them before their
parent's): built CONCURRENTLY in the files after the main one, they came after the parent's copies, beside them (or
skipped by IF NOT EXISTS, finding a copy under their name). So the parent's CREATE INDEX, and what waits on it, moves to
the validating file, after the partitions' builds and their validity checks, where it attaches them; where something
the main file must hold waits on it, the partition's index is built in the main file instead, before it, as without
--concurrently. A partition's copy renamed by hand (compare.partition_copies.copies_renamed) of an index that stands
already is renamed in the main file (its DO block: a brief lock, nothing built), not built CONCURRENTLY under its
name as a second index beside the copy.
"""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.plan.graph import edges


def attached_late(changes: list[Change], built: set[tuple[str, str, str]],
                  in_transaction_alone: set[tuple[str, str, str]],
                  only: frozenset[tuple[str, str, str]] = frozenset()) -> tuple[set[tuple], set[tuple[str, str, str]]]:
    """(late, inline): the changes (kind, schema, table, name) that run in the validating file, after the partitions'
    indexes of `built` (those --concurrently builds CONCURRENTLY), and the indexes of `built` built in the main file
    instead. `in_transaction_alone`: the indexes of partitioned tables kept out of CONCURRENTLY by that alone (no
    search_path, session setting or foreign key they need of the main file), which may move. `only`: those of them
    made ON ONLY, their copies built CONCURRENTLY (plan.online_only), with what waits on them but a partition's index of
    `built`, which their ATTACH names (a partition's index of `built` waiting on one is no reason to build it inline)."""
    added = {(c.schema, c.name): i for i, c in enumerate(changes) if c.kind == "add_index"}
    inline = {(c.schema, c.table, c.name) for c in changes if c.kind == "add_index" and c.renames_copy_of
              and c.renames_copy_of not in added and (c.schema, c.table, c.name) in built}  # (the copy stands: renamed)
    below = [i for i, c in enumerate(changes) if c.kind == "add_index" and (c.schema, c.table, c.name) in built
             and (c.schema, c.table, c.name) not in inline and c.table_def is not None
             and c.table_def.partition_of is not None]
    if not below and not only:
        return set(), inline
    after = edges(changes)
    late: set[int] = set()
    for i, c in enumerate(changes):
        if c.kind == "add_index" and (c.schema, c.table, c.name) in only:
            late |= {j for j in reached({i}, after) if _key3(changes[j]) not in built}
    for i in below:
        c = changes[i]
        key = (c.schema, c.table, c.name)
        # (what attaches it: its ancestors' CREATE INDEX, the one whose copy it renames among them)
        reach = reached({*after.get(i, ()), *([added[c.renames_copy_of]] if c.renames_copy_of in added else [])}, after)
        named = {_key3(changes[j]) for j in reach if changes[j].kind == "add_index" and changes[j].table_def is not None
                 and changes[j].table_def.partition_by is not None} <= only  # type: ignore[union-attr]
        if all(_movable(changes[j], in_transaction_alone) or named and _key3(changes[j]) in built for j in reach):
            late |= {j for j in reach if _key3(changes[j]) not in built}
        else:
            inline.add(key)  # type: ignore[arg-type]
    return {(changes[j].kind, changes[j].schema, changes[j].table, changes[j].name) for j in late}, inline


def reached(start: set[int], after: dict[int, set[int]]) -> set[int]:
    """`start` and every change waiting on one of them, at any depth."""
    seen, todo = set(start), list(start)
    while todo:
        for j in after.get(todo.pop(), ()):
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return seen


def _key3(c: Change) -> tuple:
    return (c.schema, c.table, c.name)


def _movable(c: Change, in_transaction_alone: set[tuple[str, str, str]]) -> bool:
    """A change the validating file can run as the main one would: a partitioned table's index kept out of
    CONCURRENTLY only for being one, or an index's comment (not an index built CONCURRENTLY: its file runs before)."""
    return c.kind == "set_index_comment" or c.kind == "add_index" and (c.schema, c.table, c.name) in in_transaction_alone
