"""Privileges of functions and aggregates dropped and created again under the same identity.

DROP FUNCTION (or AGGREGATE) takes the object's grants with it and CREATE gives it Postgres's defaults (PUBLIC
may EXECUTE), whatever made the migration re-create it: a view of its row type or an enum of its signature
re-created (routine_dependents), a body reading a retyped column (sqlbodies), a support function re-created
(aggregates), a result CREATE OR REPLACE cannot change. Comparing the old object's grants with the new
ones then finds nothing to do, so they are compared with a new object's instead."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.aggregates import replaceable_aggregate
from schemac.compare.changes import Change
from schemac.compare.grants import Holding, defaulted, object_changes
from schemac.compare.routine_dependents import FUNCTION_REBUILT
from schemac.compare.types import replaceable
from schemac.model import Aggregate, Function, Schema

_KINDS = {"function": ("drop_function", "add_function", "alter_function", replaceable),
          "aggregate": ("drop_aggregate", "add_aggregate", "alter_aggregate", replaceable_aggregate)}


def _key(schema: str, obj: object) -> tuple:
    return (schema, getattr(obj, "name", None), getattr(obj, "identity", None))


def privileges_of_recreated(changes: list[Change], current: Schema) -> list[Change]:
    """`changes` with the privileges and owner of every function and aggregate the migration drops and creates
    again under the same identity set from a new one's defaults (see the module)."""
    again: dict = {}
    for drop, add, alter, in_place in _KINDS.values():
        dropped = {_key(c.schema, c.old) for c in changes if c.kind == drop}
        for c in changes:
            if (c.kind == add and _key(c.schema, c.new) in dropped) or \
                    (c.kind == alter and not in_place(c.old, c.new)):  # type: ignore[operator]
                again[_key(c.schema, c.new)] = c
    if not again:
        return changes

    def held(c: Change) -> bool:
        obj = c.new.obj if isinstance(c.new, Holding) else None
        return isinstance(obj, (Function, Aggregate)) and _key(obj.schema, obj) in again

    out = [c for c in changes if not (c.kind in ("grant", "revoke", "set_owner") and held(c))]
    for made in again.values():
        out.extend(replace(c, cause=made.cause or FUNCTION_REBUILT)
                   for c in object_changes(None, made.new, defaulted(current, made.new)))  # type: ignore[arg-type]
    return out
