"""Views and materialized views compared, and the views re-created around the changes under them.

A query is compared by Postgres's own deparse (`View.definition`: pg_get_viewdef), never by its
spelling: the database's against the one `generate` computed for schema.yaml's query in a throwaway
server and recorded in state.json (see docs/architecture.md, "How views are compared"). Where one
side's deparse is unknown, the queries are compared as written (blank space aside), and the report
says so.

Postgres refuses to drop or retype what a view reads (a column, a table, a function, a type) while the
view stands, and to change a view's columns but by appending new ones (CREATE OR REPLACE VIEW): such a
view, and every view that reads it, is dropped before and created again after (`REBUILT`: changes
that only exist to make another possible), in the order the dependency graph gives.
"""

from __future__ import annotations

import re

from schemac.model.frozen import replace
from typing import Callable, Optional

from schemac.compare.aggregates import replaceable_aggregate
from schemac.compare.changes import ENUM_REBUILT, Change
from schemac.compare.grants import defaulted, object_changes
from schemac.compare.given_back import owners_by_default
from schemac.compare.moves import old_key
from schemac.compare.normalize import normal_form, search_path
from schemac.compare.row_types import fills_rows
from schemac.pg.column_storage import storage_of
from schemac.pg.names import constraint_name
from schemac.pg.opclasses import default_opclasses_dropped
from schemac.pg.path_names import unqualified_text
from schemac.pg.types import type_name
from schemac.compare.around import around_recreated, changed_attributes, recreated_uses
from schemac.compare.opclasses import around_operator_classes
from schemac.compare.tables import diff_table, parameters_changed
from schemac.compare.domain_casts import table_as_written
from schemac.compare.domain_overloads import lazy_overloads
from schemac.compare.types import keyed_domains, replaceable
from schemac.model import Column, PrimaryKey, Schema, Table, View
from schemac.model.collnames import collation_ref
from schemac.pg.lazy import lazy

same_text = lazy("schemac.pg.views", "same_text")
sole_relation_unqualified = lazy("schemac.pg.views", "sole_relation_unqualified")
query_refs = lazy("schemac.pg.sqlbody", "query_refs")
query_forms = lazy("schemac.compare.view_queries", "query_forms")  # (a query compared as written: sqlglot)
noop_casts_dropped = lazy("schemac.pg.noop_casts", "noop_casts_dropped")  # (only where a matview has members)
dates_cast = lazy("schemac.pg.date_casts", "dates_cast")

selected_fields = lazy("schemac.pg.verbatim", "selected_fields")  # (`(f()).n`: an attribute of a composite type)

# The cause of a view dropped and created again: what it reads changes, or its columns do.
REBUILT = "re-created around a change it depends on"
# The cause of the indexes and comments a re-created view gets back.
RESTORED = "restored on a re-created view"
# The cause of a new materialized view's indexes and their comments.
NEW_MATERIALIZED = "new materialized view"


def view_keys(v: View) -> set[tuple]:
    """The keys naming a view in the dependency graph: a relation, its row type (a function may return or
    take it), its columns (when known)."""
    return {("table", v.schema, v.name), ("type", v.schema, v.name)} | {("column", v.schema, v.name, c.name)
                                                                          for c in v.output}


def view_refs(v: View) -> set[tuple]:
    """The keys of what a view reads, as Postgres recorded it; while unknown (Postgres could not build the
    query from schema.yaml alone: an extension the throwaway server lacks), what its query names
    (`pg.sqlbody.query_refs`), so that views over views are still created in order and rebuilt around a
    column retyped under them."""
    return _read(v) - view_keys(v)


def reads_itself(v: View) -> bool:
    """Its query reads the view itself (its columns, its row type): made by CREATE OR REPLACE VIEW over the view
    as it stood, which its query alone cannot create (plan.stubs)."""
    return any(k[0] in ("table", "column", "type") and k[1:3] == (v.schema, v.name) for k in _read(v))


