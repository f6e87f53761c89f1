"""Which indexes, primary keys and UNIQUEs of a partition, attached to its parent's, schema.yaml lists.

Postgres makes a partition's copy of its parent's index when the partition is created or attached, and
names it as an unnamed CREATE INDEX on the partition would be named (`<partition>_<columns>_idx`,
pg/childindex.py). A dump that made the partition's index first under a name of its own (as GitLab's
partitioning helpers do, and pg_dump replays with ALTER INDEX ... ATTACH PARTITION) keeps that name. Those
are kept as indexes of the partition: the planner creates them before the parent's index, whose CREATE
INDEX then attaches them instead of making copies (plan/dependencies.py). The ones that carry Postgres's
own name are left out, as before.

A parent's PRIMARY KEY or UNIQUE is copied the same way (`<partition>_pkey`, `<partition>_<columns>_key`);
a table with a key of its own attached as a partition keeps its key's name, and so does a partition
renamed (or its constraint renamed) since. Those are kept as the partition's own constraints
(plan/partition_index_ddl.py: made, or renamed from Postgres's copy, before the parent's).
"""

from __future__ import annotations

import re
from typing import Any

from schemac.pg.childindex import child_index_name, is_child_index_name, is_child_key_name


def _numbered_below(r: dict[str, Any], names: set[str]) -> bool:
    """Whether the copy `r`'s name, where Postgres numbered it (`<partition>_b_idx1`), took its number from indexes
    of its own table (`names`): every name below it is one of theirs, which a fresh build makes so too. One numbered
    because another relation of the schema held the name (a partition `x`'s copy `x_a_b_idx` beside a partition
    `x_a`'s `x_a_b_idx1` of another parent) is kept under it: the build makes the two in an order of its own."""
    m = re.search(r"idx(\d*)$", r["index_name"])
    below = range(int(m.group(1))) if m is not None and m.group(1) else range(0)
    expressions = r["expressions"] or [None] * len(r["attnames"])
    return all(child_index_name(r["table_name"], r["attnames"], expressions, f"idx{n or ''}") in names for n in below)


def own_indexes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """indexes.sql's rows, less the attached ones that carry the name Postgres would give them and nothing of their
    own: no comment (COMMENT ON INDEX of a copy), no statistics target (ALTER INDEX copy ALTER COLUMN n SET
    STATISTICS), their parent index's storage parameters (ALTER INDEX copy SET (...)): a copy with any is kept as
    the partition's own, or that is lost; so is one whose parent index has a twin (indexes.sql's attached_to: which
    copy is whose is kept), unless that parent index is itself a copy left out: a sub-partition's copy of its
    partition's copy of the root's index, where the partition has an index of its own of that definition beside its
    copy (pg.beside_copies). attached_to would name an index schema.yaml does not list; a rebuild makes the copy of
    the copy first (the partition's copy is older than its own index), as Postgres named it. A copy of such a copy
    kept (renamed since) is kept without attached_to, which would name that left-out copy: made before the ancestors'
    index, whose CREATE INDEX makes the copy going down, it is what the copy attaches, as Postgres made it (the
    partition's own index of that definition is made after them: pg.beside_copies). A name this misjudges as chosen is
    harmless: the index is made on the partition first, then attached."""
    by_oid = {r["index_oid"]: r for r in rows}
    left_out: dict[int, bool] = {}
    names: dict[int, set[str]] = {}
    for r in rows:
        names.setdefault(r["table_oid"], set()).add(r["index_name"])

    def copy(r: dict[str, Any]) -> bool:
        oid = r["index_oid"]
        if oid not in left_out:
            left_out[oid] = False  # (a cycle cannot be, but guard against one)
            parent = by_oid.get(r["parent_index_oid"])
            left_out[oid] = r["attached"] and r["comment"] is None and r["key_statistics"] is None \
                and not r["parameters_of_its_own"] \
                and (not r["attached_to"] or (parent is not None and copy(parent))) \
                and is_child_index_name(r["index_name"], r["table_name"], r["attnames"],
                                        r["expressions"] or [None] * len(r["attnames"])) \
                and _numbered_below(r, names[r["table_oid"]])
        return left_out[oid]
    kept = [r for r in rows if not copy(r)]
    return [{**r, "attached_to": None} if r["attached_to"] and copy(by_oid[r["parent_index_oid"]]) else
            {**r, "attached_to": by_oid[r["parent_index_oid"]]["index_name"]} if _renumbered(r, by_oid, copy, names)
            else r for r in kept]


def _renumbered(r: dict[str, Any], by_oid: dict, copy, names: dict[int, set[str]]) -> bool:
    """Whether `r` is a copy kept for its number alone (_numbered_below): written attached_to its parent's index, so
    that its numbered name does not read as the partition's own index beside the copy (pg.beside_copies)."""
    parent = by_oid.get(r["parent_index_oid"])
    return bool(r["attached"]) and not r["attached_to"] and parent is not None and not copy(parent) \
        and r["comment"] is None and r["key_statistics"] is None and not r["parameters_of_its_own"] \
        and is_child_index_name(r["index_name"], r["table_name"], r["attnames"],
                                r["expressions"] or [None] * len(r["attnames"])) \
        and not _numbered_below(r, names[r["table_oid"]])


def own_constraints(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """constraints.sql's rows, less the partitions' copies of primary keys and UNIQUEs that carry the name
    Postgres would give them and no comment (on the constraint or its index: kept as the partition's own)."""
    return [r for r in rows if not r["attached"] or r["comment"] is not None or r["index_comment"] is not None
            or not is_child_key_name(r["constraint_name"], r["table_name"], r["kind"] == "p",
                                     r["column_names"] + (r["include_names"] or []))]
