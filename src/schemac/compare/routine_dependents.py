"""Functions dropped and created again: which this migration drops (`dropped_functions`), which
expressions call one (`calls`), and the functions re-created around a type of their signature re-created.

A function whose signature or result changes cannot be replaced in place (compare.types.replaceable):
it is dropped and created; what uses it is made again around it (compare.around). Calls are matched by
schema and name (overloads alike: re-creating one more object than needed loses nothing).
"""

from __future__ import annotations

from typing import Iterable, Optional

from schemac.compare.changes import Change
from schemac.compare.types import replaceable
from schemac.model import Function, Schema
from schemac.pg.types import type_name
from schemac.pg.lazy import lazy

called_functions = lazy("schemac.pg.calls", "called_functions")

FUNCTION_REBUILT = "re-created around a function dropped and created again"
# The cause of a function dropped and created again because a type of its arguments or result is.
TYPE_REBUILT = "re-created around its type"


def reads_types(f: Function, types: frozenset) -> bool:
    """Whether a type of `f`'s arguments or result is one of `types` ((schema, name))."""
    spelled = [a.type for a in f.arguments]
    result = f.returns or ""
    if result.startswith("TABLE("):
        spelled += [col.strip().partition(" ")[2] for col in result[len("TABLE("):-1].split(",")]
    elif result:
        spelled.append(result.removeprefix("SETOF "))
    return any(type_name(t) in types for t in spelled if t)


def functions_around_types(objects: list[Change], current: Schema, desired: Schema, rebuilt: frozenset) -> list[Change]:
    """`objects` with every function whose arguments, defaults or result are of an enum re-created
    (`rebuilt`) dropped before and created after, as two changes: Postgres refuses to drop the old type
    while a function's signature names it. An in-place change of such a function becomes that pair."""
    if not rebuilt:
        return objects
    des = {(f.schema, f.name, f.identity): f for f in desired.functions}
    moved = {(f.schema, f.name, f.identity): f for f in current.functions
             if (f.schema, f.name, f.identity) in des and reads_types(f, rebuilt)}
    if not moved:
        return objects
    out = [c for c in objects if not (c.kind == "alter_function" and
                                      (c.schema, c.old.name, c.old.identity) in moved)]  # type: ignore[union-attr]
    for key, old in moved.items():
        new = des[key]
        out.append(Change("drop_function", old.schema, "", old.signature, old, None, None, TYPE_REBUILT))
        out.append(Change("add_function", new.schema, "", new.signature, None, new, None, TYPE_REBUILT))
        if new.comment and not any(c.kind == "set_type_comment" and c.new is new for c in objects):
            out.append(Change("set_type_comment", new.schema, "", new.signature, None, new, None, TYPE_REBUILT))
    return out


def dropped_row_types(changes: Iterable[Change], views: Iterable[Change]) -> frozenset[tuple[str, str]]:
    """(schema, name) of the row types this migration drops: of each view dropped (or re-created), table dropped and
    composite type dropped; and the domains it drops (one over a composite type made again: usertypes.holders_remade). A function naming one in its signature, or reading it in a SQL-standard body, holds
    it (Postgres refuses the DROP under it); where schema.yaml gives the name to another kind of relation or type
    (a table made a view of the same name, a composite type made a table) the function's text is unchanged, and
    it is dropped before and created after all the same. A view renamed (`renamed_from:`) and re-created counts
    under its new name too: a standard body reading it names it so (compare.body_renames)."""
    return frozenset([(c.schema, c.name) for c in views if c.kind == "drop_view"]
                     + [(c.schema, c.name) for c in views if c.kind == "replace_view" and c.old is not None
                        and (c.old.schema, c.old.name) != (c.schema, c.name)]  # type: ignore[union-attr]
                     + [(c.schema, c.table) for c in changes if c.kind == "drop_table"]
                     + [(c.schema, c.name) for c in changes if c.kind in ("drop_composite_type", "drop_domain")])


def dropped_functions(changes: Iterable[Change]) -> set[tuple[str, str]]:
    """(schema, name) of every function this migration drops, for good or to create it again."""
    return {(c.schema, c.old.name) for c in changes  # type: ignore[union-attr]
            if c.kind == "drop_function" or (c.kind == "alter_function" and not replaceable(c.old, c.new))}  # type: ignore


def calls(gone: set[tuple[str, str]], *texts: Optional[str]) -> bool:
    """Whether one of the expressions `texts` calls a function of `gone` ((schema, name))."""
    return any(t and called_functions(t) & gone for t in texts)
