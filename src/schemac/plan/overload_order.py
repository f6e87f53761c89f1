"""A SQL-standard body calling another overload of its own name, as a convenience overload delegates
(`hr(score bigint, ...) RETURN hr(score::numeric, ...)`): Postgres resolves the call when it creates the function,
so the overloads of that name this plan makes come first. plan.keys names a function by its schema and name as well
as by its identity, and deps() drops the name a change makes itself from what it needs: the body's call of its own
name waited for nothing, and schema.yaml's order (inspect's: `hr(bigint, ...)` before `hr(numeric, ...)`) made the
caller first ("function hr(numeric, timestamp with time zone) does not exist"); the views' build server made a view
calling `hr(score, ...)` before the bigint overload existed too, and recorded the call of the other one."""

from __future__ import annotations

from collections import defaultdict

from schemac.compare.changes import Change
from schemac.model import Function
from schemac.pg.sqlbody import sql_body_refs
from schemac.plan.dependencies import Deps

_MADE = ("add_function", "alter_function")


def overloads_first(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` (each change's Deps) with a function made or replaced whose SQL-standard body calls its own name needing
    the other overloads of that name the plan makes or replaces (their identity keys: plan.keys.own_keys)."""
    made: dict[tuple[str, str], set] = defaultdict(set)
    for c in changes:
        if c.kind in _MADE and isinstance(c.new, Function):
            made[(c.new.schema, c.new.name)].add(c.new.identity)
    if all(len(x) < 2 for x in made.values()):
        return out
    out = list(out)
    for i, c in enumerate(changes):
        f = c.new
        if c.kind not in _MADE or not isinstance(f, Function) or not f.standard_body \
                or len(made[(f.schema, f.name)]) < 2 or (f.schema, f.name) not in sql_body_refs(f.body)[1]:
            continue
        others = {("function", f.schema, f.name, x) for x in made[(f.schema, f.name)] if x != f.identity}
        d = out[i]
        out[i] = Deps(d.makes, d.removes, d.needs | others, d.frees)
    return out
