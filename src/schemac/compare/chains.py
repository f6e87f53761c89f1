"""AND and OR chains grouped one way for the normal form: `((a OR b) OR c) OR d`, however they were grouped.

Postgres stores a written chain flat, and a row comparison it expands, `((a, b), (c, d)) IS DISTINCT FROM ...`, as
nested ORs, `(a OR b) OR (c OR d)`, which it prints so and which a CREATE of that print stores flat again: a database
built from inspect's text then reads otherwise than its source. AND and OR being associative, every grouping is one."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.late_bound import unparen


def left_deep(node: exp.Expression) -> exp.Expression:
    """`node`, an AND (an OR) whose right operand is one too, as its operands left to right grouped from the left."""
    kind, operands, todo = type(node), [], [node]
    while todo:
        one = unparen(todo.pop())
        if type(one) is kind:
            todo += [one.expression, one.this]
        else:
            operands.append(one)
    out = operands[0]
    for operand in operands[1:]:
        out = kind(this=out, expression=operand)
    return out
