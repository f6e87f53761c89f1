"""Triggers of a table: timing, events (UPDATE OF columns), row or statement, WHEN, the function and its
arguments, transition tables, constraint triggers and their deferral, enabled or not."""

from __future__ import annotations

import re

from typing import Any, Optional

from yaml.nodes import Node, ScalarNode

from schemac.model import TRIGGER_EVENTS, Table, Trigger
from schemac.model.clones import inherited_row_triggers
from schemac.errors import SchemaFileError
from schemac.pg.loaded import checked_columns
from schemac.pg.names import SYSTEM_COLUMNS
from schemac.schemafile.fields import FieldReader, bare_in, plain_reference
from schemac.schemafile.typewriter import Flow, FlowList, drop_empty

TRIGGER_KEYS = {"function": True, "events": True, "timing": False, "update_of": False, "for_each": False,
                "when": False, "arguments": False, "old_table": False, "new_table": False, "constraint": False,
                "deferrable": False, "initially_deferred": False, "enabled": False, "comment": False, "from": False}


TRIGGER_STATES = ("origin", "disabled", "replica", "always")


class TriggerReader(FieldReader):
    """Reads one trigger of a table (deferral() is ConstraintReader's, beside it in the Loader)."""

    def trigger(self, key_node: Node, node: Node, table_what: str, known, on_view: bool = False) -> Trigger:
        name = self.identifier(key_node, "trigger name")
        what = f"trigger '{name}' of {table_what}"
        f = self.w.fields(node, what, TRIGGER_KEYS)
        function = self.w.string(f["function"][1], f"function of {what}")
        spelled = plain_reference(function)
        if spelled is None:
            raise self.fail(f["function"][1], f"function of {what} must name a function, `name` or `schema.name` "
                                              f"(schema.\"name.with.dots\"), without arguments (those go under "
                                              f"arguments:), not {function!r}")
        function = spelled  # public.name kept: one pg_catalog's hides (model.references.as_read)
        events = self.w.distinct(f["events"][1], f"events of {what}", f"event of {what}", TRIGGER_EVENTS, fold=True)
        timing = (self.choice(f, "timing", ("before", "after", "instead_of"), what) or "after").replace("_", " ")
        row = (self.choice(f, "for_each", ("row", "statement"), what) or "statement") == "row"
        update_of = self.opt_columns(f, "update_of", what, known)
        if update_of and "update" not in events:
            raise self.fail(f["update_of"][1], f"{what}: update_of needs the update event")
        when = None
        if "when" in f:
            when = self.expression(f["when"][1], f"when of {what}")
            for col in sorted(checked_columns(when)):
                if col not in ("old", "new") and col not in SYSTEM_COLUMNS:
                    known(col, f["when"][1], f"when of {what}")
        arguments = tuple(self.w.text(a, f"argument of {what}") for a in self.w.sequence(f["arguments"][1],
                                                                                         f"arguments of {what}")) \
            if "arguments" in f else ()
        constraint = self.opt_bool(f, "constraint", what)
        deferrable, initially_deferred = self.deferral(f, what)
        if (deferrable or initially_deferred) and not constraint:
            raise self.fail(f["deferrable"][0], f"{what}: only a constraint trigger (constraint: true) is deferrable")
        if constraint and (timing != "after" or not row):
            raise self.fail(node, f"{what}: a constraint trigger fires AFTER, FOR EACH ROW")
        enabled = self.choice(f, "enabled", TRIGGER_STATES, what) or "origin"
        referenced = self.w.string(f["from"][1], f"from of {what}") if "from" in f else None
        if referenced is not None and (not constraint or plain_reference(referenced) is None):
            raise self.fail(f["from"][1], f"from of {what}: a constraint trigger (constraint: true) names its referenced "
                                          f"table, `table` or `schema.table` (schema.\"name.with.dots\"), not {referenced!r}" if constraint else
                            f"{what}: only a constraint trigger (constraint: true) has a from table")
        referenced = bare_in(plain_reference(referenced), ("public",)) if referenced else None  # type: ignore[arg-type]
        refused = _refused(timing, events, row, update_of, when, "old_table" in f, "new_table" in f, on_view)
        if refused:
            raise self.fail(node, f"{what}: {refused} (Postgres refuses it)")
        return Trigger(name, function, timing, tuple(e for e in TRIGGER_EVENTS if e in events), update_of, row,  # type: ignore
                       when, arguments,
                       self.identifier(f["old_table"][1], f"old_table of {what}") if "old_table" in f else None,
                       self.identifier(f["new_table"][1], f"new_table of {what}") if "new_table" in f else None,
                       constraint, deferrable, initially_deferred, enabled,  # type: ignore[arg-type]
                       self.opt_string(f, "comment", what), self.w.src(key_node),
                       referenced.removeprefix("public.") if referenced else None)

    def cloned_triggers(self, f: dict, what: str) -> tuple[tuple[str, str], ...]:
        """`cloned_triggers: {name: disabled}` of a partition: the state of the clone Postgres made on it of its
        parent's row trigger `name` (model/clones.py), where it is not the parent trigger's."""
        if "cloned_triggers" not in f:
            return ()
        if "partition_of" not in f:
            raise self.fail(f["cloned_triggers"][0], f"{what}: cloned_triggers are a partition's (partition_of:), "
                                                     "the clones of its parent's row triggers")
        out = []
        for name, key_node, value_node in self.w.mapping(f["cloned_triggers"][1], f"cloned_triggers of {what}"):
            name = self.identifier(key_node, "trigger name")
            if not isinstance(value_node, ScalarNode):  # {enabled?, comment?}
                g = self.w.fields(value_node, f"cloned trigger '{name}' of {what}", CLONE_KEYS)
                if "enabled" not in g:
                    continue
                value_node = g["enabled"][1]
            state = self.w.string(value_node, f"cloned trigger '{name}' of {what}").lower()
            if state not in TRIGGER_STATES:
                raise self.fail(value_node, f"cloned trigger '{name}' of {what} must be one of "
                                            f"{', '.join(TRIGGER_STATES)}, not '{state}'")
            out.append((name, state))
        return tuple(sorted(out))

    def cloned_trigger_comments(self, f: dict, what: str) -> tuple[tuple[str, str], ...]:
        """The comments under `cloned_triggers: {name: {comment: ...}}` of a partition (COMMENT ON TRIGGER name ON
        partition, on the clone of its parent's row trigger)."""
        out = []
        for name, key_node, value_node in self.w.mapping(f["cloned_triggers"][1], "cloned_triggers") \
                if "cloned_triggers" in f else ():
            if not isinstance(value_node, ScalarNode):
                g = self.w.fields(value_node, f"cloned trigger '{name}' of {what}", CLONE_KEYS)
                comment = self.opt_string(g, "comment", f"cloned trigger '{name}' of {what}")
                if comment is not None:
                    out.append((self.identifier(key_node, "trigger name"), comment))
        return tuple(sorted(out))


