"""Postgres's own deparse of schema.yaml's views (pg_get_viewdef), their columns and what they read
(pg_depend), computed where `generate` needs them: by building the desired schema in a throwaway
database (embedded PostgreSQL 18, or a scratch database on --dev-url / $SCHEMAC_DEV_URL) and reading its
views back. state.json records them with each view, so the next `generate` and `schemac diff` compare
views without a server; a view whose query and whatever it reads are unchanged takes its recorded forms
again (`attach_recorded`). See docs/architecture.md, "How views are compared"."""

from __future__ import annotations

import os
import re
from schemac.model.frozen import replace
from typing import Optional

from schemac.commands.body_prints import build_session, unprinted, with_prints
from schemac.compare.aggregates import same_result
from schemac.compare.rebound_calls import gains_overload, rebinding_notices
from schemac.errors import SchemacError, SchemaFileError
from schemac.model import Schema, View, ViewColumn
from schemac.pg.names import split_reference
from schemac.pg.routines import result_type
from schemac.pg.sqlbody import statement_refs
from schemac.pg.types import TypeSyntaxError
from schemac.pg.views import comparable, reads_every_column, written_columns

_MISSING_RELATION = re.compile(r'relation "([^"]+)" does not exist')
_MISSING_TYPE = re.compile(r'type "([^"]+)" does not exist')


def _known(v: View) -> bool:
    return v.definition is not None


def _columns_of(schema_name: str, name: str, schema: Schema, views: dict) -> Optional[dict[str, str]]:
    """The columns (name: type) of what a view reads in `schema`: a table's, a view's of `views` whose own form is
    known, a composite type's attributes ((x).field reads one); None where it names none of them."""
    table = schema.table(schema_name, name)
    view = views.get((schema_name, name))
    if table is not None:
        return {c.name: c.type for c in table.columns}
    if view is not None and _known(view):
        return {c.name: c.type for c in view.output}
    composite = next((c for c in schema.composite_types if (c.schema, c.name) == (schema_name, name)), None)
    return {a.name: a.type for a in composite.attributes} if composite is not None else None


def _same_columns_read(r: View, schema: Schema, views: dict, recorded: Schema) -> bool:
    """No relation recorded view `r` read every column of (as `recorded` had them) has others in `schema` now (a
    relation a join reads some columns of is left alone: `t.*` may not be of it)."""
    read: dict[tuple[str, str], set[str]] = {}
    for d in r.depends:
        if d.kind in ("relation", "column") and (d.schema, d.name) != r.key:
            read.setdefault((d.schema, d.name), set()).update({d.column} if d.column is not None else ())
    had = {v.key: v for v in recorded.views}
    return all(set(_columns_of(s, n, recorded, had) or ()) != columns
               or set(_columns_of(s, n, schema, views) or ()) == columns for (s, n), columns in read.items())


def _still_reads_the_same(r: View, schema: Schema, views: dict, recorded: Schema) -> bool:
    """Whether what recorded view `r` reads is still there, of the same types, in `schema` (the views of
    `views` only when their own forms are known). Where its query reads `*` and read every column a relation of
    `recorded` had, that relation's columns must be those: one added since is one a fresh build's `*` reads too
    (pg.views.reads_every_column)."""
    if reads_every_column(r.query) and not _same_columns_read(r, schema, views, recorded):
        return False
    if gains_overload(r, schema, recorded):  # (a build may bind a call to the new overload)
        return False
    for d in r.depends:
        if (d.schema, d.name) == r.key:  # a view reading itself (plan.stubs): what it reads is what it is
            continue
        if d.kind in ("relation", "column"):
            columns = _columns_of(d.schema, d.name, schema, views)
            if columns is None:
                return False
            if d.column is not None and columns.get(d.column, "") != d.type:
                return False
        elif d.kind == "operator":  # one schema.yaml still declares, of the same argument types
            if not any((o.schema, o.name, ", ".join(o.identity)) == (d.schema, d.name, d.type) for o in schema.operators):
                return False
        elif d.kind == "function":
            identity = tuple(t for t in (d.type or "").split(", ") if t)
            f = next((f for f in schema.functions if (f.schema, f.name, f.identity) == (d.schema, d.name, identity)), None)
            if f is None and (d.schema, d.name, identity) in same_result(schema, d.column):  # an aggregate
                continue
            try:
                if f is None or (d.column is not None and f.returns != result_type(d.column)):
                    return False
            except TypeSyntaxError:
                return False
            if _out_columns(recorded, f) != _out_columns(schema, f):  # (`SELECT * FROM f()` names them)
                return False
    return True


