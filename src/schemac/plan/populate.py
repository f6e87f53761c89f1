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
Most are instead created WITH DATA in that place, before what the migration makes that reads them (LAST): on 15 and
16 their columns then take the types a fresh build gives them (by the planned query: an inlined SQL function's typmod).
One WITH NO DATA in schema.yaml stays unpopulated: it is never refreshed. (Where what keeps one split is a new table
reading it through its columns' defaults alone, plan.defaults_after sets those after it and it is made whole.)"""

from __future__ import annotations

from typing import Iterator

from schemac.compare.changes import Change
from schemac.compare.views import REBUILT
from schemac.model import Function, Table, View
from schemac.model.frozen import replace
from schemac.pg.sqllex import may_name
from schemac.plan.dependencies import Deps
from schemac.plan.keys import own_keys, refs_of

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


# The cause of a deferred view's CREATE ... WITH DATA (made_last): made whole after every object of the migration but
# those standing on it, which follow it. On 15 and 16, CREATE ... WITH DATA types its columns by the planned query (a
# SQL function inlined, `coalesce(name, NULL)` folded to `name`: `character varying(60)`), WITH NO DATA and REFRESH by
# the query as written (`character varying`): the CREATE ... WITH NO DATA gave columns a fresh build lacks the typmod
# of. What reads it (a view, a SQL-standard body, a table's default, generated column or CHECK calling one, a domain's
# CHECK, a view replaced in place) then finds it populated too (a default or CHECK computed over rows read it empty:
# "materialized view ... has not been populated").
LAST = "made populated after every object the migration creates"

_READERS = ("add_view", "replace_view", "alter_view", "add_function", "alter_function", "add_table", "add_domain",
            "add_composite_type", "add_range_type")


def made_last(changes: list[Change], which: set[int]) -> set[int]:
    """Those of `which` (deferred views) made whole, LAST: each but one whose query calls a body kept as text (the
    bodies the graph cannot read) naming an object that reads the view, directly or through others: made after the
    view, it would be missing as the CREATE ... WITH DATA runs the body; that one stays split (WITH NO DATA, then the
    REFRESH after every object)."""
    if not which:
        return set()
    refs = reader_refs(changes)
    return {i for i in which if not named_readers(changes, refs, i)}


def reader_refs(changes: list[Change]) -> list[set]:
    """What each of `changes` that may read a materialized view refers to (reads)."""
    return [reads(c) for c in changes]


def reads(c: Change) -> set:
    """What `c` refers to where it may read a materialized view (_READERS; plan.keys.refs_of): a new table's CHECKs
    too, made in its CREATE TABLE (plan.dependencies)."""
    if c.kind not in _READERS or c.new is None:
        return set()
    checks = c.new.checks if c.kind == "add_table" and isinstance(c.new, Table) else ()
    return refs_of(None, c.new).union(*(refs_of(c.new, check) for check in checks))


def named_readers(changes: list[Change], refs: list[set], i: int) -> list[tuple[int, set]]:
    """The changes reading deferred view `i` (directly or through others: `refs`, reader_refs') whose name a body kept
    as text that its query calls names; each with the keys of the view and its other readers."""
    group, keys, grew = {i}, set(own_keys(None, changes[i].new)), True
    while grew:
        found = {j for j, r in enumerate(refs) if j not in group and r & keys}
        grew = bool(found)
        group |= found
        for j in found:
            keys |= own_keys(None, changes[j].new)
    views, functions = views_functions_made(changes)
    bodies = [x.body for x in reached_by(changes[i].new, views, functions)  # type: ignore[arg-type]
              if isinstance(x, Function) and not x.standard_body]
    return [(j, keys - own_keys(None, changes[j].new)) for j in sorted(group - {i})
            if any(may_name(b, {changes[j].new.name}) for b in bodies)]  # type: ignore[union-attr]


def standing_on(last: set[int], out: list[Deps]) -> set[int]:
    """The changes that must follow a LAST CREATE (of `last`), directly or through others, and those: what needs what
    one makes (its readers, index, comment, grants, owner; a view's owner set after the fills reading it), alters it
    in place, or removes what one of them no longer refers to (a column a view replaced in place stops reading)."""
    keys = {k for i in last for k in out[i].makes}
    freed = {k for i in last for k in out[i].frees}
    on = set(last)
    grew = True
    while grew:
        grew = False
        for j, d in enumerate(out):
            if j not in on and (d.needs & keys or d.removes & d.makes & keys or d.removes & freed):
                on.add(j)
                keys |= d.makes
                freed |= d.frees
                grew = True
    return on


def after_the_rest(last: set[int], out: list[Deps]) -> list[Deps]:
    """`out` with each LAST CREATE (of `last`) after every change but those standing on it (standing_on)."""
    on = standing_on(last, out)
    return [Deps(d.makes | {_REST}, d.removes, d.needs, d.frees) if j not in on else
            Deps(d.makes, d.removes, d.needs | {_REST}, d.frees) if j in last else d for j, d in enumerate(out)]


_REST = ("created", "rest")  # made by every change a LAST CREATE does not stand under


def split(changes: list[Change], which: set[int]) -> list[Change]:
    """`changes` with each of `which` made two: its CREATE ... WITH NO DATA, and its REFRESH (both DEFERRED); or its
    CREATE ... WITH DATA alone (LAST: made_last)."""
    whole = made_last(changes, which)
    out: list[Change] = []
    for i, c in enumerate(changes):
        if i in whole:
            out.append(replace(c, cause=LAST))
        elif i in which:
            out += [replace(c, cause=DEFERRED, lent_path=()),  # (the REFRESH computes it: compare.restricted_path)
                    replace(Change("refresh_view", c.schema, c.table, c.name, None, c.new, None, DEFERRED), lent_path=c.lent_path)]
        else:
            out.append(c)
    return out


def refreshed_before(changes: list[Change]) -> dict[int, set[tuple]]:
    """For each DEFERRED refresh and LAST CREATE (index into `changes`): the ("populated", schema, name) keys of the
    other deferred views its query reads, through views or not; and the key it makes is its own."""
    deferred = {(c.schema, c.name) for c in changes if fills_late(c)}
    if not deferred:  # (most plans)
        return {}
    views, functions = views_functions_made(changes)
    out = {}
    for i, c in enumerate(changes):
        if fills_late(c):
            read = {(x.schema, x.name) for x in reached_by(c.new, views, functions) if isinstance(x, View)}  # type: ignore
            out[i] = {("populated", *key) for key in read & deferred if key != (c.schema, c.name)}
    return out


def fills_late(c: Change) -> bool:
    """Whether `c` fills a materialized view after every object the migration creates: a DEFERRED refresh, a LAST
    CREATE ... WITH DATA."""
    return (c.kind == "refresh_view" and c.cause == DEFERRED) or c.cause == LAST


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
