"""Columns renamed (`renamed_from:`): the table as Postgres has it after each RENAME COLUMN, for the
rest of the comparison to see."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Callable

from schemac.compare.normalize import rename_column_in_expression
from schemac.model import Exclusion, Table
from schemac.pg.names import constraint_name


def _kept_name(t: Table, c, old: str):
    """A key, EXCLUDE or foreign key on column `old` declared without a name keeps the one Postgres gave it after
    RENAME COLUMN (`t_old_key`): named so, it is not taken for `t_new_key`, which no DROP CONSTRAINT finds."""
    if c.name is not None or old not in [*_columns(c), *getattr(c, "include", ())]:
        return c
    return replace(c, name=constraint_name(t, c))


def _columns(c) -> list:
    return [e.column for e in c.elements] if isinstance(c, Exclusion) else list(c.columns)


def _rename_in_table(t: Table, old: str, new: str) -> Table:
    """The table as Postgres sees it after RENAME COLUMN old TO new: every reference follows."""
    col = lambda c: new if c == old else c  # noqa: E731
    expr = lambda e: rename_column_in_expression(e, old, new) if e is not None else None  # noqa: E731
    t = replace(t, uniques=tuple(_kept_name(t, u, old) for u in t.uniques),
                exclusions=tuple(_kept_name(t, x, old) for x in t.exclusions))
    return replace(
        t,
        columns=tuple(replace(c, name=new if c.name == old else c.name, generated=expr(c.generated))  # (what reads it)
                      if c.name == old or c.generated else c for c in t.columns),
        primary_key=replace(t.primary_key, columns=tuple(map(col, t.primary_key.columns))) if t.primary_key else None,
        uniques=tuple(replace(u, columns=tuple(map(col, u.columns)), include=tuple(map(col, u.include)))
                      for u in t.uniques),
        checks=tuple(replace(c, expression=expr(c.expression)) for c in t.checks),
        indexes=tuple(replace(i, elements=tuple(replace(e, column=col(e.column) if e.column else None,
                                                        expression=expr(e.expression)) for e in i.elements),
                              where=expr(i.where), include=tuple(map(col, i.include))) for i in t.indexes),
        exclusions=tuple(replace(x, elements=tuple(replace(e, column=col(e.column) if e.column else None,
                                                           expression=expr(e.expression)) for e in x.elements),
                                 where=expr(x.where), include=tuple(map(col, x.include))) for x in t.exclusions),
    )


def applied_column_renames(cur: Table, des: Table, ch: Callable[..., None]) -> Table:
    """`cur` after the RENAME COLUMNs schema.yaml's `renamed_from:` asks for, each reported through `ch`."""
    names = {c.name for c in cur.columns}
    for col in des.columns:
        old = col.renamed_from
        if old and old in names and col.name not in names:
            ch("rename_column", col.name, cur.column(old), col)
            cur = _rename_in_table(cur, old, col.name)
            names = {c.name for c in cur.columns}
    return cur
