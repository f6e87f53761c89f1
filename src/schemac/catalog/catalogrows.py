"""What the catalog queries returned, before it becomes a model.

Apart from catalog/fetch.py (psycopg's): a process that had the rows read by a forked child
(catalog/forked.py) gets this back without importing psycopg.
"""

from __future__ import annotations

from dataclasses import dataclass
from keyword import iskeyword
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class CatalogRows:
    """What the catalog queries returned, before it becomes a model. Reading needs psycopg only, so
    `schemac diff` can put the queries in flight before it has imported sqlglot (see commands/diff.py)."""

    rows: dict[str, list[dict[str, Any]]]
    queries: int
    server_version: int
    history: Optional[list[tuple]] = None  # `_sqlx_migrations` rows, when asked for and readable


class NamedRows(list):
    """A query's rows as psycopg made them, tuples, with the names of their values: what a forked child reads
    (catalog/forked.py) and sends on as they are; the parent makes each a dict (row_maker). psycopg's C code
    makes a tuple row with no Python call, where a dict row costs one per row (~30 ms of the child's CPU at
    1,000 tables)."""

    __slots__ = ("names",)

    def __init__(self, names: list[str], rows: list[tuple]):
        super().__init__(rows)
        self.names = names


# The queries whose rows the model is built from as tuples (catalog/builder.py: columns_by_table makes a dict only of
# a column's first row of each definition): a forked child's are given on as they came (catalog/forked.py).
AS_TUPLES = frozenset({"columns"})


def row_maker(names: list[str]) -> Callable[[Any], dict[str, Any]]:
    """A function making a query's row (its values, in `names`' order) a dict sharing its keys with the
    query's other rows (CPython's split dicts, as an instance's __dict__ is): half the memory of a dict of
    its own (~470 -> ~260 bytes a row of 20 columns), which at 10,000 tables is ~40 MB of rows held at once
    (the columns query alone has 115,000). Filled key by key in the query's column order, a dict stays split:
    by an __init__ made for the query's columns, as dataclasses make theirs (a loop over the names took
    ~0.7 us a value: at 10,000 tables 80 ms of the columns query's 200 ms on the client). psycopg's rows
    (catalog/fetch.py) are made so, and the rows a forked child sends as tuples (catalog/forked.py). CPython keeps a
    dict split for at most 29 keys (SHARED_KEYS_MAX_SIZE, 30): a query of 30 columns or more makes dicts of their own,
    five times the size (296 -> 1,584 bytes); tests/test_catalog_rows.py holds the large queries under it."""
    holder = type("CatalogRow", (), {})
    if names and len(set(names)) == len(names) and all(n.isidentifier() and not iskeyword(n) for n in names):
        scope: dict[str, Any] = {}
        exec(f"def __init__(self, {', '.join(names)}):" + "".join(f"\n    self.{n} = {n}" for n in names), scope)
        holder.__init__ = scope["__init__"]  # type: ignore[misc]
        return lambda values: holder(*values).__dict__

    def make(values: Any) -> dict[str, Any]:  # a name no parameter can have (none of the catalog queries')
        row = holder().__dict__
        for name, value in zip(names, values):
            row[name] = value
        return row
    return make
