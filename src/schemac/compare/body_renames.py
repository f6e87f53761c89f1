"""Functions and procedures with a SQL-standard body reading a table, a view, a materialized view or a column renamed
(`renamed_from:`), or a table, view or materialized view moved to another schema, as Postgres has them after the RENAME
or SET SCHEMA: it stores such a body parsed, naming the relation by OID and the column by its number as a view's query
does, so pg_get_functiondef prints the new names (a USING join on a column renamed in both its tables still names it as
it was: `a a(k, x) JOIN b b(k, y) USING (k)`). The current schema is given them so, for the comparison: without it each
was replaced (CREATE OR REPLACE) for a difference the rename alone makes."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.column_renames import default_names_followed
from schemac.compare.moves import views_moved
from schemac.compare.sqlbodies import after_table_renames
from schemac.compare.types import same_function
from schemac.compare.view_renames import hinted_renames, net_by_relation
from schemac.compare.attribute_readers import row_fields_followed
from schemac.model import INDEXED_KEY_TYPES, Function, Schema, Table
from schemac.model.frozen import replace
from schemac.pg.lazy import lazy
from schemac.pg.names import default_names_after_rename, quote_ident
from schemac.pg.sqllex import folded

action_renamed = lazy("schemac.pg.query_renames", "action_renamed")
conflict_arbiters = lazy("schemac.pg.sqlbody", "conflict_arbiters")
statements_edited = lazy("schemac.pg.sqlbody", "statements_edited")
sql_body_refs = lazy("schemac.pg.sqlbody", "sql_body_refs")
selected_fields = lazy("schemac.pg.verbatim", "selected_fields")
statement_moved = lazy("schemac.pg.relation_renames", "statement_moved")


def bodies_after_renames(current: Schema, desired: Schema, tables: list[Change], cur_tables: dict,
                         des_tables: dict) -> Schema:
    """`current` with each standard body reading a table renamed or moved (`tables`, rename_table changes), a view or
    materialized view schema.yaml renames or moves (compare.views' ALTER ... RENAME TO, SET SCHEMA: crates.io's
    recent_crate_downloads under a RETURN (SELECT ...) of it), or a column schema.yaml renames as Postgres prints it
    after the RENAMEs and SET SCHEMAs (the relation's name where the body reads it, a moved one's by
    pg.relation_renames; the columns' by pg.query_renames, statement by statement); one it cannot tell each reference
    of as it was (replaced, as before)."""
    if not any(f.standard_body for f in current.functions):
        return current  # (most diffs)
    moved = {(c.old.schema, c.old.name): (c.schema, c.table) for c in tables  # type: ignore[union-attr]
             if c.kind == "rename_table" and c.old is not None}
    moved.update(views_moved(current, desired))
    renames = hinted_renames(cur_tables, des_tables)
    if not moved and not renames:
        return current
    columns = _columns_after(cur_tables, des_tables, renames)
    return replace(current, functions=tuple(_renamed(f, moved, renames, columns) if f.standard_body else f
                                            for f in current.functions))


def _columns_after(cur_tables: dict, des_tables: dict, renames: list) -> dict[tuple[str, str], tuple[str, ...]]:
    """The columns, in their order (attnum), of each table whose columns are renamed, as Postgres holds them after the
    migration, where that is told: the current ones renamed, where schema.yaml adds, drops and regenerates none (a
    USING join on a renamed column prints them after the table's name: pg.query_renames.column_renamed)."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for key in dict.fromkeys((s, t) for s, t, _, _ in renames):
        cur: Table = cur_tables[key]
        names = tuple(c.name for c in cur.columns)
        for schema, table, old, new in renames:
            names = tuple(new if n == old else n for n in names) if (schema, table) == key else names
        des = {c.name: c for c in des_tables[key].columns}
        if set(names) == set(des) and all(c.generated == des[n].generated for c, n in zip(cur.columns, names)):
            out[key] = names
    return out


def _renamed(f: Function, moved: dict, renames: list[tuple[str, str, str, str]], columns: dict) -> Function:
    """`f` with its body after the renames and moves of the tables it reads, and those of the columns it reads, in the
    migration's order: its queries', and the column lists of its INSERTs and the SET of its UPDATEs into the table
    (as a rule's actions are renamed)."""
    low = f.body.lower()
    if not any(k[1].lower() in low for k in moved) and not any(old.lower() in low for _, _, old, _ in renames):
        return f  # (no name it follows is in it: not parsed)
    read = {k: v for k, v in moved.items() if k in sql_body_refs(f.body)[0]}
    f = after_table_renames(f, {k: v for k, v in read.items() if k[0] == v[0]})
    for was, now in read.items():
        if was[0] != now[0]:  # (SET SCHEMA, and RENAME TO: each relation of its queries, and a statement's target)
            body = statements_edited(f.body, lambda piece: statement_moved(piece, was, now))
            f = f if body is None else replace(f, body=body)
    relations = sql_body_refs(f.body)[0]
    body = f.body
    for schema, table, old, new in renames:
        if (schema, table) not in relations or old.lower() not in body.lower():
            continue
        after = statements_edited(body, lambda piece: action_renamed(piece, schema, table, old, new, ("", ""),
                                                                      columns.get((schema, table))))
        if after is None:
            return f
        body = after
    return f if body == f.body else replace(f, body=body)


def bodies_after_view_renames(changes: list[Change], views: list[Change], current: Schema,
                              desired: Schema) -> list[Change]:
    """`changes` with each standard body reading a view whose columns compare.views renames (ALTER VIEW ... RENAME
    COLUMN, before an OR REPLACE or alone: `views`) compared as Postgres prints it after them: it holds the column by
    its number, `SELECT v.b AS a` after two columns a and b swap names, so a body schema.yaml leaves `SELECT a FROM v`
    reads the other column unless replaced after the renames (an alter_function added, its old side the body as it
    reads before them, as the view's change names the columns; so where pg.query_renames cannot tell the body after
    them), and one schema.yaml writes as the renames leave it is kept (its alter_function left out). One dropped and
    made again around something is left as it is."""
    renames = [(c.schema, c.name, a, b) for c in views if c.kind in ("rename_view_column", "alter_view")
               for a, b in c.column_renames]
    if not renames or not any(f.standard_body for f in current.functions):  # (most diffs)
        return changes
    des = {(f.schema, f.name, f.identity): f for f in desired.functions}
    at: dict[tuple, list[int]] = {}
    for n, c in enumerate(changes):
        f = c.new if c.new is not None else c.old
        if c.kind in ("add_function", "alter_function", "drop_function") and isinstance(f, Function):
            at.setdefault((f.schema, f.name, f.identity), []).append(n)
    out, dropped = list(changes), set()
    fields = row_fields_followed(current, net_by_relation(renames), views_moved(current, desired))  # (`(f(v.*)).old`
    # of the view's row type; a view renamed too by its new name, which the body names it by)
    for f in current.functions:
        key = (f.schema, f.name, f.identity)
        if not f.standard_body or key not in des or any(changes[n].kind != "alter_function" for n in at.get(key, ())):
            continue
        relations, _, columns = sql_body_refs(f.body)
        if not any((s, v) in relations and (a in columns or "*" in columns) for s, v, a, _ in renames) and \
                not any(a in selected_fields(f.body) for _, _, a, _ in renames):
            continue
        after = _renamed(fields(f), {}, renames, {})  # (as it was where that is not told: replaced after the renames)
        if after.body != f.body and same_function(after, des[key]):
            dropped |= set(at.get(key, ()))
        elif key not in at:
            out.append(Change("alter_function", f.schema, "", f.signature, f, des[key]))
    return [c for n, c in enumerate(out) if n not in dropped]


def bodies_after_key_renames(changes: list[Change]) -> list[Change]:
    """`changes` without the alter_function of a standard body that differs from schema.yaml's only by the key its
    INSERT ... ON CONFLICT ON CONSTRAINT names, renamed by the migration (rename_constraint of a PRIMARY KEY, UNIQUE or
    EXCLUDE, whose name is its schema's: one index of it; one left unnamed, named after its table renamed or after
    its columns renamed, t_a_key to t_a2_key): Postgres holds the arbiter by OID and prints its new name after the
    RENAME CONSTRAINT, as it does a table's or column's (bodies_after_renames). The renames after the columns' run
    after the others (a table renamed, then its columns: features_a_key, flags_a_key, flags_a2_key)."""
    renamed: dict[str, set[str]] = {}
    followed: dict[str, set[str]] = {}  # (after the columns' renames)
    for c in changes:
        if c.kind == "rename_constraint" and isinstance(c.old, INDEXED_KEY_TYPES) and c.old.name and c.name:
            renamed.setdefault(c.old.name, set()).add(c.name)
        elif c.kind == "rename_column" and c.table_def is not None and c.column_renames:
            for was, now in default_names_followed(c.table_def, c.column_renames)[0]:
                followed.setdefault(was, set()).add(now)
        elif c.kind == "rename_table" and isinstance(c.old, Table) and c.old.name != c.table:  # (its unnamed keys')
            for was, now in default_names_after_rename(c.old, c.table, c.old.indexed_keys()):
                renamed.setdefault(was, set()).add(now)
    if not renamed and not followed:  # (most diffs)
        return changes
    return [c for c in changes if not (c.kind == "alter_function" and isinstance(c.old, Function) and
                                       isinstance(c.new, Function) and c.old.standard_body and
                                       _keys_followed(c.old, c.new, (renamed, followed)))]


def _keys_followed(old: Function, new: Function, steps: tuple[dict[str, set[str]], ...]) -> bool:
    """Whether `old`'s body, its ON CONFLICT ON CONSTRAINT names renamed by each of `steps` in turn (each one way
    only), is `new`'s."""
    body = old.body
    for t in reversed(conflict_arbiters(old.body)):
        to = folded(t)
        for renamed in steps:
            (to,) = renamed[to] if len(renamed.get(to, ())) == 1 else (to,)
        if to != folded(t):
            body = body[:t.start] + quote_ident(to) + body[t.start + len(t.text):]
    return body != old.body and same_function(replace(old, body=body), new)
