"""A SQL-standard body's SELECT with its bare columns named by the one relation they can belong to, for comparing
schema.yaml's text with Postgres's print of it.

Postgres stores a body's columns resolved and prints each with its relation: `SELECT count(c) FROM t` is printed
`SELECT count(t.c) AS count FROM t`. Where a SELECT is the statement's only query (no subquery, CTE or set
operation, whose scopes could hold the name) and reads one table with no join, a bare name is that table's column
or one of the function's parameters (Postgres prefers the column; a name that is neither does not create). Names
of parameters and of the SELECT's own output columns (`ORDER BY n`) are left as written: only a name that can be
nothing but the table's column is qualified, so a body reading another column or table still differs. (A
parameter beside a table is printed by the function's name, `f.x`, left as it is: `x` written could be a column.)"""

from __future__ import annotations

from typing import AbstractSet, Optional

from sqlglot import exp

from schemac.compare.view_queries import _canonical_aliases, _sources
from schemac.pg.dialect import DIALECT
from schemac.pg.expressions import parse_to_compare


def bare_columns_qualified(statement: Optional[str], parameters: AbstractSet[str]) -> Optional[str]:
    """`statement` with its bare columns named by the one table it reads (see the module's docstring); the text
    as it is where that is not sure, None where it cannot be read."""
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
        for column in list(tree.find_all(exp.Column)):
            if not column.table and isinstance(column.this, exp.Identifier) and \
                    column.name not in parameters and column.name not in outputs:
                column.set("table", name.copy())
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
