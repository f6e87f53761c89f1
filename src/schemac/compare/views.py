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

from schemac.model.frozen import replace
from typing import Callable, Optional

from schemac.compare.changes import Change
from schemac.compare.grants import defaulted, object_changes
from schemac.compare.given_back import held_alike, owners_by_default
from schemac.compare.moves import chained_renames, query_moved, views_moved
from schemac.compare.cast_types import defaults_moved
from schemac.compare.normalize import normal_form, search_path
from schemac.compare.row_types import fills_rows
from schemac.pg.column_storage import storage_of
from schemac.pg.opclasses import default_opclasses_dropped
from schemac.pg.path_names import unqualified_text
from schemac.pg.types import type_name
from schemac.compare.around import around_recreated, recreated_uses
from schemac.compare.opclasses import around_operator_classes
from schemac.compare.tables import diff_table, parameters_changed
from schemac.compare.view_renames import views_after_column_renames, views_after_output_renames
from schemac.compare.rebound_calls import rebound
from schemac.compare.view_binds import same_binding, views_set_aside
from schemac.compare.view_reads import disturbed, dropped_renamed, names_any, reads_any, text_keys, view_keys, view_refs
from schemac.compare.domain_casts import table_as_written
from schemac.compare.key_collations import keys_as_written
from schemac.compare.domain_overloads import lazy_overloads
from schemac.compare.types import keyed_domains
from schemac.model import Column, Schema, Table, View
from schemac.pg.lazy import lazy

same_text = lazy("schemac.pg.views", "same_text")
sole_relation_unqualified = lazy("schemac.pg.views", "sole_relation_unqualified")
query_columns = lazy("schemac.compare.view_queries", "QueryForms")  # (a view's output columns from its query)
query_forms = lazy("schemac.compare.view_queries", "query_forms")  # (a query compared as written: sqlglot)
noop_casts_dropped = lazy("schemac.pg.noop_casts", "noop_casts_dropped")  # (only where a matview has members)
dates_cast = lazy("schemac.pg.date_casts", "dates_cast")

# The cause of a view dropped and created again: what it reads changes, or its columns do.
REBUILT = "re-created around a change it depends on"
# The cause of the indexes and comments a re-created view gets back.
RESTORED = "restored on a re-created view"
# The cause of a new materialized view's indexes and their comments.
NEW_MATERIALIZED = "new materialized view"


def same_query(old: View, new: View, meaning: Optional[Callable[[str, str], bool]] = None) -> bool:
    """By Postgres's deparse when both are known; else, or when they differ, as written (either side's
    text): a query inspect wrote is a deparse already, one major's, which another major may spell
    otherwise. Where one side's deparse is unknown, `meaning(old text, new text)` (compare.view_queries: both
    read as Postgres resolves them) has the last word."""
    if old.definition is not None and new.definition is not None and (
            old.definition == new.definition or same_text(old.definition, new.definition)):
        return True  # (the same text first: the common case, without the blank space normalised)
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


def _same_columns(old: View, new: View) -> bool:
    """_columns(old) == _columns(new), without making them: same_view asks it of every view (half as fast made)."""
    if len(old.output) != len(new.output):
        return False
    for a, b in zip(old.output, new.output):
        if a.name != b.name or a.type != b.type:
            return False
    return True


def same_view(old: View, new: View, meaning: Optional[Callable[[str, str], bool]] = None) -> bool:
    """The same query (and, when both are known, the same columns), kind, options and overloads it is bound to where a
    build would call others (`binds`) (`meaning`: same_query's)."""
    if old.output and new.output and not _same_columns(old, new):
        return False
    return same_query(old, new, meaning) and (old.materialized, old.security_barrier, old.security_invoker, old.check_option) \
        == (new.materialized, new.security_barrier, new.security_invoker, new.check_option) and same_binding(old, new)


