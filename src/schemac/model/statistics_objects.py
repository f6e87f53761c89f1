"""Extended statistics objects (CREATE STATISTICS) of a table or materialized view."""

from __future__ import annotations

import re
from schemac.model.frozen import frozen
from typing import Optional

from .source import Source, _security, _src

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


def names_a_column(element: str) -> bool:
    """Whether an element of a statistics object is a column's name (as schema.yaml and pg_attribute spell
    it), not an expression."""
    return _PLAIN_NAME.match(element) is not None


# The kinds Postgres gathers when CREATE STATISTICS names none (expressions' own, 'e', goes with any
# expression: not a kind one writes).
STATISTICS_KINDS = ("ndistinct", "dependencies", "mcv")


@frozen
class Statistics:
    """CREATE STATISTICS name [(kinds)] ON elements FROM table. `elements`: column names (one names_a_column
    refuses, `A b`, as its quoted identifier `"A b"`, which Postgres takes for the column), and expressions
    as Postgres prints them (PostgreSQL 14+); Postgres keeps the columns in the table's order, so the order
    written is not compared. `kinds` () is every kind. `schema` None: the table's. `target`: ALTER
    STATISTICS ... SET STATISTICS (None: the default)."""

    name: str
    elements: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    schema: Optional[str] = None
    target: Optional[int] = None
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    owner: Optional[str] = _security(None)  # None: not compared (another role than its table's may own it)

    def label(self, table_schema: str) -> str:
        """Its name, or `schema.name` outside its table's schema: two statistics objects of one table may share a
        name in two schemas (`CREATE STATISTICS s2.st ... FROM t` beside `st`)."""
        return self.name if self.schema in (None, table_schema) else f"{self.schema}.{self.name}"
