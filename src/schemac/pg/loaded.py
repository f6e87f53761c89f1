"""What the loader asks of each expression of schema.yaml (does sqlglot read it? is it kept verbatim? which columns does
it name? is it a plain column?), answered without sqlglot where the expression is of one of pg.readable's forms (the
deparse `inspect` writes: now(), '{}'::jsonb, (price >= (0)::numeric)...), by pg.expressions for any other: a schema
of such forms loads without importing sqlglot, whose import and parses were ~110 ms of the 0.5 s a 1,000-table
schema.yaml takes to load. tests/test_loaded.py has both answer every expression of the fixtures alike.
"""

from __future__ import annotations

from typing import Optional

from schemac.pg.exprerrors import ExpressionError  # noqa: F401 (the loader catches it from here)
from schemac.pg.lazy import lazy
from schemac.pg.readable import form_reading

# A partitioned table's key and a partition's bound: no form of pg.readable, sqlglot's at the first one.
parse_partition_key = lazy("schemac.pg.expressions", "parse_partition_key")
parse_partition_bound = lazy("schemac.pg.expressions", "parse_partition_bound")


def check_expression(text: str) -> None:
    """pg.expressions.check_expression: ExpressionError unless `text` is exactly one expression schemac can write."""
    if form_reading(text) is None:
        from schemac.pg.expressions import check_expression as parsed

        parsed(text)


def is_verbatim(text: str) -> bool:
    """pg.expressions.is_verbatim: whether the loader keeps `text` as written."""
    if form_reading(text) is not None:
        return False
    from schemac.pg.expressions import is_verbatim as parsed

    return parsed(text)


def checked_columns(text: str) -> set[str]:
    """pg.expressions.checked_columns: the columns the loader checks an expression names."""
    reading = form_reading(text)
    if reading is not None:
        return set(reading[0])
    from schemac.pg.expressions import checked_columns as parsed

    return parsed(text)


def referenced_columns(text: str) -> set[str]:
    """pg.expressions.referenced_columns: the column names an expression uses."""
    reading = form_reading(text)
    if reading is not None:
        return set(reading[0])
    from schemac.pg.expressions import referenced_columns as parsed

    return parsed(text)


def plain_column(text: str) -> Optional[str]:
    """pg.expressions.plain_column: the column an index key's expression is when it is only a column's name."""
    reading = form_reading(text)
    if reading is not None:
        return reading[1]
    from schemac.pg.expressions import plain_column as parsed

    return parsed(text)
