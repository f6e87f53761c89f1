"""What begins (and ends) every transactional migration file: the settings the statements between are written for."""

from __future__ import annotations

import re
from typing import Callable, Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.replanned import replanned
from schemac.compare.restricted_path import keyed
from schemac.compare.normalize import search_path
from schemac.model import Check, Column, Exclusion, Index, Table, View
from schemac.pg.dialect import RENDER
from schemac.pg.names import quote_ident
from schemac.plan import ddl
from schemac.plan.captured import qualified

# What an unqualified name means in a migration: an object of public, as the catalog reader reads them (it pins the
# same path) and schema.yaml writes them. The role that applies it may have another path (ALTER ROLE / DATABASE ...
# SET search_path, or the default "$user", public where a schema bears the role's name): its tables, views and
# indexes went there, and public's stayed missing.
# The file's last statement gives the rest of its transaction the role's own path back: sqlx (and `schemac apply`)
# record the file in _sqlx_migrations within the same transaction, by that unqualified name.
# After public come the schemas of the extensions schema.yaml declares outside public and pg_catalog (the search path
# in force, compare.normalize.searched): expressions name their objects bare, as the database they were written against
# (Supabase's `extensions` on its users' path) found them, and the normal forms read them so (compare.on_path).
def pinned_search_path() -> exp.Expression:
    return ddl.command("SET", "LOCAL search_path = " + ", ".join(("public", *map(quote_ident, search_path()))))


def restored_search_path() -> exp.Expression:
    return ddl.command("SET", "LOCAL search_path TO DEFAULT")


# Postgres deparses `a IS [NOT] DISTINCT FROM b`, `NULLIF(a, b)` and `CASE a WHEN b` without the `=` they call
# (ruleutils has no syntax to qualify it, where it writes OPERATOR(s.=) for a plain comparison), so the text of a
# view, a trigger's WHEN or a policy that holds one finds the operator only where the search_path does: one of an
# extension outside public (citext, hstore, PostGIS in Supabase's `extensions`) becomes text's under the pinned path
# (citext compared case-sensitively) or none ("operator does not exist"). Such a statement is run with every schema
# holding an `=` after public, as where it was first created (pg_dump, which pins an empty path, shares the fault);
# only those: another operator of such a schema could take the place of the one a bare name in the text means
# (intarray's `@>` on int[] before pg_catalog's anyarray one).
UNQUALIFIED_EQUALS = re.compile(r"\bIS\s+(?:NOT\s+)?DISTINCT\s+FROM\b|\bNULLIF\s*\(|\bCASE\s+(?!WHEN\b)",
                                re.IGNORECASE)  # (the last: a simple CASE, `CASE x WHEN v`, which compares with `=`)
_WIDEST = (
    "'{public}'::text[] || ARRAY("
    "SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_namespace n "
    "WHERE n.nspname <> 'public' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' "
    "AND EXISTS (SELECT FROM pg_catalog.pg_operator o WHERE o.oprnamespace = n.oid AND o.oprname = '=') "
    "ORDER BY n.nspname)")
# The path's schemas each once, where it first comes: a schema of the pinned path may hold an `=` or be called too
# (MusicBrainz's cube in `musicbrainz`, its indexes calling musicbrainz.mb_simple_tsvector: `public, musicbrainz,
# musicbrainz`, probe55a)
_ONCE = "ARRAY(SELECT u.s FROM pg_catalog.unnest({}) WITH ORDINALITY u(s, i) GROUP BY u.s ORDER BY pg_catalog.min(u.i))"


def widened_search_path(called: tuple[str, ...] = (), equals: bool = True) -> exp.Expression:
    """The search_path of a widened statement: public and the pinned path's schemas after it (pinned_search_path),
    then the schemas holding an `=` (`equals`), then `called` (schemas_called); each schema once (_ONCE)."""
    pinned = ("public", *map(quote_ident, search_path()))
    more = ddl.literal("{" + ",".join(_array_item(s) for s in called) + "}") + "::text[]"
    if not equals:
        path = ddl.literal(", ".join(dict.fromkeys([*pinned, *map(quote_ident, called)])))
        return ddl.command("SELECT", f"{_SET_PATH}{path}, true)")
    first = "'{public}'" if len(pinned) == 1 else \
        "ARRAY[" + ", ".join(exp.Literal.string(p).sql(dialect=RENDER) for p in pinned) + "]"
    widest = _WIDEST.replace("'{public}'", first, 1) + (f" || {more}" if called else "")
    if len(pinned) > 1 or called:  # (public alone holds no `=` the query gives again)
        widest = _ONCE.format(widest)
    return ddl.command("SELECT", f"{_SET_PATH}pg_catalog.array_to_string({widest}, ', '), true)")