def _read(v: View) -> set[tuple]:
    out: set[tuple] = {("schema", v.schema)}
    if not v.depends and v.definition is None:
        relations, functions, columns = query_refs(v.query)
        out |= {("table", *r) for r in relations} | {("function", *f) for f in functions}
        out |= {("column", *r, c) for r in relations for c in columns}
    for d in v.depends:
        if d.kind in ("relation", "column"):
            out.add(("table", d.schema, d.name))
            if d.column is not None:
                out.add(("column", d.schema, d.name, d.column))
        elif d.kind == "function":
            out.add(("function", d.schema, d.name, tuple(t for t in (d.type or "").split(", ") if t)))
        elif d.kind == "type":
            out.add(("type", d.schema, d.name))
        elif d.kind == "operator":
            out.add(("operator", d.schema, d.name))
        elif d.kind in ("text search config", "text search dictionary"):  # plan.named_refs' keys
            out.add((d.kind, d.schema, d.name))
        elif d.kind == "collation":  # plan.keys' key of a column's or an index's collation
            out.add(("collation", collation_ref(d.schema, d.name)))
        else:
            table, _, constraint = d.name.rpartition(".")
            out.add(("constraint", d.schema, table, constraint))
    if v.materialized:  # a column of a table's row type (`SELECT t FROM t`) holds every column of t: Postgres
        # refuses to retype one while the view stands ('cannot alter table "t" because column "mv.t" uses its row type')
        out |= {("column", *type_name(c.type), "*") for c in v.output if c.type is not None and ("table", *type_name(c.type)) in out}
    return out


def _disturbed(c: Change) -> set[tuple]:
    """The keys a change takes away from under a view (Postgres refuses it while the view stands)."""
    k = c.kind
    if k in ("alter_column_type", "drop_column", "alter_generated"):
        return {("column", c.schema, c.table, c.name)}
    if k == "drop_table":
        return {("table", c.schema, c.table)}
    if k == "drop_function" or (k == "alter_function" and not replaceable(c.old, c.new)):  # type: ignore[arg-type]
        return {("function", c.schema, c.old.name, c.old.identity)}  # type: ignore[union-attr]
    if k == "drop_aggregate" or (k == "alter_aggregate" and not replaceable_aggregate(c.old, c.new)):  # type: ignore
        return {("function", c.schema, c.old.name, c.old.identity)}  # type: ignore[union-attr]
    if k in ("drop_text_search_config", "drop_text_search_dictionary"):  # `'s.cfg'::regconfig` in the query:
        return {(k[5:].replace("_", " "), c.schema, c.old.name)}  # type: ignore[union-attr]  # refused under the view
    if k == "alter_text_search_dictionary" and c.old.template != c.new.template:  # type: ignore[union-attr]
        return {("text search dictionary", c.schema, c.old.name)}  # type: ignore[union-attr]  # dropped, made anew
    if k == "drop_collation":  # `COLLATE s.c` in the query: the same
        return {("collation", collation_ref(c.schema, c.old.name))}  # type: ignore[union-attr]
    if k == "drop_operator":  # for good, or to create it again (compare.operators)
        return {("operator", c.schema, c.old.name)}  # type: ignore[union-attr]
    if k in ("alter_enum", "drop_enum", "drop_domain", "drop_composite_type") or (
            k == "alter_domain" and c.cause == ENUM_REBUILT):
        return {("type", c.schema, c.old.name)}  # type: ignore[union-attr]
    if k == "alter_composite_type":  # an attribute dropped or retyped: `(cc).y` reads it (changed_attributes)
        return {("column", c.schema, c.name, a) for a in changed_attributes([c])}
    if k == "drop_constraint" and isinstance(c.old, PrimaryKey):  # a view grouping by it (e.name with GROUP BY e.id)
        name = constraint_name(c.table_def, c.old) if c.table_def is not None else c.old.name  # (unnamed: e_pkey)
        return {("constraint", c.schema, c.table, name)}
    return set()


def _reads_any(refs: set[tuple], removed: set[tuple]) -> bool:
    """Whether a view of `refs` reads a key of `removed`; `("column", s, t, "*")` (a query of unknown forms
    with `*`, `view_refs`) reads every column of t, and `("function", s, f)` (one such query's call, its
    argument types unknown) every overload of f."""
    if refs & removed:
        return True
    named = {k[1:] for k in refs if k[0] == "function" and len(k) == 3}
    return any(k[0] == "column" and ("column", *k[1:3], "*") in refs or k[0] == "function" and k[1:3] in named
               for k in removed)


