"""A SQL-standard body calling another overload of its own name, as a convenience overload delegates
(`hr(score bigint, ...) RETURN hr(score::numeric, ...)`): Postgres resolves the call when it creates the function,
so the overloads of that name this plan makes come first. plan.keys names a function by its schema and name as well
as by its identity, and deps() drops the name a change makes itself from what it needs: the body's call of its own
name waited for nothing, and schema.yaml's order (inspect's: `hr(bigint, ...)` before `hr(numeric, ...)`) made the
caller first ("function hr(numeric, timestamp with time zone) does not exist"); the views' build server made a view
calling `hr(score, ...)` before the bigint overload existed too, and recorded the call of the other one. Dropped (or
replaced by a body that no longer calls it), such a function goes first: Postgres refuses to drop the overload it
calls under it ("function hr(bigint,timestamp with time zone) depends on function hr(numeric,...)").

Likewise what the plan makes calling a name one of whose overloads it drops (a generated column, a default, a CHECK,
an index, a view made again around the drop: compare.around) waits for the DROP FUNCTION: made before it, it is bound
to the overload again, as a fresh build would not, and the DROP fails ("cannot drop function fo(integer) because
other objects depend on it": a generated column added again before it, ranked so, beside a default set around it)."""

from __future__ import annotations

from collections import defaultdict

from schemac.compare.changes import Change
from schemac.model import Function
from schemac.pg.sqlbody import sql_body_refs
from schemac.plan.dependencies import Deps

_MADE = ("add_function", "alter_function")
_GONE = ("drop_function", "alter_function")
_VIEW_MADE = frozenset(("add_view", "replace_view", "alter_view"))


def _calls_its_name(f: object) -> bool:
    return isinstance(f, Function) and f.standard_body and (f.schema, f.name) in sql_body_refs(f.body)[1]


def overloads_first(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` (each change's Deps) with a function made or replaced whose SQL-standard body calls its own name needing
    the other overloads of that name the plan makes or replaces (their identity keys: plan.keys.own_keys), and one
    dropped or replaced whose old body calls it freeing those the plan drops."""
    made: dict[tuple[str, str], set] = defaultdict(set)
    gone: dict[tuple[str, str], set] = defaultdict(set)
    for c in changes:
        if c.kind in _MADE and isinstance(c.new, Function):
            made[(c.new.schema, c.new.name)].add(c.new.identity)
        if c.kind == "drop_function" and isinstance(c.old, Function):
            gone[(c.old.schema, c.old.name)].add(c.old.identity)
    if not any(made.values()) and not any(gone.values()):
        return out
    out = list(out)
    for i, c in enumerate(changes):
        d, f, was = out[i], c.new, c.old
        if c.kind in _MADE and _calls_its_name(f):
            d = Deps(d.makes, d.removes, d.needs | {("function", f.schema, f.name, x)  # type: ignore[union-attr]
                                                    for x in made[(f.schema, f.name)] if x != f.identity}, d.frees)  # type: ignore
        if c.kind in _GONE and _calls_its_name(was):
            d = Deps(d.makes, d.removes, d.needs, d.frees | {("function", was.schema, was.name, x)  # type: ignore
                                                            for x in gone[(was.schema, was.name)] if x != was.identity})  # type: ignore
        out[i] = d
    return out


def readers_after_dropped_overloads(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` with each change whose new form calls a name (("function", schema, name) among its needs) one of whose
    overloads the plan drops needing that DROP FUNCTION first; not one that frees a key of that name too (its old form
    held an overload: before the DROP)."""
    gone = {(c.old.schema, c.old.name) for c in changes if c.kind == "drop_function" and isinstance(c.old, Function)}
    if not gone:
        return out
    defaults_dropped = {(c.schema, c.table, c.name) for c in changes if c.kind == "drop_default"}
    out = list(out)
    for i, c in enumerate(changes):
        d = out[i]
        if c.kind == "drop_function" and isinstance(c.old, Function):
            out[i] = Deps(d.makes | {("overload dropped", c.old.schema, c.old.name)}, d.removes, d.needs, d.frees)
            continue
        if c.kind == "set_default" and (c.schema, c.table, c.name) in defaults_dropped:
            # (its old default is gone with the DROP DEFAULT before it, compare.around: it frees nothing of the name,
            # so a SET DEFAULT reading a view made after the DROP FUNCTION does not hold it past that view)
            kept = {k for k in d.frees if k[0] != "function" or k[1:3] not in gone}
            d = out[i] = Deps(d.makes, d.removes, d.needs, kept)
        # (a view's calls are the overloads it binds, schema.name(types): made before the DROP, its CREATE may bind the
        # dropped one, the name's best match while it stands, and the DROP fails under it)
        called = {k[1:3] for k in d.needs if k[0] == "function" and k[1:3] in gone
                  and (len(k) == 3 or c.kind in _VIEW_MADE)}
        called -= {k[1:3] for k in d.frees if k[0] == "function"}
        if called:
            out[i] = Deps(d.makes, d.removes, d.needs | {("overload dropped", *n) for n in called}, d.frees)
    return out