_SET_PATH = "pg_catalog.set_config('search_path', "


def _array_item(schema: str) -> str:
    """A schema's name as an element of a text[] literal, quoted as a search_path names it."""
    name = quote_ident(schema)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"' if name != schema or "," in name else name


def is_widening(text: str) -> bool:
    """Whether a rendered statement is widened_search_path()'s."""
    return text.startswith("SELECT " + _SET_PATH)


# A function of another schema that an expression computed over a table's rows calls (a generated column added or
# rewritten, a column retyped, a CHECK or an index made; a new table's generated column, which CREATE TABLE inlines
# to check that it is immutable): a quoted SQL or PL/pgSQL body is read when it runs, under
# the caller's search_path unless its own SET names one, and may name its schema's other functions bare, as the path
# of the session that made it found them (debate-map's app_public functions, made under `SET search_path =
# app_public` with no SET clause of their own, inlined into a generated column): under the migration's pinned path
# Postgres found none ("function pick_rev_phrasing(jsonb) does not exist"; pg_dump's restore fails the same way).
# Such a statement runs with those schemas after public (a bare name of schema.yaml's still means public's). So does a
# materialized view's CREATE and REFRESH, which run its query over the rows (`SELECT util.norm(name) FROM t`).
_CALL = re.compile(r'(?:"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_$]*))\.(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*\(')
_COMPUTES = re.compile(r"(ALTER\s+TABLE|UPDATE|CREATE\s+(UNIQUE\s+)?INDEX|ALTER\s+DOMAIN|CREATE\s+TABLE"
                       r"|CREATE\s+(OR\s+REPLACE\s+)?MATERIALIZED\s+VIEW|REFRESH\s+MATERIALIZED\s+VIEW)\b", re.IGNORECASE)
_NOT_CALLED = frozenset({"public", "pg_catalog", "information_schema", "pg_temp"})
_FILLS_NULLS = frozenset({"set_not_null", "alter_not_null"})  # (plan.column_ddl.nulls_given_the_default)


def schemas_called(change: Change) -> tuple[str, ...]:
    """The schemas (not public's, not Postgres's) of the functions the expressions of the object a change makes or
    alters call by a qualified name, sorted."""
    obj = change.new
    # (a new table's generated columns and CHECKs: Postgres inlines a SQL function of them at CREATE TABLE, to check
    # that the expression is immutable; its defaults are computed only where a column is added over rows)
    texts = [c.generated for c in obj.columns if c.generated] + [k.expression for k in obj.checks] \
        if isinstance(obj, Table) else [obj.query] if isinstance(obj, View) and obj.materialized else _expressions(obj)
    if replanned(change) or change.neighbours:  # (planned over its tables' indexes: compare.replanned)
        tables = (change.table_def, *change.neighbours) if change.table_def is not None else change.neighbours
        texts = [*texts, *(t for table in tables for i in table.indexes for t in keyed(i))]
    if change.kind in _FILLS_NULLS and change.table_def is not None:  # (its UPDATE fires the table's UPDATE triggers,
        # whose PL/pgSQL bodies name their schema's tables bare, found where the trigger fires: MusicBrainz's
        # a_upd_release_group inserting into artist_release_group_pending_update)
        texts += [f"{t.function}(" for t in change.table_def.triggers if "update" in t.events and t.enabled != "disabled"]
    found = {m.group(1).replace('""', '"') if m.group(1) else m.group(2).lower()
             for text in texts for m in _CALL.finditer(text)}
    return tuple(sorted(found - _NOT_CALLED))


# A prefilter of UNQUALIFIED_EQUALS over schema.yaml's texts: a statement built as a tree is rendered to be searched
# only where an expression it prints may hold one.
_MAY_HOLD = re.compile(r"DISTINCT|NULLIF|CASE", re.IGNORECASE)


def may_hold_unqualified_equals(obj: object) -> bool:
    """Whether a table, column, CHECK, index or EXCLUDE constraint holds an expression _MAY_HOLD finds. Its texts
    are searched at once, joined by a NUL that no match can span (the patterns are words): one search per table
    where there was one per column, CHECK and index key, each from a generator (33,000 at 1,000 tables of
    gen_schema.py's shape: ~1.3% of `generate` from scratch's CPU, in the process the other waits for)."""
    return _MAY_HOLD.search("\0".join(_expressions(obj))) is not None


