"""One normal form for SQL expressions, so the differ compares meaning rather than spelling.

schema.yaml says ``correlation_score BETWEEN 0 AND 1``; Postgres stores and deparses it as
``((correlation_score >= (0)::numeric) AND (correlation_score <= (1)::numeric))``. Both sides pass
through :func:`normal_form`, which undoes exactly the rewrites Postgres applies when it stores an
expression: parentheses, implicit casts of literals (and of columns to text), ``IN`` as
``= ANY (ARRAY[...])``, ``BETWEEN`` as two comparisons, ``-1`` as ``'-1'::integer``, ``now()`` as
``CURRENT_TIMESTAMP``, case folding of unquoted names, and numeric spelling (``0.10`` = ``0.1``).
The round-trip tests (generate -> apply -> introspect -> diff) keep this honest on real servers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Optional

from sqlglot import exp

from .dialect import DIALECT
from .expressions import parse_expression

_TEXT_TYPES = {exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR,
               exp.DataType.Type.BPCHAR, exp.DataType.Type.NAME}
_NUMERIC_TYPES = exp.DataType.NUMERIC_TYPES if hasattr(exp.DataType, "NUMERIC_TYPES") else set()


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _is_constant(node: exp.Expression) -> bool:
    node = _unparen(node)
    if isinstance(node, (exp.Literal, exp.Null, exp.Boolean)):
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


def _number(text: str) -> Optional[exp.Literal]:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    # 0.10 == 0.1, 1.0 == 1; normalize() would print 1E+1 for 10, so format by hand.
    normal = value.normalize()
    s = format(normal, "f")
    return exp.Literal.number(s)


def _strip_cast(node: exp.Cast) -> Optional[exp.Expression]:
    """The cast's operand, if the cast is one Postgres adds on its own; else None."""
    inner = _unparen(node.this)
    kind = _target_kind(node.to)
    if _is_constant(inner):
        if isinstance(inner, exp.Literal) and inner.is_string and kind in _NUMERIC_TYPES:
            return _number(inner.this) or inner
        return inner
    if isinstance(inner, (exp.Column, exp.Array, exp.Cast)) and kind in _TEXT_TYPES:
        return inner
    return None


def _quantifier(node: exp.Expression) -> Optional[tuple[str, exp.Expression]]:
    """('any'|'all', operand) for ANY(...)/ALL(...), however sqlglot happened to parse it."""
    if isinstance(node, exp.Any):
        return "any", _unparen(node.this)
    if isinstance(node, exp.All):
        return "all", _unparen(node.this)
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in ("any", "all") and len(node.expressions) == 1:
        return str(node.this).lower(), _unparen(node.expressions[0])
    return None


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Paren):
        return node.this
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        stripped = _strip_cast(node)
        if stripped is not None:
            return stripped
    if isinstance(node, exp.Neg) and isinstance(_unparen(node.this), exp.Literal) and not _unparen(node.this).is_string:
        return _number("-" + _unparen(node.this).this) or node
    if isinstance(node, exp.Literal) and not node.is_string:
        return _number(node.this) or node
    if isinstance(node, exp.Between):
        return exp.and_(
            exp.GTE(this=node.this.copy(), expression=node.args["low"].copy()),
            exp.LTE(this=node.this.copy(), expression=node.args["high"].copy()),
            copy=False,
        )
    if isinstance(node, (exp.EQ, exp.NEQ)):
        quantifier = _quantifier(node.expression)
        if quantifier is not None:
            kind, arr = quantifier
            while isinstance(arr, exp.Cast):
                arr = _unparen(arr.this)
            if isinstance(arr, exp.Array):
                in_ = exp.In(this=node.this.copy(), expressions=[e.copy() for e in arr.expressions])
                if isinstance(node, exp.NEQ) and kind == "all":
                    return exp.Not(this=in_)
                if isinstance(node, exp.EQ) and kind == "any":
                    return in_
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "now" and not node.expressions:
        return exp.CurrentTimestamp()
    if isinstance(node, exp.Interval) and isinstance(node.this, exp.Literal):
        unit = node.args.get("unit")
        text = node.this.this + (f" {unit.sql(dialect=DIALECT).lower()}" if unit is not None else "")
        return exp.Literal.string(text)
    if isinstance(node, exp.Identifier):
        return exp.Identifier(this=node.this if node.quoted else node.this.lower(), quoted=True)
    return node


def _fixpoint(tree: exp.Expression) -> exp.Expression:
    for _ in range(8):
        before = tree.sql(dialect=DIALECT)
        tree = tree.transform(_rewrite, copy=False)
        if tree.sql(dialect=DIALECT) == before:
            break
    return tree


@lru_cache(maxsize=16384)
def normal_form(text: Optional[str]) -> Optional[str]:
    """Canonical SQL text of an expression (None stays None). Unparsable text compares as itself."""
    if text is None:
        return None
    try:
        tree = parse_expression(text)
    except ValueError:
        return " ".join(text.split())
    return _fixpoint(tree).sql(dialect=DIALECT)


def same_expression(a: Optional[str], b: Optional[str]) -> bool:
    return normal_form(a) == normal_form(b)


def rename_column_in_expression(text: str, old: str, new: str) -> str:
    """The expression with every reference to column `old` now naming `new` (as Postgres does on RENAME)."""
    from .ddl import ident

    tree = parse_expression(text)
    for col in tree.find_all(exp.Column):
        i = col.this
        if isinstance(i, exp.Identifier) and (i.name if i.quoted else i.name.lower()) == old:
            col.set("this", ident(new))
    return tree.sql(dialect=DIALECT)
