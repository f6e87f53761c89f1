"""Event triggers compared by name. Postgres can change only an event trigger's enabled state, owner,
name and comment in place: another event, tags or function is a drop and a create."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import Change
from schemac.compare.publications import owned_changes
from schemac.model import EventTrigger, Schema


def _definition(e: EventTrigger) -> EventTrigger:
    return replace(e, enabled="origin", comment=None)


def diff_event_triggers(current: Schema, desired: Schema) -> list[Change]:
    cur = {e.name: e for e in current.event_triggers}
    out: list[Change] = []
    for e in desired.event_triggers:
        old = cur.get(e.name)
        if old is None:
            out.append(Change("add_event_trigger", "", "", e.name, None, e))
        elif _definition(old) != _definition(e):
            out.append(Change("alter_event_trigger", "", "", e.name, old, e))  # dropped and created again
            old = None  # what follows is set on a new event trigger
        if e.enabled != (old.enabled if old is not None else "origin"):
            out.append(Change("set_event_trigger_enabled", "", "", e.name, old, e))
        out += owned_changes("event_trigger", old, e)
    names = {e.name for e in desired.event_triggers}
    return out + [Change("drop_event_trigger", "", "", e.name, e, None) for e in current.event_triggers
                  if e.name not in names]