def _text_keys(removed: set[tuple], attributes: set[tuple]) -> list[tuple]:
    """The keys of `removed` a view of unknown forms may name in its text alone (`_names_any`): types (a relation's
    row type left to `view_refs`), operators, constraints, and `attributes` (of composite types dropped or retyped).
    Those a re-created view adds are its relation's."""
    return [k for k in removed
            if k[0] in ("operator", "constraint") or k[0] == "type" and ("table", *k[1:]) not in removed] + \
        sorted(attributes)


def _names_any(v: View, keys: list[tuple]) -> bool:
    """Whether a view of unknown forms (`view_refs`: what its query names) names in its text a type or an operator
    of `keys` (`_text_keys`), which its query's names do not hold: a cast to an enum made again or a domain dropped
    (`k::kind`), an operator created again (`n ~~~ 3`), selects a composite type's attribute dropped or retyped
    (`(t_stats()).n`, of a function's result: pg.verbatim.selected_fields, its name of any type), or leans on a primary key dropped (a GROUP BY over its
    table). A word or symbol the same elsewhere in the text re-creates the view needlessly, never wrongly."""
    if not keys or v.depends or v.definition is not None:
        return False
    text = v.query.lower()
    for k in keys:
        if k[0] == "type" and re.search(r'(?<![\w$])' + re.escape(k[2].lower()) + r'(?![\w$])', text):
            return True
        if k[0] == "operator" and k[2] in text:
            return True
        if k[0] == "column" and k[3] in selected_fields(v.query):  # `(t_stats()).n`: an attribute dropped or retyped
            return True
        if k[0] == "constraint" and ("table", *k[1:3]) in view_refs(v) \
                and re.search(r"\bgroup\s+by\b", text):  # `GROUP BY p.id` selecting p.name
            return True
    return False


def same_query(old: View, new: View, meaning: Optional[Callable[[str, str], bool]] = None) -> bool:
    """By Postgres's deparse when both are known; else, or when they differ, as written (either side's
    text): a query inspect wrote is a deparse already, one major's, which another major may spell
    otherwise. Where one side's deparse is unknown, `meaning(old text, new text)` (compare.view_queries: both
    read as Postgres resolves them) has the last word."""
    if old.definition is not None and new.definition is not None and same_text(old.definition, new.definition):
        return True
    pairs = [(a, b) for a in (new.query, new.definition) for b in (old.query, old.definition) if a and b]
    if any(same_text(a, b) for a, b in pairs):
        return True
    # PostgreSQL 15's deparse of a query of one relation names it before every column (`SELECT t.id FROM t`)
    if any(same_text(sole_relation_unqualified(a), sole_relation_unqualified(b)) for a, b in pairs):
        return True
    # a query written against a database whose search_path holds the declared extensions' schemas: their names off
    # (not between two deparses, where `f(x)` is public's f and `ext.f(x)` another)
    path = search_path()
    if path and any(same_text(unqualified_text(a, path), unqualified_text(b, path)) for a, b in pairs
                    if a is new.query or b is old.query):
        return True
    return meaning is not None and compared_as_written(old, new) \
        and meaning(old.definition or old.query, new.definition or new.query)


def compared_as_written(old: View, new: View) -> bool:
    return old.definition is None or new.definition is None


def _columns(v: View) -> list[tuple]:
    return [(c.name, c.type) for c in v.output]


def same_view(old: View, new: View, meaning: Optional[Callable[[str, str], bool]] = None) -> bool:
    """The same query (and, when both are known, the same columns), kind and options (`meaning`: same_query's)."""
    if old.output and new.output and _columns(old) != _columns(new):
        return False
    return same_query(old, new, meaning) and (old.materialized, old.security_barrier, old.security_invoker, old.check_option) \
        == (new.materialized, new.security_barrier, new.security_invoker, new.check_option)


def replaceable_view(old: View, new: View) -> bool:
    """CREATE OR REPLACE VIEW can make the change: a plain view still, its columns kept (names and
    types, in order), new ones only appended (both sides' columns known)."""
    if old.materialized or new.materialized or not old.output or not new.output:
        return False
    return _columns(new)[: len(old.output)] == _columns(old)


def _comments(v: View) -> tuple:
    return (v.comment or None, {c.name: c.comment for c in v.columns if c.comment is not None})


