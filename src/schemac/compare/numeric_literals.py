"""Numbers in normal forms (compare.rewrite): a literal's one spelling, and strings that spell a number beside a
column, which Postgres stores as that number."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from sqlglot import exp


def number(text: str) -> Optional[exp.Literal]:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    # 0.10 == 0.1, 1.0 == 1; normalize() would print 1E+1 for 10, so format by hand. -0.0 is 0: a literal is an
    # integer or a numeric to Postgres, neither of which has a negative zero (`DEFAULT -0.0` of a real is stored 0.0)
    normal = value.normalize().copy_abs() if value.is_zero() else value.normalize()
    s = format(normal, "f")
    return exp.Literal.number(s)


# Where a number literal keeps, in a tree being rewritten (compare.rewrite.literal_scales), the scale it was written
# with: Postgres stores a numeric constant with it (`a * 1.0` and `a * 1.00`, `(1.00)::double precision` of a float),
# which the normal form drops (0.10 == 0.1), so a stored value can differ where normal forms are equal.
SCALE = "scale"


def scale_of(text: str) -> Optional[int]:
    """The scale numeric_in gives a number spelled `text` (`1.50` 2, `1.50e1` 1, `1e3` 0), None for no number."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else None


def scale_kept(new: exp.Expression, old: exp.Expression) -> exp.Expression:
    """`new`, a number a rewrite made of the literal `old`, holding the scale `old` was written with (if known)."""
    if old._meta and SCALE in old._meta:  # (a negative one is sqlglot's Neg of the literal)
        (new.this if isinstance(new, exp.Neg) else new).meta[SCALE] = old._meta[SCALE]
    return new


_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def as_number(node: exp.Expression) -> exp.Expression:
    """A string literal that is a number in a decimal spelling (`'5'`, `'-2.5'`, `'0.50'`, not `'05'` or `'1e3'`) as
    that number, else `node`. Compared with a column, `c = '5'` of an integer c is stored `(c = 5)` and of a text d `(d = '5'::text)`
    (both read `= 5` so); a column for which `= 5` and `= '5'` were both accepted and meant other things would need
    an operator with an integer beside its own type's, which no built-in type has."""
    if isinstance(node, exp.Literal) and node.is_string:
        spelled = number(node.this) if _DECIMAL.fullmatch(node.this) else None
        if spelled is not None:
            return spelled
    return node


# Arithmetic a string beside a column takes the column's type in: `c + '1'` of an integer c is stored `(c + 1)`
ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)


def numbers_beside_a_column(node: exp.Expression) -> Optional[exp.Expression]:
    """`c = '5'`, `'5' < c`, `c IN ('1', '2')`, `c + '1'`, `COALESCE(c, '0')` (c a column) with the strings that are
    numbers as numbers; else None. (`COALESCE(c, '0')` of an integer c is stored `COALESCE(c, 0)`, of a text d
    `COALESCE(d, '0'::text)`: both read `0` so, as above.)"""
    if isinstance(node, exp.Coalesce) and any(isinstance(e, exp.Column) for e in [node.this, *node.expressions]) \
            and any(as_number(e) is not e for e in [node.this, *node.expressions]):
        return exp.Coalesce(this=as_number(node.this), expressions=[as_number(e) for e in node.expressions])
    if isinstance(node, COMPARISONS + ARITHMETIC):
        left, right = node.this, node.expression
        if isinstance(left, exp.Column) and as_number(right) is not right:
            return node.__class__(this=left, expression=as_number(right))
        if isinstance(right, exp.Column) and as_number(left) is not left:
            return node.__class__(this=as_number(left), expression=right)
    if isinstance(node, COMPARISONS) and _of_an_array_column(node.expression) and as_number(node.this) is not node.this:
        return node.__class__(this=as_number(node.this), expression=node.expression)
    if isinstance(node, exp.In) and isinstance(node.this, exp.Column) and node.expressions \
            and any(as_number(e) is not e for e in node.expressions):
        changed = node.copy()
        changed.set("expressions", [as_number(e) for e in node.expressions])
        return changed
    return None


def _of_an_array_column(node: exp.Expression) -> bool:
    """Whether `node` is `ANY (c)`, `SOME (c)` or `ALL (c)` of a column c (or of one cast, `((va)::text[])`): a string
    beside it takes c's element type, `'1' = ANY (ia)` of an integer[] ia is stored `(1 = ANY (ia))` (of a text[]
    `('1'::text = ANY (ta))`: both read `1` so, as above)."""
    if isinstance(node, exp.Any):
        inner = node.this
    elif isinstance(node, exp.Anonymous) and str(node.this).upper() == "ALL" and len(node.expressions) == 1:
        inner = node.expressions[0]
    else:
        return False
    while isinstance(inner, (exp.Paren, exp.Cast)):
        inner = inner.this
    return isinstance(inner, exp.Column)


def compared(kind: type, x: exp.Expression, y: exp.Expression) -> exp.Expression:
    """`x kind y` built by a rewrite (BETWEEN's, a row's fields), in normal form as to strings beside a column."""
    node = kind(this=x, expression=y)
    return numbers_beside_a_column(node) or node


# A default that is a number as Postgres stores it: bare (`5.0`, `(-6)`), or a string or number cast to numeric with
# no modifier (`'-5.50'::numeric`, `5::numeric`: a negative or integral numeric constant's print).
_STORED_NUMBER = re.compile(
    r"\(*\s*(?P<sign>-)?\s*\(*\s*(?P<q>'?)(?P<n>-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(?P=q)"
    r"\s*(?:::\s*numeric)?\s*\)*\s*")


def stored_number(text: Optional[str]) -> Optional[str]:
    """A default that is a number literal as Postgres prints it once stored (numeric_out keeps the scale written:
    `5.0` stays `5.0`, `1.50e1` is `15.0`, `.5` is `0.5`), else None. The normal form reads 5 and 5.0 as one number,
    right in a comparison; but a default is a value: DEFAULT 5.0 of a numeric column inserts 5.0, DEFAULT 5 inserts 5."""
    m = _STORED_NUMBER.fullmatch(text) if text else None
    if m is None or (m["q"] and not text.rstrip(" )").endswith("numeric")):
        return None  # (a bare string is read as the column's type: '5'::integer, '5.0'::double precision)
    value = Decimal(m["n"])
    if m["sign"]:
        value = -value
    return format(value.copy_abs() if value.is_zero() else value, "f")
