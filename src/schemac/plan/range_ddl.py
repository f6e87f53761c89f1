"""The USING of a column retyped between range types whose text forms do not agree (compare.retype_casts.from_bounds:
a numrange made an int4range, '[1.5,2.5)' being no integer range; a multirange, an array of either, a range type of
the schema's own alike).

Each range is made again by the new type's constructor from its bounds, each cast to the new subtype as the
subtypes' cast does (numeric to integer rounds), with its bounds' inclusions (`lower_inc`, `upper_inc`): an
unbounded side stays unbounded (its bound NULL). An empty range is no pair of bounds (its `lower` is NULL, which the
constructor reads as unbounded: '(,)'), nor is NULL: both are said apart. A multirange is made again of its ranges so
(range_agg over unnest: an empty one stays empty, ranges that meet once rounded are merged, as the new multirange's
input merges them), an array element by element in its own shape (its text, each element's text replaced: its bounds
and dimensions kept). ALTER ... TYPE ... USING refuses a subquery and an aggregate ('cannot use subquery in transform
expression'): those go in a function the migration creates in pg_temp before the ALTER and drops after it.
"""

from __future__ import annotations

import hashlib
from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.pg.dialect import RENDER
from schemac.pg.idents import ident
from schemac.pg.names import qualified
from schemac.pg.types import name_parts
from schemac.plan.sql_strings import command
from schemac.plan.trees import fresh_type

# An array's text split at its elements: a range holding bounds prints a comma, so is quoted, as a multirange (braces)
# is; an empty range prints `empty`, a NULL element `NULL`, bare; what lies between is braces, commas and the bounds of
# its dimensions ('[0:1]=')
_ELEMENT = '"[^"]*"|NULL|empty'


def _call(function: str, *args: exp.Expression) -> exp.Expression:
    """A call of `function`, named as a type's text names it (`int4range`, `s."My Range"`)."""
    parts = name_parts(function) if '"' in function or "." in function else [function]
    called = exp.Anonymous(this=ident(parts[-1]), expressions=list(args))
    return exp.Dot(this=ident(parts[0]), expression=called) if len(parts) == 2 else called


def _range(value: exp.Expression, to: str, subtype: str) -> exp.Expression:
    """`CASE WHEN isempty(v) THEN 'empty' WHEN v IS NOT NULL THEN to(lower(v)::sub, upper(v)::sub, bounds) END`."""
    def bound(side: str) -> exp.Expression:
        return exp.Cast(this=_call(side, value.copy()), to=fresh_type(subtype))

    def inclusion(side: str, inclusive: str, exclusive: str) -> exp.Expression:
        return exp.Case(ifs=[exp.If(this=_call(f"{side}_inc", value.copy()), true=exp.Literal.string(inclusive))],
                        default=exp.Literal.string(exclusive))

    made = _call(to, bound("lower"), bound("upper"),
                 exp.DPipe(this=inclusion("lower", "[", "("), expression=inclusion("upper", "]", ")")))
    empty = exp.Cast(this=exp.Literal.string("empty"), to=fresh_type(to))
    return exp.Case(ifs=[exp.If(this=_call("isempty", value.copy()), true=empty),
                         exp.If(this=exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())), true=made)])


def _helper(change: Change) -> str:
    """The pg_temp function's name: one a column (a digest of its path, within 63 bytes whatever the names)."""
    return f"schemac_bounds_{hashlib.md5(change.path.encode()).hexdigest()[:16]}"


def rebuilt_range(change: Change) -> Optional[exp.Expression]:
    """The USING of a retype `from_bounds` marks: a range's CASE (above), or the call of range_helper's function over
    the column; None for any other."""
    if not change.from_bounds:
        return None
    kind, to, subtype = change.from_bounds
    column = exp.Column(this=ident(change.new.name))  # type: ignore[union-attr]
    if kind == "range":
        return _range(column, to, subtype)
    return exp.Dot(this=ident("pg_temp"), expression=exp.Anonymous(this=ident(_helper(change)), expressions=[column]))


def range_helper(change: Change) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """The CREATE FUNCTION before the ALTER ... TYPE whose USING calls it (a multirange or an array: rebuilt_range) and
    the DROP FUNCTION after; ([], []) for any other retype."""
    if not change.from_bounds or change.from_bounds[0] == "range":
        return [], []
    kind, to, subtype = change.from_bounds
    old = fresh_type(change.old.type).sql(dialect=RENDER)  # type: ignore[union-attr]
    new = fresh_type(change.new.type).sql(dialect=RENDER)  # type: ignore[union-attr]

    def element(value: str) -> str:  # (one range, or one multirange made again of its ranges)
        ranges = kind.startswith("range")
        r = _range(exp.Column(this=ident("r" if ranges else "x")), to, subtype).sql(dialect=RENDER)
        return r if ranges else \
            f"(SELECT COALESCE(pg_catalog.range_agg({r}), '{{}}') FROM pg_catalog.unnest({value}) AS u(x))"

    if not kind.endswith("[]"):
        body = f"SELECT ({element('v')})::{new}"
    else:
        body = (f"""SELECT pg_catalog.string_agg(s.part || CASE WHEN e.i IS NULL THEN '' WHEN e.r IS NULL THEN 'NULL' """
                f"""ELSE '"' || ({element('e.r')})::text || '"' END, '' ORDER BY s.i)::{new} """
                f"FROM pg_catalog.regexp_split_to_table(v::text, '{_ELEMENT}') WITH ORDINALITY AS s(part, i) "
                "LEFT JOIN pg_catalog.unnest(v) WITH ORDINALITY AS e(r, i) ON e.i = s.i")
    name = qualified("pg_temp", _helper(change))
    made = command("CREATE", f"FUNCTION {name}(v {old}) RETURNS {new} LANGUAGE sql STRICT AS $schemac${body}$schemac$")
    return [made], [command("DROP", f"FUNCTION {name}({old})")]
