"""Functions with a SQL-standard body dropped and created again around a change of a column they read.

Postgres records what such a body reads (pg_depend, as for a view) and refuses ALTER COLUMN ... TYPE, or
DROP COLUMN, of a column one uses; a string body (plpgsql, or SQL between quotes) is only parsed when it
runs. So each function whose body names the table is dropped before the column change and created after
it, and the views that call it are re-created around it (compare.views sees the drop). Which columns a
body reads is not told apart from the table's others: re-creating one function more than needed loses
nothing. So is one selecting an attribute of a composite type the migration drops or retypes (`(c).y`, by the
attribute's name: compare.around.changed_attributes), and one with an argument of a changed table's row type
(`(r).n`: recorded on the table's column)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Optional

from schemac.compare.around import ATTRIBUTE_REBUILT, TYPE_NAMED_REBUILT, changed_attributes, set_aside_types
from schemac.compare.changes import DOMAIN_CHECKS_LATER, Change
from schemac.compare.function_rows import function_rows, rows_through
from schemac.compare.moves import as_current
from schemac.compare.routine_dependents import FUNCTION_REBUILT, dropped_functions
from schemac.model import Function, Schema, Table
from schemac.model.frozen import replace
from schemac.pg.lazy import lazy
from schemac.pg.names import quote_ident
from schemac.pg.types import type_name

sql_body_refs = lazy("schemac.pg.sqlbody", "sql_body_refs")
called_functions = lazy("schemac.pg.calls", "called_functions")
referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")
query_refs = lazy("schemac.pg.sqlbody", "query_refs")
named_types = lazy("schemac.pg.verbatim", "named_types")
selected_fields = lazy("schemac.pg.verbatim", "selected_fields")
verbatim_renamed = lazy("schemac.pg.verbatim", "renamed")

_SETOF = re.compile(r"^\s*SETOF\s+", re.IGNORECASE)
COLUMN_REBUILT = "re-created around a column its body reads"
_COLUMN_CHANGES = ("alter_column_type", "drop_column", "alter_generated")


def functions_around_columns(changes: list[Change], current: Schema, desired: Schema,
                             views: frozenset[tuple[str, str]] = frozenset()) -> list[Change]:
    """_around_columns, each standard-body function's drop naming the tables the migration renames as Postgres holds
    them after the RENAME (after_table_renames): a function dropped, or made again, over a column dropped or retyped of a
    renamed table is dropped first."""
    changes = _around_columns(changes, current, desired, views)
    at = as_current(changes)
    renamed = {at(c.schema, c.table): (c.schema, c.table) for c in changes if c.kind == "rename_table"}
    if not renamed:
        return changes
    return [replace(c, old=after_table_renames(c.old, renamed))
            if c.kind == "drop_function" and isinstance(c.old, Function) and c.old.standard_body else c
            for c in changes]


def _around_columns(changes: list[Change], current: Schema, desired: Schema,
                    views: frozenset[tuple[str, str]] = frozenset()) -> list[Change]:
    """`changes` with each standard-body function reading a table whose column changes type, is dropped or
    changes its generation expression, or one of `views` (dropped, or re-created: Postgres refuses DROP VIEW
    under it), or calling a function dropped (or created again, as this one then is), dropped and created
    again (an in-place change of it becomes that pair); and so is any function an argument's DEFAULT of which
    calls one (`t text DEFAULT app.tenant()`), or whose DEFAULT or standard body names a type set aside and
    created again (`'a'::mood`), or selects an attribute dropped or retyped (`(c).y`): Postgres records those
    too, and refuses the DROP (the ALTER TYPE) under them."""
    at = as_current(changes)  # (a body in `current` names a renamed table by its old name)
    tables = {k for c in changes if c.kind in _COLUMN_CHANGES for k in ((c.schema, c.table), at(c.schema, c.table))} \
        | views
    gone = dropped_functions(changes)  # (schema, name): a body calling one is moved too, and so on
    types = set_aside_types(changes)
    attributes = frozenset(changed_attributes(changes))
    if not tables and not gone and not types and not attributes:
        return changes
    des = {(f.schema, f.name, f.identity): f for f in desired.functions}
    results = function_rows(current)
    dropped = {(c.schema, c.old.name, c.old.identity) for c in changes if c.kind == "drop_function"}  # type: ignore
    moved: dict = {}  # key -> (the function as it is, why)
    grown = True
    while grown:
        grown = False
        for f in current.functions:
            key = (f.schema, f.name, f.identity)
            if key not in des or key in dropped or key in moved:
                continue
            if (why := _held(f, tables, gone, types, attributes, results)) is not None:
                moved[key] = (_reading_rows(f, results), why)
                gone.add((f.schema, f.name))
                grown = True
    if not moved:
        return changes
    out = [c for c in changes if not (c.kind in ("alter_function", "set_type_comment") and c.new is not None and
                                      (c.schema, c.new.name, getattr(c.new, "identity", None)) in moved)]  # type: ignore
    for key, (old, why) in moved.items():
        new = replace(des[key], rows_read=old.rows_read)
        out.append(Change("drop_function", old.schema, "", old.signature, old, None, None, why))
        out.append(Change("add_function", new.schema, "", new.signature, None, new, None, why))
        if new.comment:
            out.append(Change("set_type_comment", new.schema, "", new.signature, None, new, None, why))
    return out


def after_table_renames(f: Function, renamed: dict[tuple[str, str], tuple[str, str]]) -> Function:
    """`f` with its standard body naming each table of `renamed` (old key -> new) by its new name, as Postgres holds it
    after the RENAME (it records the table by OID): its drop is then ordered before the column changes it is dropped
    around, which name the new one (plan.keys reads the body's names)."""
    if not f.standard_body or not renamed:
        return f
    body = f.body
    for (_, name), (_, new) in renamed.items():
        body = verbatim_renamed(body, name, quote_ident(new)) if new != name else body
    return replace(f, body=body)


def named_types_of(f: Function) -> frozenset[tuple[str, str]]:
    """The types `f`'s argument DEFAULTs and SQL-standard body name after '::' or AS (pg.verbatim.named_types)."""
    texts = [a.default for a in f.arguments if a.default] + ([f.body] if f.standard_body else [])
    return frozenset().union(*(named_types(t) for t in texts))


def _reading_rows(f: Function, results: dict[tuple[str, str], set[tuple[str, str]]]) -> Function:
    """`f` with the types of the rows its standard body reads through the functions it calls (function_rows), which the
    plan orders it by as by the tables it names."""
    if not f.standard_body:
        return f
    rows = rows_through(sql_body_refs(f.body)[1], results)
    return replace(f, rows_read=tuple(sorted(rows))) if rows else f


def _held(f: Function, tables: set, gone: set, types: set, attributes: frozenset,
          results: dict[tuple[str, str], set[tuple[str, str]]]) -> Optional[str]:
    """Why `f` is held by what the migration drops (see functions_around_columns), or None. A standard body reads a
    field of a composite value by its name after '.' (`(x).i.a`) or in a function's column list in FROM (`unnest(p)
    unnest(a, b)`): pg.verbatim.selected_fields; and a table's columns through a function returning its row."""
    if any(called_functions(a.default) & gone for a in f.arguments if a.default):
        return FUNCTION_REBUILT
    if types and named_types_of(f) & types:
        return TYPE_NAMED_REBUILT
    texts = [a.default for a in f.arguments if a.default] + ([f.body] if f.standard_body else [])
    if attributes and any(selected_fields(t) & attributes for t in texts):
        return ATTRIBUTE_REBUILT
    if not f.standard_body:
        return None
    relations, functions, _ = sql_body_refs(f.body)
    # (an argument of a table's row type: `(r).n` in the body is recorded on column n of the table too)
    relations = relations | {type_name(a.type) for a in f.arguments} | rows_through(functions, results)
    return COLUMN_REBUILT if relations & tables else FUNCTION_REBUILT if functions & gone else None


def table_readers(desired: Schema) -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
    """(schema, table) -> the functions (schema, name) whose SQL-standard body reads it: itself, through a view
    (over views), or through another such function it calls; and those an argument or the result of which is
    of its row type (CHECK (valid(t.*))), or of a domain (its CHECK (is_even(VALUE)) calls is_even(even)).
    Postgres resolves such a body, and a signature, at CREATE FUNCTION, so a new table's default or CHECK that
    calls one cannot be in its CREATE TABLE (the function needs the table first), nor a domain's in its CREATE
    DOMAIN (domains_after_readers)."""
    found: dict[tuple[str, str], set] = {}
    typed = {(t.schema, t.name) for t in desired.tables} | {(d.schema, d.name) for d in desired.domains}
    for f in desired.functions:
        for text in [a.type for a in f.arguments] + [f.returns or ""]:
            relation = type_name(_SETOF.sub("", text)) if text else None
            if relation in typed:
                found.setdefault(relation, set()).add((f.schema, f.name))
    bodies: dict[tuple[str, str], list[str]] = {}
    for f in desired.functions:
        if f.standard_body:
            bodies.setdefault((f.schema, f.name), []).append(f.body)  # overloads together
    if not bodies:
        return {k: frozenset(v) for k, v in found.items()}
    views = {(v.schema, v.name): v.query for v in desired.views}
    reads: dict[tuple[str, tuple[str, str]], frozenset] = {}

    def read(node: tuple[str, tuple[str, str]]) -> frozenset:
        """The relations a function ("f") or a view ("v") reads, through the views and standard bodies it names."""
        if node in reads:
            return reads[node]
        reads[node] = frozenset()  # a cycle (which Postgres cannot build) ends here
        kind, key = node
        named = [sql_body_refs(b) for b in bodies[key]] if kind == "f" else [query_refs(views[key])]
        out = set()
        for relations, functions, _ in named:
            out |= relations
            out.update(*(read(("v", r)) for r in relations if r in views))
            out.update(*(read(("f", g)) for g in functions if g in bodies))
        reads[node] = frozenset(out)
        return reads[node]

    for key in bodies:
        for relation in read(("f", key)):
            found.setdefault(relation, set()).add(key)
    return {k: frozenset(v) for k, v in found.items()}


def without_calls_to(t: Table, functions: frozenset[tuple[str, str]]) -> Table:
    """`t` without the defaults and CHECKs that call any of `functions`: what its CREATE TABLE can hold
    when those functions read it (the rest follows as SET DEFAULT and ADD CONSTRAINT, after them). A stored
    generated column calling one follows as ADD COLUMN (no ALTER makes a column generated before PostgreSQL
    17's SET EXPRESSION), and so do the columns after it, in order (plan.dependencies chains them: the
    table keeps its order), with the keys and CHECKs that name them."""
    if not functions:
        return t
    calls = lambda text: bool(text) and not functions.isdisjoint(called_functions(text))  # noqa: E731
    first = next((n for n, c in enumerate(t.columns) if calls(c.generated)), len(t.columns))
    later = {c.name for c in t.columns[first:]}
    columns = tuple(replace(c, default=None) if calls(c.default) else c for c in t.columns if c.name not in later)
    checks = tuple(c for c in t.checks if not calls(c.expression) and not later & referenced_columns(c.expression))
    if columns == t.columns and checks == t.checks:
        return t
    key = t.primary_key if t.primary_key is None or later.isdisjoint(t.primary_key.columns) else None
    uniques = tuple(u for u in t.uniques if later.isdisjoint(u.columns))
    return replace(t, columns=columns, checks=checks, primary_key=key, uniques=uniques)


class _Asked(Mapping):
    """table_readers(desired) worked out on its first use: a diff that makes no table nor domain (an in-sync `diff`,
    whose fast path imports no sqlglot: tests/test_body_prints.py) reads no body for it."""

    def __init__(self, desired: Schema) -> None:
        self._desired: Optional[Schema] = desired
        self._found: dict = {}

    def _readers(self) -> dict:
        if self._desired is not None:
            self._found, self._desired = table_readers(self._desired), None
        return self._found

    def __getitem__(self, key):
        return self._readers()[key]

    def __iter__(self):
        return iter(self._readers())

    def __len__(self) -> int:
        return len(self._readers())


def readers_when_asked(desired: Schema) -> Mapping[tuple[str, str], frozenset[tuple[str, str]]]:
    """table_readers(desired), worked out where a change asks it (a new table's calls, a new domain's)."""
    return _Asked(desired) if desired.functions else {}


def domains_after_readers(changes: list[Change], readers: Mapping[tuple[str, str], frozenset[tuple[str, str]]]) -> list[Change]:
    """`changes` with each new domain whose CHECK or DEFAULT calls a function of `readers` (table_readers) made
    in two steps: CREATE DOMAIN without them, ALTER DOMAIN adding them once the function exists (it reads a
    table, and that table's columns may be of the domain: the CREATE DOMAIN waits for none of them)."""
    if not any(c.kind == "add_domain" for c in changes):
        return changes
    functions = frozenset().union(*readers.values()) if readers else frozenset()
    if not functions:
        return changes
    out = []
    for c in changes:
        new = c.new
        if c.kind != "add_domain" or new is None:
            out.append(c)
            continue
        calls = lambda text: bool(text) and not functions.isdisjoint(called_functions(text))  # noqa: E731
        checks = tuple(k for k in new.checks if not calls(k.expression))  # type: ignore[attr-defined]
        default = None if calls(new.default) else new.default  # type: ignore[attr-defined]
        if checks == new.checks and default == new.default:  # type: ignore[attr-defined]
            out.append(c)
            continue
        made = replace(new, checks=checks, default=default)
        out.append(replace(c, new=made))
        out.append(Change("alter_domain", c.schema, "", c.name, made, new, None, DOMAIN_CHECKS_LATER))
    return out
