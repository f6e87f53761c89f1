"""Event triggers compared by name. Postgres can change only an event trigger's enabled state, owner,
name and comment in place: another event, tags or function is a drop and a create."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.given_back import owners_by_default
from schemac.compare.publications import by_name
from schemac.model import EventTrigger, Schema


def _definition(e: EventTrigger) -> EventTrigger:
    return replace(e, enabled="origin", comment=None)


def _enabled(old: Optional[EventTrigger], e: EventTrigger) -> list[Change]:
    return [Change("set_event_trigger_enabled", "", "", e.name, old, e)] \
        if e.enabled != (old.enabled if old is not None else "origin") else []


def diff_event_triggers(current: Schema, desired: Schema) -> list[Change]:
    return by_name("event_trigger", current.event_triggers, desired.event_triggers, _definition, _enabled,  # type: ignore
                   owners_by_default(current))  # an owner pinned no more given back (compare.given_back)


def made_under_kept(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with their new triggers made by CREATE OR REPLACE where the migration runs under an event trigger it
    keeps as it is and that fires (origin or always; a login one never fires on DDL): such a trigger may make one of
    them on the table's CREATE or ALTER (OMT-G's `_omtg_addClassConstraint` adds a statement trigger to every table
    with a column of its domains), and CREATE TRIGGER would then fail (already exists). A constraint trigger has no
    OR REPLACE."""
    kept = {e.name for e in current.event_triggers if e.enabled in ("origin", "always") and e.event != "login"}
    if not any(e.name in kept and _definition(e) == _definition(o) for e in desired.event_triggers
               for o in current.event_triggers if o.name == e.name):
        return changes
    return [replace(c, replacing=True) if c.kind == "add_trigger" and not c.new.constraint else c  # type: ignore
            for c in changes]
