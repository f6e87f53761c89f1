"""What the loader asks of each expression of schema.yaml (does sqlglot read it? is it kept verbatim? which columns does
it name? is it a plain column?), answered without sqlglot where the expression is of one of pg.readable's forms (the
deparse `inspect` writes: now(), '{}'::jsonb, (price >= (0)::numeric)...), by pg.expressions for any other: a schema
of such forms loads without importing sqlglot, whose import and parses were ~110 ms of the 0.5 s a 1,000-table
schema.yaml takes to load. tests/test_loaded.py has both answer every expression of the fixtures alike.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from schemac.pg.exprerrors import ExpressionError  # noqa: F401 (the loader catches it from here)
from schemac.pg.lazy import lazy
from schemac.pg.readable import form_reading

# A partitioned table's key and a partition's bound: no form of pg.readable, sqlglot's at the first one.
parse_partition_key = lazy("schemac.pg.partition_texts", "parse_partition_key")
parse_partition_bound = lazy("schemac.pg.partition_texts", "parse_partition_bound")


def check_expression(text: str) -> None:
    """pg.expressions.check_expression: ExpressionError unless `text` is exactly one expression schemac can write."""
    return _answer(text, "check_expression", lambda reading: None)


def is_verbatim(text: str) -> bool:
    """pg.expressions.is_verbatim: whether the loader keeps `text` as written."""
    return _answer(text, "is_verbatim", lambda reading: False)


def checked_columns(text: str) -> set[str]:
    """pg.expressions.checked_columns: the columns the loader checks an expression names."""
    return _answer(text, "checked_columns", lambda reading: set(reading[0]))


def referenced_columns(text: str) -> set[str]:
    """pg.expressions.referenced_columns: the column names an expression uses."""
    return _answer(text, "referenced_columns", lambda reading: set(reading[0]))


def plain_column(text: str) -> Optional[str]:
    """pg.expressions.plain_column: the column an index key's expression is when it is only a column's name."""
    return _answer(text, "plain_column", lambda reading: reading[1])


def collated_key(text: str) -> Optional[tuple[str, str]]:
    """pg.expressions.collated_key: an index key with a COLLATE on top, as the key without it and the collation."""
    return _answer(text, "collated_key", lambda reading: None)


def index_element_words(text: str) -> Optional[tuple[str, dict[str, str]]]:
    """pg.expressions.index_element_words: a key's expression written with its opclass, order or nulls after it."""
    return _answer(text, "index_element_words", lambda reading: None)  # (a form is never verbatim)


def _answer(text: str, name: str, from_form: Callable[[tuple], Any]) -> Any:
    """`from_form` of pg.readable's reading of `text` where it has one, else pg.expressions' `name` (sqlglot,
    imported then)."""
    reading = form_reading(text)
    return from_form(reading) if reading is not None else lazy("schemac.pg.expressions", name)(text)
