"""Event triggers a database declares (`event_triggers:`): the event, the command tags it is limited to,
the function it executes, whether it is enabled, owner and comment."""

from __future__ import annotations

from yaml.nodes import Node

from schemac.model import EVENT_TRIGGER_EVENTS, EVENT_TRIGGER_STATES, EventTrigger, Extension, Function
from schemac.model.functions import function_names, runs_a_known_function
from schemac.pg.names import split_reference
from schemac.schemafile.fields import bare_in, plain_reference
from schemac.schemafile.grants import GrantReader
from schemac.schemafile.typewriter import Flow, FlowList, drop_empty

EVENT_TRIGGER_KEYS = {"event": True, "function": True, "tags": False, "enabled": False, "owner": False, "comment": False}


def no_such_function(what: str, function: str, kind: str) -> str:
    """Why a trigger or event trigger that runs a function schema.yaml cannot make is refused."""
    schema = split_reference(function)[0]
    return (f"{what}: schema.yaml declares no function {function} (functions:) and no extension in schema {schema} "
            f"(extensions:): the migration would create the {kind} before its function exists (one the database "
            "has already: list it under external_functions:)")


class EventTriggerReader(GrantReader):
    """Reads the top-level `event_triggers:`."""

    def event_triggers(self, node: Node, functions: list[Function], extensions: tuple[Extension, ...] = (),
                       outside: tuple[str, ...] = ()) -> tuple[EventTrigger, ...]:
        out = []
        names = function_names(functions)
        for name, key, value in self.w.mapping(node, "event_triggers"):
            name = self.identifier(key, "event trigger name")
            what = f"event trigger '{name}'"
            f = self.w.fields(value, what, EVENT_TRIGGER_KEYS)
            event = self.choice(f, "event", EVENT_TRIGGER_EVENTS, what)
            fn_node = f["function"][1]
            function = self.w.string(fn_node, f"function of {what}")
            spelled = plain_reference(function)
            if spelled is None:
                raise self.fail(fn_node, f"function of {what} must name a function, `name` or `schema.name` "
                                         f"(schema.\"name.with.dots\"), without arguments, not {function!r}")
            function = bare_in(spelled, ("public",))  # as the catalog names it
            declared = [x for x in functions if (x.schema, x.name) == split_reference(function)]
            if declared and not any(x.returns == "event_trigger" and not x.arguments for x in declared):
                raise self.fail(fn_node, f"function of {what}: {function} must take no arguments and return "
                                         "event_trigger")
            if not runs_a_known_function(function, names, extensions, outside):
                raise self.fail(fn_node, no_such_function(f"function of {what}", function, "event trigger"))
            tags = []
            for item in self.w.sequence(f["tags"][1], f"tags of {what}") if "tags" in f else ():
                tag = " ".join(self.w.string(item, f"tag of {what}").upper().split())
                if not tag or tag in tags:
                    raise self.fail(item, f"tags of {what} lists {tag or 'an empty tag'} twice" if tag else
                                    f"a tag of {what} is empty")
                tags.append(tag)
            if "tags" in f and not tags:
                raise self.fail(f["tags"][1], f"tags of {what} is empty (leave it out to fire on every command)")
            enabled = self.choice(f, "enabled", tuple(EVENT_TRIGGER_STATES.values()), what) or "origin"
            out.append(EventTrigger(name, event, function.removeprefix("public."), tuple(sorted(tags)),  # type: ignore
                                    enabled, self.opt_string(f, "comment", what), self.owner(f, what),  # type: ignore
                                    self.w.src(key)))
        return tuple(out)


def written_event_triggers(triggers: tuple[EventTrigger, ...]) -> dict:
    """`event_triggers:` as inspect writes it (one line each, defaults left out), or nothing."""
    out = {e.name: Flow(drop_empty({"event": e.event, "function": e.function, "tags": FlowList(e.tags),
                                    "enabled": e.enabled if e.enabled != "origin" else None, "owner": e.owner,
                                    "comment": e.comment})) for e in triggers}
    return {"event_triggers": out} if out else {}
