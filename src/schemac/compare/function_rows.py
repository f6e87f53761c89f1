"""The rows of tables (and composite types) read through the functions that return them: `FROM all_t() x`, printed
`all_t() x(id, c)`, or `(one_t(p)).c`. Such a text names no table, yet Postgres records each column it reads (pg_depend)
and refuses ALTER COLUMN ... TYPE or DROP COLUMN under it, so what holds it (a SQL-standard body, a policy, a rule, a
default, a CHECK, a trigger's WHEN) is made again around that change (compare.sqlbodies, compare.readers,
compare.around), ordered by plan.attribute_order.retyped_columns."""

from __future__ import annotations

import re
from typing import Iterable

from schemac.compare.changes import Change
from schemac.model import Schema
from schemac.pg.lazy import lazy
from schemac.pg.types import type_name

called_functions = lazy("schemac.pg.calls", "called_functions")
selected_fields = lazy("schemac.pg.verbatim", "selected_fields")

_SETOF = re.compile(r"^\s*SETOF\s+", re.IGNORECASE)
ROW_READ_REBUILT = "re-created around a column it reads of a function's row"


def function_rows(schema: Schema) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(schema, name) of each function -> the types its overloads return (SETOF taken off)."""
    out: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for g in schema.functions:
        if g.returns:
            out.setdefault((g.schema, g.name), set()).add(type_name(_SETOF.sub("", g.returns)))
    return out


def rows_through(called: Iterable[tuple[str, str]], rows: dict[tuple[str, str], set[tuple[str, str]]]) -> set:
    """The types (tables' row types among them) the functions `called` return (function_rows)."""
    return {r for g in called for r in rows.get(g, ())}


def changed_columns(changes: Iterable[Change]) -> dict[str, set[tuple[str, str]]]:
    """column name -> (schema, table) of each table whose column of that name `changes` retype or drop."""
    out: dict[str, set[tuple[str, str]]] = {}
    for c in changes:
        if c.kind in ("alter_column_type", "drop_column") and c.name:
            out.setdefault(c.name, set()).add((c.schema, c.table))
    return out


def reads_changed_row(text: str, columns: dict[str, set[tuple[str, str]]],
                      rows: dict[tuple[str, str], set[tuple[str, str]]]) -> bool:
    """Whether an expression selects a column of `columns` (changed_columns) of a table's row a function it calls
    returns (`(one_t(n)).c`), by the column's name."""
    fields = selected_fields(text) & columns.keys()
    if not fields:
        return False
    tables = rows_through(called_functions(text), rows)
    return any(columns[f] & tables for f in fields)
