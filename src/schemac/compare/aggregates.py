"""Aggregates compared: overloads keyed by (schema, name, input types), like functions.

A changed aggregate is `alter_aggregate`: CREATE OR REPLACE AGGREGATE (PostgreSQL 12 and later) when its
result type stays (the same state type and final function); else it is dropped and created again, and
the views that read it with it (compare.views). An aggregate whose support function this migration
drops (or drops to create again: compare.routine_dependents), or whose input or state type is an enum
created again (ENUM_REBUILT), is dropped before it and created again after it: Postgres refuses DROP
FUNCTION and DROP TYPE under an aggregate.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Any, Callable, Optional

from schemac.compare.around import sets_aside
from schemac.compare.changes import Change
from schemac.compare.routine_dependents import dropped_functions
from schemac.model import AGGREGATE_FUNCTIONS, Aggregate, Schema
from schemac.model.references import as_read
from schemac.pg.names import split_reference
from schemac.pg.routines import result_type
from schemac.pg.types import TypeSyntaxError, type_name

# The cause of an aggregate dropped and created again around a support function or a type that is.
REBUILT = "re-created around a function or type created again"


def replaceable_aggregate(old: Aggregate, new: Aggregate) -> bool:
    """Whether CREATE OR REPLACE AGGREGATE can make `new` of `old`: Postgres refuses to change the result
    type, which the final function gives (else the state type), the kind (ordinary, ordered-set,
    hypothetical-set) and the number of direct inputs, and to rename an input (naming an unnamed one it takes)."""
    renamed = any(o and o != n for o, n in zip(old.argument_names, new.argument_names or ("",) * len(old.argument_names)))
    return old.finalfunc == new.finalfunc and (old.finalfunc is not None or old.stype == new.stype) and \
        (old.direct, old.hypothetical) == (new.direct, new.hypothetical) and not renamed


def _function_key(name: str) -> tuple[str, str]:
    return split_reference(name)  # (fn-x."sum.step")


def diff_overloads(kind: str, current: tuple, desired: tuple, rebuild: Callable[[Any, Any], Optional[str]]) -> list[Change]:
    """add_, drop_, alter_`kind` and comments (set_type_comment) of objects keyed by (schema, name, identity)
    (aggregates, operators). `rebuild(old, new)`: the cause when `old` must be dropped and created again
    (reported as changed when it differs, else left out of reports), None when an alter_ will do."""
    out: list[Change] = []

    def ch(verb: str, o: Any, old: Any, new: Any, cause=None) -> None:  # "comment": COMMENT ON
        k = "set_type_comment" if verb == "comment" else f"{verb}_{kind}"
        out.append(Change(k, o.schema, "", o.signature, old, new, None, cause))

    cur = {(o.schema, o.name, o.identity): o for o in current}
    des = {(o.schema, o.name, o.identity): o for o in desired}
    for key, o in des.items():
        old = cur.get(key)
        cause = rebuild(old, o) if old is not None else None
        if old is None:
            ch("add", o, None, o)
        elif cause is not None:
            same = replace(old, comment=None) == replace(o, comment=None)  # (else reported as changed)
            ch("drop", old, old, None, cause)
            ch("add", o, None if same else old, o, cause if same else None)
            if o.comment and old.comment == o.comment:
                ch("comment", o, None, o, cause)
        elif replace(old, comment=None) != replace(o, comment=None):
            ch("alter", o, old, o)
        if (getattr(old, "comment", None) or None) != (o.comment or None):
            ch("comment", o, old, o)
    for key, o in cur.items():
        if key not in des:
            ch("drop", o, o, None)
    return out


def diff_aggregates(current: Schema, desired: Schema, changes: list[Change]) -> list[Change]:
    """add_, drop_, alter_aggregate and comments (set_type_comment), with the aggregates dropped and
    created again around the functions `changes` drop."""
    gone = dropped_functions(changes)
    rebuilt = {(c.schema, c.name) for c in changes  # enums (and domains over them) set aside and created again
               if sets_aside(c)}

    def rebuild(old: Aggregate, new: Aggregate) -> Optional[str]:
        return REBUILT if any(_function_key(f) in gone for f in old.functions()) or \
            any(type_name(t) in rebuilt for t in (*old.arguments, old.stype, old.mstype) if t) else None
    return diff_overloads("aggregate", current.aggregates, _as_current(current.aggregates, desired.aggregates), rebuild)


def _as_current(current: tuple, desired: tuple) -> tuple:
    """`desired`, each support function as the catalog reader spells the same aggregate's (as_read)."""
    cur = {(a.schema, a.name, a.identity): a for a in current}
    out = []
    for a in desired:
        old = cur.get((a.schema, a.name, a.identity))
        same = {k: as_read(getattr(a, k), getattr(old, k)) for k in ("sfunc", *AGGREGATE_FUNCTIONS)} if old else {}
        out.append(replace(a, **same) if old else a)
    return tuple(out)


def aggregate_text(a: Aggregate) -> str:
    """One line for reports: AGGREGATE name(types) (SFUNC = f, STYPE = t, ...), what is set."""
    options = [f"{k.upper()} = {getattr(a, k)}" for k in ("sfunc", "stype", *AGGREGATE_FUNCTIONS, "mstype", "sortop")
               if getattr(a, k) is not None]
    options += [f"{k.upper()} = {getattr(a, k)!r}" for k in ("initcond", "minitcond") if getattr(a, k) is not None]
    options += [f"PARALLEL = {a.parallel.upper()}"] if a.parallel != "unsafe" else []
    options += ["HYPOTHETICAL"] if a.hypothetical else []
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
