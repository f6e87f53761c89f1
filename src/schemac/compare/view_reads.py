"""What a view reads, as keys of the dependency graph, and what a change takes from under it: the views compare.views
drops and creates again around the changes under them, and the keys plan.keys orders a view's CREATE by. Split from
compare/views.py at its 400 lines."""

from __future__ import annotations

import re

from schemac.compare.aggregates import replaceable_aggregate
from schemac.compare.around import changed_attributes, sets_aside
from schemac.compare.changes import Change
from schemac.compare.types import replaceable
from schemac.model import PrimaryKey, View
from schemac.model.collnames import collation_ref
from schemac.pg.lazy import lazy
from schemac.pg.names import constraint_name
from schemac.pg.types import type_name

query_refs = lazy("schemac.pg.sqlbody", "query_refs")
selected_fields = lazy("schemac.pg.verbatim", "selected_fields")  # (`(f()).n`: an attribute of a composite type)


def view_keys(v: View) -> set[tuple]:
    """The keys naming a view in the dependency graph: a relation, its row type (a function may return or
    take it), its columns (when known)."""
    return {("table", v.schema, v.name), ("type", v.schema, v.name), ("relation", v.schema, v.name)} | \
        {("column", v.schema, v.name, c.name) for c in v.output}


def view_refs(v: View) -> set[tuple]:
    """The keys of what a view reads, as Postgres recorded it; while unknown (Postgres could not build the
    query from schema.yaml alone: an extension the throwaway server lacks), what its query names
    (`pg.sqlbody.query_refs`), so that views over views are still created in order and rebuilt around a
    column retyped under them."""
    return _read(v) - view_keys(v)


def reads_itself(v: View, kinds: tuple[str, ...] = ("table", "column", "type")) -> bool:
    """Its query reads the view itself (its columns, its row type: `kinds` of keys): made by CREATE OR REPLACE VIEW
    over the view as it stood, which its query alone cannot create (plan.stubs)."""
    return any(k[0] in kinds and k[1:3] == (v.schema, v.name) for k in _read(v))


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
        elif d.kind in ("text search config", "text search dictionary"):  # pg.named_refs' keys
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


def disturbed(c: Change) -> set[tuple]:
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
    if k in ("alter_enum", "drop_enum", "drop_domain", "drop_composite_type") or sets_aside(c):
        return {("type", c.schema, c.old.name)}  # type: ignore[union-attr]
    if k == "alter_composite_type":  # an attribute dropped or retyped: `(cc).y` reads it (changed_attributes)
        return {("column", c.schema, c.name, a) for a in changed_attributes([c])}
    if k == "drop_constraint" and isinstance(c.old, PrimaryKey):  # a view grouping by it (e.name with GROUP BY e.id)
        name = constraint_name(c.table_def, c.old) if c.table_def is not None else c.old.name  # (unnamed: e_pkey)
        return {("constraint", c.schema, c.table, name)}
    return set()


def dropped_renamed(changes: list[Change]) -> set[tuple]:
    """The keys of the columns a change drops by their old names that their table's renames name anew (a generated
    column renamed and made again over a retyped column: DROP COLUMN g, ADD COLUMN gr): a view over it, whose reads
    follow the renames (compare.view_renames), reads it by the new one (else left over the DROP: 'cannot drop column g
    of table t1 because other objects depend on it')."""
    to = {(c.schema, c.table, a): b for c in changes if c.kind == "rename_column" for a, b in c.column_renames}
    return {("column", c.schema, c.table, to[k]) for c in changes if c.kind == "drop_column"
            and (k := (c.schema, c.table, c.name)) in to}


def reads_any(refs: set[tuple], removed: set[tuple]) -> bool:
    """Whether a view of `refs` reads a key of `removed`; `("column", s, t, "*")` (a query of unknown forms
    with `*`, `view_refs`) reads every column of t, and `("function", s, f)` (one such query's call, its
    argument types unknown) every overload of f."""
    if refs & removed:
        return True
    named = {k[1:] for k in refs if k[0] == "function" and len(k) == 3}
    return any(k[0] == "column" and ("column", *k[1:3], "*") in refs or k[0] == "function" and k[1:3] in named
               for k in removed)


def text_keys(removed: set[tuple], attributes: set[tuple]) -> list[tuple]:
    """The keys of `removed` a view of unknown forms may name in its text alone (`names_any`): types (a relation's
    row type left to `view_refs`), operators, constraints, and `attributes` (of composite types dropped or retyped).
    Those a re-created view adds are its relation's."""
    return [k for k in removed
            if k[0] in ("operator", "constraint") or k[0] == "type" and ("table", *k[1:]) not in removed] + \
        sorted(attributes)


def names_any(v: View, keys: list[tuple]) -> bool:
    """Whether a view of unknown forms (`view_refs`: what its query names) names in its text a type or an operator
    of `keys` (`text_keys`), which its query's names do not hold: a cast to an enum made again or a domain dropped
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
