"""The keys a change to one of a table's members needs (plan.keys names them): a column's default or identity, a
sequence's OWNED BY column, a partitioned table's twin indexes made before, a constraint copy's tables above."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import OWNS_VALUES, Change
from schemac.compare.tables import index_signature
from schemac.model import Column, Index, Sequence, Table
from schemac.plan.keys import Key, _col, _table, expression_refs


def _attribute_refs(t: Table, name: str, col: Optional[Column], attribute: str) -> set[Key]:
    """Refs of one attribute of column `name` (its default, its identity): the column, the table, what
    the default calls, the NOT NULL an identity stands on."""
    if col is None:
        return set()
    out = {_col(t, name), _table(t)}
    if attribute == "default":
        out |= expression_refs(col.default, t.schema, None)
    elif col.identity is not None:
        out.add(("notnull", t.schema, t.name, name))
    return out


def _owner(seq: Optional[Sequence], change: Optional[Change] = None) -> set[Key]:
    """The column a sequence is OWNED BY (in its own schema). A sequence goes with its owner (DROP
    COLUMN or DROP TABLE drops it), so only OWNED BY itself waits for the column, and OWNED BY NONE
    must run before the column goes. One handed to its table's pinned owner first (`change`'s: a table that exists,
    plan.sequence_ddl.owned_as_its_table) waits for that table's own owner change too."""
    if seq is None or not seq.owned_by:
        return set()
    table, column = seq.owned_by.rsplit(".", 1)
    handed = change is not None and change.cause == OWNS_VALUES and change.table_def is not None and \
        bool(change.table_def.owner)
    return {("column", seq.schema, table, column)} | ({("owned by", "table", seq.schema, table)} if handed else set())


def twins_before(t: Table, i: Index) -> set[Key]:
    """Where a parent has two indexes of one definition, Postgres attaches to each one made the first of its
    partition's matching indexes (by OID) not attached yet: the parent's twins are made in the order of their
    names, and a partition's copies (attached_to) in the order of their parents' names, so each gets its own."""
    sig = index_signature(i)
    if i.attached_to is not None:
        return {("index", t.schema, t.name, j.name) for j in t.indexes
                if j.attached_to is not None and j.attached_to < i.attached_to and index_signature(j) == sig}
    if t.partition_by is None:
        return set()
    return {("index", t.schema, t.name, j.name) for j in t.indexes if j.name < i.name and index_signature(j) == sig}


def copy_keys(t: Table, copy) -> set[Key]:
    """What a comment on a child's copy of a parent's constraint (model.copies.ConstraintCopy) needs: the child, and the
    constraint (or NOT NULL) on each table above it, each attached or joined (the copy is made with any of them)."""
    out: set[Key] = {_table(t), ("inherits from", t.schema, t.name)}
    for s, n in copy.above:
        out |= {("constraint", s, n, copy.name), ("attached to", s, n), ("inherits from", s, n)}
        if copy.column is not None:
            out.add(("notnull", s, n, copy.column))
    return out
