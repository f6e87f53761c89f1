"""Event triggers compared by name. Postgres can change only an event trigger's enabled state, owner,
name and comment in place: another event, tags or function is a drop and a create."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.publications import by_name
from schemac.model import EventTrigger, Schema


def _definition(e: EventTrigger) -> EventTrigger:
    return replace(e, enabled="origin", comment=None)


def _enabled(old: Optional[EventTrigger], e: EventTrigger) -> list[Change]:
    return [Change("set_event_trigger_enabled", "", "", e.name, old, e)] \
        if e.enabled != (old.enabled if old is not None else "origin") else []


def diff_event_triggers(current: Schema, desired: Schema) -> list[Change]:
    return by_name("event_trigger", current.event_triggers, desired.event_triggers, _definition, _enabled)  # type: ignore
