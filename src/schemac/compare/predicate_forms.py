"""The predicates compare.rewrite's normal form reads on sqlglot trees: NULL constants, ANY / ALL, SIMILAR TO and
BETWEEN as rewritten, row comparisons field by field and their negation, as Postgres stores them."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.late_bound import unparen as _unparen
from schemac.compare.numeric_literals import compared


def _is_null(node: Optional[exp.Expression]) -> bool:
    """A NULL constant, under casts and parentheses (`NULL::integer`)."""
    while isinstance(node, (exp.Cast, exp.Paren)):
        node = node.this
    return isinstance(node, exp.Null)


def _quantifier(node: exp.Expression) -> Optional[tuple[str, exp.Expression]]:
    """('any'|'all', operand) for ANY(...)/ALL(...), however sqlglot happened to parse it."""
    if isinstance(node, exp.Any):
        return "any", _unparen(node.this)
    if isinstance(node, exp.All):
        return "all", _unparen(node.this)
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in ("any", "all") and len(node.expressions) == 1:
        return str(node.this).lower(), _unparen(node.expressions[0])
    return None


def _is_similar(node: exp.Expression) -> bool:
    """`b ~ similar_to_escape(p)`: what SIMILAR TO becomes (Postgres's and the rewrite's)."""
    return isinstance(node, exp.RegexpLike) and isinstance(node.expression, exp.Anonymous) \
        and str(node.expression.this).lower() == "similar_to_escape"


def _is_range(node: exp.Expression) -> bool:
    """`x >= l AND x <= h` (BETWEEN's rewrite) of one x."""
    return isinstance(node, exp.And) and isinstance(node.this, exp.GTE) and isinstance(node.expression, exp.LTE) \
        and node.this.this == node.expression.this


def _outside(rng: exp.And) -> exp.Expression:
    """`x < l OR x > h` of `x >= l AND x <= h`: NOT BETWEEN as Postgres stores it."""
    x, low, high = rng.this.this, rng.this.expression, rng.expression.expression
    return exp.or_(exp.LT(this=x.copy(), expression=low.copy()), exp.GT(this=x.copy(), expression=high.copy()),
                   copy=False)


def _row(node: exp.Expression) -> Optional[list]:
    """The fields of a row constructor (ROW(a, b), as the rewrite spells `(a, b)`), else None."""
    node = _unparen(node)
    return node.expressions if isinstance(node, exp.Anonymous) and node.this == "ROW" else None


def _fieldwise(kind: type, left: list, right: list) -> exp.Expression:
    """`(a, b) = (1, 2)` as Postgres stores it, field by field: `a = 1 AND b = 2` (<>, IS DISTINCT FROM: OR)."""
    pairs = [compared(kind, x.copy(), y.copy()) for x, y in zip(left, right)]
    join = exp.and_ if kind is exp.EQ else exp.or_
    return join(*pairs, copy=False) if len(pairs) > 1 else pairs[0]


def _negated(node: exp.Expression) -> Optional[exp.Expression]:
    """NOT of what row comparisons expand to (an AND or OR of =, or one =): `a <> 1 OR b <> 2`, by De Morgan, as
    Postgres stores `(a, b) NOT IN ((1, 2))`; None for any other."""
    node = _unparen(node)
    if isinstance(node, exp.EQ):
        return exp.NEQ(this=node.this, expression=node.expression)
    if isinstance(node, (exp.And, exp.Or)):
        left, right = _negated(node.this), _negated(node.expression)
        if left is None or right is None:
            return None
        join = exp.or_ if isinstance(node, exp.And) else exp.and_
        return join(exp.Paren(this=left), exp.Paren(this=right), copy=False)
    return None