def unfilled_under(cur: dict, des: dict, rebuilt: set) -> set[tuple[str, str]]:
    """The materialized views kept unpopulated (`REFRESH ... WITH NO DATA`) that a populated one the migration
    creates or re-makes reads, directly or through views: Postgres refuses to populate that one over them
    ("materialized view ... has not been populated"), so each, which holds nothing, is re-made too (created
    populated, emptied after its readers: plan.populate.EMPTIED)."""
    kept = {key for key, v in des.items() if v.materialized and not v.with_data and key in cur and key not in rebuilt}
    if not kept:  # (most diffs)
        return set()
    out: set[tuple[str, str]] = set()
    for key, v in des.items():
        if v.materialized and v.with_data and (key not in cur or key in rebuilt):
            seen, todo = {key}, [v]
            while todo:
                for k in view_refs(todo.pop()):
                    if k[0] == "table" and k[1:3] in des and k[1:3] not in seen:
                        seen.add(k[1:3])
                        out |= {k[1:3]} & kept
                        if not des[k[1:3]].materialized:
                            todo.append(des[k[1:3]])
    return out


def replaceable_view(old: View, new: View) -> bool:
    """CREATE OR REPLACE VIEW can make the change: a plain view still, its columns kept (names and
    types, in order), new ones only appended (both sides' columns known)."""
    if old.materialized or new.materialized or not old.output or not new.output:
        return False
    return _columns(new)[: len(old.output)] == _columns(old)


def _comments(v: View) -> tuple:
    return (v.comment or None, {c.name: c.comment for c in v.columns if c.comment is not None} if v.columns else {})


def _defaults(v: View) -> dict:
    """The column defaults, each in its normal form (a written default and Postgres's deparse compare alike), and
    a materialized view's columns' statistics targets, storage (none where it is its type's own, when known) and
    compression."""
    return {c.name: (normal_form(c.default) if c.default is not None else None, c.statistics, storage_of(v, c),
                     c.compression)
            for c in v.columns if c.default is not None or c.statistics is not None or storage_of(v, c) is not None
            or c.compression is not None} if v.columns else {}  # (most views: none, asked of each)


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
    out = diff_table(keys_as_written(_as_stored(old, old), wanted) if old is not None else stand_in(new, False), wanted)
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


def stand_in_readers(current: Schema, desired: Schema) -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
    """Each view of `current` (as inspect read it, before its tables' renames) whose name a renamed table takes
    (Windmill's stand-in view queue, v2_job_queue renamed back onto its name), and the views reading it: compare.moves
    names what reads the table after the rename, under that very name, so diff_views makes again around the view's
    DROP these alone, not the table's readers, which keep reading it."""
    if not current.views or not any(t.renamed_from for t in desired.tables):  # (most diffs)
        return {}
    taken = {key for key, _ in chained_renames(current, desired)} & {v.key for v in current.views}
    views = {v.key: v for v in current.views if v.key in taken}
    return {key: frozenset(r.key for r in current.views if r.key not in taken and reads_any(view_refs(r), view_keys(v)))
            for key, v in views.items()}


def _over_out_changes(current: Schema, desired: Schema) -> set[tuple[str, str]]:
    """The current views reading a function (kept by its key) whose OUT parameters desired names or types otherwise."""
    def outs(schema: Schema) -> dict:
        return {(f.schema, f.name, f.identity): tuple((a.name, a.type) for a in f.arguments if a.mode in ("out", "inout"))
                for f in schema.functions}
    old, new = outs(current), outs(desired)
    moved = {k for k, o in old.items() if k in new and new[k] != o}
    return {v.key for v in current.views if moved and any(
        d.kind == "function" and (d.schema, d.name, tuple(t for t in (d.type or "").split(", ") if t)) in moved
        for d in v.depends)}


