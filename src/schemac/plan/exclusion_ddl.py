"""EXCLUDE USING method (key WITH operator, ...) INCLUDE (...) WHERE (...): sqlglot parses it only as a
Command, so the clause is assembled from parts sqlglot rendered (keys, predicate) and names checked by
the loader (method, operators)."""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from schemac.model import Exclusion, deferral
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression
from schemac.pg.names import quote_ident, split_operator


def operator_sql(operator: str) -> str:
    """`&&`, or OPERATOR(schema.op) for an operator outside pg_catalog and public."""
    schema, op = split_operator(operator, "")  # ("op.s".<<<)
    return f"OPERATOR({quote_ident(schema)}.{op})" if schema else op


def exclusion_body(c: Exclusion, key: Callable[[object], exp.Expression], storage: str = "") -> exp.Var:
    """The clause without its CONSTRAINT name; `key` renders one element as an index key (ddl._index_key), `storage`
    is its index's WITH (...) (ddl.storage_clause)."""
    items = ", ".join(f"{key(e).sql(dialect=RENDER)} WITH {operator_sql(e.operator)}" for e in c.elements)
    text = f"EXCLUDE USING {c.method} ({items})"
    if c.include:
        text += f" INCLUDE ({', '.join(quote_ident(col) for col in c.include)})"
    if storage:
        text += f" {storage}"
    if c.where:
        text += f" WHERE ({parse_expression(c.where).sql(dialect=RENDER)})"
    return exp.Var(this=" ".join([text, *deferral(c)]))
