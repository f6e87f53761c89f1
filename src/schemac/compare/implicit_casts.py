"""Casts Postgres adds to a call's arguments where a person writes none (compare.rewrite's normal forms).

A date passed where a function takes a timestamp with time zone (`to_char(d, 'YYYY')`, `date_trunc('month', d)`,
`age(d)`, `timezone('utc', d)`, `date_bin(...)`, `to_char(current_date, 'YYYY')` of a date column d: date's implicit
cast to timestamptz, its category's preferred type) is stored with the cast, `to_char((d)::timestamp with time zone,
'YYYY'::text)`. The normal form sees no column types: a cast to timestamptz of a column or of CURRENT_DATE that is a
call's argument is dropped, so an explicit one written so in schema.yaml (`to_char(ts::timestamptz, ...)` of a
timestamp ts, another meaning) compares equal to none, as compare.rewrite's numeric promotions do.
"""

from __future__ import annotations

from typing import Optional

from sqlglot import exp


def _uncast(arg: exp.Expression) -> exp.Expression:
    if isinstance(arg, exp.Cast) and not isinstance(arg, exp.TryCast) and isinstance(arg.to, exp.DataType) \
            and arg.to.this == exp.DataType.Type.TIMESTAMPTZ and not arg.to.expressions:
        inner = arg.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, (exp.Column, exp.CurrentDate)):
            return inner
    return arg


def dates_as_arguments(node: exp.Expression) -> Optional[exp.Expression]:
    """The call with its arguments' casts of a column or CURRENT_DATE to timestamptz dropped; None if it has none."""
    if not isinstance(node, exp.Anonymous):
        return None
    args = [_uncast(a) for a in node.expressions]
    if all(new is old for new, old in zip(args, node.expressions)):
        return None
    return exp.Anonymous(this=node.this, expressions=args)
