"""generate's warning of a function whose body is kept as text (PL/pgSQL, SQL between quotes) naming a column or a
table that schema.yaml renames (`renamed_from:`): Postgres follows a RENAME into a view or a SQL-standard body (it
holds the table by OID, the column by number) but not into such a body, which it parses only when it runs. The
migration applies, and the function fails at its next call ('record "new" has no field "a"', 'column "a" does not
exist', 'relation "u" does not exist'). schemac cannot rewrite PL/pgSQL reliably, so it says so, naming the function,
the column or table and the rename (probe56d).

Read by Postgres's lexical rules (pg.sqllex.may_name: the body's words and quoted names, and those its strings hold,
for dynamic SQL), a superset: a word spelled as the old name anywhere in the body counts. For a column, a function is
taken to read the table where its body names the table (its old or new name) or one of the table's triggers executes
it (`NEW.a` names no table). None where the same edit changes the body and it names the new name (taken for the edit
that follows the rename, though it may name the old one too: `NEW.b := OLD.a`)."""

from __future__ import annotations

from typing import Iterable

from schemac.compare.changes import Change
from schemac.model import Function, Schema
from schemac.model.references import split_reference
from schemac.pg.sqllex import may_name

_COMPILED = frozenset(("c", "internal"))


def text_body_rename_notices(changes: list[Change], current: Schema, desired: Schema) -> list[str]:
    """A warning for each function of `desired` with a body kept as text naming by its old name a column the migration
    renames of a table it reads, or a table it renames, unless the same edit changes its body to name the new one."""
    bodies = [f for f in desired.functions if not f.standard_body and f.language.lower() not in _COMPILED and f.body]
    if not bodies or not any(c.kind in ("rename_column", "rename_table") for c in changes):
        return []
    was = {(f.schema, f.name, f.identity): f.body for f in current.functions}

    def stale(f: Function, old: str, new: str) -> bool:
        """Whether `f` names `old`, and not `new` in a body this edit changes."""
        before = was.get((f.schema, f.name, f.identity))
        return may_name(f.body, {old}) and not (before is not None and before != f.body and may_name(f.body, {new}))

    tables = {t.key: t for t in desired.tables}
    old_names = {(c.schema, c.table): c.old.name for c in changes if c.kind == "rename_table"}  # type: ignore[union-attr]
    notes = []
    for c in changes:
        if c.kind == "rename_table" and c.old.name != c.table and (c.schema, c.old.name) not in tables:  # type: ignore
            # (a table renamed aside, a new one taking its name, leaves the body naming that one)
            notes += [_said(f, "table", _qualified(c.schema, c.old.name), c.old.name, c.table)  # type: ignore
                      for f in bodies if stale(f, c.old.name, c.table)]  # type: ignore[union-attr]
        if c.kind != "rename_column" or c.cause is not None or c.old is None or not c.name:
            continue
        t, old = tables.get((c.schema, c.table)), c.old.name  # type: ignore[union-attr]
        triggered = _run_by(t.triggers if t is not None else ())
        names = {c.table, old_names.get((c.schema, c.table), c.table)}
        notes += [_said(f, "column", f"{old} of {_qualified(c.schema, c.table)}", old, c.name) for f in bodies
                  if (may_name(f.body, names) or (f.schema, f.name) in triggered) and stale(f, old, c.name)]
    return notes


def _run_by(triggers: Iterable) -> set[tuple[str, str]]:
    return {split_reference(g.function) for g in triggers}


def _qualified(schema: str, name: str) -> str:
    return name if schema == "public" else f"{schema}.{name}"


def _said(f: Function, kind: str, what: str, old: str, new: str) -> str:
    where = f.source or f"function {f.schema}.{f.signature}"
    return (f"{where}: warning: function {f.schema}.{f.signature} ({f.language}) names {kind} {what}, which this "
            f"migration renames to {new} (renamed_from): Postgres does not follow a rename into a body kept as text, so "
            f"the function fails when it runs a statement naming {old}; edit its body to name {new}")
