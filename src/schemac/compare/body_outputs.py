"""A SQL-standard body's statement with the output names Postgres gives by default left out, for comparing
schema.yaml's text with Postgres's print of it.

Postgres stores each output column of a body's SELECTs (and RETURNING lists) with a name, and prints it back
`AS name` wherever that name is not the column's own: `SELECT count(t.c) FROM t` is printed
`SELECT count(t.c) AS count FROM t`. A body written without the name is the same body (the name is the one the
parser gives it: FigureColname, compare.view_queries.output_name); left out on both sides, the two texts compare
as the same, while a name given otherwise (`AS n`) still differs."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.view_queries import output_name
from schemac.pg.dialect import DIALECT
from schemac.pg.expressions import parse_to_compare

_UNNAMED = "?column?"


def default_names_dropped(statement: str) -> Optional[str]:
    """`statement` with every output column's `AS name` left out where the name is the one Postgres gives it
    unnamed (or `?column?`), in every SELECT and RETURNING list it holds; None where it cannot be read."""
    try:
        tree = parse_to_compare(statement)
        if tree is None:
            return None
        lists = [s.expressions for s in tree.find_all(exp.Select)] + \
            [r.expressions for r in tree.find_all(exp.Returning)]
        for items in lists:
            for item in list(items):
                if isinstance(item, exp.Alias) and item.alias in (output_name(item.this)[0], _UNNAMED):
                    item.replace(item.this)
        return tree.sql(dialect=DIALECT)
    except Exception:  # (sqlglot's errors)
        return None