CLONE_KEYS = {"enabled": False, "comment": False}  # cloned_triggers: {name: {enabled?, comment?}}


def check_cloned_triggers(tables: list[Table]) -> None:
    """Each name under a partition's cloned_triggers is a row trigger of a table it is a partition of."""
    inherited = inherited_row_triggers(tables)
    for t in tables:
        for name, _ in t.cloned_triggers + t.cloned_trigger_comments:
            if name not in inherited.get(t.key, {}):
                raise SchemaFileError(f"cloned_triggers of table {t.qualified_name} name '{name}', which is no row "
                                      "trigger (for_each: row) of a table it is a partition of", t.source)


def trigger_spec(g: Trigger) -> Any:
    """A trigger as schema.yaml declares it (`inspect`: schemafile/writer.py): a flow mapping where it is short."""
    spec: dict = {"function": g.function, "timing": g.timing.replace(" ", "_"), "events": FlowList(g.events)}
    if g.update_columns:
        spec["update_of"] = FlowList(g.update_columns)
    if g.for_each_row:
        spec["for_each"] = "row"
    spec.update(drop_empty({"when": g.when, "arguments": FlowList(g.arguments), "old_table": g.old_table,
                             "new_table": g.new_table, "constraint": g.constraint, "from": g.referenced_table,
                             "deferrable": g.deferrable,
                             "initially_deferred": g.initially_deferred}))
    if g.enabled != "origin":
        spec["enabled"] = g.enabled
    if g.comment is not None:
        spec["comment"] = g.comment
    return Flow(spec) if len(spec) <= 5 else spec


def _refused(timing: str, events: list, row: bool, update_of, when: Optional[str], old_table: bool, new_table: bool,
             on_view: bool) -> Optional[str]:
    """What CREATE TRIGGER refuses of a trigger's shape, said in schema.yaml's words (None: Postgres takes it)."""
    if on_view and timing != "instead of" and row:
        return "a view's row trigger is instead_of (before and after ones fire for_each: statement)"
    if timing == "instead of" and not on_view:
        return "instead_of triggers are a view's, not a table's"
    if timing == "instead of" and not row:
        return "an instead_of trigger fires for_each: row"
    if "truncate" in events and row:
        return "a truncate trigger fires for_each: statement"
    if old_table or new_table:
        if timing != "after":
            return "only an after trigger has a transition table (old_table, new_table)"
        if len(events) > 1 or update_of or "truncate" in events:
            return "a trigger with a transition table has one event, not truncate, and no update_of"
        if old_table and events[0] == "insert" or new_table and events[0] == "delete":
            return f"{_a(events[0])} trigger has no {'old_table' if old_table else 'new_table'}"
    if when is not None:
        bare = re.sub(r"'(?:[^']|'')*'", "''", when)  # (OLD. or NEW. inside a string is no reference)
        quoted = next((q for q in re.findall(r'"([Oo][Ll][Dd]|[Nn][Ee][Ww])"\s*\.', bare) if q not in ("old", "new")), None)
        if quoted is not None:  # ("OLD" quoted keeps its case: another name than old, which Postgres looks for)
            return (f'when reads "{quoted}", which Postgres takes for a table of that name (missing FROM-clause entry '
                    f'for table "{quoted}"), not {quoted.lower()}: write {quoted} unquoted')
        refs = {m.lower() for m in re.findall(r'\b(old|new)\s*\.', bare, re.I)} | \
               set(re.findall(r'"(old|new)"\s*\.', bare))
        if refs and not row:
            return "a for_each: statement trigger's when cannot read old or new"
        if "old" in refs and events == ["insert"] or "new" in refs and events == ["delete"]:
            return f"{_a(events[0])} trigger's when cannot read {'old' if 'old' in refs else 'new'}"
    return None


def _a(event: str) -> str:
    return ("an " if event[0] in "aeiou" else "a ") + event
