"""Aggregates compared: overloads keyed by (schema, name, input types), like functions.

A changed aggregate is `alter_aggregate`: CREATE OR REPLACE AGGREGATE (PostgreSQL 12 and later) when its
result type stays (the same state type and final function); else it is dropped and created again, and
the views that read it with it (compare.views). An aggregate whose support function this migration
drops (or drops to create again: compare.routine_dependents), or whose input or state type is an enum
created again (ENUM_REBUILT), is dropped before it and created again after it: Postgres refuses DROP
FUNCTION and DROP TYPE under an aggregate.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from schemac.compare.changes import ENUM_REBUILT, Change
from schemac.compare.routine_dependents import dropped_functions
from schemac.model import AGGREGATE_FUNCTIONS, Aggregate, Schema
from schemac.pg.routines import result_type
from schemac.pg.types import TypeSyntaxError, type_name

# The cause of an aggregate dropped and created again around a support function or a type that is.
REBUILT = "re-created around a function or type created again"


def replaceable_aggregate(old: Aggregate, new: Aggregate) -> bool:
    """Whether CREATE OR REPLACE AGGREGATE can make `new` of `old`: Postgres refuses to change the result
    type, which the final function gives (else the state type)."""
    return old.finalfunc == new.finalfunc and (old.finalfunc is not None or old.stype == new.stype)


def _function_key(name: str) -> tuple[str, str]:
    schema, _, fn = name.rpartition(".")
    return (schema or "public", fn)


def diff_aggregates(current: Schema, desired: Schema, changes: list[Change]) -> list[Change]:
    """add_, drop_, alter_aggregate and comments (set_type_comment), with the aggregates dropped and
    created again around the functions `changes` drop."""
    out: list[Change] = []

    def ch(kind: str, a: Aggregate, old: Optional[Aggregate], new: Optional[Aggregate], cause=None) -> None:
        out.append(Change(kind, a.schema, "", a.signature, old, new, None, cause))

    gone = dropped_functions(changes)
    rebuilt = {(c.schema, c.name) for c in changes  # enums (and domains over them) set aside and created again
               if c.kind == "alter_enum" or (c.kind == "alter_domain" and c.cause == ENUM_REBUILT)}
    cur = {(a.schema, a.name, a.identity): a for a in current.aggregates}
    des = {(a.schema, a.name, a.identity): a for a in desired.aggregates}
    for key, a in des.items():
        old = cur.get(key)
        if old is None:
            ch("add_aggregate", a, None, a)
        elif any(_function_key(f) in gone for f in old.functions()) or \
                any(type_name(t) in rebuilt for t in (*old.arguments, old.stype, old.mstype) if t):
            same = replace(old, comment=None) == replace(a, comment=None)  # (else reported as changed)
            ch("drop_aggregate", old, old, None, REBUILT)
            ch("add_aggregate", a, None if same else old, a, REBUILT if same else None)
            if a.comment and old.comment == a.comment:
                ch("set_type_comment", a, None, a, REBUILT)
        elif replace(old, comment=None) != replace(a, comment=None):
            ch("alter_aggregate", a, old, a)
        if (getattr(old, "comment", None) or None) != (a.comment or None):
            ch("set_type_comment", a, old, a)
    for key, a in cur.items():
        if key not in des:
            ch("drop_aggregate", a, a, None)
    return out


def aggregate_text(a: Aggregate) -> str:
    """One line for reports: AGGREGATE name(types) (SFUNC = f, STYPE = t, ...), what is set."""
    options = [f"{k.upper()} = {getattr(a, k)}" for k in ("sfunc", "stype", *AGGREGATE_FUNCTIONS, "mstype", "sortop")
               if getattr(a, k) is not None]
    options += [f"{k.upper()} = {getattr(a, k)!r}" for k in ("initcond", "minitcond") if getattr(a, k) is not None]
    options += [f"PARALLEL = {a.parallel.upper()}"] if a.parallel != "unsafe" else []
    options += [f"{k.upper()}" + ("" if v is True else f" = {v}") for k in ("finalfunc_extra", "finalfunc_modify",
                "mfinalfunc_extra", "mfinalfunc_modify", "sspace", "msspace") if (v := getattr(a, k))]
    return f"AGGREGATE {a.signature} ({', '.join(options)})"


def same_result(schema: Schema, result: Optional[str]) -> set[tuple]:
    """(schema, name, input types) of the aggregates of `schema` whose result type is `result` (a view's
    recorded dependency, pg_get_function_result's text): the final function's result, else the state type."""
    try:
        result = result_type(result) if result is not None else None
    except TypeSyntaxError:
        return set()
    functions = {(f.schema, f.name): f.returns for f in schema.functions}
    out = set()
    for a in schema.aggregates:
        returns = functions.get(_function_key(a.finalfunc)) if a.finalfunc else a.stype
        if result is None or returns == result:
            out.add((a.schema, a.name, a.identity))
    return out
