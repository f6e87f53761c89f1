"""A SQL-standard body's SELECT with its bare columns named by the one relation they can belong to, for comparing
schema.yaml's text with Postgres's print of it.

Postgres stores a body's columns resolved and prints each with its relation: `SELECT count(c) FROM t` is printed
`SELECT count(t.c) AS count FROM t`. Where a SELECT is the statement's only query (no subquery, CTE or set
operation, whose scopes could hold the name) and reads one table with no join, a bare name is that table's column
or one of the function's parameters (Postgres prefers the column; a name that is neither does not create). Names
of the SELECT's own output columns (`ORDER BY n`) are left as written, and a parameter's name unless schema.yaml's
table tells whether it holds a column of that name (then the column: Postgres reads it first; else the parameter,
which Postgres prints by the function's name beside a table, `f.x`): only a name that can be nothing else is
qualified, so a body reading another column, table or parameter still differs."""

from __future__ import annotations

from typing import AbstractSet, Optional

from sqlglot import exp

from schemac.compare.query_sources import folded
from schemac.compare.view_queries import _canonical_aliases, _sources
from schemac.pg.dialect import DIALECT
from schemac.pg.expressions import parse_to_compare


def bare_columns_qualified(statement: Optional[str], parameters: AbstractSet[str], function: str = "",
                           schema=None) -> Optional[str]:
    """`statement` with its bare columns named by the one table it reads (see the module's docstring), and its
    parameters by the `function`'s name as Postgres prints them beside a table (`f.x`) where that table of
    `schema` (a model.Schema, schema.yaml's) has no column of their name; the text as it is where that is not
    sure, None where it cannot be read."""
    if statement is None:
        return None
    try:
        tree = parse_to_compare(statement)
        if not isinstance(tree, exp.Select) or len(list(tree.find_all(exp.Select))) != 1 or \
                tree.args.get("joins") or tree.args.get("with"):
            return statement
        tables = list(tree.find_all(exp.Table))
        source = tree.args.get("from_") or tree.args.get("from")
        if len(tables) != 1 or source is None or source.this is not tables[0] or \
                not isinstance(tables[0].this, exp.Identifier):
            return statement
        table = tables[0]
        name = table.args["alias"].this if table.args.get("alias") is not None else table.this
        outputs = {item.alias for item in tree.expressions if isinstance(item, exp.Alias)}
        read = None if schema is None else schema.table(folded(table.args.get("db")) or "public", folded(table.this))
        own = set() if read is None else {c.name for c in read.columns}
        for column in list(tree.find_all(exp.Column)):
            if column.table or not isinstance(column.this, exp.Identifier) or column.name in outputs:
                continue
            if column.name not in parameters or column.name in own:  # (Postgres reads a column before a parameter)
                column.set("table", name.copy())
            elif read is not None and function and column.name not in own:
                column.set("table", exp.to_identifier(function))
        return tree.sql(dialect=DIALECT)
    except Exception:  # (sqlglot's errors)
        return None


def aliases_by_place(statement: Optional[str]) -> Optional[str]:
    """`statement` with every relation of its SELECTs named by its place (`_0`, `_1`, ...) and every column's
    qualifier with it (compare.view_queries' normal form): Postgres makes a table's alias unique in the body it
    prints, `FROM tm tm_1` for a second `FROM tm` (in a CTE, a subquery), which reads the same table. Columns are
    matched by the scope Postgres resolves them in, so one read from another relation still differs."""
    if statement is None:
        return None
    try:
        tree = parse_to_compare(statement)
        if tree is None:
            return None
        for select in list(tree.find_all(exp.Select)):
            for source in _sources(select):
                if isinstance(source, exp.Table) and source.args.get("alias") is None and \
                        isinstance(source.this, exp.Identifier):
                    source.set("alias", exp.TableAlias(this=source.this.copy()))
        _canonical_aliases(tree, table_names=False)
        return tree.sql(dialect=DIALECT)
    except Exception:  # (sqlglot's errors)
        return None
