"""Triggers, event triggers and operators of a database read that run a function the read does not hold.

`inspect -n public` reads no function of another schema, and Postgres's own are never read: a trigger or
event trigger that runs one of a schema not read (not Postgres's, not in the schema of an extension read)
is listed as not managed instead of written, as schema.yaml could not make it (the loader refuses such
a one: the migration would create it before its function and fail). The same read by `diff` lists it
too, rather than calling it drift. So is an operator whose function the read does not hold (one of another
schema, or a C function, which is not managed).
"""

from __future__ import annotations

from dataclasses import replace

from schemac.model import Schema, Unmanaged
from schemac.model.functions import function_names, runs_a_known_function


def without_outside_functions(schema: Schema) -> Schema:
    names = function_names(schema.functions)
    known = lambda function: runs_a_known_function(function, names, schema.extensions)  # noqa: E731
    listed: list[Unmanaged] = []

    def kept(holders: tuple) -> tuple:
        out = []
        for h in holders:
            outside = [g for g in h.triggers if not known(g.function)]
            listed.extend(Unmanaged("trigger", h.schema, f"{h.name}.{g.name}") for g in outside)
            out.append(replace(h, triggers=tuple(g for g in h.triggers if g not in outside)) if outside else h)
        return tuple(out)

    tables, views = kept(schema.tables), kept(schema.views)
    events = tuple(e for e in schema.event_triggers if known(e.function))
    listed += [Unmanaged("event trigger", "", e.name) for e in schema.event_triggers if e not in events]
    operators = tuple(o for o in schema.operators if known(o.function))
    listed += [Unmanaged("operator", o.schema, o.signature) for o in schema.operators if o not in operators]
    if not listed:
        return schema
    return replace(schema, tables=tables, views=views, event_triggers=events, operators=operators,
                   unmanaged=tuple(sorted((*schema.unmanaged, *listed), key=lambda u: (u.kind, u.schema, u.name))))
