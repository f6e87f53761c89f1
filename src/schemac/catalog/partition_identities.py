"""A partition's identity before PostgreSQL 17, read as 17+ reads it.

From 17 on, a partition's column holds its parent's identity (pg_attribute.attidentity, the root's sequence: an
INSERT into the partition itself takes its values). Before 17 it holds none (attidentity ''), though an INSERT
through the parent takes the parent's: no ALTER can give it one (17+ refuses it, and a partition's column follows its
parent's). schema.yaml's partition that lists no columns takes its parent's, identity included (17+'s model), so the
catalog of an older server gives each partition's column its parent's identity where it has none: no drift that no
migration could remove. The identity's sequence is the root's (its name and comment stay the root's, as 17+'s reads).
"""

from __future__ import annotations

from typing import Optional

from schemac.model import Table
from schemac.model.frozen import replace

FIRST_MAJOR_WITH_PARTITION_IDENTITIES = 17


def with_parents_identities(tables: list[Table], major: Optional[int]) -> list[Table]:
    """`tables` (of a `major` server) with each partition's column, where it has no identity and its parent's
    column has one, holding the parent's (a sub-partition its parent's, given it first). None: 17+."""
    if major is None or major >= FIRST_MAJOR_WITH_PARTITION_IDENTITIES:
        return tables
    by_key = {t.key: t for t in tables}
    done: dict = {}

    def given(t: Table, below: frozenset = frozenset()) -> Table:
        if t.key in done:
            return done[t.key]
        parent = by_key.get((t.partition_of.parent_schema, t.partition_of.parent)) if t.partition_of else None
        if parent is not None and parent.key not in below:
            parent = given(parent, below | {t.key})
            theirs = {c.name: c.identity for c in parent.columns if c.identity is not None}
            if any(c.identity is None and c.name in theirs for c in t.columns):
                t = replace(t, columns=tuple(
                    replace(c, identity=replace(theirs[c.name], sequence_name=None, comment=None))
                    if c.identity is None and c.name in theirs else c for c in t.columns))
        done[t.key] = t
        return t

    return [given(t) for t in tables]