def _defaults(v: View) -> dict:
    """The column defaults, each in its normal form (a written default and Postgres's deparse compare alike), and
    a materialized view's columns' statistics targets, storage (none where it is its type's own, when known) and
    compression."""
    return {c.name: (normal_form(c.default) if c.default is not None else None, c.statistics, storage_of(v, c),
                     c.compression)
            for c in v.columns if c.default is not None or c.statistics is not None or storage_of(v, c) is not None
            or c.compression is not None}


def stand_in(v: View, members: bool = True) -> Table:
    """A view as the table its indexes, extended statistics and CLUSTER ON (of a materialized view), triggers and rules
    are diffed and created on (`members` False: with none of them)."""
    if not members:
        return Table(name=v.name, schema=v.schema, source=v.source)
    return Table(name=v.name, schema=v.schema, indexes=v.indexes, triggers=v.triggers, rules=v.rules,
                 statistics=v.statistics, source=v.source, cluster_on=v.cluster_on)


def _members(old: Optional[View], new: View, current: Optional[Schema] = None,
             desired: Optional[Schema] = None) -> list[Change]:
    """The changes of a view's indexes, extended statistics, triggers and rules (`old` None: all of `new`'s are
    created). Where there are some and `current` has domains, a domain's column cast to its base type in the
    catalog's deparse (`((dc)::integer + 1)`, compare.domain_casts) is read again as schema.yaml's text."""
    if not _any_member(new) and (old is None or not _any_member(old)):
        return []  # most views: nothing to diff
    wanted = stand_in(new) if old is None else _as_stored(new, old)
    # (the current one's as stored too: a state.json records schema.yaml's as written, `{name: id, opclass: int4_ops}`)
    out = diff_table(_as_stored(old, old) if old is not None else stand_in(new, False), wanted)
    if out and old is not None and current is not None and current.domains:
        domains = (keyed_domains(current), {})
        typed = replace(stand_in(old), columns=tuple(Column(c.name, c.type) for c in old.output if c.type))
        overloads = lazy_overloads((current,) if desired is None else (current, desired), domains)
        composites = {(c.schema, c.name): c for c in current.composite_types}  # (`(z).a` of an attribute of one)
        out = diff_table(replace(table_as_written(typed, wanted, domains, composites, overloads), columns=()), wanted)
    return out


def _as_stored(new: View, old: View) -> Table:
    """stand_in(new) with its indexes' and statistics' casts of a column to its own type dropped, as Postgres stores
    them (`(id)::integer` on an integer column is `id`: pg.noop_casts, which the loader applies to a table's, knowing
    its columns' types; a matview's come from its query), a date column beside a timestamp cast to it (pg.date_casts),
    and then its keys' default operator classes and a column key's collation that is the column's own (pg.opclasses.default_opclasses_dropped, as the loader's): by its columns'
    types and collations where known, else the current view's (the same query: this one is not re-created)."""
    wanted = stand_in(new)
    if not (new.indexes or new.statistics):
        return wanted
    columns = tuple(Column(c.name, c.type, collation=c.collation) for c in (new.output or old.output) if c.type)
    if not columns:
        return wanted
    typed = dates_cast(replace(wanted, columns=columns))
    return replace(default_opclasses_dropped(noop_casts_dropped(typed)), columns=())


def _any_member(v: View) -> bool:
    return bool(v.indexes or v.statistics or v.triggers or v.rules)


