"""Functions and procedures with a SQL-standard body reading a table, a view, a materialized view or a column renamed
(`renamed_from:`), as Postgres has them after the RENAME: it stores such a body parsed, naming the relation by OID and
the column by its number as a view's query does, so pg_get_functiondef prints the new names. The current schema is given them so, for the comparison: without it each was
replaced (CREATE OR REPLACE) for a difference the rename alone makes."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.moves import views_moved
from schemac.compare.sqlbodies import after_table_renames
from schemac.compare.view_renames import hinted_renames
from schemac.model import Function, Schema
from schemac.model.frozen import replace
from schemac.pg.lazy import lazy

action_renamed = lazy("schemac.pg.query_renames", "action_renamed")
statements_edited = lazy("schemac.pg.sqlbody", "statements_edited")
sql_body_refs = lazy("schemac.pg.sqlbody", "sql_body_refs")


def bodies_after_renames(current: Schema, desired: Schema, tables: list[Change], cur_tables: dict,
                         des_tables: dict) -> Schema:
    """`current` with each standard body reading a table renamed within its schema (`tables`, rename_table changes), a
    view or materialized view schema.yaml renames within its schema (compare.views' ALTER ... RENAME TO: crates.io's
    recent_crate_downloads under a RETURN (SELECT ...) of it), or a column schema.yaml renames as Postgres prints it
    after the RENAMEs (the relation's name where the body reads it; the columns' by pg.query_renames, statement by
    statement); one it cannot tell each reference of as it was (replaced, as before)."""
    if not any(f.standard_body for f in current.functions):
        return current  # (most diffs)
    moved = {(c.old.schema, c.old.name): (c.schema, c.table) for c in tables
             if c.kind == "rename_table" and c.old is not None and c.old.schema == c.schema}  # type: ignore[union-attr]
    moved.update({was: key for was, key in views_moved(current, desired).items() if was[0] == key[0]})
    renames = hinted_renames(cur_tables, des_tables)
    if not moved and not renames:
        return current
    return replace(current, functions=tuple(_renamed(f, moved, renames) if f.standard_body else f
                                            for f in current.functions))


def _renamed(f: Function, moved: dict, renames: list[tuple[str, str, str, str]]) -> Function:
    """`f` with its body after the renames of the columns it reads, in the migration's order: its queries', and the
    column lists of its INSERTs and the SET of its UPDATEs into the table (as a rule's actions are renamed)."""
    low = f.body.lower()
    if not any(k[1].lower() in low for k in moved) and not any(old.lower() in low for _, _, old, _ in renames):
        return f  # (no name it follows is in it: not parsed)
    read = {k: v for k, v in moved.items() if k in sql_body_refs(f.body)[0]}
    f = after_table_renames(f, read) if read else f
    relations = sql_body_refs(f.body)[0]
    body = f.body
    for schema, table, old, new in renames:
        if (schema, table) not in relations or old.lower() not in body.lower():
            continue
        after = statements_edited(body, lambda piece: action_renamed(piece, schema, table, old, new, ("", "")))
        if after is None:
            return f
        body = after
    return f if body == f.body else replace(f, body=body)
