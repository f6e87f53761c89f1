"""Postgres's own print of schema.yaml's SQL-standard function bodies (`RETURN ...`, `BEGIN ATOMIC ... END`), built by
`generate` in the throwaway database that builds the views (commands.views.computed) and recorded in state.json
(`Function.printed`), as a view's deparse is: `diff` then compares the database's body with the print, with no
second server, where the normal forms of compare.types._same_returned cannot tell Postgres's spelling from the
written one (the casts it adds, the columns it qualifies and the aliases it makes unique in a statement with a
subquery, a CTE or a join). See docs/architecture.md, "How SQL-standard bodies are compared"."""

from __future__ import annotations

import re
from typing import Optional

from schemac.model import Function, Schema, Table, View
from schemac.model.frozen import replace

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _key(f: Function) -> tuple:
    return f.schema, f.name, f.identity


def _by_name(schema: Schema) -> dict[str, list]:
    """The objects of `schema` a body's word may name, by their names in lower case (made once per schema: at 1,000
    functions over 1,000 tables, no scan of every object for each body)."""
    out: dict[str, list] = {}
    for kind in (schema.tables, schema.views, schema.functions, schema.aggregates, schema.domains, schema.enums,
                 schema.composite_types, schema.range_types):
        for o in kind:
            out.setdefault(o.name.lower(), []).append(o)
    return out


def _parts(o) -> object:
    """What of `o` a body's print depends on: a table's columns (their types give the casts Postgres adds), a view's
    query and columns, any other object whole."""
    if isinstance(o, Table):
        return o.key, tuple((c.name, c.type, c.collation) for c in o.columns)
    if isinstance(o, View):
        return o.key, o.query, o.materialized, o.output
    return o


def _same_reads(f: Function, r: Function, desired: dict, recorded: dict) -> bool:
    """Whether recorded `r` is `f` as written, over the same objects its body names (`desired`, `recorded`: each
    schema's _by_name): its print is then a fresh build's (a column retyped underneath changes the casts)."""
    if (r.body, r.arguments, r.returns, r.language, r.binds) != (f.body, f.arguments, f.returns, f.language, f.binds):
        return False
    words = {w.lower() for w in _WORD.findall(f.body)} | {w.lower() for a in f.arguments for w in _WORD.findall(a.type)}
    return all([_parts(o) for o in desired.get(w, ())] == [_parts(o) for o in recorded.get(w, ())] for w in words)


def attach_printed(desired: Schema, recorded: Optional[Schema], major: Optional[int] = None) -> Schema:
    """`desired` with the recorded print of each standard body `recorded` holds for the same written text over the same
    objects (printed by PostgreSQL `major`, when given), and the mark of a body whose build failed (not tried again).
    Views first: a body reading a view takes its print once the view has its forms (commands.views.attach_recorded)."""
    if recorded is None or not any(f.standard_body for f in desired.functions):
        return desired
    had = {_key(r): r for r in recorded.functions if r.printed_by is not None and major in (None, r.printed_by)}
    if not had:
        return desired
    out, named, had_named = [], _by_name(desired), _by_name(recorded)
    for f in desired.functions:
        r = had.get(_key(f)) if f.standard_body and f.printed_by is None else None
        out.append(replace(f, printed=r.printed, printed_by=r.printed_by)
                   if r is not None and _same_reads(f, r, named, had_named) else f)
    return replace(desired, functions=tuple(out))


def unprinted(desired: Schema) -> bool:
    """Whether a standard body of `desired` has no print yet (nor a failed build's mark): a build is needed."""
    return any(f.standard_body and f.printed_by is None for f in desired.functions)


def with_prints(desired: Schema, built: Schema, major: int) -> Schema:
    """`desired` with each standard body that had no print given the body of its function as `built` (the catalog's
    read of the throwaway build, by PostgreSQL `major`) holds it: its print; one the build could not create is marked
    tried (`printed_by` alone), so that the next `generate` starts no server for it."""
    if not unprinted(desired):
        return desired
    bodies = {_key(b): b.body for b in built.functions if b.standard_body}
    return replace(desired, functions=tuple(
        replace(f, printed=bodies.get(_key(f)), printed_by=major) if f.standard_body and f.printed_by is None else f
        for f in desired.functions))


def reprinted(recorded: Schema, desired: Schema) -> bool:
    """The bodies' prints came out otherwise than recorded for the same schema (none recorded yet, another major):
    worth recording, though no migration changes."""
    had = {_key(r): (r.printed, r.printed_by) for r in recorded.functions}
    return any(f.standard_body and f.printed_by is not None and had.get(_key(f)) != (f.printed, f.printed_by)
               for f in desired.functions)


def build_session(conn, desired: Schema) -> None:
    """Set autocommit connection `conn` to a throwaway database as a migration of `desired` runs (inside
    compare.normalize.schema_searched(desired)): the session the views and bodies are built and printed in."""
    from schemac.compare.normalize import extension_path
    from schemac.migrations.replay import PINNED_SESSION
    from schemac.plan.planner import render_sql
    from schemac.plan.preamble import pinned_search_path

    conn.execute("SET check_function_bodies = off")
    conn.execute(PINNED_SESSION)  # (the zone and styles its constants are read in: migrations.replay)
    conn.execute("SET synchronous_commit = off")  # a throwaway: no commit waits for its WAL flush
    if extension_path(desired.extensions):  # (its objects named bare: compare.on_path)
        conn.execute(render_sql([pinned_search_path()]).replace(" LOCAL", "", 1))


def printed_over(url: str, built: Schema, desired: Schema) -> Schema:
    """`built` (the read of the throwaway database at `url` that the migrations were replayed into: rebuild-state)
    with the record `generate` makes of each SQL-standard body of `desired` (schema.yaml) that Postgres prints there
    as the body it holds: its text as written, with that print. Printed by CREATE OR REPLACE of the written function
    in that database (thrown away after), so `diff` compares by the print before the next `generate`; a body the
    migrations built otherwise, or that Postgres refuses there, is recorded as read (its print is not schema.yaml's)."""
    held = {_key(g) for g in built.functions if g.standard_body}
    wanted = [f for f in desired.functions if f.standard_body and _key(f) in held]
    if not wanted:
        return built
    import psycopg

    from schemac.catalog.reader import introspect
    from schemac.compare.normalize import schema_searched
    from schemac.plan.planner import render_sql
    from schemac.plan.routine_ddl import create_function

    with psycopg.connect(url, autocommit=True) as conn, schema_searched(desired):
        build_session(conn, desired)
        for f in wanted:
            try:
                conn.execute(render_sql([create_function(f, replace=True)]))
            except psycopg.Error:  # (another result, parameter names, or what it reads: not schema.yaml's function)
                continue
        read = introspect(conn, desired.namespaces, only=("functions",)).schema
        printed = with_prints(Schema(functions=tuple(wanted)), read, conn.info.server_version // 10000)
    bodies = {_key(f): f for f in printed.functions}
    out = []
    for g in built.functions:
        f = bodies.get(_key(g))
        out.append(replace(g, body=f.body, printed=f.printed, printed_by=f.printed_by)
                   if f is not None and f.printed is not None and f.printed == g.body else g)
    return replace(built, functions=tuple(out))