def diff_views(current: Schema, desired: Schema, others: list[Change]) -> list[Change]:
    """The changes of views, and the views re-created around `others` (the other changes)."""
    out: list[Change] = []
    cur = {v.key: v for v in current.views}
    des = {v.key: v for v in desired.views}

    def ch(kind: str, v: View, old: Optional[View], new: Optional[View], cause: Optional[str] = None) -> None:
        out.append(Change(kind, v.schema, "", v.name, old, new, None, cause))

    renamed: dict[tuple[str, str], View] = {}  # (renamed_from) new key -> the view as it was, renamed or moved
    for key, v in des.items():
        was = old_key(v, cur) if v.renamed_from and key not in cur else None
        if was is not None and was not in des:
            renamed[key] = cur.pop(was)
            cur[key] = replace(renamed[key], schema=v.schema, name=v.name)

    rebuilt: set[tuple[str, str]] = set()  # current views dropped to be created again
    changed: list[tuple[str, str]] = []
    forms: list[Callable[[str, str], bool]] = []  # made on the first query compared as written

    def meaning(old_text: str, new_text: str) -> bool:
        if not forms:
            forms.append(query_forms(current, desired))
        return forms[0](old_text, new_text)

    for key, v in des.items():
        old = cur.get(key)
        if old is None:
            ch("add_view", v, None, v)
            out.extend(replace(c, cause=NEW_MATERIALIZED) for c in _members(None, v))
            out.extend(object_changes(None, v, *defaulted(current, desired, v)))
        elif not same_view(old, v, meaning):
            changed.append(key)
            if not replaceable_view(old, v):
                rebuilt.add(key)
        elif v.materialized and old.with_data != v.with_data:
            ch("refresh_view", v, old, v)
    removed: set[tuple] = set()
    for key, old in cur.items():
        if key not in des:
            ch("drop_view", old, old, None)
            removed |= view_keys(old)
    for c in others:
        removed |= _disturbed(c)
    uses = recreated_uses(others)  # a column default using one: Postgres refuses DROP FUNCTION (OPERATOR) under it
    rebuilt |= {key for key, old in cur.items() if key in des and uses and uses(*(c.default for c in old.columns))}
    filled = {(c.schema, c.table) for c in others if fills_rows(c)}  # a matview holding such a table's rows (`SELECT t`)
    rebuilt |= {key for key, old in cur.items() if key in des and filled and old.materialized
                and any(c.type is not None and type_name(c.type) in filled for c in old.output)}
    removed |= {k for key in rebuilt for k in view_keys(cur[key]) | view_keys(renamed.get(key, cur[key]))}
    attributes = {k for c in others if c.kind == "alter_composite_type" for k in _disturbed(c)}
    grown, texts = True, _text_keys(removed, attributes)
    while grown:  # what reads a view re-created is re-created too, and so on
        grown = False
        for key, old in cur.items():
            if key in des and key not in rebuilt and (_reads_any(view_refs(old), removed) or _names_any(old, texts)):
                rebuilt.add(key)
                removed |= view_keys(old) | view_keys(renamed.get(key, old))
                grown = True
    for key, old in renamed.items():  # ALTER VIEW ... SET SCHEMA, RENAME TO; one re-created is dropped as it was
        if key in rebuilt:
            cur[key] = old
        else:
            ch("rename_view", des[key], old, des[key])
    for key in changed:  # OR REPLACE in place, or created again after its drop
        ch("replace_view" if key in rebuilt else "alter_view", des[key], cur[key], des[key])
    for key in sorted(rebuilt):
        old, new = cur[key], des[key]
        ch("drop_view", old, old, None, REBUILT)
        if key not in changed:
            ch("add_view", new, None, new, REBUILT)
        out.extend(replace(c, cause=RESTORED) for c in _members(None, new))
        # Its access list and owner are those of a new view: granted again, and set again, here.
        out.extend(replace(c, cause=RESTORED) for c in object_changes(None, new, *defaulted(current, desired, new)))
    for key, v in des.items():
        old = cur.get(key)
        if old is None or key in rebuilt:
            continue
        if _comments(old) != _comments(v):
            ch("set_view_comment", v, old, v)
        if _defaults(old) != _defaults(v):
            ch("set_view_defaults", v, old, v)
        if v.materialized and parameters_changed(old, v):
            ch("set_view_parameters", v, old, v)
        out.extend(_members(old, v, current, desired))
        out.extend(object_changes(old, v, defaults=owners_by_default(current)))
    # A materialized view's index using a function or operator dropped and created again: made again around it.
    kept = [key for key, v in cur.items() if (v.indexes or v.statistics) and key in des and key not in rebuilt]
    if uses and kept:
        out.extend(around_recreated(others + out, {k: stand_in(cur[k]) for k in kept}, {k: stand_in(des[k]) for k in kept}))
    if kept:  # and one using an operator class dropped and created again (named, or its column type's default)
        typed = {k: replace(stand_in(cur[k]), columns=tuple(Column(c.name, c.type) for c in cur[k].output if c.type))
                 for k in kept}
        out.extend(around_operator_classes(others + out, typed, {k: stand_in(des[k]) for k in kept}))
    return out
