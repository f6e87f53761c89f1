"""Which of the migration's own UPDATEs run on a table a publication publishes UPDATEs of, where Postgres refuses
them without a replica identity, or under a row filter or column list naming a column outside it (plan.published_fills
makes their publications publish no UPDATEs around them). Told from the schema's publications, the current one's and
the desired one's, as the migration may add the table to one, drop it from one or change its filter on either side of
the UPDATE."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Schema
from schemac.model.frozen import replace

_FILLS = frozenset({"set_not_null", "alter_generated", "add_column"})  # (their UPDATEs: plan.column_ddl, identities)


def published_fills(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each that may UPDATE a published table's rows marked `published`; so is each moving rows out of a
    default partition and back through its parent (`over_default`: its DELETE and INSERT) where they are published."""
    moves = any(c.over_default is not None for c in changes)
    if not moves and not any(c.kind in _FILLS for c in changes):
        return changes
    updated = _published(current, "update") | _published(desired, "update")
    moved = _published(current, "insert", "delete") | _published(desired, "insert", "delete") if moves else set()
    return [replace(c, published=True) if (c.schema, c.table) in (updated if c.kind in _FILLS else moved if
                                                                  c.over_default is not None else ()) else c
            for c in changes]


def _published(schema: Schema, *actions: str) -> set[tuple[str, str]]:
    """The tables of `schema` a publication publishing one of `actions` names (FOR ALL TABLES, TABLES IN SCHEMA, its
    own member), and every table above or under one (an UPDATE through a parent reaches its partitions' and children's
    rows; a partition is published as its parent's member)."""
    pubs = [p for p in schema.publications if set(actions) & set(p.publish)]
    if not pubs:
        return set()
    every = any(p.all_tables for p in pubs)
    schemas = {s for p in pubs for s in p.schemas}
    marked = {t.key for t in schema.tables if every or t.schema in schemas} | {m.key for p in pubs for m in p.tables}
    parents = {t.key: {(p.schema, p.name) for p in t.inherits} | (
        {(t.partition_of.parent_schema, t.partition_of.parent)} if t.partition_of else set()) for t in schema.tables}
    while True:  # (up and down the trees, to every table joined to a published one)
        more = {k for k, above in parents.items() if above & marked} | {p for k in marked for p in parents.get(k, ())}
        if more <= marked:
            return marked
        marked |= more
