"""Where a column's NOT NULL changes run beside an ATTACH PARTITION (plan.dependencies' keys for them).

ATTACH refuses a table without a NOT NULL its parent has then ("column ... in child table must be marked NOT
NULL"): a parent's DROP NOT NULL runs before the ATTACH of a table to it, and the table's own SET NOT NULL too.
On PostgreSQL 18 that SET NOT NULL names the constraint after the table, where PARTITION OF names it after the
parent: compare.not_nulls.before_inherit renames it just after (a rename that waits for the SET NOT NULL)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.inherited_checks import FOR_INHERIT
from schemac.compare.not_nulls import KEEPS_NOT_NULL
from schemac.model import Table
from schemac.plan.keys import Key


def not_null_keys(c: Change) -> tuple[set[Key], set[Key]]:
    """(makes, needs) of a set_not_null, drop_not_null or alter_not_null beyond its ("notnull", ...) key."""
    t: Table = c.table_def  # type: ignore[assignment]
    at = (t.schema, t.name, c.name)
    if c.kind == "drop_not_null":  # after a parent's NO INHERIT, which leaves the child's copy its own to drop
        return {("nullable", *at)}, {("notnull", q.schema, q.name, c.name) for q in t.inherits}
    if c.kind == "set_not_null" and c.cause == KEEPS_NOT_NULL:  # after its parents' DROP NOT NULL, which took it along
        p = t.partition_of
        parents = [(q.schema, q.name) for q in t.inherits] + ([(p.parent_schema, p.parent)] if p is not None else [])
        return {("set notnull", *at)}, {("named below", *at)} | {("nullable", *q, c.name) for q in parents}
    if c.kind == "set_not_null":  # after its children's own named ones (NAMED_BELOW), which it merges into
        return {("set notnull", *at)}, {("named below", *at)}
    return set(), ({("set notnull", *at)} if c.cause in (FOR_INHERIT, KEEPS_NOT_NULL) else set())


def attach_needs(t: Table) -> set[Key]:
    """What the ATTACH PARTITION of `t` waits for of its parent's NOT NULLs: those it drops, on any of its columns."""
    p = t.partition_of
    assert p is not None
    return {("nullable", p.parent_schema, p.parent, x.name) for x in t.columns}
