"""A string cast to text, then to an object identifier type, `nextval(('t_id_seq'::text)::regclass)`, or to a date or
time type, `('now'::text)::timestamp(6) with time zone` (xTuple's and other old schemas' column defaults): the normal
form of compare.rewrite keeps it apart from `'t_id_seq'::regclass`, and the type it is cast to with its precision.

Postgres reads `'t_id_seq'::regclass` once, when the expression is stored: a constant OID, printed by the sequence's
name whatever it is called later, and a pg_depend row that ties the default to the sequence. The cast of a text is a
call of regclass(text) made at each evaluation: the name looked up on the search path of the moment, no dependency.
Two different defaults, which the rewrite's casts of constants (_strip_cast) would otherwise fold into one. So too a
date or time: `'now'::date` is the day the default was made, `('now'::text)::date` each row's day, and
`('now'::text)::date` and `('now'::text)::timestamp(0) with time zone` give a timestamp column other values. And any
other built-in type: `('5.55'::text)::numeric(10,1)` is stored as written (5.6 at each insert), not the constant 5.55."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

# The text types (compare.rewrite's too): a cast to one of them from a string literal is a string of that type.
TEXT_TYPES = {exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR, exp.DataType.Type.BPCHAR,
              exp.DataType.Type.NAME}

# Date and time types: their input reads the moment ('now', 'today') and the session's time zone when it runs.
_MOMENTS = {exp.DataType.Type.DATE, exp.DataType.Type.TIME, exp.DataType.Type.TIMETZ, exp.DataType.Type.TIMESTAMP,
            exp.DataType.Type.TIMESTAMPTZ}


def unparen(node: exp.Expression) -> exp.Expression:
    """The node inside its parentheses (compare.rewrite's too)."""
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _to_text(node: exp.Expression) -> bool:
    return isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType) and node.to.this in TEXT_TYPES


def _read_at_run(to: exp.Expression) -> bool:
    """A built-in type other than a text's: a cast of a text to it is stored as written (the parser folds the casts
    of unknown-typed literals alone), `('5.55'::text)::numeric(10,1)`, `('5'::text)::integer`; a domain's or another
    named type's is not: Postgres prints a string cast to a domain over text `('x'::text)::dt` itself."""
    if not isinstance(to, exp.DataType):
        return False
    element = to.expressions[0] if to.this == exp.DataType.Type.ARRAY and to.expressions else to
    return to.this not in TEXT_TYPES and isinstance(element, exp.DataType) \
        and element.this != exp.DataType.Type.USERDEFINED


def late_bound(node: exp.Expression) -> Optional[exp.Expression]:
    """`(('s')::text)::regclass` as `CAST(CAST('s' AS TEXT) AS REGCLASS)` (a date or time type's with its precision),
    its parentheses and the text's spelling
    (varchar, name...) dropped; None for any other node. The caller rewrites no deeper: below is a literal only."""
    if not isinstance(node, exp.Cast) or not (isinstance(node.to, exp.ObjectIdentifier) or _read_at_run(node.to)):
        return None
    inner = unparen(node.this)
    if not _to_text(inner):
        return None
    literal = unparen(inner.this)
    while _to_text(literal):  # (`'now'::text::text::timestamptz` is stored `('now'::text)::timestamp with time zone`)
        literal = unparen(literal.this)
    if not (isinstance(literal, exp.Literal) and literal.is_string):
        return None
    text = exp.Cast(this=exp.Literal.string(literal.this), to=exp.DataType.build("text"))
    return exp.Cast(this=text, to=node.to.copy())