def expression_marks(obj: object, change: Optional[Change] = None) -> tuple[bool, bool]:
    """may_hold_unqualified_equals(obj), and whether its expressions may call a function by a qualified name (one
    holds a dot: schemas_called finds nothing in them otherwise), from one gathering of its texts: schemas_called's
    own gathering for each of the 19,800 changes of `generate` at 10,000 tables of gen_schema.py's shape, none of
    whose expressions holds a dot, cost ~0.1 s. A replanned `change` may: its tables' indexes' (compare.replanned)."""
    texts = "\0".join(_expressions(obj))
    computed = obj.query if isinstance(obj, View) and obj.materialized else ""  # (its CREATE and REFRESH run it)
    return _MAY_HOLD.search(texts) is not None, "." in texts or "." in computed or (change is not None and (
        replanned(change) or bool(change.neighbours)))


def _expressions(obj: object) -> list[str]:
    """The expressions a table, column, CHECK, index or EXCLUDE constraint holds (what a tree statement prints),
    those that are not empty."""
    if isinstance(obj, Table):
        out = [text for c in obj.columns for text in (c.default, c.generated) if text]
        out += [c.expression for c in obj.checks]
        for i in (*obj.indexes, *obj.exclusions):
            out += keyed(i)
        return out
    if isinstance(obj, Column):
        return [text for text in (obj.default, obj.generated) if text]
    if isinstance(obj, Check):
        return [obj.expression]
    if isinstance(obj, (Index, Exclusion)):
        return keyed(obj)
    return []


def widened(statements: list[exp.Expression], text_of: Callable[[exp.Expression], str],
            change: Optional[Change] = None) -> list[exp.Expression]:
    """`statements` (their bare array operators intarray would take named pg_catalog's: plan.captured), each one
    whose text (`text_of`) holds an unqualified `=` (UNQUALIFIED_EQUALS), or that computes
    over rows with a function of another schema `change`'s object calls (schemas_called), between
    widened_search_path() and the pinned path."""
    called = schemas_called(change) if change is not None and change.new is not None else ()
    out: list[exp.Expression] = []
    for s in map(qualified, statements):  # (pg_catalog's array operators kept from intarray: plan.captured)
        equals = UNQUALIFIED_EQUALS.search(text_of(s)) is not None
        calls = called if called and _COMPUTES.match(_rendered(s)) else ()
        out.extend([widened_search_path(calls, equals), s, pinned_search_path()] if equals or calls else [s])
    return out


def _rendered(s: exp.Expression) -> str:
    """The start of a statement's text (its kind)."""
    return f"{s.args.get('this') or ''} {s.expression or ''}".strip() if isinstance(s, exp.Command) else \
        f"ALTER {s.args.get('kind') or ''}" if isinstance(s, exp.Alter) else \
        f"CREATE {s.args.get('kind') or ''}" if isinstance(s, exp.Create) else "UPDATE" if isinstance(s, exp.Update) else ""


def preamble(changes: list[Change]) -> list[exp.Expression]:
    """The search_path pinned (pinned_search_path; `diff --sql`'s script too, in a transaction of its own:
    plan.transactions.marked_script); `SET LOCAL check_function_bodies = off` where functions are created: Postgres
    would check a SQL body, and PL/pgSQL's `%ROWTYPE`/`%TYPE` declarations, against tables the same migration
    creates later (pg_dump does the same). Each lasts until the file's transaction ends. An empty DO block where a
    function's SET names a PL/pgSQL setting (_sets_plpgsql)."""
    if not changes:
        return []
    out = [pinned_search_path()]
    if any(c.kind in ("add_function", "alter_function") for c in changes):
        out.append(ddl.command("SET", "LOCAL check_function_bodies = off"))
    if any(c.kind in ("add_function", "alter_function") and _sets_plpgsql(c.new) for c in changes):
        out.append(ddl.command("DO", "$schemac$BEGIN END$schemac$"))
    return out


def _sets_plpgsql(function: object) -> bool:
    """Whether a function's SET names a PL/pgSQL setting (`SET plpgsql.extra_warnings = 'all'`). Until the session
    loads plpgsql (its first DO block or PL/pgSQL call) the name is a placeholder, which only a superuser (or a role
    granted SET on it) may put in a function's SET: a non-superuser owner's migration failed, 'permission denied to
    set parameter "plpgsql.extra_warnings"'. The preamble's empty DO block loads it, and the setting is a user's."""
    return any(entry.lower().startswith("plpgsql.") for entry in getattr(function, "config", ()))
