"""Columns renamed (`renamed_from:`): the table as Postgres has it after each RENAME COLUMN, for the
rest of the comparison to see."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Callable

from schemac.compare.normalize import rename_column_in_expression
from schemac.model import Exclusion, NotNull, Table, names_a_column
from schemac.pg.lazy import lazy
from schemac.pg.names import default_constraint_name, default_not_null_name

policy_column_renamed = lazy("schemac.pg.policies", "policy_column_renamed")


def _kept_names(was: Table, t: Table, moves: tuple[tuple[str, str], ...], des: Table) -> Table:
    """`t` (`was` after this migration's RENAME COLUMNs `moves`, (old, new) each) with each key, EXCLUDE and foreign
    key declared without a name over a renamed column named as Postgres named it over the old ones (`t_a_b_key`),
    unless plan.table_renames.column_defaults_renamed renames it after the new ones (schema.yaml declares one unnamed
    under that very name, `t_a2_b2_key`): left unnamed then, its name follows the columns. Not taken for
    `t_a2_b2_key` where none renames it, which no DROP CONSTRAINT would find; nor named `t_a_b_key` where the
    migration renames it, which a DROP after the rename would miss."""
    new = {n for _, n in moves}
    over = lambda c: not new.isdisjoint(_columns(c))  # noqa: E731
    renamed = {default_constraint_name(des, d) for d in (*des.uniques, *des.exclusions, *des.foreign_keys)
               if d.name is None and over(d)}
    named = lambda before, after: tuple(  # noqa: E731
        replace(c, name=default_constraint_name(was, b)) if c.name is None and over(c)
        and default_constraint_name(t, c) not in renamed else c for b, c in zip(before, after))
    return replace(t, uniques=named(was.uniques, t.uniques), exclusions=named(was.exclusions, t.exclusions),
                   foreign_keys=named(was.foreign_keys, t.foreign_keys))


def _columns(c) -> list:
    """The columns a key, EXCLUDE or foreign key stands on, its INCLUDE columns too."""
    return [e.column for e in c.elements] if isinstance(c, Exclusion) else [*c.columns, *getattr(c, "include", ())]


def _rename_in_table(t: Table, old: str, new: str) -> Table:
    """The table as Postgres sees it after RENAME COLUMN old TO new: every reference follows, its foreign keys' too
    (the key is kept, not added again: a scan of the table to validate it), its triggers' WHEN and UPDATE OF, its
    policies' and statistics objects' (kept: not replaced, nor dropped and made again)."""
    col = lambda c: new if c == old else c  # noqa: E731
    expr = lambda e: rename_column_in_expression(e, old, new) if e is not None else None  # noqa: E731
    # (an expression not naming it is not read again: a policy's, as Postgres printed it, kept as it is)
    reads = lambda e: expr(e) if e is not None and old.lower() in e.lower() else e  # noqa: E731
    condition = lambda e: policy_column_renamed(e, t.schema, t.name, old, new) if e is not None and old.lower() in e.lower() \
        else e  # noqa: E731  (a policy's: subqueries, whose own columns of that name stay)
    return replace(
        t,
        triggers=tuple(replace(g, when=reads(g.when), update_columns=tuple(map(col, g.update_columns)))
                       for g in t.triggers),
        policies=tuple(replace(p, using=condition(p.using), with_check=condition(p.with_check)) for p in t.policies),
        statistics=tuple(replace(s, elements=tuple(col(e) if names_a_column(e) else reads(e) for e in s.elements))
                         for s in t.statistics),
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
        foreign_keys=tuple(replace(f, columns=tuple(map(col, f.columns)), on_delete_columns=tuple(map(col, f.on_delete_columns)))
                           if old in f.columns else f for f in t.foreign_keys),
    )


def with_column_renames(cur: Table, des: Table) -> Table:
    """`cur` after the RENAME COLUMNs `des`'s hints make of it (column_moves), nothing reported: what its policies read
    then (compare.policies, which compares them apart from diff_table's renamed table)."""
    for old, new in column_moves(cur, des):
        cur = _rename_in_table(cur, old, new)
    return cur


def column_moves(cur: Table, des: Table) -> list[tuple[str, str]]:
    """The RENAME COLUMNs (old, new) `des`'s hints make of `cur`, in schema.yaml's order: each from a name `cur` holds
    then to one it does not (a hint whose both names it holds, two columns swapping names, is none)."""
    names, moves = {c.name for c in cur.columns}, []
    for col in des.columns:
        old = col.renamed_from
        if old and old in names and col.name not in names:
            moves.append((old, col.name))
            names = (names - {old}) | {col.name}
    return moves


def applied_column_renames(cur: Table, des: Table, ch: Callable[..., None]) -> Table:
    """`cur` after the RENAME COLUMNs schema.yaml's `renamed_from:` asks for, each reported through `ch` with all of
    them (a renamed_from: whose rename an earlier migration made is none), and the migration's renames of the
    constraints named after their old names (_kept_names)."""
    moves = column_moves(cur, des)
    was = cur
    for old, new in moves:
        ch("rename_column", new, cur.column(old), des.column(new), column_renames=tuple(moves))
        cur = _rename_in_table(cur, old, new)
    return _kept_names(was, _not_nulls_kept(cur, tuple(moves), des), tuple(moves), des) if moves else cur


def _not_nulls_kept(t: Table, moves: tuple[tuple[str, str], ...], des: Table) -> Table:
    """`t` after RENAME COLUMNs `moves` with each renamed column's NOT NULL read under Postgres's default name
    (unnamed: `t_a_not_null` on 18) named so, where schema.yaml names that NOT NULL: RENAME COLUMN keeps its name, and
    plan.table_renames.column_defaults_renamed renames it to `t_b_not_null` only where schema.yaml leaves it unnamed
    (then unnamed stays right). Else the comparison would take it for `t_b_not_null` and rename one that is not there."""
    held = {new: default_not_null_name(t.name, old) for old, new in moves
            if (d := des.column(new)) is not None and d.not_null is not None and d.not_null.name is not None}
    return replace(t, columns=tuple(
        replace(c, not_null=replace(c.not_null or NotNull(), name=held[c.name]))
        if c.name in held and not c.nullable and (c.not_null is None or c.not_null.name is None) else c
        for c in t.columns)) if held else t


def references_follow_renames(cur_tables: dict[tuple[str, str], Table], des_tables: dict[tuple[str, str], Table]) -> None:
    """`cur_tables` with every foreign key naming the columns it references as they are after the RENAME COLUMNs
    schema.yaml asks for (Postgres's key follows the column: kept, not added again with a scan of the table)."""
    renames: dict[tuple[str, str], dict[str, str]] = {}
    for key, t in des_tables.items():
        cur = cur_tables.get(key)
        if cur is None or not any(c.renamed_from for c in t.columns):
            continue
        names = {c.name for c in cur.columns}
        renames[key] = {c.renamed_from: c.name for c in t.columns if c.renamed_from in names and c.name not in names}
    if not any(renames.values()):  # (most diffs: no foreign key walked)
        return
    for key, t in cur_tables.items():
        if any(renames.get((f.ref_schema, f.ref_table)) for f in t.foreign_keys):
            cur_tables[key] = replace(t, foreign_keys=tuple(
                replace(f, ref_columns=tuple(m.get(c, c) for c in f.ref_columns))
                if (m := renames.get((f.ref_schema, f.ref_table))) else f for f in t.foreign_keys))
