"""Table objects and domains' CHECKs re-created around a function Postgres drops and creates again.

A function whose signature or result changes cannot be replaced in place (compare.types.replaceable):
it is dropped and created. Postgres refuses DROP FUNCTION while an index, a CHECK, a default or a
generated column of a table, a trigger's WHEN, or a domain's CHECK, uses it, so each of those is dropped before and
created again after, as views are (compare.views); its comment comes back with it. (A trigger's function has
no arguments to change: a trigger moved to another function is its own change.) Calls are
matched by schema and name (overloads alike: re-creating one more object than needed loses nothing).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable, Optional

from schemac.compare.changes import ENUM_REBUILT, GENERATED_REBUILT, Change
from schemac.compare.types import replaceable
from schemac.model import Check, Function, Schema, Table
from schemac.pg.types import type_name
from schemac.pg.lazy import lazy

called_functions = lazy("schemac.pg.expressions", "called_functions")
referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")

FUNCTION_REBUILT = "re-created around a function dropped and created again"
# The cause of a function dropped and created again because a type of its arguments or result is.
TYPE_REBUILT = "re-created around its type"


def _reads_types(f: Function, types: frozenset) -> bool:
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
             if (f.schema, f.name, f.identity) in des and _reads_types(f, rebuilt)}
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


def dropped_functions(changes: Iterable[Change]) -> set[tuple[str, str]]:
    """(schema, name) of every function this migration drops, for good or to create it again."""
    return {(c.schema, c.old.name) for c in changes  # type: ignore[union-attr]
            if c.kind == "drop_function" or (c.kind == "alter_function" and not replaceable(c.old, c.new))}  # type: ignore


def calls(gone: set[tuple[str, str]], *texts: Optional[str]) -> bool:
    """Whether one of the expressions `texts` calls a function of `gone` ((schema, name))."""
    return any(t and called_functions(t) & gone for t in texts)


def domains_around_functions(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each domain whose CHECK calls a function dropped (and created again) changed in two
    steps: its calling CHECKs dropped before the function is (Postgres refuses DROP FUNCTION under them),
    then the domain's desired form after the function is created again (any change of the domain
    itself, planned in one `alter_domain`, goes with that second step)."""
    gone = dropped_functions(changes)
    if not gone:
        return changes
    return domains_around(changes, current, desired, lambda text: calls(gone, text), FUNCTION_REBUILT)


def domains_around(changes: list[Change], current: Schema, desired: Schema, uses: Callable[[str], bool],
                   cause: str) -> list[Change]:
    """domains_around_functions for the CHECKs `uses` (a text -> whether it uses what goes: a function, an
    operator)."""
    des = {(d.schema, d.name): d for d in desired.domains}
    rebuilt = {(c.schema, c.name) for c in changes if c.kind == "alter_domain" and c.cause == ENUM_REBUILT}
    out = changes
    for old in current.domains:
        key = (old.schema, old.name)
        new = des.get(key)
        calling = {c.name for c in old.checks if uses(c.expression)}
        default = bool(old.default) and uses(old.default)  # its DEFAULT using it holds it too
        if new is None or new.type != old.type or key in rebuilt or not (calling or default):
            continue  # dropped, or re-created (its CHECKs go with it), or calling none of them
        out = [c for c in out if not (c.kind == "alter_domain" and (c.schema, c.name) == key)]
        without = replace(old, checks=tuple(c for c in old.checks if c.name not in calling),
                          default=None if default else old.default)
        out.append(Change("alter_domain", old.schema, "", old.name, old, without, None, cause))
        out.append(Change("alter_domain", new.schema, "", new.name, without, new, None, cause))
    return out


def around_functions(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """The drops and creates that let `changes` drop the functions they drop (see the module)."""
    gone = dropped_functions(changes)
    if not gone:
        return []
    return table_objects_around(changes, cur_tables, des_tables, lambda *texts: calls(gone, *texts), FUNCTION_REBUILT)


def table_objects_around(changes: list[Change], cur_tables: dict, des_tables: dict, uses: Callable[..., bool],
                         cause: str) -> list[Change]:
    """The indexes, CHECKs, triggers, defaults and generated columns of tables kept whose expressions `uses` (texts ->
    whether one uses what goes), dropped before and made again after, unless `changes` already touch them."""
    touched = {(c.kind, c.schema, c.table, c.name) for c in changes}
    out: list[Change] = []
    for key, old_t in cur_tables.items():
        new_t = des_tables.get(key)
        if new_t is not None:
            out += _table(old_t, new_t, uses, lambda kind, name: (kind, new_t.schema, new_t.name, name) in touched,
                          cause)
    return out


def _table(old_t: Table, new_t: Table, uses: Callable[..., bool], touched, rebuilt: str) -> list[Change]:
    out: list[Change] = []

    def ch(kind: str, name: Optional[str], old: object, new: object, cause: str = rebuilt) -> None:
        out.append(Change(kind, new_t.schema, new_t.name, name, old, new, new_t, cause))

    # Generated columns that use it are dropped and added again: the indexes and CHECKs over them go with the
    # DROP COLUMN, so they are made again too.
    new_cols = {c.name: c for c in new_t.columns}
    regenerated: set[str] = set()
    for col in old_t.columns:
        n = new_cols.get(col.name)
        if n is None or touched("drop_column", col.name) or touched("alter_generated", col.name):
            continue
        if col.generated and n.generated and uses(col.generated):
            regenerated.add(col.name)
            ch("drop_column", col.name, col, None, GENERATED_REBUILT)
            ch("add_column", col.name, None, n, GENERATED_REBUILT)
            if n.comment:
                ch("set_column_comment", col.name, None, n, GENERATED_REBUILT)
        elif col.default and n.default and not touched("set_default", col.name) and uses(col.default):
            ch("drop_default", col.name, col, n)
            ch("set_default", col.name, col, n)

    def over(*texts: Optional[str], columns: Iterable[Optional[str]] = ()) -> bool:
        return uses(*texts) or bool(regenerated and (set(columns) & regenerated or any(
            t and referenced_columns(t) & regenerated for t in texts)))

    new_idx = {i.name: i for i in new_t.indexes}
    for i in old_t.indexes:
        n = new_idx.get(i.name)
        if n is not None and not touched("drop_index", i.name) and \
                over(i.where, *(e.expression for e in i.elements), columns=[e.column for e in i.elements] + list(i.include)):
            ch("drop_index", i.name, i, n)
            ch("add_index", i.name, i, n)
            if n.comment:
                ch("set_index_comment", i.name, i, n)
    new_tg = {g.name: g for g in new_t.triggers}
    for g in old_t.triggers:  # a trigger's WHEN calling it: Postgres refuses DROP FUNCTION under it too
        n = new_tg.get(g.name)
        if n is not None and not touched("drop_trigger", g.name) and not touched("alter_trigger", g.name) and \
                uses(g.when):
            ch("drop_trigger", g.name, g, None)
            ch("add_trigger", g.name, None, n)
            if n.enabled != "origin":
                ch("set_trigger_enabled", g.name, None, n)
            if n.comment:
                ch("set_trigger_comment", g.name, None, n)
    new_checks = {c.name: c for c in new_t.checks if c.name}
    for c in old_t.checks:
        n = new_checks.get(c.name)  # type: ignore[arg-type]
        if isinstance(n, Check) and not touched("drop_constraint", c.name) and over(c.expression):
            ch("drop_constraint", c.name, c, n)
            ch("add_constraint", n.name, c, n)
            if n.comment:
                ch("set_constraint_comment", n.name, c, n)
    return out
