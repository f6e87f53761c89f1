"""Where a column's NOT NULL changes run beside an ATTACH PARTITION (plan.dependencies' keys for them).

ATTACH refuses a table without a NOT NULL its parent has then ("column ... in child table must be marked NOT
NULL"): a parent's DROP NOT NULL runs before the ATTACH of a table to it, and the table's own SET NOT NULL too.
On PostgreSQL 18 that SET NOT NULL names the constraint after the table, where PARTITION OF names it after the
parent: compare.not_nulls.before_inherit renames it just after (a rename that waits for the SET NOT NULL)."""

from __future__ import annotations

from schemac.compare.changes import INHERITED, Change, takes_using
from schemac.compare.inherited_checks import FOR_INHERIT
from schemac.compare.not_nulls import KEEPS_NOT_NULL
from schemac.model import Table
from schemac.model.frozen import replace
from schemac.plan.keys import Key


def not_null_keys(c: Change) -> tuple[set[Key], set[Key]]:
    """(makes, needs) of a set_not_null, drop_not_null or alter_not_null beyond its ("notnull", ...) key."""
    t: Table = c.table_def  # type: ignore[assignment]
    at = (t.schema, t.name, c.name)
    if c.kind == "drop_not_null":  # after a parent's NO INHERIT, which leaves the child's copy its own to drop, and
        # after the parent's DROP NOT NULL it is carried by (INHERITED: Postgres refuses the child's before it)
        p = t.partition_of
        parents = [(q.schema, q.name) for q in t.inherits] + ([(p.parent_schema, p.parent)] if p is not None else [])
        return {("nullable", *at)}, {("notnull", q.schema, q.name, c.name) for q in t.inherits} | \
            ({("nullable", *q, c.name) for q in parents} if c.cause == INHERITED else set())
    if c.kind == "set_not_null" and c.cause == KEEPS_NOT_NULL:  # after its parents' DROP NOT NULL, which took it along
        p = t.partition_of
        parents = [(q.schema, q.name) for q in t.inherits] + ([(p.parent_schema, p.parent)] if p is not None else [])
        return {("set notnull", *at)}, {("named below", *at)} | {("nullable", *q, c.name) for q in parents}
    if c.kind == "set_not_null":  # after its children's own named ones (NAMED_BELOW), which it merges into
        return {("set notnull", *at)}, {("named below", *at)}
    return set(), ({("set notnull", *at)} if c.cause in (FOR_INHERIT, KEEPS_NOT_NULL) else set())


# A drop_not_null of a column whose retype by `using:` drops the NOT NULL first (loosened_first): it writes nothing, where
# it wrote a second DROP NOT NULL after the ALTER ... TYPE (a no-op); its keys, and so the order after it, stay
LOOSENED_BY_RETYPE = "NOT NULL dropped by its column's retype"


def loosened_first(change: Change) -> bool:
    """Whether an alter_column_type drops its column's NOT NULL before the ALTER ... TYPE (plan.column_changes): its
    `using:` may give NULL (Hasura's `CASE WHEN locked THEN now() ELSE NULL END`), which Postgres checks as it
    rewrites, and schema.yaml drops the NOT NULL. (A generated column takes no USING, so none.)"""
    old, new = change.old, change.new
    return takes_using(change) and not (old.generated and new.generated) and not old.nullable and new.nullable  # type: ignore


def loosened_by_retypes(changes: list[Change]) -> list[Change]:
    """`changes` with each drop_not_null of a column loosened_first drops the NOT NULL of marked LOOSENED_BY_RETYPE."""
    loosened = {(c.schema, c.table, c.name) for c in changes if c.kind == "alter_column_type" and loosened_first(c)}
    if not loosened:
        return changes
    return [replace(c, cause=LOOSENED_BY_RETYPE) if c.kind == "drop_not_null" and c.cause is None
            and (c.schema, c.table, c.name) in loosened else c for c in changes]


def attach_needs(t: Table) -> set[Key]:
    """What the ATTACH PARTITION of `t` waits for of its parent's NOT NULLs: those it drops, on any of its columns."""
    p = t.partition_of
    assert p is not None
    return {("nullable", p.parent_schema, p.parent, x.name) for x in t.columns}
