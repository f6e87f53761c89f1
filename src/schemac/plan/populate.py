"""Materialized views the migration creates (new, or re-made: dropped and created again) populated once every object
of the migration is made, as pg_dump populates them (REFRESH MATERIALIZED VIEW in its post-data section).

CREATE MATERIALIZED VIEW runs its query, and with it every function the query calls. A function whose body Postgres
keeps as text (PL/pgSQL, a quoted SQL body: anything but a SQL-standard body) reads relations and functions that
neither Postgres's catalog nor the plan's graph records, so the migration may create what it reads after the view
("relation ... does not exist" at apply), or, where the view is re-made, while what it reads is dropped to be re-made
too. A materialized view created (new or re-made) whose query calls such a function of the migration, or any function
the migration keeps as it is (its body is not in the plan: _KEPT), directly, through the views it reads or through
SQL-standard bodies, is created WITH NO DATA in its place (its indexes,
comments and grants follow it as before) and populated by REFRESH MATERIALIZED VIEW after every object the migration
creates, after the refresh of any other such view it reads (a materialized view read unpopulated is an error),
before its ALTER ... OWNER TO (REFRESH runs the query as the owner, who need not read what the query reads).
One WITH NO DATA in schema.yaml stays unpopulated: it is never refreshed."""

from __future__ import annotations

from typing import Iterator

from schemac.compare.changes import Change
from schemac.compare.views import REBUILT
from schemac.model import Function, View
from schemac.model.frozen import replace
from schemac.plan.keys import refs_of

# The cause of both halves: the CREATE MATERIALIZED VIEW ... WITH NO DATA, and the REFRESH MATERIALIZED VIEW.
DEFERRED = "populated after every object the migration creates"


def deferred_views(changes: list[Change]) -> set[int]:
    """The populated materialized views the migration creates, new or re-made (indexes into `changes`), whose query
    runs a function body the graph cannot read."""
    views, functions = views_functions_made(changes)
    out = set()
    for i, c in enumerate(changes):
        v = c.new
        if view_created(c) and isinstance(v, View) and v.materialized and v.with_data and any(
                x is _KEPT or (isinstance(x, Function) and not x.standard_body) for x in reached_by(v, views, functions)):
            out.add(i)
    return out


# The cause of both halves of an unpopulated materialized view that a populated one the migration creates reads: its
# CREATE, populated (Postgres refuses to create or refresh a materialized view over one never populated: "materialized
# view ... has not been populated"), and its REFRESH ... WITH NO DATA after every CREATE and refresh of the migration,
# as `REFRESH ... WITH NO DATA` had left it in the database inspect read.
EMPTIED = "populated for the materialized views reading it, emptied after them"


def emptied_views(changes: list[Change]) -> set[int]:
    """The unpopulated materialized views the migration creates (new or re-made; indexes into `changes`) that a
    populated one it creates reads, directly or through views."""
    if not any(view_created(c) and isinstance(c.new, View) and c.new.materialized and not c.new.with_data for c in changes):
        return set()  # (most plans)
    views, functions = views_functions_made(changes)
    read = {(x.schema, x.name) for c in changes if view_created(c) and isinstance(c.new, View) and c.new.materialized
            and c.new.with_data for x in reached_by(c.new, views, functions) if isinstance(x, View)}
    return {i for i, c in enumerate(changes) if view_created(c) and isinstance(c.new, View) and c.new.materialized
            and not c.new.with_data and (c.new.schema, c.new.name) in read}


def emptied_after(changes: list[Change], which: set[int]) -> list[Change]:
    """`changes` with each of `which` made two: its CREATE, populated, and its REFRESH ... WITH NO DATA (both EMPTIED)."""
    out: list[Change] = []
    for i, c in enumerate(changes):
        if i in which:
            out += [replace(c, new=replace(c.new, with_data=True), cause=EMPTIED),  # type: ignore[arg-type]
                    Change("refresh_view", c.schema, c.table, c.name, None, c.new, None, EMPTIED)]
        else:
            out.append(c)
    return out


def view_created(c: Change) -> bool:
    """A view's CREATE: of a new view, or of one re-made, dropped first (compare.views' REBUILT; a replace_view is
    always one, as a materialized view has no CREATE OR REPLACE)."""
    return (c.kind == "add_view" and c.cause in (None, REBUILT)) or (c.kind == "replace_view" and c.cause is None)


def split(changes: list[Change], which: set[int]) -> list[Change]:
    """`changes` with each of `which` made two: its CREATE ... WITH NO DATA, and its REFRESH (both DEFERRED)."""
    out: list[Change] = []
    for i, c in enumerate(changes):
        if i in which:
            out += [replace(c, cause=DEFERRED, lent_path=()),  # (the REFRESH computes it: compare.restricted_path)
                    replace(Change("refresh_view", c.schema, c.table, c.name, None, c.new, None, DEFERRED), lent_path=c.lent_path)]
        else:
            out.append(c)
    return out


def refreshed_before(changes: list[Change]) -> dict[int, set[tuple]]:
    """For each DEFERRED refresh (index into `changes`): the ("populated", schema, name) keys of the other deferred
    views its query reads, through views or not; and the key it makes is its own."""
    deferred = {(c.schema, c.name) for c in changes if c.kind == "refresh_view" and c.cause == DEFERRED}
    if not deferred:  # (most plans)
        return {}
    views, functions = views_functions_made(changes)
    out = {}
    for i, c in enumerate(changes):
        if c.kind == "refresh_view" and c.cause == DEFERRED:
            read = {(x.schema, x.name) for x in reached_by(c.new, views, functions) if isinstance(x, View)}  # type: ignore
            out[i] = {("populated", *key) for key in read & deferred if key != (c.schema, c.name)}
    return out


def views_functions_made(changes: list[Change]) -> tuple[dict, dict]:
    """The views and functions the migration creates (or replaces), by (schema, name)."""
    views = {(c.new.schema, c.new.name): c.new for c in changes  # type: ignore[union-attr]
             if c.kind in ("add_view", "replace_view", "alter_view") and isinstance(c.new, View)}
    functions: dict[tuple, list] = {}
    for c in changes:
        if c.kind in ("add_function", "alter_function") and isinstance(c.new, Function):
            functions.setdefault((c.new.schema, c.new.name), []).append(c.new)
    return views, functions


# What reached_by yields for a function of the schema the migration leaves as it is: its body is not in the plan, and may
# be kept as text and read what the migration drops and creates again (a materialized view re-made around a column
# retyped under it, read by an unchanged PL/pgSQL function that another re-made one calls).
_KEPT = object()


def reached_by(v: View, views: dict, functions: dict) -> Iterator[object]:
    """The views and functions of the migration that `v`'s query reads or calls, directly or through them; _KEPT for
    a function it calls that the migration does not create or replace."""
    seen: set[int] = {id(v)}
    todo: list[object] = [v]
    while todo:
        obj = todo.pop()
        for k in refs_of(None, obj):
            if k[0] == "function" and k[1:3] not in functions:
                yield _KEPT
            found = functions.get(k[1:3], ()) if k[0] == "function" else \
                (views[k[1:3]],) if k[0] == "table" and k[1:3] in views else ()
            for x in found:
                if id(x) not in seen:
                    seen.add(id(x))
                    yield x
                    if not (isinstance(x, Function) and not x.standard_body):
                        todo.append(x)
