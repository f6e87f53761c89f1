"""Columns renamed (`renamed_from:`): the table as Postgres has it after each RENAME COLUMN, for the
rest of the comparison to see."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Callable, Optional

from schemac.compare.changes import Change
from schemac.compare.moves import chain_moves, rename_cycles
from schemac.compare.normalize import rename_column_in_expression
from schemac.model import INDEXED_KEY_TYPES, Exclusion, NotNull, Partitioning, Schema, Table, names_a_column
from schemac.pg.lazy import lazy
from schemac.pg.names import default_constraint_name, default_not_null_name, scratch_name

policy_column_renamed = lazy("schemac.pg.policies", "policy_column_renamed")
parse_partition_key = lazy("schemac.pg.partition_texts", "parse_partition_key")
partition_key_opclasses = lazy("schemac.pg.partition_texts", "partition_key_opclasses")


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
        partition_by=_key_renamed(t.partition_by, old, new),
    )


def _key_renamed(p: Optional[Partitioning], old: str, new: str) -> Optional[Partitioning]:
    """A partition key naming column `old` as Postgres prints it after RENAME COLUMN old TO new (it stores the
    column's number): a sub-partitioned partition's key under its parent's rename, or a partitioned table's own."""
    if p is None or old.lower() not in p.key.lower():
        return p
    parts = [rename_column_in_expression(e, old, new) + (f" {c}" if c else "")
             for e, c in zip(parse_partition_key(p.key), partition_key_opclasses(p.key))]
    return replace(p, key=", ".join(parts))


def with_column_renames(cur: Table, des: Table) -> Table:
    """`cur` after the RENAME COLUMNs `des`'s hints make of it (column_moves), nothing reported: what its policies read
    then (compare.policies, which compares them apart from diff_table's renamed table)."""
    for old, new in column_moves(cur, des):
        cur = _rename_in_table(cur, old, new)
    return cur


def column_moves(cur: Table, des: Table) -> list[tuple[str, str]]:
    """The RENAME COLUMNs (old, new) `des`'s hints make of `cur`, in an order they can run: each from a name `cur`
    holds then to one it does not, a chain read again as a rename frees a name (moves.chain_moves); then each cycle of hints (two columns swapping names,
    or rotating them) through a scratch name (_cycle_moves). A hint whose both names `cur` holds otherwise is none."""
    cycles = _cycles(cur, des)
    taken = {old for cycle in cycles for old, _ in cycle}
    moves = chain_moves({c.name for c in cur.columns},
                        [(c.renamed_from, c.name) for c in des.columns if c.renamed_from and c.renamed_from not in taken])
    for cycle in cycles:
        moves += _cycle_moves(cycle)
    return moves


def _cycles(cur: Table, des: Table) -> list[list[tuple[str, str]]]:
    """Each cycle of `des`'s hints (old, new) over names `cur` holds, from its first hint in schema.yaml's order: a
    swap (b <- a, a <- b) or a rotation, which RENAME COLUMN makes through a scratch name. None where the scratch name
    is a column's, nor one whose every hint `cur` records already (state.json keeps the hints: an earlier migration
    made it; a database read cannot tell, compare.column_renames.without_name_cycles). An INHERITS parent's or a
    partitioned table's RENAME COLUMNs reach its children and partitions, which are given its cycles' hints
    (compare.inherited_renames.children_follow_renames): theirs then, made by the parent's statements (INHERITED);
    a child's own columns' cycle is its own; one of a column it has from a parent Postgres refuses
    (inherited_renames.renames_refused)."""
    names = {c.name for c in cur.columns}
    hints = [(c.renamed_from, c.name) for c in des.columns if c.renamed_from in names and c.name in names]
    olds = [old for old, _ in hints]
    out = []
    for cycle in rename_cycles({old: new for old, new in hints if olds.count(old) == 1}):
        done = all((c := cur.column(b)) is not None and c.renamed_from == a for a, b in cycle)
        if not done and scratch_name(cycle[0][0]) not in names | {c.name for c in des.columns}:
            out.append(cycle)
    return out


def _cycle_moves(cycle: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A cycle's RENAME COLUMNs: its first column set aside under a scratch name, each name then taken as it is freed,
    the aside one last (the order plan.name_swaps gives the first's rename split in two)."""
    first, to = cycle[0]
    back = {b: a for a, b in cycle}
    moves, free = [(first, scratch_name(first))], first
    while back[free] != first:
        moves.append((back[free], free))
        free = back[free]
    return moves + [(scratch_name(first), to)]


def swapped_names(moves) -> set[str]:
    """The names `moves` (a table's RENAME COLUMNs, through a scratch name too) take from one column to another on a
    cycle: each given up, then taken again."""
    return {a for cycle in rename_cycles(net_renames(moves)) for a, _ in cycle}


def net_renames(moves) -> dict[str, str]:
    """Each column's name before `moves` (in their order, through a scratch name too) -> its name after them."""
    now = {}  # name after the moves so far -> name before them
    for a, b in moves:
        now[b] = now.pop(a, a)
    return {was: name for name, was in now.items() if was != name}


def default_names_followed(t: Table, moves: tuple[tuple[str, str], ...]) -> tuple[list, list]:
    """(name over the old columns, name over the new) of each UNIQUE and EXCLUDE, and of each foreign key, that `t`
    (as schema.yaml has it) leaves unnamed over a column the table's RENAME COLUMNs `moves` rename (t_a_key ->
    t_a2_key): plan.table_renames renames them so after the last; a body naming the key (ON CONFLICT ON CONSTRAINT)
    then prints the new name (compare.body_renames)."""
    olds = {n: o for o, n in net_renames(moves).items()}  # (a cycle's scratch name neither)
    new = set(olds)
    back = lambda cs: tuple(olds.get(c, c) for c in cs)  # noqa: E731
    keys = [(default_constraint_name(t, replace(u, columns=back(u.columns), include=back(u.include))),
             default_constraint_name(t, u)) for u in t.uniques if not u.name and not new.isdisjoint((*u.columns, *u.include))]
    keys += [(default_constraint_name(t, replace(x, elements=tuple(replace(e, column=olds.get(e.column, e.column))
                                                                   for e in x.elements))), default_constraint_name(t, x))
             for x in t.exclusions if not x.name and any(e.column in new for e in x.elements)]
    fks = [(default_constraint_name(t, replace(f, columns=back(f.columns))), default_constraint_name(t, f))
           for f in t.foreign_keys if not f.name and not new.isdisjoint(f.columns)]
    return keys, fks


def applied_column_renames(cur: Table, des: Table, ch: Callable[..., None]) -> Table:
    """`cur` after the RENAME COLUMNs schema.yaml's `renamed_from:` asks for, each reported through `ch` with all of
    them (a renamed_from: whose rename an earlier migration made is none; a cycle's by their names before and after,
    plan.name_swaps then sets its first aside), and the migration's renames of the constraints named after their old
    names (_kept_names)."""
    moves = column_moves(cur, des)
    was, net = cur, net_renames(moves)
    for old, new in moves:
        if old in net and des.column(net[old]) is not None:  # (a cycle's: its first at its set-aside step)
            ch("rename_column", net[old], cur.column(old), des.column(net[old]),
               column_renames=tuple(moves))
        cur = _rename_in_table(cur, old, new)
    pairs = tuple(net.items())
    return _kept_names(was, _not_nulls_kept(cur, pairs, des), pairs, des) if moves else cur


def renamed_along(changes: list[Change], t: Table) -> list[Change]:
    """A partitioned table's `changes` with its rename_column ones given the (new name, old name) of each index and
    key its rename_index and rename_constraint ones rename (`Change.renamed_along`), one by definition or `renamed_from:`
    too, to a name of the user's (pd_mine) as much as to Postgres's over the new columns. `t`: the desired table."""
    if t.partition_by is None:  # (its copies renamed after the RENAME COLUMNs: plan.table_renames)
        return changes
    renames = tuple((c.name, c.old.name) for c in changes if c.kind == "rename_index" or  # type: ignore[union-attr]
                    c.kind == "rename_constraint" and isinstance(c.old, INDEXED_KEY_TYPES))
    if not renames:
        return changes
    return [replace(c, renamed_along=renames) if c.kind == "rename_column" else c for c in changes]


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
        renames[key] = net_renames(column_moves(cur, t))
    if not any(renames.values()):  # (most diffs: no foreign key walked)
        return
    for key, t in cur_tables.items():
        if any(renames.get((f.ref_schema, f.ref_table)) for f in t.foreign_keys):
            cur_tables[key] = replace(t, foreign_keys=tuple(
                replace(f, ref_columns=tuple(m.get(c, c) for c in f.ref_columns))
                if (m := renames.get((f.ref_schema, f.ref_table))) else f for f in t.foreign_keys))


def without_name_cycles(desired: Schema) -> Schema:
    """`desired` without its tables' hints that make a cycle (two columns swapping names, a rotation), for a comparison
    with a database: its catalog records no hint, so a swap made cannot be told from one to make (the columns are
    compared as they are, a type that differs still told); state.json's record tells generate (_cycles)."""
    def plain(t: Table) -> Table:
        looped = {new for cycle in rename_cycles({c.renamed_from: c.name for c in t.columns if c.renamed_from
                                           and t.column(c.renamed_from) is not None}) for _, new in cycle}
        return replace(t, columns=tuple(replace(c, renamed_from=None) if c.name in looped else c
                                        for c in t.columns)) if looped else t
    if not any(c.renamed_from for t in desired.tables for c in t.columns):  # (most schemas)
        return desired
    return replace(desired, tables=tuple(map(plain, desired.tables)))
