"""Privileges of functions and aggregates dropped and created again under the same identity.

DROP FUNCTION (or AGGREGATE) takes the object's grants with it and CREATE gives it Postgres's defaults (PUBLIC
may EXECUTE), whatever made the migration re-create it: a view of its row type or an enum of its signature
re-created (routine_dependents), a body reading a retyped column (sqlbodies), a support function re-created
(aggregates), a result CREATE OR REPLACE cannot change. Comparing the old object's grants with the new
ones then finds nothing to do, so they are compared with a new object's instead."""

from __future__ import annotations

from schemac.model.frozen import replace

from schemac.compare.aggregates import replaceable_aggregate
from schemac.compare.changes import GENERATED_REBUILT, Change, remade_columns
from schemac.compare.grants import Holding, defaulted, object_changes, privileges_renamed
from schemac.compare.routine_dependents import FUNCTION_REBUILT
from schemac.compare.types import replaceable
from schemac.model import Aggregate, Function, Schema, Table

_KINDS = {"function": ("drop_function", "add_function", "alter_function", replaceable),
          "aggregate": ("drop_aggregate", "add_aggregate", "alter_aggregate", replaceable_aggregate)}


def _key(schema: str, obj: object) -> tuple:
    return (schema, getattr(obj, "name", None), getattr(obj, "identity", None))


def privileges_of_recreated(changes: list[Change], current: Schema, desired: Schema,
                            cur_tables: dict) -> list[Change]:
    """`changes` with the privileges and owner of every function and aggregate the migration drops and creates
    again under the same identity set from a new one's defaults (see the module), and the column privileges of
    every column it drops and adds again (a generated one: compare.tables) granted again; `cur_tables`: the
    tables as the migration's renames leave them (compare.moves.renamed_tables)."""
    changes = _column_privileges_of_remade(changes, cur_tables)
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
                   for c in object_changes(None, made.new, *defaulted(current, desired, made.new)))  # type: ignore[arg-type]
    return out


def _column_privileges_of_remade(changes: list[Change], cur_tables: dict) -> list[Change]:
    """The grants of a table with columns dropped and added again compared as if the old table held no privilege
    on those columns: what schema.yaml grants on them is granted again after the ADD COLUMN. (The old table under
    its new name, as the DROP and ADD COLUMN name it: a table renamed lost them, prop49.)"""
    remade = remade_columns(changes)
    if not remade:
        return changes
    tables = {key: t for key, t in cur_tables.items() if key in remade and any(p.column for p in t.grants)}
    if not tables:
        return changes

    def on(c: Change) -> bool:
        obj = c.new.obj if isinstance(c.new, Holding) else None
        return c.kind in ("grant", "revoke") and isinstance(obj, Table) and obj.key in tables

    desired = {c.new.obj.key: c.new.obj for c in changes if on(c)}  # type: ignore[union-attr]
    desired.update({c.table_def.key: c.table_def for c in changes if c.kind in ("add_column", "alter_generated")
                    and isinstance(c.table_def, Table) and c.table_def.key in tables})
    desired.update({t.key: t for c in changes for t in c.remakes if t.key in tables})  # (compare.shared_generation)
    # The old grants under the names RENAME COLUMN gives (it takes them along): a column renamed and made again
    # (`renamed_from:` of a generated column made VIRTUAL) is remade under its new name (prop54).
    renamed = {key: privileges_renamed(t, desired[key]) or t for key, t in tables.items() if key in desired}
    tables = {key: t for key, t in renamed.items() if any(p.column in remade[key] for p in t.grants)}
    if not tables:
        return changes
    had = {(c.kind, c.new.grantee) for c in changes if on(c)}  # type: ignore[union-attr]
    out = [c for c in changes if not on(c)]
    for key, old in tables.items():
        kept = replace(old, grants=tuple(p for p in old.grants if p.column not in remade[key]))
        out += [c if (c.kind, c.new.grantee) in had else replace(c, cause=GENERATED_REBUILT)  # type: ignore[union-attr]
                for c in object_changes(kept, desired[key]) if c.kind in ("grant", "revoke")]
    return out
