"""Statements for event triggers: CREATE EVENT TRIGGER name ON event [WHEN TAG IN ('...')] EXECUTE FUNCTION
f(); ALTER EVENT TRIGGER ... ENABLE [REPLICA | ALWAYS] | DISABLE, OWNER TO; COMMENT ON EVENT TRIGGER. A
changed event, tag list or function is DROP and CREATE (Postgres has no ALTER for them): a drop_event_trigger
change of its own, first, and the alter_event_trigger's CREATE, last. The changes are ordered by
compare.changes.KINDS so that drops run first and creations last: an event trigger fires on
the migration's own DDL. Creating one takes a superuser: Postgres refuses it to any other role."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import EventTrigger
from schemac.pg.names import quote_ident, split_reference
from schemac.plan.ddl import command, literal
from schemac.plan.publication_ddl import owned_statements

_STATE = {"origin": "ENABLE", "disabled": "DISABLE", "replica": "ENABLE REPLICA", "always": "ENABLE ALWAYS"}


def create_event_trigger(e: EventTrigger) -> exp.Command:
    schema, name = split_reference(e.function, "")  # (fn-x."on.ddl")
    when = f"WHEN TAG IN ({', '.join(map(literal, e.tags))})" if e.tags else ""
    function = f"{quote_ident(schema)}.{quote_ident(name)}" if schema else quote_ident(name)
    return command("CREATE", "EVENT TRIGGER", quote_ident(e.name), "ON", e.event, when, "EXECUTE FUNCTION",
                   f"{function}()")


def event_trigger_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of an event trigger change, else None."""
    k, old, new = change.kind, change.old, change.new
    if k == "add_event_trigger":
        return [create_event_trigger(new)]  # type: ignore[arg-type]
    if k == "alter_event_trigger":  # its drop_event_trigger ran first (compare.event_triggers)
        return [create_event_trigger(new)]  # type: ignore[arg-type]
    if k == "drop_event_trigger":
        return [command("DROP", "EVENT TRIGGER IF EXISTS", quote_ident(old.name))]  # type: ignore[union-attr]
    if k == "set_event_trigger_enabled":
        return [command("ALTER", "EVENT TRIGGER", quote_ident(new.name), _STATE[new.enabled])]  # type: ignore[union-attr]
    return owned_statements(change, "event_trigger", "EVENT TRIGGER")
