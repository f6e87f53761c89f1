"""The casts compare.rewrite's normal form drops, on sqlglot trees: those Postgres adds on its own (a constant's,
its implicit numeric promotions, a text type's over an expression of its arguments' type)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.late_bound import TEXT_TYPES as _TEXT_TYPES, unparen as _unparen
from schemac.compare.literals import BOOLEAN_WORDS, array_text, qualified_interval_value
from schemac.compare.numeric_literals import number, scale_kept
from schemac.compare.own_types import own_type_named
from schemac.pg.dialect import DIALECT
from schemac.pg.intervals import qualified_interval_text


T = exp.DataType.Type
_NUMERIC_TYPES = {T.SMALLINT, T.INT, T.BIGINT, T.DECIMAL, T.FLOAT, T.DOUBLE, T.MONEY}
# Where Postgres's implicit numeric promotions take an operand (integer to numeric, numeric to double
# precision) when the other one is of the wider type, or a function's argument of the wider type (integer to
# bigint: `f(n)` of an f(bigint) over an integer n is stored as `f((n)::bigint)`). Dropped from the normal
# form: an explicit cast to one of these (without a precision) in schema.yaml therefore compares equal to no cast.
_PROMOTIONS = {T.DECIMAL, T.DOUBLE, T.BIGINT}


# Expressions of their arguments' type, which Postgres casts as it casts a column of that type (to text, from varchar)
_OF_ITS_ARGUMENTS_TYPE = (exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least, exp.Case)


def _interval_literal(text: str, unit: Optional[str] = None) -> exp.Expression:
    value = qualified_interval_value(text, unit)  # (`INTERVAL '1.5 days' DAY` is stored `'1 day'::interval day`)
    if value is None:
        return exp.Literal.string(qualified_interval_text(text, unit))
    return exp.Literal.string("interval:%d:%d:%d" % value)


def _is_constant(node: exp.Expression) -> bool:
    node = _unparen(node)
    if isinstance(node, (exp.Literal, exp.Null, exp.Boolean, exp.BitString, exp.ByteString, exp.UnicodeString)):
        return True
    if isinstance(node, exp.Neg):
        return _is_constant(node.this)
    if isinstance(node, exp.Array):
        return all(_is_constant(e) for e in node.expressions)
    if isinstance(node, exp.Cast):
        return _is_constant(node.this)
    return False


def _target_kind(to: exp.Expression) -> Optional[exp.DataType.Type]:
    if isinstance(to, exp.DataType):
        if to.this == exp.DataType.Type.ARRAY and to.expressions:
            return _target_kind(to.expressions[0])
        return to.this
    return None


def _own_type(to: exp.DataType) -> bool:
    """A type of schema.yaml's own (compare.own_types): not a built-in one sqlglot reads as named, `'101'::"bit"`, whose
    string is no number (B'101')."""
    kind = to.args.get("kind")
    spelled = isinstance(kind, (exp.Identifier, exp.Dot, exp.Var))  # (`mood`, `app.mood`, `"App"."Mood"`)
    name = kind if isinstance(kind, str) else kind.sql(dialect=DIALECT) if spelled else None
    return name is not None and own_type_named(name)


def _strip_cast(node: exp.Cast) -> Optional[exp.Expression]:
    """The cast's operand, if the cast is one Postgres adds on its own; else None."""
    inner = _unparen(node.this)
    kind = _target_kind(node.to)
    if isinstance(inner, exp.Literal) and inner.is_string and isinstance(node.to, exp.DataType) \
            and node.to.this == T.ARRAY:
        return exp.Literal.string(array_text(inner.this))
    if isinstance(inner, exp.Literal) and inner.is_string and kind == T.BOOLEAN \
            and inner.this.strip().lower() in BOOLEAN_WORDS:
        return exp.Boolean(this=BOOLEAN_WORDS[inner.this.strip().lower()])
    if _is_constant(inner):
        if isinstance(node.to, exp.DataType) and node.to.this == T.DECIMAL and node.to.expressions \
                and isinstance(inner, (exp.Literal, exp.Neg)):  # `'5.55'::numeric(10,1)`: `5.55::numeric(10,1)`, 5.6
            spelled = number(inner.this) if isinstance(inner, exp.Literal) and inner.is_string else None
            return exp.Cast(this=spelled, to=node.to) if spelled is not None else None
        if isinstance(inner, exp.Literal) and inner.is_string and kind in _NUMERIC_TYPES:
            spelled = number(inner.this)
            return inner if spelled is None else scale_kept(spelled, inner)
        if isinstance(inner, exp.Literal) and inner.is_string and kind == T.INTERVAL:
            return _interval_literal(inner.this, "second")  # (a bare number: seconds, `'1.55'::interval`)
        if isinstance(inner, exp.Literal) and inner.is_string and kind == T.USERDEFINED and _own_type(node.to):
            return number(inner.this) or inner  # (`pos('5')` of a domain over integer is stored `(5)::pos`)
        return inner
    if isinstance(inner, _OF_ITS_ARGUMENTS_TYPE + (exp.Column, exp.Array, exp.Cast)) and kind in _TEXT_TYPES:
        return inner  # `COALESCE(v, 'x') <> ''` on a varchar v is stored as `(COALESCE(v, 'x'::varchar))::text <> ''`
    if kind in _PROMOTIONS and not node.to.expressions:
        return inner  # `n = 0.10` on an integer n is stored as `(n)::numeric = 0.10`
    return None
