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

from typing import Any

from schemac.pg.childindex import is_child_index_name, is_child_key_name


def own_indexes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """indexes.sql's rows, less the attached ones that carry the name Postgres would give them and nothing of their
    own: no comment (COMMENT ON INDEX of a copy), no statistics target (ALTER INDEX copy ALTER COLUMN n SET
    STATISTICS), their parent index's storage parameters (ALTER INDEX copy SET (...)): a copy with any is kept as
    the partition's own, or that is lost; so is one whose parent index has a twin (indexes.sql's attached_to: which
    copy is whose is kept). A name this misjudges as chosen is harmless: the index is made on the partition first,
    then attached."""
    return [r for r in rows if not r["attached"] or r["comment"] is not None or r["attached_to"]
            or r["key_statistics"] is not None or r["parameters_of_its_own"] or not is_child_index_name(
        r["index_name"], r["table_name"], r["attnames"], r["expressions"] or [None] * len(r["attnames"]))]


def own_constraints(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """constraints.sql's rows, less the partitions' copies of primary keys and UNIQUEs that carry the name
    Postgres would give them and no comment (on the constraint or its index: kept as the partition's own)."""
    return [r for r in rows if not r["attached"] or r["comment"] is not None or r["index_comment"] is not None
            or not is_child_key_name(r["constraint_name"], r["table_name"], r["kind"] == "p",
                                     r["column_names"] + (r["include_names"] or []))]
