"""Views and materialized views over a column renamed (`renamed_from:`): as Postgres has them after the RENAME COLUMN,
which rewrites their stored query (pg_get_viewdef then prints the new name), for compare.views to compare with the
desired ones. Without it a materialized view whose query the rename alone explains was dropped and made again (its
rows computed again, its indexes, comments and grants given back), a view replaced for nothing."""

from __future__ import annotations

from schemac.model.frozen import replace

from schemac.compare.changes import Change
from schemac.model import Column, View
from schemac.pg.lazy import lazy

column_renamed = lazy("schemac.pg.query_renames", "column_renamed")


def views_after_column_renames(cur: dict, others: list[Change]) -> None:
    """`cur` (key -> current view) with each view reading a column a rename_column of `others` renames as it is after
    it: its deparse (where pg.query_renames can tell each reference apart; else as it was) and what it reads."""
    renames = [(c.schema, c.table, c.old.name, c.name) for c in others
               if c.kind == "rename_column" and isinstance(c.old, Column) and c.name]
    if not renames:  # (most diffs)
        return
    for key, v in cur.items():
        if any(d.kind == "column" and (d.schema, d.name, d.column) == r[:3] for d in v.depends for r in renames):
            cur[key] = _renamed(v, renames)


def _renamed(v: View, renames: list[tuple[str, str, str, str]]) -> View:
    """`v` after the renames of the columns it reads, in the migration's order."""
    text, depends = v.definition, v.depends
    for schema, table, old, new in renames:
        read = lambda d: d.kind == "column" and (d.schema, d.name, d.column) == (schema, table, old)  # noqa: E731
        if not any(map(read, depends)):
            continue
        # (a relation of that name printed unqualified is this one unless the view reads another of its name)
        alone = not any(d.name == table and d.schema != schema for d in depends if d.kind in ("relation", "column"))
        text = column_renamed(text, schema, table, old, new, alone) if text is not None else None
        depends = tuple(replace(d, column=new) if read(d) else d for d in depends)
    if text is None:
        return replace(v, depends=depends)
    return replace(v, definition=text, query=text if v.query == v.definition else v.query, depends=depends)