def _out_columns(schema: Schema, f) -> Optional[tuple]:
    """The columns function `f`'s OUT parameters give its result (names and types), as `schema` declares `f`; None
    where it declares none of its key."""
    g = next((g for g in schema.functions if (g.schema, g.name, g.identity) == (f.schema, f.name, f.identity)), None)
    return None if g is None else tuple((a.name, a.type) for a in g.arguments if a.mode in ("out", "inout"))


def dev_url_of(dev_url: Optional[str]) -> Optional[str]:
    """Where views are built: --dev-url, else $SCHEMAC_DEV_URL, else None (the embedded server)."""
    return dev_url or os.environ.get("SCHEMAC_DEV_URL") or None


def major_of(dev_url: Optional[str], recorded: Optional[Schema]) -> Optional[int]:
    """The PostgreSQL major views and SQL-standard bodies would be built on (the embedded server's: 18); asked of the
    dev URL's server only when `recorded` holds forms or prints to take (else it does not matter). None where it
    holds prints alone and the server cannot be reached: any major's print is taken (body_prints builds nothing)."""
    forms = recorded is not None and any(_known(r) for r in recorded.views)
    if dev_url is None or recorded is None or not forms and not any(f.printed_by for f in recorded.functions):
        return EMBEDDED_MAJOR
    import psycopg

    try:
        with psycopg.connect(dev_url, connect_timeout=10) as conn:
            return conn.info.server_version // 10000
    except psycopg.Error as e:
        if not forms:
            return None
        raise SchemacError(f"cannot connect to the dev URL to build views: {str(e).splitlines()[0]}") from None


EMBEDDED_MAJOR = 18


def attach_recorded(desired: Schema, recorded: Optional[Schema], major: Optional[int] = None) -> Schema:
    """`desired` with the recorded forms of each view whose query (as written) and whatever it reads are
    those of a view `recorded` holds with its forms (deparsed by PostgreSQL `major`, when given)."""
    if recorded is None or not desired.views:
        return desired
    by_query: dict[tuple, list[View]] = {}
    for r in recorded.views:
        if _known(r) and major in (None, r.deparsed_by):
            by_query.setdefault((comparable(r.query), r.materialized, r.binds), []).append(r)
    views = {v.key: v for v in desired.views}
    grown = True
    while grown:  # a view reading another view takes its forms once that one has them
        grown = False
        for key, v in views.items():
            if _known(v):
                continue
            for r in by_query.get((comparable(v.query), v.materialized, v.binds), ()):  # (bound alike: view_binds)
                if _still_reads_the_same(r, desired, views, recorded):
                    views[key] = replace(v, definition=r.definition, output=r.output, depends=r.depends,
                                         deparsed_by=r.deparsed_by)
                    grown = True
                    break
    return replace(desired, views=tuple(views[v.key] for v in desired.views))


def reparsed(recorded: Schema, desired: Schema) -> bool:
    """Views' forms came out otherwise than recorded for the same schema (another major deparsed them):
    worth recording, though no migration changes."""
    forms = {v.key: (v.definition, v.deparsed_by) for v in recorded.views}
    return any(_known(v) and forms.get(v.key) != (v.definition, v.deparsed_by) for v in desired.views)


