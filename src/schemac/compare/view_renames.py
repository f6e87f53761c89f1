"""Views and materialized views over a column renamed (`renamed_from:`): as Postgres has them after the RENAME COLUMN,
which rewrites their stored query (pg_get_viewdef then prints the new name), for compare.views to compare with the
desired ones. Without it a materialized view whose query the rename alone explains was dropped and made again (its
rows computed again, its indexes, comments and grants given back), a view replaced for nothing."""

from __future__ import annotations

from schemac.model.frozen import replace

from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.moves import as_current
from schemac.model import Column, Schema, View
from schemac.pg.lazy import lazy

column_renamed = lazy("schemac.pg.query_renames", "column_renamed")


def views_after_column_renames(cur: dict, others: list[Change], current: Optional[Schema] = None) -> None:
    """`cur` (key -> current view) with each view reading a column a rename_column of `others` renames as it is after
    it: its deparse (where pg.query_renames can tell each reference apart; else as it was) and what it reads.
    `current`: its tables, whose columns a USING join on a renamed column prints (_columns_after)."""
    renames = [(c.schema, c.table, c.old.name, c.name) for c in others
               if c.kind == "rename_column" and isinstance(c.old, Column) and c.name]
    if not renames:  # (most diffs)
        return
    columns = _columns_after(current, others) if current is not None else {}
    for key, v in cur.items():
        if any(d.kind == "column" and (d.schema, d.name, d.column) == r[:3] for d in v.depends for r in renames):
            cur[key] = _renamed(v, renames, columns)


def _columns_after(current: Schema, others: list[Change]) -> dict[tuple[str, str], tuple[str, ...]]:
    """The columns of each table whose columns are renamed, in their order after the migration's renames, where
    schema.yaml declares those very columns in that order (else the order after the migration is not told here)."""
    was = as_current(others)
    tables = {t.key: t for t in current.tables}
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for c in others:
        if c.kind != "rename_column" or c.table_def is None or (c.schema, c.table) in out:
            continue
        t = tables.get(was(c.schema, c.table))
        if t is None:
            continue
        names = tuple(col.name for col in t.columns)
        for a, b in c.column_renames:  # (in the migration's order: a chain's b -> c before a -> b)
            names = tuple(b if n == a else n for n in names)
        if names == tuple(col.name for col in c.table_def.columns):
            out[(c.schema, c.table)] = names
    return out


def _renamed(v: View, renames: list[tuple[str, str, str, str]],
             columns: dict[tuple[str, str], tuple[str, ...]]) -> View:
    """`v` after the renames of the columns it reads, in the migration's order."""
    text, depends = v.definition, v.depends
    for schema, table, old, new in renames:
        read = lambda d: d.kind == "column" and (d.schema, d.name, d.column) == (schema, table, old)  # noqa: E731
        if not any(map(read, depends)):
            continue
        # (a relation of that name printed unqualified is this one unless the view reads another of its name)
        alone = not any(d.name == table and d.schema != schema for d in depends if d.kind in ("relation", "column"))
        text = column_renamed(text, schema, table, old, new, alone, None, columns.get((schema, table))) \
            if text is not None else None
        depends = tuple(replace(d, column=new) if read(d) else d for d in depends)
    if text is None:
        return replace(v, depends=depends)
    return replace(v, definition=text, query=text if v.query == v.definition else v.query, depends=depends)
