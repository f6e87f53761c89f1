"""Rules and policies created again around a change of another relation they read, or an operator re-created
(and rules around a function they call, dropped and created again).

Postgres resolves a rule's actions and a policy's conditions when they are created and records what they
read (pg_depend), as it does for a view's query: it refuses to drop a view, or to drop or change the type of
a column, that one reads. So each rule or policy reading a relation that a change drops (a view re-created
too) or changes a column of is dropped before and created again after (plan.keys gives them the relations'
columns as refs, which orders the two steps). Which columns it reads is not told apart: one more than
needed loses nothing. A rule of a view re-created comes back with its view (compare.views); a policy over
a column of its own table retyped is already replaced around it (compare.policies); a rule or policy
changed anyway goes the same way, in two steps instead of in place. An operator dropped (to create it again:
compare.operators) is under the rules and policies that name it the same way."""

from __future__ import annotations

from typing import Iterable, Optional

from schemac.compare.changes import Change
from schemac.compare.routine_dependents import calls, dropped_functions
from schemac.compare.views import stand_in
from schemac.model import Policy, Rule, Schema, Table, View
from schemac.pg.lazy import lazy

statement_refs = lazy("schemac.pg.sqlbody", "statement_refs")
policy_refs = lazy("schemac.pg.policies", "policy_refs")
used_operators = lazy("schemac.pg.expressions", "used_operators")

READ_REBUILT = "re-created around a change of a relation it reads"
_UNDER = ("alter_column_type", "drop_column", "alter_generated", "drop_table", "drop_view")


def _operators(*texts: Optional[str]) -> frozenset[tuple[str, ...]]:
    """("operator", schema, symbol) of the operators texts name (Postgres refuses DROP OPERATOR under them too)."""
    return frozenset(("operator", *o) for t in texts if t for o in used_operators(t))


def rule_relations(r: Rule) -> frozenset[tuple[str, ...]]:
    """(schema, name) of the relations a rule's actions name (`public` when unqualified), and its operators."""
    return frozenset(x for a in r.actions for x in statement_refs(a)[0]) | _operators(r.where, *r.actions)


def rule_calls(r: Rule, functions: set[tuple[str, str]]) -> bool:
    """Whether the rule's condition or actions call one of `functions` ((schema, name))."""
    return bool(functions) and (calls(functions, r.where) or any(statement_refs(a)[1] & functions for a in r.actions))


def policy_relations(p: Policy) -> frozenset[tuple[str, ...]]:
    """(schema, name) of the relations a policy's conditions name (`public` when unqualified), and its operators."""
    return frozenset(x for text in (p.using, p.with_check) if text is not None for x in policy_refs(text)[1]) | \
        _operators(p.using, p.with_check)


def readers_around(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each rule and policy that reads a relation changed under it dropped before and created
    again after (see the module's docstring)."""
    under = {(c.schema, c.table or c.name) for c in changes if c.kind in _UNDER}
    under |= {("operator", c.schema, c.old.name) for c in changes if c.kind == "drop_operator"}  # type: ignore[union-attr]
    functions = dropped_functions(changes)  # a rule calling one: Postgres refuses DROP FUNCTION under it
    if not under and not functions:
        return changes
    gone = {(c.schema, c.table or c.name) for c in changes if c.kind in ("drop_table", "drop_view")}
    handled = {(c.kind, c.schema, c.table, c.name) for c in changes}
    targets = {**{t.key: t for t in desired.tables}, **{(v.schema, v.name): v for v in desired.views}}
    moved: list[tuple[str, Table | View, object, object]] = []  # (kind, owner, current object, desired object)
    for owner in (*current.tables, *current.views):
        key = (owner.schema, owner.name)
        if key in gone or key not in targets:
            continue
        for kind, objects, reads in (("rule", owner.rules, rule_relations),
                                     ("policy", getattr(owner, "policies", ()), policy_relations)):
            for obj in objects:
                new = _named(getattr(targets[key], "policies" if kind == "policy" else "rules", ()), obj.name)
                if new is None or ("drop_" + kind, *key, obj.name) in handled or not (
                        reads(obj) & under or kind == "rule" and rule_calls(obj, functions)):
                    continue
                moved.append((kind, owner, obj, new))
    if not moved:
        return changes
    again = {(kind, o.schema, o.name, obj.name) for kind, o, obj, _ in moved}
    out = [c for c in changes if not (c.kind in ("alter_rule", "set_rule_comment", "alter_policy", "set_policy_comment")
                                      and ("rule" if "rule" in c.kind else "policy", c.schema, c.table, c.name) in again)]
    for kind, owner, old, new in moved:
        target = _relation(targets[(owner.schema, owner.name)])
        out.append(Change("drop_" + kind, owner.schema, owner.name, old.name, old, None, _relation(owner), READ_REBUILT))
        out.append(Change("add_" + kind, owner.schema, owner.name, old.name, None, new, target, READ_REBUILT))
        if new.comment:  # type: ignore[attr-defined]
            out.append(Change(f"set_{kind}_comment", owner.schema, owner.name, old.name, None, new, target, READ_REBUILT))
    return out


def _named(objects: Iterable, name: str) -> Optional[object]:
    return next((x for x in objects if x.name == name), None)


def _relation(owner: Table | View) -> Table:
    """The table the DDL names (a view's stand-in, as compare.views diffs a view's rules)."""
    return owner if isinstance(owner, Table) else stand_in(owner, False)
