"""The functions an expression calls: what a function dropped and created again finds the defaults, CHECKs, indexes,
bodies, policies and rules that call it by (plan.keys, compare.sqlbodies, compare.routine_dependents).

Why a module of its own: a condition may hold a subquery (a policy's USING `(SELECT app.is_admin())`, a rule's
WHERE), which an expression may not; it is read as pg.policies reads it, and pg.policies builds on pg.expressions.
"""

from __future__ import annotations

from sqlglot import exp

from schemac.pg import verbatim
from schemac.pg.expressions import shared_tree
from schemac.pg.policies import parse_policy_expression
from schemac.pg.sqlbody import call_key
from schemac.pg.syntax import Verbatim


def called_functions(text: str) -> set[tuple[str, str]]:
    """The functions an expression (or a condition) calls that are not Postgres's own (sqlglot knows those by
    name): (schema, name), the schema `public` when the call does not name one; empty when it does not parse."""
    try:
        tree = shared_tree(text)
    except ValueError:
        try:
            tree = parse_policy_expression(text)
        except ValueError:
            return set()
    if isinstance(tree, Verbatim):  # every name called, Postgres's own among them
        return set(verbatim.calls(tree.this))
    return {call_key(call) for call in tree.find_all(exp.Anonymous)}