def computed(desired: Schema, dev_url: Optional[str] = None,
             recorded: Optional[Schema] = None) -> tuple[Schema, list[str]]:
    """`desired` with every view's forms, from a throwaway database where the views that have none yet are
    built with what they may read (`viewbuild.readable`), and every SQL-standard body's print, built there too
    (commands.body_prints); and a notice for each view Postgres could not
    create there (it reads an object schemac does not manage, or its query is wrong): that one is compared
    as written. A view `recorded` already holds without forms, with the same query, is not tried again
    (no server at every `generate` for it)."""
    tried = {(r.key, comparable(r.query), r.materialized, r.binds) for r in (recorded.views if recorded else ())
             if not _known(r)}
    views_needed = not all(_known(v) or (v.key, comparable(v.query), v.materialized, v.binds) in tried
                           for v in desired.views)
    if not views_needed and not unprinted(desired):  # (nor a SQL-standard body without its print: body_prints)
        return desired, []
    import psycopg

    from schemac.catalog.reader import introspect
    from schemac.commands.viewbuild import readable, run, statements
    from schemac.commands.viewcauses import at_versions_it_has, lacking, laid_to_extensions, notice
    from schemac.compare.differ import diff
    from schemac.compare.normalize import schema_searched
    from schemac.migrations.replay import throwaway
    from schemac.plan.graph import ordered

    failed: dict[tuple[str, str], str] = {}
    broken: dict[tuple[str, str], str] = {}  # what else failed, its words: with an extension missing, its views follow
    try:
        with throwaway(dev_url_of(dev_url)) as (url, where):
            try:
                conn = psycopg.connect(url, autocommit=True)
            except psycopg.Error as e:
                raise SchemacError(f"cannot connect to {where} to build the views: {str(e).splitlines()[0]}") from None
            with conn, schema_searched(desired):  # (the migration's search_path: plan.preamble)
                build_session(conn, desired)
                # What a view reads is not known yet (it is what this finds out), so a view may come before
                # the view it reads: those that fail are tried again while any succeeds.
                # Only those views and what they can read are built (viewbuild.readable); views' comments and
                # indexes are left out (checked against their columns below).
                # Those tried before in vain are tried again: the notices a build of everything would give.
                needed = {v.key for v in desired.views if not _known(v)} if views_needed else set()
                building = at_versions_it_has(conn, readable(desired, needed))
                pending = statements(ordered(diff(Schema(), building)))
                missing = lacking(conn, desired)
                while pending:
                    again = run(conn, pending, failed, broken)
                    pending = again if len(again) < len(pending) else []
                read = introspect(conn, desired.namespaces, only=("views", "functions")).schema
                desired = with_prints(desired, read, conn.info.server_version // 10000)
                built = {v.key: v for v in read.views}
    except SchemacError:  # (no server to build on: bodies alone are compared by the normal forms, as before)
        if views_needed:
            raise
        return desired, []
    if not views_needed:
        return desired, []
    views, notices = [], []
    made = {v.key for v in building.views}
    declared = {o.key for o in (*desired.tables, *desired.views)}
    laid = laid_to_extensions(building.views, failed, broken, desired, missing) if missing else set()
    for v in desired.views:
        if v.key not in made:  # its recorded forms (nothing it reads changed): those a build would give
            _columns_named(v, {c.name for c in v.output})
            views.append(v)
            continue
        b = built.get(v.key)
        if v.key in laid:  # one notice for all of them, below
            views.append(v)
        elif b is None or b.materialized != v.materialized:
            why = failed.get(v.key, "it was not created")
            _stale_read(v, why, recorded, desired, built)
            notices.append(_not_built(v, why, where, declared, broken, desired.external_tables))
            views.append(v)
        else:
            _columns_named(v, {c.name for c in b.output})
            notices += rebinding_notices(v, b, desired)
            views.append(replace(v, definition=b.definition, output=b.output, depends=b.depends,
                                 deparsed_by=b.deparsed_by))
    if laid:
        notices.insert(0, notice(missing, [v for v in desired.views if v.key in laid], where))
    return replace(desired, views=tuple(views)), notices


def _stale_read(v: View, why: Optional[str], recorded: Optional[Schema], schema: Schema, built: dict,
                index: Optional[dict] = None, views: Optional[dict] = None) -> None:
    """Refuse view `v`, which the build server could not create (`why`: its words; None: no server built it, and a
    column counts only where the query names it), where state.json holds it
    built before from the same query (under its old name, where it is renamed itself), and a table or view it read is
    renamed (`renamed_from:`), or a column it read of a
    table or view of schema.yaml (`built`: the views built now) is no longer there under its name (renamed,
    dropped) or of its type: the query was left as it was. Its migration would not apply (CREATE VIEW over a
    column gone) or leave drift for ever (Postgres's RENAME rewrites the stored view: `b AS a`, `FROM t2`), not
    the notice of a query reading what schemac does not manage. (`index`: the recorded views by key, `views`: those of
    `schema` and `built`, where a caller asks for every view.)"""
    from schemac.compare.moves import old_key

    if recorded is None or why is not None and _lacks(why):
        return
    index = {r.key: r for r in recorded.views} if index is None else index
    r = index.get(old_key(v, index) or v.key)  # (the view itself renamed: recorded under its old name)
    if r is None or not _known(r) or v.source is None or \
            (comparable(r.query), r.materialized) != (comparable(v.query), v.materialized):
        return
    views = {**{w.key: w for w in schema.views}, **built} if views is None else views  # (the views built now first)
    for d in r.depends:
        key = (d.schema, d.name)
        table, view = schema.table(*key), views.get(key)
        if d.kind not in ("relation", "column") or key == v.key:
            continue
        if table is None and view is None:
            moved = next((t for t in (*schema.tables, *schema.views) if old_key(t, {key})), None)
            if moved is not None:
                _refuse(v, f"{d.schema}.{d.name}, which schema.yaml renames to {moved.qualified_name}", why)
            continue
        columns = _columns_of(*key, schema, views)
        if d.column is None or (why is not None and _MISSING_RELATION.match(why)) or columns is None:
            continue  # (a relation it reads is missing: that one's own words)
        now = columns.get(d.column)
        if now == d.type or why is None and (now is not None or d.column not in statement_refs(v.query)[2]):
            continue  # (no build: a retype may build; `*` reads the renamed column as it is now)
        renamed = next((c.name for c in table.columns if c.renamed_from == d.column), None) if table else None
        how = f"now types {now} (was {d.type})" if now is not None else \
            f"renames to {renamed}" if renamed is not None else "no longer has"
        _refuse(v, f"column {d.column} of {d.schema}.{d.name}, which schema.yaml {how}", why)


def stale_queries(desired: Schema, recorded: Optional[Schema]) -> None:
    """`generate --check`'s `_stale_read` (no server builds the views): a query as recorded still reading a table or
    view schema.yaml renames, or naming a column it renames or drops, is refused alike. Nothing is looked at where
    schema.yaml renames no table or view and keeps every column the record has."""
    if recorded is None:
        return
    narrowed = _narrowed_views(desired, recorded)
    if not narrowed and not _renamed_or_dropped(desired, recorded):
        return
    index, views = {r.key: r for r in recorded.views}, {w.key: narrowed.get(w.key, w) for w in desired.views}
    for v in desired.views:
        _stale_read(v, None, recorded, desired, {}, index, views)


def _narrowed_views(desired: Schema, recorded: Schema) -> dict:
    """The views whose query is edited so that it no longer names a column its recorded form has (`SELECT a FROM t`,
    was `SELECT a, c FROM t`), by key, with those names as their columns (of no type: no server built them), so that
    `_stale_read` sees a view still reading the column of one that lost it."""
    had = {r.key: r for r in recorded.views if _known(r)}
    out = {}
    for w in desired.views:
        r = had.get(w.key)
        if r is None or _known(w) or (comparable(r.query), r.materialized) == (comparable(w.query), w.materialized):
            continue
        names = written_columns(w.query)
        if names is not None and not {c.name for c in r.output} <= set(names):
            out[w.key] = replace(w, definition=w.query, output=tuple(ViewColumn(n, "") for n in names))
    return out


def _renamed_or_dropped(desired: Schema, recorded: Schema) -> bool:
    if any(x.renamed_from for x in (*desired.tables, *desired.views)):
        return True
    had = {t.key: t for t in recorded.tables}
    return any((r := had.get(t.key)) is not None and not {c.name for c in r.columns} <= {c.name for c in t.columns}
               for t in desired.tables)


def _lacks(why: str) -> bool:
    from schemac.commands.viewbuild import LACKS  # (imports psycopg: after a build only)

    return LACKS in why


def _refuse(v: View, reads: str, why: Optional[str]) -> None:
    cannot = f", and PostgreSQL cannot create the {v.what} so ({why})" if why is not None else ""
    raise SchemaFileError(f"{v.what} {v.qualified_name}: its query still reads {reads}{cannot}: write the query for "
                          "what schema.yaml has now", v.source)


def _not_built(v: View, why: str, server: str, declared: set[tuple[str, str]], broken: dict,
               external: tuple[str, ...] = ()) -> str:
    """The notice of a view the throwaway server (`server`: which) could not create: one that reads a relation
    schema.yaml does not declare (a foreign table: schemac does not manage them) names it, and where the
    migration applies; one that reads a relation schema.yaml declares (`declared`: the keys of its tables and
    views), which failed there too, says so (a table's failure: `broken`, the server's words for what else
    failed); one that needs a feature the server's build lacks (XML) says so."""
    where = f"{v.source or v.qualified_name}: {v.what} {v.qualified_name}: PostgreSQL could not create it from " \
        "schema.yaml alone"
    from schemac.commands.viewbuild import LACKS  # (imports psycopg: after a build only)

    if LACKS in why:
        return (f"{where}: {server} lacks a feature it needs ({why}); its query is compared as written. Give "
                f"--dev-url (or SCHEMAC_DEV_URL) a server built with it to have PostgreSQL deparse the {v.what}")
    missing = _MISSING_RELATION.match(why) or _MISSING_TYPE.match(why)
    if missing and missing.group(1) in (v.name, f"{v.schema}.{v.name}") and not v.materialized:
        return (f"{where}: its query reads the view itself ({why}); give every column of it its type, in order, "
                "under `columns:` ({a: {type: integer}}): the migration then creates it as pg_dump does, a stub of those "
                "columns first, then its query (CREATE OR REPLACE VIEW); its query is compared as written meanwhile")
    key = _relation_key(missing.group(1), declared) if missing and missing.re is _MISSING_RELATION else None
    if key is not None:
        because = broken.get(key, "its own notice says why")
        return (f"{where}: it reads {missing.group(1)}, which could not be built there either ({because}); its query "
                "is compared as written")
    if missing and missing.re is _MISSING_RELATION:
        needs = (f"the migration creates the {v.what}, and applies only to a database that has {missing.group(1)} "
                 "already, not to an empty one (generate --verify, diff without a database); its query is compared "
                 "as written")
        if _relation_key(missing.group(1), {split_reference(x) for x in external}) is not None:
            return f"{where}: it reads {missing.group(1)}, which external_tables: lists: {needs}"
        return (f"{where}: it reads {missing.group(1)}, which schema.yaml does not declare: {needs}. A table of a "
                "schema schema.yaml does not cover (auth.users of a platform) is declared so under external_tables: "
                f"(`external_tables: [{missing.group(1)}]`); a foreign table or another object schemac does not "
                "manage needs nothing more. Else fix the query")
    return (f"{where} ({why}); its query is compared as written. Expected when it reads an object schemac does not "
            "manage; else fix the query")


def _relation_key(name: str, declared: set[tuple[str, str]]) -> Optional[tuple[str, str]]:
    """(schema, name) of the relation of `declared` the server's words name (printed as it is, neither quoted nor
    folded: viewcauses.as_printed), unqualified on the build's search_path (public); None if none is."""
    from schemac.commands.viewcauses import as_printed

    keys = (tuple(parts) if len(parts) == 2 else ("public", parts[0]) for parts in as_printed(name))
    return next((k for k in keys if k in declared), None)


def _columns_named(v: View, columns: set[str]) -> None:
    """The columns schema.yaml comments on, a materialized view's indexes name and column privileges are granted on
    are the view's (a GRANT on another is refused by Postgres as the migration runs)."""
    named = [(c.name, v.source) for c in v.columns]
    named += [(name, i.source) for i in v.indexes for name in (*(e.column for e in i.elements if e.column), *i.include)]
    named += [(p.column, p.source or v.source) for p in v.grants if p.column is not None]
    for name, source in named:
        if name not in columns:
            raise SchemaFileError(f"{v.what} {v.qualified_name} has no column '{name}' (its columns: "
                                  f"{', '.join(sorted(columns))})", source)
