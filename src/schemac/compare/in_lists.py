"""An IN list naming a column, as Postgres stores it (transformAExprIn): the items without a column reference
(constants, `abs(2)`), when more than one, become one `= ANY (ARRAY[...])` first, then each item naming a column its
own `=`, in order, joined by OR: `mid IN (small, 1, 2)` is stored `((mid = ANY (ARRAY[1, 2])) OR (mid = small))`,
`mid IN (small, 1)` `((mid = small) OR (mid = 1))`. NOT IN alike with `<> ALL` and `<>`, joined by AND.
The normal form reads `= ANY (ARRAY[...])` as IN (compare.rewrite): an IN list is split the same way here."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.numeric_literals import compared

_SPLIT = "schemac_in_list_split"  # (meta of the OR built here: a NOT over it is NOT IN's AND)


def _names_a_column(node: exp.Expression) -> bool:
    return any(isinstance(n, exp.Column) for n in node.walk())


def _plain(node: exp.Expression) -> bool:
    """An IN over a list (not a subquery, not a row: those are other rules'), with at least one item naming a column."""
    this = node.this
    while isinstance(this, exp.Paren):
        this = this.this
    return isinstance(node, exp.In) and len(node.expressions) > 1 and not node.args.get("query") \
        and not node.args.get("unnest") and not node.args.get("field") \
        and not isinstance(this, exp.Tuple) and not (isinstance(this, exp.Anonymous) and this.this == "ROW") \
        and not any(isinstance(n, (exp.Select, exp.Subquery)) for e in node.expressions for n in e.walk()) \
        and any(_names_a_column(e) for e in node.expressions)


def _split(node: exp.In) -> exp.Expression:
    x = node.this
    others = [e for e in node.expressions if not _names_a_column(e)]
    parts: list[exp.Expression] = []
    if len(others) > 1:
        parts.append(exp.In(this=x.copy(), expressions=[e.copy() for e in others]))
        items = [e for e in node.expressions if _names_a_column(e)]
    else:
        items = node.expressions
    parts += [compared(exp.EQ, x.copy(), e.copy()) for e in items]
    joined = parts[0]
    for part in parts[1:]:
        joined = exp.Or(this=joined, expression=part)
    joined.meta[_SPLIT] = True
    return joined


def _negated(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Or):
        return exp.And(this=_negated(node.this), expression=_negated(node.expression))
    if isinstance(node, exp.EQ):
        return exp.NEQ(this=node.this, expression=node.expression)
    return exp.Not(this=node)  # (the IN of the items without a column: `<> ALL (ARRAY[...])`)


def split_in_list(node: exp.Expression) -> Optional[exp.Expression]:
    """The IN (or the NOT over it, already split) as Postgres stores it, as above; else None."""
    if _plain(node):
        return _split(node)
    if isinstance(node, exp.Not):
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, exp.Or) and inner.meta.get(_SPLIT):
            return _negated(inner)
    return None


def some_as_any(node: exp.Expression) -> Optional[exp.Expression]:
    """`SOME (x)` (sqlglot's call named SOME; over a subquery its ANY of a bare SELECT) as `ANY (x)`, its synonym, which
    Postgres prints; else None."""
    if isinstance(node, exp.Any) and isinstance(node.this, exp.Select):
        return exp.Any(this=exp.Subquery(this=node.this))
    if isinstance(node, exp.Anonymous) and not isinstance(node.this, exp.Identifier) \
            and str(node.this).upper() == "SOME" and len(node.expressions) == 1:
        return exp.Any(this=node.expressions[0])
    return None
