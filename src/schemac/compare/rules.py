"""Rewrite rules of a table compared: by name; the condition as an expression, the actions in one form
(pg.ruledef.one_line: pg_get_ruledef's deparse, each statement in one line). And rules created again
around a change of what their actions read: Postgres records it (pg_depend), as for a view's query."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.normalize import same_expression
from schemac.model import Rule, Schema, Table, View
from schemac.pg.ruledef import one_line
from schemac.pg.sqlbody import statement_refs

RULE_REBUILT = "re-created around a change of what its actions read"
_UNDER = ("alter_column_type", "drop_column", "alter_generated", "drop_table", "drop_view")


def same_rule(a: Rule, b: Rule) -> bool:
    return (replace(a, where=None, actions=(), comment=None) == replace(b, where=None, actions=(), comment=None)
            and same_expression(a.where, b.where) and tuple(map(one_line, a.actions)) == tuple(map(one_line, b.actions)))


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


def action_relations(r: Rule) -> frozenset[tuple[str, str]]:
    """(schema, name) of the relations a rule's actions name (`public` when unqualified)."""
    return frozenset(x for a in r.actions for x in statement_refs(a)[0])


def rules_around(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each rule whose actions read a relation that a change drops (a view re-created too)
    or changes a column of, dropped before and created again after: Postgres refuses those changes while
    the rule stands. Which columns an action reads is not told apart: one rule more than needed loses
    nothing. A rule of a view re-created comes back with its view (compare.views), and a rule changed
    anyway goes the same way, in two steps instead of CREATE OR REPLACE."""
    under = {(c.schema, c.table or c.name) for c in changes if c.kind in _UNDER}
    if not under:
        return changes
    gone = {(c.schema, c.table or c.name) for c in changes if c.kind in ("drop_table", "drop_view")}
    handled = {(c.schema, c.table, c.name) for c in changes if c.kind in ("drop_rule", "add_rule")}
    desired_owners = {**{t.key: t for t in desired.tables}, **{(v.schema, v.name): v for v in desired.views}}
    out = list(changes)
    for owner in (*current.tables, *current.views):
        key = (owner.schema, owner.name)
        if key in gone or key not in desired_owners:
            continue
        for r in owner.rules:
            new = _rule(desired_owners[key], r.name)
            if new is None or (owner.schema, owner.name, r.name) in handled or not action_relations(r) & under:
                continue
            out = [c for c in out if not (c.kind in ("alter_rule", "set_rule_comment") and
                                          (c.schema, c.table, c.name) == (owner.schema, owner.name, r.name))]
            out.append(Change("drop_rule", owner.schema, owner.name, r.name, r, None, _relation(owner), RULE_REBUILT))
            target = _relation(desired_owners[key])
            out.append(Change("add_rule", owner.schema, owner.name, r.name, None, new, target, RULE_REBUILT))
            if new.comment:
                out.append(Change("set_rule_comment", owner.schema, owner.name, r.name, None, new, target, RULE_REBUILT))
    return out


def _rule(owner: Table | View, name: str) -> Optional[Rule]:
    return next((r for r in owner.rules if r.name == name), None)


def _relation(owner: Table | View) -> Table:
    """The table a rule's DDL names (a view's stands in as a table of its name, as compare.views does)."""
    return owner if isinstance(owner, Table) else Table(name=owner.name, schema=owner.schema, source=owner.source)
