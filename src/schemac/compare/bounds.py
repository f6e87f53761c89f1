"""A partition bound by the values it holds, as Postgres keeps them (relpartbound holds constants of the key's
types): `('2026-01-01'::date)`, `( '2026-01-01' )` and pg_get_expr's `('2026-01-01')` are one bound, as are
`(10)`, `(+10)`, `(10::bigint)` and the `('10')` Postgres prints for a bigint key, and a timestamptz key's
`('2025-01-01')` and `('2025-01-01 00:00:00+00')` (read in UTC, as `schemac diff` reads the catalog).
Compared as text, a partition schema.yaml's own migration created was reported detached and attached again."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from sqlglot import exp

from schemac.compare.literals import timestamp_value
from schemac.pg.operators import PrefixOperator
from schemac.pg.expressions import ExpressionError
from schemac.pg.partition_texts import _parse_statement, hash_bound_in_order

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?", re.I)


def _value(node: exp.Expression) -> object:
    """One bound datum by value: casts, parentheses and a unary plus aside; a quoted or bare number by its
    numeric value, an ISO date or timestamp by its instant in UTC, any other string as itself."""
    while isinstance(node, (exp.Cast, exp.Paren)) or (isinstance(node, PrefixOperator)
                                                     and node.args.get("op") is not None
                                                     and node.args["op"].name == "+"):
        node = node.this
    sign = ""
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        sign, node = "-", node.this
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Var) and node.name.upper() in ("MINVALUE", "MAXVALUE"):
        return node.name.upper()
    if not isinstance(node, exp.Literal):
        return ("sql", node.sql())
    text = sign + str(node.this)
    if _NUMBER.fullmatch(text.strip()):
        try:
            return ("number", Decimal(text.strip()).normalize())
        except InvalidOperation:
            pass
    instant = timestamp_value(text)
    return ("instant", instant) if instant is not None else ("text", text)


@lru_cache(maxsize=8192)
def bound_values(text: str) -> object:
    """A comparable form of a partition bound (DEFAULT, IN, FROM/TO or WITH); raises ExpressionError when it
    does not parse."""
    if text.strip().upper() == "DEFAULT":
        return "DEFAULT"
    spec = _parse_statement(f"CREATE TABLE _p PARTITION OF _t {hash_bound_in_order(text)}",
                            "partition bound").find(exp.PartitionBoundSpec)
    if spec is None:
        raise ExpressionError("is not a valid partition bound")
    if spec.args.get("from_expressions") is not None:
        return ("range", tuple(_value(v) for v in spec.args["from_expressions"]),
                tuple(_value(v) for v in spec.args["to_expressions"]))
    if isinstance(spec.this, list):
        return ("list", tuple(_value(v) for v in spec.this))
    return ("hash", _value(spec.this), _value(spec.expression))
