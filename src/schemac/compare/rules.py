"""Rewrite rules of a table compared: by name; the condition as an expression, the actions in one form
(pg.ruledef.folded: pg_get_ruledef's deparse, each statement in one line, keywords and unquoted names in any
case)."""

from __future__ import annotations

from schemac.compare.cast_types import casts_moved
from schemac.compare.equality import equal_except
from schemac.compare.normalize import same_expression
from schemac.model import Rule, Table
from schemac.pg.ruledef import folded


def same_rule(a: Rule, b: Rule) -> bool:
    """`a` the database's, `b` schema.yaml's: a WHERE casting through other user types differs (compare.cast_types)."""
    return (equal_except(a, b, "where", "actions", "comment") and same_expression(a.where, b.where)
            and not casts_moved(a.where, b.where) and tuple(map(folded, a.actions)) == tuple(map(folded, b.actions)))


def diff_rules(cur: Table, des: Table, ch) -> None:
    """add_rule, alter_rule (CREATE OR REPLACE), drop_rule and set_rule_comment, through `ch` (diff_table's)."""
    old_rules = {r.name: r for r in cur.rules}
    for r in des.rules:
        old = old_rules.get(r.name)
        if old is None:
            ch("add_rule", r.name, None, r)
            if r.comment:
                ch("set_rule_comment", r.name, None, r, "comment of a new object")
            continue
        if not same_rule(old, r):
            ch("alter_rule", r.name, old, r)
        if (old.comment or None) != (r.comment or None):
            ch("set_rule_comment", r.name, old, r)
    for name, r in old_rules.items():
        if name not in {x.name for x in des.rules}:
            ch("drop_rule", name, r, None)

