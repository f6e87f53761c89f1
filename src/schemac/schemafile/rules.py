"""Rewrite rules of a table (`rules:`): event, ALSO or INSTEAD, condition, actions."""

from __future__ import annotations

from yaml.nodes import Node

from schemac.model import Rule
from schemac.pg.ruledef import one_line
from schemac.schemafile.fields import FieldReader

RULE_KEYS = {"event": True, "instead": False, "where": False, "actions": False, "enabled": False, "comment": False}


class RuleReader(FieldReader):
    """Reads one rule of a table."""

    def rule(self, key_node: Node, node: Node, table_what: str, view: bool = False) -> Rule:
        name = self.identifier(key_node, "rule name")
        what = f"rule '{name}' of {table_what}"
        if name == "_RETURN":
            raise self.fail(key_node, f"{what}: _RETURN is a view's own rule; declare a view instead")
        f = self.w.fields(node, what, RULE_KEYS)
        event = self.choice(f, "event", ("select", "insert", "update", "delete"), what)
        where = self.condition(f["where"][1], f"where of {what}") if "where" in f else None
        actions = []
        for item in self.w.sequence(f["actions"][1], f"actions of {what}") if "actions" in f else ():
            text = one_line(self.w.text(item, f"action of {what}").strip().rstrip(";"))
            if not text:
                raise self.fail(item, f"action of {what} is empty")
            actions.append(text)
        instead = self.opt_bool(f, "instead", what)
        if event == "select" and not (instead and len(actions) == 1):
            raise self.fail(f["event"][1], f"{what}: a rule on select must be instead, with one action (a view)")
        enabled = self.choice(f, "enabled", ("origin", "disabled", "replica", "always"), what) or "origin"
        if view and enabled != "origin":
            raise self.fail(f["enabled"][1], f"{what}: a view's rules fire on origin (Postgres refuses ENABLE/DISABLE RULE on a view)")
        return Rule(name, event, instead, where, tuple(actions), self.opt_string(f, "comment", what),  # type: ignore
                    self.w.src(key_node), enabled)  # type: ignore[arg-type]
