"""A table's place in partitioning as Postgres keeps it, for comparing schema.yaml's text with the catalog's:
the partition key (pg_get_partkeydef) and a partition's parent and bound (pg_get_expr of relpartbound), the
bound by its values (compare.bounds)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.normalize import normal_form
from schemac.model import Table
from schemac.pg.lazy import lazy
from schemac.pg.opclasses import without_default

bound_values = lazy("schemac.compare.bounds", "bound_values")
parse_partition_key = lazy("schemac.pg.partition_texts", "parse_partition_key")
partition_key_opclasses = lazy("schemac.pg.partition_texts", "partition_key_opclasses")
plain_column = lazy("schemac.pg.expressions", "plain_column")


def partition_of_key(t: Table) -> Optional[tuple]:
    p = t.partition_of
    if p is None:
        return None
    try:
        bound = bound_values(p.bound)
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
    method = "hash" if p.strategy.lower() == "hash" else "btree"
    return _key(p.key, method, a) == _key(q.key, method, b)


def _key(text: str, method: str, table: Table) -> object:
    """The key's elements in normal form, each with its operator class, none where it is a column's type's
    default (`a int4_ops` on an integer column is `a`, as pg_get_partkeydef prints it)."""
    types = {c.name: c.type for c in table.columns}
    try:
        elements = tuple(parse_partition_key(text))
        opclasses = tuple((c or "").lower() or None for c in partition_key_opclasses(text))
    except ValueError:
        return text
    return tuple((normal_form(e), without_default(c, method, types.get(plain_column(e) or "")))
                 for e, c in zip(elements, opclasses))
