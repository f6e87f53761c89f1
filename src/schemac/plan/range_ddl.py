"""The USING of a column retyped between two of Postgres's range types whose text forms do not agree
(pg.range_casts.range_route's "bounds": a numrange made an int4range, '[1.5,2.5)' being no integer range).

Each range is made again by the new type's constructor from its bounds, each cast to the new subtype as the
subtypes' cast does (numeric to integer rounds), with its bounds' inclusions (`lower_inc`, `upper_inc`): an
unbounded side stays unbounded (its bound NULL). An empty range is no pair of bounds (its `lower` is NULL, which the
constructor reads as unbounded: '(,)'), nor is NULL: both are said apart.
"""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.pg.casts import base_and_dims
from schemac.pg.idents import ident
from schemac.pg.range_casts import RANGES, range_route
from schemac.plan.trees import fresh_type


def rebuilt_range(change: Change) -> Optional[exp.Expression]:
    """`CASE WHEN isempty(c) THEN 'empty' WHEN c IS NOT NULL THEN new(lower(c)::sub, upper(c)::sub, bounds) END`
    for a retype range_route takes through the bounds; None for any other."""
    old, new = change.old.type, change.new.type  # type: ignore[union-attr]
    if range_route(old, new) != "bounds":
        return None
    name, to = change.new.name, base_and_dims(new)[0]  # type: ignore[union-attr]

    def call(function: str, *args: exp.Expression) -> exp.Expression:
        return exp.Anonymous(this=function, expressions=list(args))

    def column() -> exp.Expression:
        return exp.Column(this=ident(name))

    def bound(side: str) -> exp.Expression:
        return exp.Cast(this=call(side, column()), to=fresh_type(RANGES[to]))

    def inclusion(side: str, inclusive: str, exclusive: str) -> exp.Expression:
        return exp.Case(ifs=[exp.If(this=call(f"{side}_inc", column()), true=exp.Literal.string(inclusive))],
                        default=exp.Literal.string(exclusive))

    made = call(to, bound("lower"), bound("upper"),
                exp.DPipe(this=inclusion("lower", "[", "("), expression=inclusion("upper", "]", ")")))
    empty = exp.Cast(this=exp.Literal.string("empty"), to=fresh_type(to))
    return exp.Case(ifs=[exp.If(this=call("isempty", column()), true=empty),
                         exp.If(this=exp.Not(this=exp.Is(this=column(), expression=exp.Null())), true=made)])
