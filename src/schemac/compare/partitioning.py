"""A table's place in partitioning as Postgres keeps it, for comparing schema.yaml's text with the catalog's:
the partition key (pg_get_partkeydef) and a partition's parent and bound (pg_get_expr of relpartbound)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.normalize import normal_form
from schemac.model import Table
from schemac.pg.lazy import lazy

parse_partition_bound = lazy("schemac.pg.expressions", "parse_partition_bound")
parse_partition_key = lazy("schemac.pg.expressions", "parse_partition_key")
partition_key_opclasses = lazy("schemac.pg.expressions", "partition_key_opclasses")


def partition_of_key(t: Table) -> Optional[tuple]:
    p = t.partition_of
    if p is None:
        return None
    try:
        bound = parse_partition_bound(p.bound)
    except ValueError:
        bound = p.bound
    return (p.parent_schema, p.parent, bound)


def same_partitioning(a: Table, b: Table) -> bool:
    """The same strategy and key, each key element compared in normal form with its operator class: `id,at` is the
    catalog's `id, at`, and `(id)` the column id, as Postgres stores a column written in parentheses (a key
    schema.yaml writes otherwise than pg_get_partkeydef was taken for a change of partitioning, which is refused)."""
    p, q = a.partition_by, b.partition_by
    if p == q:
        return True
    if p is None or q is None or p.strategy.lower() != q.strategy.lower():
        return False
    return _key(p.key) == _key(q.key)


def _key(text: str) -> object:
    try:
        elements = tuple(normal_form(e) for e in parse_partition_key(text))
        opclasses = tuple((c or "").lower() or None for c in partition_key_opclasses(text))
    except ValueError:
        return text
    return tuple(zip(elements, opclasses))
