"""generate's warning of a function whose body is kept as text (PL/pgSQL, SQL between quotes) naming a column that
schema.yaml renames (`renamed_from:`): Postgres follows a RENAME COLUMN into a view or a SQL-standard body (it holds
the column by number) but not into such a body, which it parses only when it runs. The migration applies, and the
function fails at its next call ('record "new" has no field "a"', 'column "a" does not exist'). schemac cannot rewrite
PL/pgSQL reliably, so it says so, naming the function, the column and the rename (probe56d).

Read by Postgres's lexical rules (pg.sqllex.names_in: the body's words and quoted names, and those its strings hold,
for dynamic SQL), a superset: a word spelled as the old name anywhere in the body counts. A function is taken to read
the table where its body names the table (its old or new name) or one of the table's triggers executes it (`NEW.a`
names no table). None where the same edit changes the body and it names the new column (taken for the edit that
follows the rename, though it may name the old one too: `NEW.b := OLD.a`)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Function, Schema
from schemac.model.references import split_reference
from schemac.pg.sqllex import may_name

_COMPILED = frozenset(("c", "internal"))


def text_body_rename_notices(changes: list[Change], current: Schema, desired: Schema) -> list[str]:
    """A warning for each function of `desired` with a body kept as text naming a column the migration renames (by
    its old name) of a table it reads, unless the same edit changes its body to name the new one."""
    renames = [(c.schema, c.table, c.old.name, c.name) for c in changes  # type: ignore[union-attr]
               if c.kind == "rename_column" and c.cause is None and c.old is not None and c.name]
    bodies = [f for f in desired.functions if not f.standard_body and f.language.lower() not in _COMPILED and f.body]
    if not renames or not bodies:
        return []
    was = {(f.schema, f.name, f.identity): f.body for f in current.functions}
    tables = {t.key: t for t in desired.tables}
    old_names = {(c.schema, c.table): c.old.name for c in changes if c.kind == "rename_table"}  # type: ignore[union-attr]
    notes = []
    for schema, table, old, new in renames:
        t = tables.get((schema, table))
        triggered = {split_reference(g.function) for g in t.triggers} if t is not None else set()
        names = {table, old_names.get((schema, table), table)}
        for f in bodies:
            if not (may_name(f.body, names) or (f.schema, f.name) in triggered) or not may_name(f.body, {old}):
                continue
            before = was.get((f.schema, f.name, f.identity))
            if before is not None and before != f.body and may_name(f.body, {new}):
                continue
            notes.append(_said(f, schema, table, old, new))
    return notes


def _said(f: Function, schema: str, table: str, old: str, new: str) -> str:
    where = f.source or f"function {f.schema}.{f.signature}"
    qualified = table if schema == "public" else f"{schema}.{table}"
    return (f"{where}: warning: function {f.schema}.{f.signature} ({f.language}) names column {old} of {qualified}, "
            f"which this migration renames to {new} (renamed_from): Postgres does not follow a rename into a body kept "
            f"as text, so the function fails when it runs a statement naming {old}; edit its body to name {new}")