def _written_names(current: Schema, desired: Schema, moved: dict) -> Callable[[View, bool], Optional[list[str]]]:
    """A view's output columns as its query names them (compare.view_queries, sqlglot: asked only of a view known by
    its query as written whose query differs), in `desired` or in `current` (a view `moved` by its old key)."""
    forms: dict[bool, object] = {}
    back = {new: old for old, new in moved.items()}

    def named(v: View, in_desired: bool) -> Optional[list[str]]:
        if in_desired not in forms:
            forms[in_desired] = query_columns(desired if in_desired else current)
        key = v.key if in_desired else back.get(v.key, v.key)
        return forms[in_desired].columns_of(*key)  # type: ignore[attr-defined]
    return named


def diff_views(current: Schema, desired: Schema, others: list[Change],
               stand_ins: dict[tuple[str, str], frozenset[tuple[str, str]]]) -> list[Change]:
    """The changes of views, and the views re-created around `others` (the other changes); `stand_ins`:
    stand_in_readers of the schema as inspect read it."""
    out: list[Change] = []
    cur = {v.key: v for v in current.views}
    # (made with the overloads it must not call renamed or moved aside)
    des = views_set_aside(desired.views, desired.functions, desired.operators)

    def ch(kind: str, v: View, old: Optional[View], new: Optional[View], cause: Optional[str] = None) -> None:
        out.append(Change(kind, v.schema, "", v.name, old, new, None, cause))

    renamed: dict[tuple[str, str], View] = {}  # (renamed_from) new key -> the view as it was, renamed or moved
    moved = views_moved(current, desired)
    for was, key in moved.items():
        renamed[key] = cur.pop(was)
        cur[key] = replace(renamed[key], schema=des[key].schema, name=des[key].name)
    if renamed:  # (the views reading one as Postgres prints them after its RENAME TO, SET SCHEMA: kept, not replaced;
        # of one whose name a renamed table takes, its readers alone: the table's, which read that name now, do not)
        was = {new: old for old, new in moved.items()}
        cur = {key: query_moved(v, {o: n for o, n in moved.items() if o not in stand_ins or was.get(key, key) in
                                    stand_ins[o]}) for key, v in cur.items()}
    views_after_column_renames(cur, others, current)  # (their deparse as Postgres prints it after a RENAME COLUMN under them)
    before = dict(cur)
    # (a view reading a function whose OUT parameters change: `*` of it names them, a RENAME COLUMN of the view does
    # not rename the function's columns it prints, `fo(1) fo(y)`: made again)
    out_changed = _over_out_changes(current, desired) & set(des)
    outputs = views_after_output_renames(cur, {k: v for k, v in des.items() if k not in out_changed}, same_view, moved,
                                         _written_names(current, desired, moved), replacing=True, current=current)

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
        elif key in out_changed or not same_view(old, v, meaning) or rebound(old, v, desired):
            changed.append(key)
            if key in out_changed or not replaceable_view(old, v):
                rebuilt.add(key)
        elif v.materialized and old.with_data != v.with_data:
            ch("refresh_view", v, old, v)
    removed: set[tuple] = set()
    for key, old in cur.items():
        if key not in des:
            ch("drop_view", old, old, None)
            if key in stand_ins:  # (its readers, by what they read before the rename)
                rebuilt |= {r for k in stand_ins[key] if (r := moved.get(k, k)) in des and r in cur}
            else:
                removed |= view_keys(old)
    removed |= dropped_renamed(others)
    for c in others:
        removed |= disturbed(c)
        removed |= {("column", t.schema, t.name, c.name) for t in c.remakes}  # (compare.shared_generation)
    uses = recreated_uses(others)  # a column default using one: Postgres refuses DROP FUNCTION (OPERATOR) under it
    if uses is not None:  # (this and the next: most diffs have no such change, no view walked)
        rebuilt |= {key for key, old in cur.items() if key in des and uses(*(c.default for c in old.columns))}
    filled = {(c.schema, c.table) for c in others if fills_rows(c)}  # a matview holding such a table's rows (`SELECT t`)
    if filled:
        rebuilt |= {key for key, old in cur.items() if key in des and old.materialized
                    and any(c.type is not None and type_name(c.type) in filled for c in old.output)}
    removed |= {k for key in rebuilt for k in view_keys(cur[key]) | view_keys(renamed.get(key, cur[key]))}
    attributes = {k for c in others if c.kind == "alter_composite_type" for k in disturbed(c)}
    texts = text_keys(removed, attributes)
    grown = bool(removed or texts or unfilled_under(cur, des, rebuilt))  # (else none walked: no view reads any of it)
    while grown:  # what reads a view re-created is re-created too, and so on
        grown = False
        for key, old in cur.items():
            if key in des and key not in rebuilt and (reads_any(view_refs(old), removed) or names_any(old, texts)):
                rebuilt.add(key)
                removed |= view_keys(old) | view_keys(renamed.get(key, old))
                grown = True
        for key in unfilled_under(cur, des, rebuilt):  # re-made with a populated one reading it (plan.populate)
            rebuilt.add(key)
            removed |= view_keys(cur[key]) | view_keys(renamed.get(key, cur[key]))
            grown = True
    for key, old in renamed.items():  # ALTER VIEW ... SET SCHEMA, RENAME TO; one re-created is dropped as it was
        if key in rebuilt:
            cur[key] = old
        else:
            ch("rename_view", des[key], old, des[key])
    for key, moves in outputs.items():
        if key in rebuilt:  # (dropped as it is: with the columns it has)
            cur[key] = before[key] if key not in renamed else cur[key]
        elif key not in changed:  # (one changed too: renamed by its alter_view, before its OR REPLACE)
            out.append(Change("rename_view_column", des[key].schema, "", des[key].name, before[key], des[key],
                              column_renames=moves))
    for key in changed:  # OR REPLACE in place (after its RENAME COLUMNs), or created again after its drop
        out.append(Change("replace_view" if key in rebuilt else "alter_view", des[key].schema, "", des[key].name,
                          cur[key], des[key], column_renames=() if key in rebuilt else outputs.get(key, ())))
    for key in sorted(rebuilt):
        old, new = cur[key], des[key]
        ch("drop_view", old, old, None, REBUILT)
        if key not in changed:
            ch("add_view", new, None, new, REBUILT)
        out.extend(replace(c, cause=RESTORED) for c in _members(None, new))
        # Its access list and owner are those of a new view: granted again, and set again, here.
        out.extend(replace(c, cause=RESTORED) for c in object_changes(None, new, *defaulted(current, desired, new)))
    back = owners_by_default(current)
    for key, v in des.items():
        old = cur.get(key)
        if old is None or key in rebuilt:
            continue
        if not (old.columns or v.columns or v.materialized or _any_member(v) or _any_member(old)) \
                and (old.comment or None) == (v.comment or None) and held_alike(old, v, back):
            continue  # (most views: no column's entry, member nor parameter; the same comment, access list and owner)
        if _comments(old) != _comments(v):
            ch("set_view_comment", v, old, v)
        if _defaults(old) != _defaults(v) or defaults_moved(old, v):
            ch("set_view_defaults", v, old, v)
        if v.materialized and parameters_changed(old, v):
            ch("set_view_parameters", v, old, v)
        out.extend(_members(old, v, current, desired))
        out.extend(object_changes(old, v, defaults=back))
    # A materialized view's index using a function or operator dropped and created again: made again around it.
    kept = [key for key, v in cur.items() if (v.indexes or v.statistics) and key in des and key not in rebuilt]
    if uses and kept:
        out.extend(around_recreated(others + out, {k: stand_in(cur[k]) for k in kept}, {k: stand_in(des[k]) for k in kept}))
    if kept:  # and one using an operator class dropped and created again (named, or its column type's default)
        typed = {k: replace(stand_in(cur[k]), columns=tuple(Column(c.name, c.type) for c in cur[k].output if c.type))
                 for k in kept}
        out.extend(around_operator_classes(others + out, typed, {k: stand_in(des[k]) for k in kept}))
    return out
