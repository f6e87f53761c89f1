"""The scales number literals were written with, beside an expression's normal form (compare.rewrite drops them:
0.10 == 0.1): normalize.same_scales compares them where Postgres stores the constant with its scale."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.numeric_literals import SCALE, scale_of
from schemac.compare.rewrite import rewritten_tree
from schemac.pg.expressions import is_verbatim, parse_to_compare


def literal_scales(text: str, path: tuple[str, ...] = ()) -> tuple[Optional[int], ...]:
    """The scales the number literals of `text` were written with, in the order of its normal form's tree (None where
    Postgres does not keep it: a string beside a column, `'1.50'::float8`); () for a text sqlglot cannot read. A bare
    number and a string cast to plain numeric are numeric constants, stored with their scale."""
    try:
        tree = parse_to_compare(text)
        if not isinstance(tree, (exp.Condition, exp.Interval, exp.AtTimeZone)) and is_verbatim(text):
            return ()
        for node in tree.walk():
            if _numeric_constant(node):
                node.meta[SCALE] = scale_of(node.this)
        tree = rewritten_tree(tree, path)  # (its rewrites of a number carry SCALE: numeric_literals.scale_kept)
    except (ValueError, RecursionError):
        return ()
    return tuple(n.meta.get(SCALE) for n in tree.walk(bfs=False) if isinstance(n, exp.Literal) and not n.is_string)


def _numeric_constant(node: exp.Expression) -> bool:
    """A number literal, or a string cast to numeric with no modifier (`'-1.50'::numeric`, Postgres's print of a
    negative one): a numeric constant to Postgres, kept with its scale (a string cast to float is folded: '1.5')."""
    if not isinstance(node, exp.Literal):
        return False
    to = node.parent.to if isinstance(node.parent, exp.Cast) else None
    return not node.is_string or isinstance(to, exp.DataType) and to.this == exp.DataType.Type.DECIMAL \
        and not to.expressions
