"""Access patterns declared beside the schema: the queries it must serve, and the data hints that make a
synthetic table look like the real one to the planner. Not DDL: the differ never compares them."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional

from .source import Source, _src


@frozen
class Distribution:
    """How a column's synthetic values are spread (`distribution:` of a column), where the default (as many
    distinct values as rows, no NULLs) would mislead the planner."""

    distinct: Optional[int] = None  # this many distinct values, uniformly
    values: tuple[str, ...] = ()  # exactly these values (as Postgres reads them), uniformly or by weights
    weights: tuple[float, ...] = ()  # one per value: relative frequencies
    null_fraction: Optional[float] = None  # this share of the rows are NULL (nullable columns only)


@frozen
class QueryParam:
    """One `$n` of a query: an example value, or a value drawn from a column's synthetic data."""

    value: Optional[str] = None  # as Postgres reads it; None with no column: SQL NULL
    column: Optional[str] = None  # "schema.table.column": drawn from the rows generated for it


@frozen
class Query:
    """A declared query and what it must get: the indexes its plan uses, no sequential scan over a
    large table, and a latency budget at a stated table size."""

    name: str
    sql: str
    params: tuple[QueryParam, ...] = ()
    tables: tuple[str, ...] = ()  # "schema.table" of every table the query reads or writes
    uses: tuple[str, ...] = ()  # index names (of indexes, primary keys or unique constraints)
    no_seq_scan_over: Optional[int] = None  # rows: no Seq Scan over a table larger than this
    p95_ms: Optional[float] = None
    rows: Optional[int] = None  # the stated size of the tables it reads, for the budget
    table: Optional[str] = None  # "schema.table" it is declared under, if any
    writes: bool = False  # INSERT, UPDATE, DELETE or MERGE: measured only inside a transaction rolled back
    p50_ms: Optional[float] = None  # a median budget too, at the same size
    source: Optional[Source] = _src()
